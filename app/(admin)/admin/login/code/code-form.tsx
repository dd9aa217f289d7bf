"use client";

import { useActionState } from "react";

import type { ActionResult } from "@/lib/validated-action";

type Action = (previous: ActionResult<never>, formData: FormData) => Promise<ActionResult<never>>;

export function CodeForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="admin-login-form" aria-label="Two-factor code">
      <label>
        Code
        <input
          type="text"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          maxLength={7}
          required
          autoFocus
        />
      </label>
      <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
        {pending ? "Checking…" : "Sign in"}
      </button>
      <div aria-live="polite">
        {state?.ok === false ? (
          <p role="alert" className="form-error">
            {state.error}
          </p>
        ) : null}
      </div>
    </form>
  );
}

export function CancelSignInForm({ action }: { action: Action }) {
  const [, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} aria-label="Cancel sign-in">
      <button type="submit" className="button secondary" disabled={pending}>
        Cancel and sign in again
      </button>
    </form>
  );
}
