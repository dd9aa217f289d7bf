"use client";

import { useActionState } from "react";

import type { ActionResult } from "@/lib/validated-action";

type Added = { message: string; generatedPassword: string | null };
type Props = { action: (previous: ActionResult<Added>, formData: FormData) => Promise<ActionResult<Added>> };

/** Add a person: the answer names how they sign in, and shows a made-up password this once. */
export function AddPersonForm({ action }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="admin-person-form" aria-label="Add a person">
      <fieldset className="admin-fieldset" disabled={pending}>
        <label>
          Name
          <input type="text" name="name" required maxLength={100} autoComplete="off" />
        </label>
        <label>
          E-mail address
          <input type="email" name="email" required maxLength={254} autoComplete="off" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="STAFF">
            <option value="STAFF">Staff: orders, shipping and the catalog</option>
            <option value="OWNER">Owner: everything, also refunds and staff</option>
          </select>
        </label>
        <label>
          Initial password <span className="muted">(leave empty to have one made)</span>
          <input type="password" name="password" minLength={12} maxLength={200} autoComplete="new-password" />
        </label>
      </fieldset>
      <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
        {pending ? "Adding…" : "Add person"}
      </button>
      <div aria-live="polite">
        {!pending && state?.ok === false ? (
          <p role="alert" className="form-error">
            {state.error}
          </p>
        ) : null}
        {!pending && state?.ok ? (
          <div role="status">
            <p>{state.data.message}</p>
            {state.data.generatedPassword ? (
              <p>
                Password: <code className="admin-generated-password" data-testid="generated-password">{state.data.generatedPassword}</code>
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
    </form>
  );
}
