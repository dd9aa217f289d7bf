"use client";

import { useActionState, useState } from "react";

import type { ActionResult } from "@/lib/validated-action";

import { SignInSubmit } from "./sign-in-submit";

type Props = { action: (previous: ActionResult<never>, formData: FormData) => Promise<ActionResult<never>> };

export function LoginForm({ action }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  // Kept in state so that a refused sign-in leaves the address typed (React resets uncontrolled fields after an action).
  const [email, setEmail] = useState("");
  return (
    <form action={formAction} className="admin-login-form" aria-label="Sign in">
      <label>
        E-mail address
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          autoFocus
          maxLength={254}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      <label>
        Password
        <input type="password" name="password" autoComplete="current-password" required />
      </label>
      <SignInSubmit pending={pending} pendingLabel="Signing in…" error={state?.ok === false ? state.error : null} />
    </form>
  );
}
