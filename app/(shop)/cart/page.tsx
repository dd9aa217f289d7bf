import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { z } from "zod";

import { readCart } from "@/lib/cart/cart";
import { readCartId } from "@/lib/cart/cart-cookie";
import { openOrdersOfCart } from "@/lib/cart/open-orders";
import { MAX_LINE_QUANTITY } from "@/lib/cart/quantities";
import { formatMoney } from "@/lib/money";
import { formatOrderNumber } from "@/lib/orders/order-number";

import { CartEditor, type CartEditorLine } from "./cart-editor";

import "./cart.css";

export const metadata: Metadata = { title: "Your cart" };

type Props = { searchParams?: Promise<{ changed?: string | string[] }> };

/** `?changed=1042`: the order the shopper has just withdrawn with "Change order" (only its short number). */
const changedOrderNumber = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined);

export default async function CartPage({ searchParams }: Props) {
  await connection(); // prices and stock are read when the cart is shown, never at build time
  const cartId = await readCartId();
  const cart = await readCart(cartId);
  const changed = changedOrderNumber.parse((await searchParams)?.changed);
  // An order just withdrawn whose invoice SEQR has canceled but not yet confirmed is not "waiting" for anyone.
  const openOrders = (await openOrdersOfCart(cartId)).filter(
    (order) => changed === undefined || order.number !== formatOrderNumber(changed),
  );

  const changedNotice =
    changed !== undefined ? (
      <p className="notice" role="status" data-testid="order-changed">
        Order {formatOrderNumber(changed)} is withdrawn and nothing was charged. Change your cart, then check out again.
      </p>
    ) : null;

  if (cart.lines.length === 0) {
    return (
      <>
        <h1>Your cart</h1>
        {changedNotice}
        <div className="empty-state">
          <p>Your cart is empty.</p>
          <p>
            <Link href="/">Browse our products</Link>
          </p>
        </div>
      </>
    );
  }

  const lines: CartEditorLine[] = cart.lines.map((line) => ({
    sku: line.sku,
    name: line.name,
    active: line.active,
    unitPrice: formatMoney(line.unitPrice),
    quantity: line.quantity,
    lineTotal: formatMoney(line.lineTotal),
    problem: line.problem,
  }));

  return (
    <>
      <h1>Your cart</h1>
      {changedNotice}
      {openOrders.length > 0 ? (
        <section className="notice cart-open-orders" aria-label="Orders waiting for payment">
          {openOrders.map((order) => (
            <p key={order.clientInvoiceId}>
              Order {order.number} ({order.total}) is waiting for payment.{" "}
              <Link href={`/checkout/${encodeURIComponent(order.clientInvoiceId)}`}>Go to order {order.number}</Link>
            </p>
          ))}
        </section>
      ) : null}
      <CartEditor
        lines={lines}
        totals={cart.totals ? { total: formatMoney(cart.totals.total), vat: formatMoney(cart.totals.vat) } : null}
        maxQuantity={MAX_LINE_QUANTITY}
      />
    </>
  );
}
