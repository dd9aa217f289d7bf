import type { z } from "zod";

import type { FulfilmentStatus, OrderStatus } from "../generated/prisma/enums.ts";
import { resultCodeMessage } from "../seqr/result-codes.ts";
import { formatShopTime } from "./periods.ts";

// The admin's words: every state, outcome and SEQR answer the merchant reads, in plain language, in one place, so
// that no page shows an internal name (an enum value, a SEQR constant, an operation, a form field's key). The pages
// and lib/admin's messages call these; the names stay in the database and the code.

/** How a status looks: the colour of its badge (admin.css: tone-*). */
export type Tone = "done" | "waiting" | "problem" | "ended" | "neutral";

export type Badge = { text: string; tone: Tone };

const ORDER_STATUS_TEXT: Record<OrderStatus, Badge> = {
  PENDING: { text: "Placed, not invoiced yet", tone: "neutral" },
  INVOICED: { text: "Waiting for payment", tone: "waiting" },
  PAID: { text: "Paid", tone: "done" },
  FAILED: { text: "Payment failed", tone: "problem" },
  CANCELED: { text: "Payment canceled", tone: "neutral" },
  EXPIRED: { text: "Expired, not paid", tone: "ended" },
  NEEDS_ATTENTION: { text: "Needs attention", tone: "problem" },
  PARTIALLY_REFUNDED: { text: "Partly refunded", tone: "done" },
  REFUNDED: { text: "Refunded", tone: "ended" },
  CANCELED_BY_MERCHANT: { text: "Canceled by the shop", tone: "ended" },
};

/** An order's payment status in words ("Partly refunded"). */
export function orderStatusText(status: OrderStatus): string {
  return ORDER_STATUS_TEXT[status].text;
}

/** Why an order needs the merchant (Order.attentionReason), and what to do about it. */
const ATTENTION_TEXT: Record<string, string> = {
  AMOUNT_MISMATCH: "SEQR took a different amount than the order's",
  PAID_AFTER_EXPIRY: "Paid after the shop had expired the order",
  UNEXPECTED_RESERVATION: "SEQR reserved the money instead of taking it",
  OUT_OF_STOCK_AT_PAYMENT: "Paid, but the stock was gone: refund or restock",
  PAID_ON_REPLACED_INVOICE: "Paid on an invoice the order had replaced: the customer may have paid twice",
  PAID_TWICE: "The customer paid two invoices of this order: refund one payment",
  PAID_AFTER_MERCHANT_CANCEL: "Paid after you had canceled the order: refund or fulfil it",
  RECEIPT_UNREADABLE: "Paid, but parts of SEQR's receipt could not be read: check the payment",
  INVOICE_LOST: "SEQR no longer knows an invoice the shop had sent: the order can be paid again",
};

export function attentionReasonText(reason: string): string {
  return ATTENTION_TEXT[reason] ?? "Something about this order's payment needs checking: see its timeline";
}

/** The same, in a few words for a badge ("amount differs"). */
const ATTENTION_SHORT: Record<string, string> = {
  AMOUNT_MISMATCH: "amount differs",
  PAID_AFTER_EXPIRY: "paid after it expired",
  UNEXPECTED_RESERVATION: "money reserved, not taken",
  OUT_OF_STOCK_AT_PAYMENT: "paid, out of stock",
  PAID_ON_REPLACED_INVOICE: "paid an old invoice",
  PAID_TWICE: "paid twice",
  PAID_AFTER_MERCHANT_CANCEL: "paid after you canceled",
  RECEIPT_UNREADABLE: "receipt unreadable",
  INVOICE_LOST: "SEQR lost the invoice",
};

export function attentionShortText(reason: string): string {
  return ATTENTION_SHORT[reason] ?? "check the order";
}

/**
 * The badge of an order: its status in words, and for one that needs the merchant, why ("Needs attention: amount
 * differs"). An order paid or refunded in full keeps its own status; its flag is shown beside it.
 */
export function orderBadge(order: { status: OrderStatus; attentionReason?: string | null }): Badge {
  const badge = ORDER_STATUS_TEXT[order.status];
  if (order.status === "NEEDS_ATTENTION") {
    return { ...badge, text: order.attentionReason ? `Needs attention: ${attentionShortText(order.attentionReason)}` : badge.text };
  }
  return badge;
}

/** The flag beside a badge: an order that needs the merchant although its status does not say so. */
export function attentionFlag(order: { status: OrderStatus; attentionReason?: string | null }): string | null {
  if (!order.attentionReason || order.status === "NEEDS_ATTENTION" || order.status === "REFUNDED") return null;
  return `Needs attention: ${attentionShortText(order.attentionReason)}`;
}

