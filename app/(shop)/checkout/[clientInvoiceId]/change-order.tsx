"use client";

import { useActionState } from "react";

import { SubmitButton } from "../../cart/cart-form";
import { changeOrderAction } from "./actions";

/**
 * "Change order": back to the cart, which still holds the order's items; this order is withdrawn so that it can no
 * longer be paid. A plain form: it works before (or without) JavaScript.
 */
export function ChangeOrder({ clientInvoiceId }: { clientInvoiceId: string }) {
  const [state, action] = useActionState(changeOrderAction, null);
  return (
    <form action={action} className="change-order" aria-label="Change order">
      <input type="hidden" name="order" value={clientInvoiceId} />
      <p className="muted">Want to change something? Your cart still holds these items.</p>
      <SubmitButton className="button secondary">Change order</SubmitButton>
      {state?.ok === false ? (
        <p role="alert" className="form-error">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
