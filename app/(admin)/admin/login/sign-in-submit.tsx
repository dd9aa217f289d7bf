"use client";

/** Both sign-in steps end alike: their "Sign in" button, unusable while sent, and the place a refusal is read out. */
export function SignInSubmit({ pending, pendingLabel, error }: { pending: boolean; pendingLabel: string; error: string | null }) {
  return (
    <>
      <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
        {pending ? pendingLabel : "Sign in"}
      </button>
      <div aria-live="polite">
        {error ? (
          <p role="alert" className="form-error">
            {error}
          </p>
        ) : null}
      </div>
    </>
  );
}