const FULFILMENT_TONE: Record<FulfilmentStatus, Tone> = {
  UNFULFILLED: "waiting",
  SHIPPED: "done",
  PICKED_UP: "done",
  NOT_TO_SHIP: "ended",
};

export function fulfilmentTone(status: FulfilmentStatus): Tone {
  return FULFILMENT_TONE[status];
}

/** Where one of SEQR's invoices stands, in words: SEQR's status when it gave one, else what the shop knows. */
export function invoiceStatusText(attempt: { state: string; seqrStatus: string | null; cancelReason?: string | null }): string {
  const canceledBy = attempt.cancelReason ? CANCEL_REASON_TEXT[attempt.cancelReason] : undefined;
  switch (attempt.seqrStatus) {
    case "ISSUED":
      return "Waiting for payment";
    case "PENDING_ISSUER_ACKNOWLEDGE":
      return "Being paid";
    case "RESERVED":
      return "Money reserved, not taken";
    case "PAID":
      return "Paid";
    case "CANCELED":
      return canceledBy ? `Canceled ${canceledBy}` : "Canceled in the SEQR app";
    case "FAILED":
      return "Payment failed";
    case "EXPIRED":
      return "Expired at SEQR";
  }
  switch (attempt.state) {
    case "SENDING":
      return "Being sent to SEQR";
    case "REFUSED":
      return "Refused by SEQR: no invoice was made";
    case "UNKNOWN":
      return "No answer from SEQR: it may or may not exist";
    case "LOST":
      return "Unknown to SEQR: it cannot be paid";
    default:
      return "Sent";
  }
}

/** Why the shop canceled an invoice (PaymentAttempt.cancelReason), as "Canceled …" goes on. */
const CANCEL_REASON_TEXT: Record<string, string> = {
  MERCHANT: "by the shop",
  ORDER_ENDED: "by the shop (order canceled)",
  EXPIRED: "by the shop: not paid in time",
  REPLACED: "by the shop: replaced by a new invoice",
  WITHDRAWN: "by the shop: the customer changed the order",
};

const REFUND_STATUS_TEXT: Record<string, string> = {
  PENDING: "Waiting for SEQR's answer",
  SUCCEEDED: "Refunded",
  FAILED: "Not refunded: SEQR said no",
  UNKNOWN: "No answer from SEQR: check the reconciliation report",
};

/** A refund's outcome in words (Refund.status). */
export function refundStatusText(status: string): string {
  return REFUND_STATUS_TEXT[status] ?? "Unknown";
}

const MESSAGE_STATUS_TEXT: Record<string, string> = {
  PENDING: "Waiting to be sent",
  SENDING: "Being sent",
  SENT: "Sent",
  DEAD: "Not delivered: the shop stopped trying",
};

/** Where an e-mail or SEQR receipt the shop owes stands (OutboxMessage.status). */
export function messageStatusText(status: string): string {
  return MESSAGE_STATUS_TEXT[status] ?? "Unknown";
}

/** A SEQR result code with its meaning: "SEQR answered 98: the refunds would exceed the payment". */
export function seqrResultText(code: number): string {
  if (code === 0) return "SEQR answered: done";
  return `SEQR answered ${code}: ${lowerFirst(resultCodeMessage(code))}`;
}

/** What went wrong asking SEQR (a SeqrError), in words: "SEQR was busy (93)", "SEQR did not answer in time". */
export function seqrProblemText(error: { kind: string; resultCode: number | null; resultName: string }): string {
  switch (error.kind) {
    case "result": {
      const code = error.resultCode ?? -1;
      return `${lowerFirst(resultCodeMessage(code))} (SEQR's code ${code})`;
    }
    case "http":
      return `SEQR's server answered with an error (${error.resultName.replace("HTTP_", "HTTP ")})`;
    case "timeout":
      return "SEQR did not answer in time";
    case "network":
      return "the shop could not reach SEQR";
    default:
      return "SEQR's answer could not be read";
  }
}

/** SeqrError.resultName as stored in an event's detail ("SYSTEM_BUSY", "TIMEOUT", "HTTP_503"), in words. */
export function seqrProblemNameText(resultName: string): string {
  if (resultName === "TIMEOUT") return "SEQR did not answer in time";
  if (resultName === "CONNECTION_FAILED") return "the shop could not reach SEQR";
  if (resultName === "INVALID_RESPONSE") return "SEQR's answer could not be read";
  if (resultName.startsWith("HTTP_")) return `SEQR's server answered with an error (HTTP ${resultName.slice(5)})`;
  return resultName.toLowerCase().replaceAll("_", " ");
}

