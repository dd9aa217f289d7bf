import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";

import { readCart, type CartLine } from "@/lib/cart/cart";
import { readCartId } from "@/lib/cart/cart-cookie";
import { MAX_LINE_QUANTITY } from "@/lib/cart/quantities";
import { formatMoney } from "@/lib/money";

import { checkoutAction, removeFromCartAction, updateCartLineAction } from "./actions";
import { CartForm, SubmitButton } from "./cart-form";

import "./cart.css";

export const metadata: Metadata = { title: "Your cart" };

export default async function CartPage() {
  await connection(); // prices and stock are read when the cart is shown, never at build time
  const cart = await readCart(await readCartId());

  if (cart.lines.length === 0) {
    return (
      <>
        <h1>Your cart</h1>
        <div className="empty-state">
          <p>Your cart is empty.</p>
          <p>
            <Link href="/">Browse our products</Link>
          </p>
        </div>
      </>
    );
  }

  return (
    <>
      <h1>Your cart</h1>
      <ul className="cart-lines" aria-label="Cart">
        {cart.lines.map((line) => (
          <CartLineItem key={line.sku} line={line} />
        ))}
      </ul>
      <section className="cart-summary" aria-label="Order total">
        {cart.totals ? (
          <>
            <p className="cart-total">
              Total <strong className="price">{formatMoney(cart.totals.total)}</strong>
            </p>
            <p className="cart-vat">including VAT {formatMoney(cart.totals.vat)}</p>
          </>
        ) : null}
        <CartForm action={checkoutAction} className="cart-checkout">
          <SubmitButton className="button primary">Checkout</SubmitButton>
        </CartForm>
      </section>
    </>
  );
}

function CartLineItem({ line }: { line: CartLine }) {
  return (
    <li className="cart-line">
      <div className="cart-line-product">
        {line.active ? (
          <Link href={`/products/${encodeURIComponent(line.sku)}`} className="cart-line-name">
            {line.name}
          </Link>
        ) : (
          <span className="cart-line-name">{line.name}</span>
        )}
        <span className="cart-line-unit">{formatMoney(line.unitPrice)} each</span>
        {line.problem ? <span className="cart-line-problem">{line.problem}</span> : null}
      </div>
      <div className="cart-line-actions">
        <CartForm action={updateCartLineAction} className="cart-line-update">
          <input type="hidden" name="sku" value={line.sku} />
          <label className="cart-quantity">
            <span className="visually-hidden">Quantity of {line.name}</span>
            <input
              type="number"
              name="quantity"
              inputMode="numeric"
              min={0}
              max={MAX_LINE_QUANTITY}
              step={1}
              defaultValue={line.quantity}
              required
            />
          </label>
          <SubmitButton>
            Update<span className="visually-hidden"> {line.name}</span>
          </SubmitButton>
        </CartForm>
        <CartForm action={removeFromCartAction} className="cart-line-remove">
          <input type="hidden" name="sku" value={line.sku} />
          <SubmitButton className="button secondary cart-button-quiet">
            Remove<span className="visually-hidden"> {line.name}</span>
          </SubmitButton>
        </CartForm>
      </div>
      <p className="cart-line-total">
        <span className="visually-hidden">Line total </span>
        <span className="price">{formatMoney(line.lineTotal)}</span>
      </p>
    </li>
  );
}
