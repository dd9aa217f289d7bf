import { db } from "../db.ts";
import { formatMoney } from "../money.ts";
import { formatOrderNumber } from "../orders/order-number.ts";

// The cart is kept after checkout (lib/cart/checkout-cart.ts), so a shopper who comes back to it (the browser's
// Back button, another tab) may have an order from it still waiting for payment. The cart page names it, with the
// way back to it, rather than leave them to place the same order again.

export type OpenOrderOfCart = { clientInvoiceId: string; number: string; total: string };

/** At most this many are named: a cart rarely has more than one. */
const SHOWN = 3;

/** The cart's orders that can still be paid (PENDING, INVOICED, or FAILED/CANCELED: Pay again), newest first. */
export async function openOrdersOfCart(cartId: string | null): Promise<OpenOrderOfCart[]> {
  if (!cartId) return [];
  const orders = await db.order.findMany({
    where: { cartId, status: { in: ["PENDING", "INVOICED", "FAILED", "CANCELED"] } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: SHOWN,
    select: { clientInvoiceId: true, number: true, totalMinor: true, currency: true },
  });
  return orders.map((order) => ({
    clientInvoiceId: order.clientInvoiceId,
    number: formatOrderNumber(order.number),
    total: formatMoney({ amountMinor: order.totalMinor, currency: order.currency }),
  }));
}
