import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { findOrderBySessionToken } from "./seqr-sessions.ts";
import { SETTLED_STATUSES } from "./state-machine.ts";
import { syncPaymentStatus } from "./sync-payment-status.ts";
import { loadOrderView, type OrderView } from "./views.ts";

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
