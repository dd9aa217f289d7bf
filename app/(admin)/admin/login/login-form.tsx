"use client";

import { useActionState } from "react";

import type { ActionResult } from "@/lib/validated-action";

type Props = { action: (previous: ActionResult<never>, formData: FormData) => Promise<ActionResult<never>> };

export function LoginForm({ action }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="admin-login-form" aria-label="Sign in">
      <label>
        Password
        <input type="password" name="password" autoComplete="current-password" required autoFocus />
      </label>
      <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
        {pending ? "Signing in…" : "Sign in"}
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
