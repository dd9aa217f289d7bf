import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { findOrderBySessionToken } from "./seqr-sessions.ts";
import { SETTLED_STATUSES } from "./state-machine.ts";
import { syncPaymentStatus } from "./sync-payment-status.ts";
import { isPlacingCart, loadOrderView, type OrderView } from "./views.ts";

// The Success, Failure and Cancel URLs (CONTRACT.md, step 8). The fragment only says which session and invoice
// the app is talking about; what happened is read from the database and, while the order is not settled, from
// SEQR. A success URL for a declined payment shows the decline.

const notFound = () =>
  new AppError(
    "PAYMENT_NOT_FOUND",
    404,
    "We could not find this payment. If you paid, the payment is in your SEQR app's history; otherwise start again from the shop.",
  );

export async function readPaymentOutcome(token: string, invoiceReference?: string): Promise<OrderView> {
  const session = await findOrderBySessionToken(token);
  if (!session) throw notFound();
  if (invoiceReference !== undefined) {
    const attempt = await db.paymentAttempt.findUnique({ where: { invoiceReference }, select: { orderId: true } });
    if (attempt?.orderId !== session.orderId) throw notFound();
  }
  const order = await db.order.findUniqueOrThrow({ where: { id: session.orderId }, select: { status: true } });
  if (!SETTLED_STATUSES.has(order.status)) await syncPaymentStatus(session.orderId, { trigger: "outcome-page" });
  const view = await loadOrderView({ id: session.orderId });
  if (!view) throw notFound();
  return view;
}

/**
 * The way back to an order from the Cancel and Failure pages for the browser whose cart placed it: its checkout
 * page, where it can be paid again or changed. Null for any other browser (the SEQR app's own way back is the
 * service link that opens the order page again).
 */
export async function checkoutLinkFor(clientInvoiceId: string, cartId: string | null): Promise<string | null> {
  const order = await db.order.findUnique({ where: { clientInvoiceId }, select: { cartId: true } });
  return order && isPlacingCart(order.cartId, cartId) ? `/checkout/${encodeURIComponent(clientInvoiceId)}` : null;
}
