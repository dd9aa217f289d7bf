"use client";

import { useActionState, useState } from "react";

import type { ActionResult } from "@/lib/validated-action";

type Props<T> = {
  action: (previous: ActionResult<T>, formData: FormData) => Promise<ActionResult<T>>;
  /** The fields (hidden inputs, an amount…). */
  children?: React.ReactNode;
  submitLabel: string;
  /** When set, the first press asks this question, and only "Yes" sends the form. */
  confirm?: string;
  className?: string;
  buttonClass?: string;
  /**
   * Nothing to do right now (no live invoice, nothing left to refund). The form stays on the page, disabled, so
   * that the answer of the action that got it there stays visible.
   */
  disabled?: boolean;
  "aria-label"?: string;
};

function messageOf(data: unknown): string | null {
  if (data && typeof data === "object" && "message" in data && typeof data.message === "string") return data.message;
  return null;
}

/**
 * A form bound to an admin Server Action: asks for confirmation first when told to, cannot be sent twice while it
 * is being sent, and shows what the action answered.
 */
export function AdminActionForm<T>({
  action,
  children,
  submitLabel,
  confirm,
  className,
  buttonClass = "button primary",
  disabled = false,
  ...rest
}: Props<T>) {
  const [state, formAction, pending] = useActionState(action, null);
  const [confirming, setConfirming] = useState(false);
  const message = state?.ok ? messageOf(state.data) : null;

  return (
    <form
      action={(formData) => {
        setConfirming(false);
        formAction(formData);
      }}
      className={className}
      aria-label={rest["aria-label"] ?? submitLabel}
      aria-busy={pending}
    >
      <fieldset disabled={disabled} className="admin-fieldset">
        {children}
      </fieldset>
      {confirm && (!confirming || disabled) ? (
        <button type="button" className={buttonClass} disabled={pending || disabled} onClick={() => setConfirming(true)}>
          {submitLabel}
        </button>
      ) : null}
      {confirm && confirming && !disabled ? (
        <span className="admin-confirm" role="group" aria-label="Confirm">
          <span>{confirm}</span>
          <button type="submit" className="button primary" disabled={pending}>
            Yes, {submitLabel.toLowerCase()}
          </button>
          <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
            No
          </button>
        </span>
      ) : null}
      {!confirm ? (
        <button type="submit" className={buttonClass} disabled={pending || disabled} aria-busy={pending}>
          {submitLabel}
        </button>
      ) : null}
      <span className="admin-form-status" aria-live="polite">
        {pending ? "Working…" : null}
        {!pending && state?.ok === false ? (
          <span role="alert" className="form-error">
            {state.error}
          </span>
        ) : null}
        {!pending && message ? <span role="status">{message}</span> : null}
      </span>
    </form>
  );
}
