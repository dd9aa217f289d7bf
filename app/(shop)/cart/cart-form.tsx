"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";

import type { CartActionResult } from "./actions";

import "./cart.css";

type CartFormProps = {
  action: (previous: CartActionResult, formData: FormData) => Promise<CartActionResult>;
  children: React.ReactNode;
  className?: string;
  "aria-label"?: string;
};

/**
 * A form bound to a cart Server Action that says what happened. The action goes to useActionState as it is, so
 * the form also works as a plain form post before (or without) JavaScript: the page comes back with the answer.
 */
export function CartForm({ action, children, className, "aria-label": label }: CartFormProps) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className={className} aria-label={label}>
      <div className="cart-form-controls">{children}</div>
      <div className="cart-form-status" aria-live="polite">
        {state?.ok === false ? (
          <p role="alert" className="cart-form-error">
            {state.error}
          </p>
        ) : state?.ok ? (
          <p className="cart-form-done">{state.data.message}</p>
        ) : null}
      </div>
    </form>
  );
}

/** A submit button that cannot be pressed twice while its form is being sent. */
export function SubmitButton({
  children,
  className = "button secondary",
  disabled = false,
}: {
  children: React.ReactNode;
  className?: string;
  disabled?: boolean;
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={className} disabled={disabled || pending} aria-busy={pending}>
      {children}
    </button>
  );
}
