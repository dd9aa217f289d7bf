import { db } from "../db.ts";
import { env } from "../env.ts";
import { neverInvoicedOrder } from "../orders/never-invoiced.ts";
import type { OrderStatus } from "../orders/state-machine.ts";
import { outboxKindText } from "../outbox/payloads.ts";
import { LIVE_INVOICE_STATUSES, SETTLED_STATUSES } from "../orders/state-machine.ts";
import { type Period } from "./periods.ts";
import { STUCK_REFUND_MS } from "./refund-settlement.ts";
import { attentionReasonText } from "./wording.ts";

// The dashboard: money in for today and for a period, orders per status, everything needing the merchant, and the
// messages (e-mails, SEQR receipts) that could not be delivered.

/**
 * Per currency: the orders paid in the period and what they paid (by SEQR's payment time), and the refunds SEQR
 * confirmed in the period (by confirmation time, whichever period their order was paid in). Their difference is the
 * money taken in the period; the period report (lib/admin/books.ts) gives the same figures with VAT per rate.
 */
export type Takings = { currency: string; paidOrders: number; paidMinor: number; refundedMinor: number }[];

const PAID_STATUSES = [...SETTLED_STATUSES];

/** Orders paid in the period (by SEQR's payment time) and refunds SEQR confirmed in it, per currency. */
export async function takings(period: Period): Promise<Takings> {
  const [paid, refunded] = await Promise.all([
    db.order.groupBy({
      by: ["currency"],
      where: { status: { in: PAID_STATUSES }, paidAt: { gte: period.start, lt: period.end } },
      _count: { _all: true },
      _sum: { totalMinor: true },
    }),
    db.refund.groupBy({
      by: ["currency"],
      where: { status: "SUCCEEDED", completedAt: { gte: period.start, lt: period.end } },
      _sum: { amountMinor: true },
    }),
  ]);
  const currencies = new Set([...paid.map((row) => row.currency), ...refunded.map((row) => row.currency)]);
  return [...currencies].sort().map((currency) => {
    const paidRow = paid.find((row) => row.currency === currency);
    return {
      currency,
      paidOrders: paidRow?._count._all ?? 0,
      paidMinor: paidRow?._sum.totalMinor ?? 0,
      refundedMinor: refunded.find((row) => row.currency === currency)?._sum.amountMinor ?? 0,
    };
  });
}

/**
 * Orders created in the period, per status, as the orders list counts them: without the orders no invoice was ever
 * sent for (anyone can place those, as fast as the rate limits allow), which are counted apart.
 */
export async function statusCounts(
  period: Period,
): Promise<{ byStatus: Partial<Record<OrderStatus, number>>; neverInvoiced: number }> {
  const inPeriod = { createdAt: { gte: period.start, lt: period.end } };
  const [rows, neverInvoiced] = await Promise.all([
    db.order.groupBy({ by: ["status"], where: { ...inPeriod, NOT: neverInvoicedOrder }, _count: { _all: true } }),
    db.order.count({ where: { ...inPeriod, ...neverInvoicedOrder } }),
  ]);
  return { byStatus: Object.fromEntries(rows.map((row) => [row.status, row._count._all])), neverInvoiced };
}

export type AttentionItem = {
  clientInvoiceId: string;
  /** The short number people read out (#1042). */
  number: number;
  status: OrderStatus;
  reason: string;
  since: Date;
  /** Where the merchant can act on it, when that is not the order's own page. */
  action?: { label: string; href: typeof SETTLE_REFUNDS_HREF };
};

const ATTENTION_LIMIT = 100;

/** The reconciliation page's list of refunds to settle from SEQR's reports. */
export const SETTLE_REFUNDS_HREF = "/admin/reconciliation#refunds-to-settle";

export { attentionReasonText } from "./wording.ts";

/** The reconciler cancels an invoice unpaid past INVOICE_TIMEOUT_MS: one still open says it is not running. */
export const STALE_INVOICE_TEXT =
  "Invoice still open after the time allowed for payment: the shop's automatic payment checks may have stopped. Press Refresh from SEQR on the order, and tell whoever runs the shop's server";

/** SEQR's commit rule (CONTRACT.md): a payment nobody confirms within 20 s is reversed. */
export const REVERSED_PAYMENT_TEXT =
  "Payment reversed: SEQR reported a payment, then took it back because the shop did not confirm it within 20 seconds. Nothing was charged; the customer can pay again";

/**
 * Everything the merchant should look at: orders flagged by the payment sync (NEEDS_ATTENTION, or an attention
 * reason such as PAID_AFTER_EXPIRY that is not yet refunded), invoices live longer than the timeout (the
 * reconciler should have canceled them: is it running?), payments SEQR notified and then reported CANCELED
 * (reversed under the commit rule: the shop did not confirm in time), invoices SEQR lost (it answered 54 for an
 * invoice the shop held) on orders not paid since, and refunds SEQR never answered (or whose answer was never
 * recorded), which are settled from the reconciliation page.
 */
