"use client";

import { useActionState } from "react";

import type { ActionResult } from "@/lib/validated-action";

import { SignInSubmit } from "../sign-in-submit";

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
      <SignInSubmit pending={pending} pendingLabel="Checking…" error={state?.ok === false ? state.error : null} />
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