const MISMATCH_TEXT: Record<string, string> = {
  PAYMENT_UNKNOWN_TO_SHOP: "Payment the shop does not know",
  PAYMENT_NOT_PAID_IN_SHOP: "Paid at SEQR, not in the shop",
  PAYMENT_AMOUNT_DIFFERS: "Payment amounts differ",
  PAYMENT_MISSING_FROM_REPORT: "Payment missing from SEQR's report",
  REFUND_UNKNOWN_TO_SHOP: "Refund the shop does not know",
  REFUND_AMOUNT_DIFFERS: "Refund amounts differ",
  REFUND_MISSING_FROM_REPORT: "Refund missing from SEQR's report",
  TOTAL_PAID_DIFFERS: "Paid totals differ",
  TOTAL_REFUNDED_DIFFERS: "Refunded totals differ",
};

/** A reconciliation difference's kind, in words. */
export function mismatchText(kind: string): string {
  return MISMATCH_TEXT[kind] ?? "Difference";
}

const RUN_STATUS_TEXT: Record<string, string> = {
  STARTED: "Closing the period at SEQR…",
  COMPLETED: "Compared",
  FAILED: "Not compared: see why",
};

/** A reconciliation run's status in words. */
export function runStatusText(status: string): string {
  return RUN_STATUS_TEXT[status] ?? "Unknown";
}

/**
 * A reconciliation period in the shop's time. The first one has no start (SEQR's first period runs from the
 * terminal's first payment; the shop stores it as the epoch): it says "Since the shop opened".
 */
export function periodText(run: { periodStart: Date; periodEnd: Date }): string {
  if (isFirstPeriod(run)) return `Since the shop opened, until ${formatShopTime(run.periodEnd)}`;
  return `${formatShopTime(run.periodStart)} – ${formatShopTime(run.periodEnd)}`;
}

/** The same within a sentence: "the period from the shop's opening to 27 Nov 2026 14:03:05". */
export function periodInSentence(run: { periodStart: Date; periodEnd: Date }): string {
  const start = isFirstPeriod(run) ? "the shop's opening" : formatShopTime(run.periodStart);
  return `the period from ${start} to ${formatShopTime(run.periodEnd)}`;
}

function isFirstPeriod(run: { periodStart: Date }): boolean {
  return run.periodStart.getTime() === 0;
}

/** The names people see for the admin's form fields, where a refused value is reported. */
const FIELD_LABELS: Record<string, string> = {
  amount: "Amount",
  carrier: "Carrier",
  trackingNumber: "Tracking number",
  trackingUrl: "Tracking link",
  reason: "Reason",
  from: "From",
  to: "To",
  status: "Status",
  fulfilment: "Fulfilment",
  q: "Search",
  page: "Page",
  period: "Period",
  date: "Date",
  name: "Name",
  email: "E-mail address",
  role: "Role",
  password: "Password",
  currentPassword: "Current password",
  newPassword: "New password",
  repeatPassword: "New password again",
  code: "Code",
  lines: "Items",
  restock: "Put the items back into stock",
};

/**
 * One refused form value in words: the field's name as the form shows it and what is wrong ("Tracking number: may
 * hold only letters, digits and hyphens."), never its key. A value no field of the form holds (a hidden one, a
 * page's address) is told as the form's: it came from the page, not from the person, so reloading mends it.
 */
export function issueText(issue: Pick<z.core.$ZodIssue, "path" | "message">): string {
  const field = issue.path.find((part) => typeof part === "string" && Object.hasOwn(FIELD_LABELS, part));
  const message = sentence(issue.message);
  // A message written as a whole sentence ("Type your e-mail address.") names what it is about itself.
  if (typeof field === "string" && /^[A-Z]/.test(message)) return message;
  if (typeof field === "string") return `${FIELD_LABELS[field]}: ${message}`;
  return `This form is out of date (${message.replace(/\.$/, "")}). Reload the page and try again.`;
}

/** Every refused value of a page's query, in words, one sentence each. */
export function issuesText(issues: readonly Pick<z.core.$ZodIssue, "path" | "message">[]): string {
  return issues.map(issueText).join(" ");
}

/** "The invoice is paid" → "the invoice is paid", within a sentence; "SEQR is busy" stays as it is. */
export function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