export async function needingAttention(now = new Date()): Promise<AttentionItem[]> {
  const overdue = new Date(now.getTime() - env.orders.invoiceTimeoutMs);
  const [flagged, stale, reversed, lost, unanswered] = await Promise.all([
    db.order.findMany({
      where: { OR: [{ status: "NEEDS_ATTENTION" }, { attentionReason: { not: null }, status: { not: "REFUNDED" } }] },
      orderBy: { updatedAt: "desc" },
      take: ATTENTION_LIMIT,
      select: { clientInvoiceId: true, number: true, status: true, attentionReason: true, updatedAt: true },
    }),
    db.paymentAttempt.findMany({
      where: { seqrStatus: { in: LIVE_INVOICE_STATUSES }, issuedAt: { lt: overdue } },
      orderBy: { issuedAt: "asc" },
      take: ATTENTION_LIMIT,
      select: { issuedAt: true, order: { select: { clientInvoiceId: true, number: true, status: true } } },
    }),
    db.paymentAttempt.findMany({
      where: {
        seqrStatus: "CANCELED",
        cancelReason: null,
        events: { some: { type: "NOTIFICATION_RECEIVED" } },
        order: { status: { notIn: PAID_STATUSES } },
      },
      orderBy: { finalizedAt: "desc" },
      take: ATTENTION_LIMIT,
      select: { finalizedAt: true, updatedAt: true, order: { select: { clientInvoiceId: true, number: true, status: true } } },
    }),
    db.paymentAttempt.findMany({
      where: { state: "LOST", order: { status: { notIn: [...PAID_STATUSES, "CANCELED_BY_MERCHANT"] } } },
      orderBy: { updatedAt: "desc" },
      take: ATTENTION_LIMIT,
      select: { updatedAt: true, order: { select: { clientInvoiceId: true, number: true, status: true, attentionReason: true } } },
    }),
    db.refund.findMany({
      // PENDING for longer than any SEQR call can take: the process died before the answer was recorded.
      where: {
        settledAt: null,
        OR: [{ status: "UNKNOWN" }, { status: "PENDING", createdAt: { lt: new Date(now.getTime() - STUCK_REFUND_MS) } }],
      },
      orderBy: { createdAt: "desc" },
      take: ATTENTION_LIMIT,
      select: { createdAt: true, order: { select: { clientInvoiceId: true, number: true, status: true } } },
    }),
  ]);
  return [
    ...flagged.map((order) => ({
      clientInvoiceId: order.clientInvoiceId,
      number: order.number,
      status: order.status,
      reason: order.attentionReason ? attentionReasonText(order.attentionReason) : "Needs attention",
      since: order.updatedAt,
    })),
    ...stale.map((attempt) => ({
      ...attempt.order,
      reason: STALE_INVOICE_TEXT,
      since: attempt.issuedAt,
    })),
    ...reversed.map((attempt) => ({
      ...attempt.order,
      reason: REVERSED_PAYMENT_TEXT,
      since: attempt.finalizedAt ?? attempt.updatedAt,
    })),
    // An order the sync already flagged INVOICE_LOST is listed above.
    ...lost
      .filter((attempt) => attempt.order.attentionReason !== "INVOICE_LOST")
      .map((attempt) => ({
        clientInvoiceId: attempt.order.clientInvoiceId,
        number: attempt.order.number,
        status: attempt.order.status,
        reason: attentionReasonText("INVOICE_LOST"),
        since: attempt.updatedAt,
      })),
    ...unanswered.map((refund) => ({
      ...refund.order,
      reason: "Refund without an answer from SEQR: check the reconciliation report",
      since: refund.createdAt,
      action: { label: "Settle it from SEQR's report", href: SETTLE_REFUNDS_HREF },
    })),
  ];
}

export type UndeliveredMessage = {
  id: string;
  clientInvoiceId: string;
  number: number;
  /** What it is, in words ("Order confirmation e-mail to the customer"). */
  kind: string;
  recipient: string | null;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: Date | null;
};

/**
 * Messages the outbox worker gave up on (DEAD: OUTBOX_MAX_ATTEMPTS tries failed, or one that no try can mend),
 * newest first, each with the error of its last try, for the merchant to fix the cause and press *Send again*.
 */
export async function undeliveredMessages(): Promise<UndeliveredMessage[]> {
  const dead = await db.outboxMessage.findMany({
    where: { status: "DEAD" },
    orderBy: [{ lastAttemptAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    take: ATTENTION_LIMIT,
    include: { order: { select: { clientInvoiceId: true, number: true } } },
  });
  return dead.map((message) => ({
    id: message.id,
    clientInvoiceId: message.order.clientInvoiceId,
    number: message.order.number,
    kind: outboxKindText(message.kind),
    recipient: message.recipient,
    attempts: message.attempts,
    lastError: message.lastError,
    lastAttemptAt: message.lastAttemptAt,
  }));
}
