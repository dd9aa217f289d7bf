import type { OrderStatus } from "../generated/prisma/enums.ts";
import type { PaymentStatus, SeqrInvoiceStatus } from "../seqr/types.ts";

// The order's own states, and the one place that translates SEQR's invoice status into them.
//
//   PENDING ──invoice sent──▶ INVOICED ──PAID──▶ PAID ──refund──▶ PARTIALLY_REFUNDED ──▶ REFUNDED
//                              │  ▲  ├──PAID, receipt disagrees──▶ NEEDS_ATTENTION
//                              │  │  ├──FAILED──▶ FAILED ───┐
//                              │  │  ├──CANCELED─▶ CANCELED ─┤ try again: a new invoice
//                              │  └──┴──────────────────────┘
//                              └──unpaid after the timeout (canceled by us)──▶ EXPIRED ──PAID──▶ PAID (flagged)
//   PENDING ──no invoice after PENDING_ORDER_TIMEOUT_MS──▶ EXPIRED
//   PENDING, INVOICED, FAILED, CANCELED ──the merchant ends it──▶ CANCELED_BY_MERCHANT ──PAID──▶ PAID (flagged)
//   PENDING, INVOICED, FAILED, CANCELED ──the shopper's "Change order" (withdraw-order.ts)──▶ EXPIRED
//
// PAID is final except for refunds. Anything SEQR says that has no arrow here changes nothing. EXPIRED and
// CANCELED_BY_MERCHANT are never payable again, but a payment SEQR took anyway is recorded, never lost.

export type { OrderStatus };

export const ORDER_STATUSES = [
  "PENDING",
  "INVOICED",
  "PAID",
  "FAILED",
  "CANCELED",
  "EXPIRED",
  "NEEDS_ATTENTION",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
  "CANCELED_BY_MERCHANT",
] as const satisfies readonly OrderStatus[];

