"use client";

import Link from "next/link";
import { useActionState, useEffect, useRef } from "react";

import { addToCartAction, checkoutAction } from "./actions";
import { SubmitButton } from "./cart-form";

import "./cart.css";

type Props = { sku: string; stock: number; maxQuantity: number };

/**
 * The product page's "Add to cart", and what happened: "Added 2 × Dala horse to your cart", with View cart and
 * Checkout. The input allows up to a line's maximum rather than the stock: what is left is the server's to say,
 * counting what the cart already holds.
 *
 * The confirmation is a polite live region, so a screen reader announces it; keyboard focus then moves to its
 * heading. The button is disabled while the add is sent (so that it cannot be sent twice), which takes the focus
 * away from it; the confirmation is where the shopper's next step is, so focus lands there, just before View cart
 * and Checkout, rather than at the top of the page. Without JavaScript the form posts and the page comes back with
 * the same confirmation.
 */
export function AddToCartForm({ sku, stock, maxQuantity }: Props) {
  const [state, formAction] = useActionState(addToCartAction, null);
  const [checkoutState, checkout] = useActionState(checkoutAction, null);
  const heading = useRef<HTMLHeadingElement>(null);
  const soldOut = stock <= 0;

  useEffect(() => {
    if (state?.ok) heading.current?.focus();
  }, [state]);

  const added = state?.ok ? state.data.added : null;
  return (
    <div className="add-to-cart-block">
      <form action={formAction} className="add-to-cart" aria-label="Add to cart">
        <input type="hidden" name="sku" value={sku} />
        <div className="cart-form-controls">
          <label className="cart-quantity">
            <span>Quantity</span>
            <input
              type="number"
              name="quantity"
              inputMode="numeric"
              min={1}
              max={maxQuantity}
              step={1}
              defaultValue={1}
              required
              disabled={soldOut}
            />
          </label>
          <SubmitButton className="button primary" disabled={soldOut}>
            {soldOut ? "Sold out" : "Add to cart"}
          </SubmitButton>
        </div>
        {state?.ok === false ? (
          <p role="alert" className="cart-form-error">
            {state.error}
          </p>
        ) : null}
      </form>
      {/* Always in the page, so that what is written into it is announced. */}
      <div role="status" className={added ? "added-to-cart" : undefined} data-testid="added-to-cart">
        {added ? (
          <>
            <h2 ref={heading} tabIndex={-1} className="added-to-cart-heading">
              Added {added.quantity} × {added.name} to your cart
            </h2>
            {added.inCart > added.quantity ? (
              <p>
                Your cart now holds {added.inCart} × {added.name}.
              </p>
            ) : null}
          </>
        ) : null}
      </div>
      {added ? (
        <div className="added-to-cart-actions">
          <Link href="/cart" className="button secondary">
            View cart
          </Link>
          {/* Checkout places an order, so it is a form's button (a POST), not a link anyone could prefetch. */}
          <form action={checkout} aria-label="Checkout">
            <SubmitButton className="button primary">Checkout</SubmitButton>
          </form>
        </div>
      ) : null}
      {added && checkoutState?.ok === false ? (
        <p role="alert" className="cart-form-error">
          {checkoutState.error}
        </p>
      ) : null}
    </div>
  );
}
