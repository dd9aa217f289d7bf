"use client";

import type { RefundOutcome } from "@/lib/admin/refunds";
import type { ActionResult } from "@/lib/validated-action";

// The parts both refund forms share: the question that names the amount and the customer before anything is sent,
// and the answer of the Server Action.

export type RefundActionFn = (previous: ActionResult<RefundOutcome>, formData: FormData) => Promise<ActionResult<RefundOutcome>>;

/** The submit step: the form's button, or once pressed, the question with "Yes, …" and "No". */
export function RefundConfirm({
  label,
  question,
  pending,
  disabled,
  onAsk,
  onCancel,
}: {
  label: string;
  /** The question to ask; null until the button was pressed (or after "No"). */
  question: string | null;
  pending: boolean;
  disabled: boolean;
  onAsk: () => void;
  onCancel: () => void;
}) {
  if (question === null || disabled) {
    return (
      <button type="button" className="button primary" disabled={pending || disabled} onClick={onAsk}>
        {label}
      </button>
    );
  }
  return (
    <span className="admin-confirm" role="group" aria-label="Confirm">
      <span>{question}</span>
      <button type="submit" className="button primary" disabled={pending}>
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" className="button secondary" onClick={onCancel}>
        No
      </button>
    </span>
  );
}

/** What the form found wrong before sending, or what the server answered. */
export function RefundAnswer({ state, pending, localError }: { state: ActionResult<RefundOutcome>; pending: boolean; localError: string | null }) {
  return (
    <span className="admin-form-status" aria-live="polite">
      {pending ? "Working…" : null}
      {!pending && localError ? (
        <span role="alert" className="form-error">
          {localError}
        </span>
      ) : null}
      {!pending && !localError && state?.ok === false ? (
        <span role="alert" className="form-error">
          {state.error}
        </span>
      ) : null}
      {!pending && !localError && state?.ok ? <span role="status">{state.data.message}</span> : null}
    </span>
  );
}