const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ["INVOICED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  INVOICED: ["PAID", "NEEDS_ATTENTION", "FAILED", "CANCELED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  FAILED: ["INVOICED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  CANCELED: ["INVOICED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  // SEQR took the money although we had given up on the invoice: record it, never lose it.
  EXPIRED: ["PAID", "NEEDS_ATTENTION"],
  CANCELED_BY_MERCHANT: ["PAID", "NEEDS_ATTENTION"],
  PAID: ["PARTIALLY_REFUNDED", "REFUNDED"],
  NEEDS_ATTENTION: ["PARTIALLY_REFUNDED", "REFUNDED"],
  PARTIALLY_REFUNDED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  REFUNDED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States in which the shopper has paid: SEQR's answer about the invoice can no longer change them. */
export const SETTLED_STATUSES: ReadonlySet<OrderStatus> = new Set([
  "PAID",
  "NEEDS_ATTENTION",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
]);

/** States after which no invoice is ever sent again: the order's reservation, if any, is released on entry. */
export const ENDED_STATUSES: ReadonlySet<OrderStatus> = new Set(["EXPIRED", "CANCELED_BY_MERCHANT"]);

/** States in which the shopper may press Pay (again). */
export const PAYABLE_STATUSES: ReadonlySet<OrderStatus> = new Set(["PENDING", "INVOICED", "FAILED", "CANCELED"]);

/** SEQR: anything but ISSUED and PENDING_ISSUER_ACKNOWLEDGE is final (CONTRACT.md). For queries: `{ in: … }`. */
export const LIVE_INVOICE_STATUSES = ["ISSUED", "PENDING_ISSUER_ACKNOWLEDGE"] satisfies SeqrInvoiceStatus[];

export function isLiveInvoiceStatus(status: SeqrInvoiceStatus): boolean {
  return (LIVE_INVOICE_STATUSES as readonly SeqrInvoiceStatus[]).includes(status);
}

/** Why an order needs the merchant; stored in Order.attentionReason. */
export const ATTENTION_REASONS = {
  AMOUNT_MISMATCH: "SEQR's receipt disagrees with the order's amount or currency.",
  PAID_AFTER_EXPIRY: "SEQR reports the invoice paid after the shop had expired the order.",
  UNEXPECTED_RESERVATION: "SEQR reports a reservation, which this shop never asks for.",
  OUT_OF_STOCK_AT_PAYMENT: "The order was paid but there was not enough stock left to fulfil it.",
  PAID_ON_REPLACED_INVOICE: "SEQR reports an invoice paid that the shop had already replaced with a new one.",
  PAID_TWICE: "SEQR reports a second invoice of this order paid: the customer paid twice; refund one payment.",
  PAID_AFTER_MERCHANT_CANCEL: "SEQR reports the invoice paid after the merchant had canceled the order.",
  RECEIPT_UNREADABLE: "SEQR reports the invoice paid, but parts of its receipt could not be read.",
  INVOICE_LOST: "SEQR no longer knows an invoice the shop had sent (54); the order can be paid again.",
} as const;
export type AttentionReason = keyof typeof ATTENTION_REASONS;

export type Transition = { to: OrderStatus; attentionReason?: AttentionReason };

/**
 * The only states SEQR's answer can move an order out of: one with an invoice out (INVOICED), and the ended ones,
 * which a payment SEQR took anyway must still reach. PENDING, FAILED and CANCELED move only when the shop sends an
 * invoice (request-payment.ts); the settled ones only by refunds.
 */
const MOVED_BY_SEQR: ReadonlySet<OrderStatus> = new Set(["INVOICED", "EXPIRED", "CANCELED_BY_MERCHANT"]);

type OrderFacts = { status: OrderStatus; totalMinor: number; currency: string };
type AttemptFacts = { amountMinor: number; currency: string; cancelReason: string | null };

/**
 * What SEQR's answer about an order's current invoice means for the order, or null when it changes nothing.
 * Never returns an illegal transition.
 */
export function decideTransition(order: OrderFacts, attempt: AttemptFacts, answer: PaymentStatus): Transition | null {
  if (!MOVED_BY_SEQR.has(order.status)) return null;
  const transition = translate(order, attempt, answer);
  if (!transition || transition.to === order.status || !canTransition(order.status, transition.to)) return null;
  return transition;
}

function translate(order: OrderFacts, attempt: AttemptFacts, answer: PaymentStatus): Transition | null {
  switch (answer.status) {
    case "ISSUED":
    case "PENDING_ISSUER_ACKNOWLEDGE":
      return null;
    case "PAID": {
      if (!receiptMatches(order, attempt, answer)) return { to: "NEEDS_ATTENTION", attentionReason: "AMOUNT_MISMATCH" };
      if (order.status === "EXPIRED") return { to: "PAID", attentionReason: "PAID_AFTER_EXPIRY" };
      if (order.status === "CANCELED_BY_MERCHANT") return { to: "PAID", attentionReason: "PAID_AFTER_MERCHANT_CANCEL" };
      return { to: "PAID" };
    }
    case "FAILED":
      return { to: "FAILED" };
    case "CANCELED":
      // We cancel an invoice ourselves when it timed out or the merchant ended the order; else the shopper did.
      // The shopper's "Change order" withdrew the order (withdraw-order.ts): it ends as an expired one does.
      if (attempt.cancelReason === "EXPIRED" || attempt.cancelReason === "WITHDRAWN") return { to: "EXPIRED" };
      if (attempt.cancelReason === "ORDER_ENDED") return { to: "CANCELED_BY_MERCHANT" };
      // Pay canceled it to send a new one: the order keeps its state (and its reserved units) for that invoice.
      if (attempt.cancelReason === "REPLACED") return null;
      return { to: "CANCELED" };
    case "EXPIRED":
      return { to: "EXPIRED" };
    case "RESERVED":
      return { to: "NEEDS_ATTENTION", attentionReason: "UNEXPECTED_RESERVATION" };
  }
}

/** The money SEQR says it took must be exactly the order's, in the order's currency. */
export function receiptMatches(order: OrderFacts, attempt: AttemptFacts, answer: PaymentStatus): boolean {
  const total = answer.receipt?.invoice?.total;
  if (!total) return false;
  return (
    total.amountMinor === order.totalMinor &&
    total.currency === order.currency &&
    attempt.amountMinor === order.totalMinor &&
    attempt.currency === order.currency
  );
}
