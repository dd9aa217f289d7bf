import type { Prisma } from "../generated/prisma/client.ts";
import type { DeliveryMethod, OrderSource, OrderStatus, PaymentEventType } from "../generated/prisma/enums.ts";
import { formatMoney } from "../money.ts";
import { outboxKindText } from "../outbox/payloads.ts";
import { formatPhoneNumber } from "./order-search.ts";
import {
  attentionReasonText,
  attentionShortText,
  orderStatusText,
  refundStatusText,
  seqrProblemNameText,
  seqrResultText,
  type Tone,
} from "./wording.ts";

// An order's story as the merchant reads it in ten seconds: the steps that matter (placed, delivery details,
// invoiced, paid, refunded, shipped or collected, canceled or expired), each with who did it and when; and, for
// whoever needs it, every PaymentEvent in words with its technical detail (SEQR's answers, status queries,
// notifications, source addresses, raw values), which the order page folds away behind "Show details". Pure: it
// reads the order as lib/admin/order-detail.ts loads it.

/** Who, for the steps: a person's name, or one of these. */
export const WHO = {
  customer: "the customer",
  seqr: "SEQR",
  automatic: "the shop (automatic)",
  /** An admin action recorded before events named their person. */
  shop: "the shop",
} as const;

export type TimelineStep = {
  /** The event it comes from (or a made-up id for what has none). */
  id: string;
  kind:
    | "placed"
    | "details"
    | "invoiced"
    | "paid"
    | "attention"
    | "payer"
    | "failed"
    | "canceled"
    | "expired"
    | "invoice-canceled"
    | "refund"
    | "shipped"
    | "picked-up"
    | "receipt"
    | "message"
    | "tried";
  title: string;
  /** A second line: what came with it (items, reason, tracking number, what it means). */
  note: string | null;
  who: string;
  /** Null when the shop keeps no time for it (delivery details: given before the first invoice). */
  at: Date | null;
  tone: Tone;
};

export type TechnicalEntry = {
  id: string;
  /** The event's type, for styling only. */
  type: PaymentEventType;
  at: Date;
  what: string;
  who: string;
  /** The network address the request came from (notifications, admin actions). */
  address: string | null;
  /** "Waiting for payment → Paid". */
  change: string | null;
  /** SEQR's result code with its meaning. */
  seqr: string | null;
  /** The event's detail as stored, for whoever needs the raw values. */
  detail: Prisma.JsonValue | null;
};

type TimelineEvent = {
  id: string;
  type: PaymentEventType;
  source: string;
  sourceAddress: string | null;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  seqrResultCode: number | null;
  actorName: string | null;
  paymentAttemptId: string | null;
  detail: Prisma.JsonValue | null;
  createdAt: Date;
};

type TimelineRefund = {
  id: string;
  amountMinor: number;
  currency: string;
  status: string;
  reason: string | null;
  createdAt: Date;
  completedAt: Date | null;
  settledAt: Date | null;
  lines?: { quantity: number; restock: boolean; orderItemId: string }[];
};

export type TimelineOrder = {
  totalMinor: number;
  currency: string;
  source: OrderSource;
  deliveryMethod: DeliveryMethod | null;
  deliveryCity: string | null;
  createdAt: Date;
  items: { id: string; name: string }[];
  attempts: { id: string; amountMinor: number; currency: string; cancelReason: string | null }[];
  refunds: TimelineRefund[];
  events: TimelineEvent[];
};

type Detail = Record<string, Prisma.JsonValue | undefined>;

function detailOf(event: { detail: Prisma.JsonValue | null }): Detail {
  return event.detail !== null && typeof event.detail === "object" && !Array.isArray(event.detail) ? (event.detail as Detail) : {};
}

function text(value: Prisma.JsonValue | undefined): string | null {
  return typeof value === "string" ? value : null;
}

function number(value: Prisma.JsonValue | undefined): number | null {
  return typeof value === "number" ? value : null;
}

/** Who caused an event, for the technical log: the person, or where the request came from, in words. */
function sourceText(event: Pick<TimelineEvent, "source" | "actorName">): string {
  if (event.actorName) return event.actorName;
  switch (event.source) {
    case "checkout":
      return "the customer, at checkout";
    case "order-page":
      return "the customer, in the SEQR app";
    case "outcome-page":
      return "the customer's payment page";
    case "status-route":
      return "the customer's checkout page";
    case "notification":
      return "SEQR (notification)";
    case "reconciler":
      return WHO.automatic;
    case "admin":
      return WHO.shop;
    default:
      return `the shop (${event.source})`;
  }
}

const ACTION_TEXT: Record<string, string> = {
  refresh: "Refresh from SEQR",
  "cancel-invoice": "Cancel invoice",
  "end-order": "Cancel order",
  "send-receipt": "Send receipt",
  "mark-shipped": "Mark shipped",
  "mark-picked-up": "Picked up",
  "resend-message": "Send again",
};

const EVENT_TEXT: Record<PaymentEventType, string> = {
  ORDER_CREATED: "Order placed",
  INVOICE_SENT: "Invoice sent to SEQR",
  INVOICE_CANCELED: "Invoice canceled at SEQR",
  NOTIFICATION_RECEIVED: "SEQR said something changed (notification)",
  STATUS_QUERIED: "Asked SEQR where the payment stands",
  STATUS_CHANGED: "Status changed",
  FULFILLED: "Stock taken for the order",
  STOCK_RESERVED: "Stock held while the invoice is open",
  STOCK_RELEASED: "Stock given back",
  SESSION_OPENED: "Opened in the SEQR app",
  CUSTOMER_CHANGED: "Paid from another SEQR account",
  REFUND: "Refund",
  ADMIN_ACTION: "Admin action",
  ERROR: "Problem",
};

/** Every event in words, oldest first, with what a person needs to look into it. */
export function technicalLog(order: Pick<TimelineOrder, "events">): TechnicalEntry[] {
  return order.events.map((event) => {
    const detail = detailOf(event);
    const action = text(detail.action);
    const what =
      event.type === "ADMIN_ACTION" && action
        ? `${EVENT_TEXT.ADMIN_ACTION}: ${ACTION_TEXT[action] ?? action}`
        : event.type === "ERROR" && text(detail.reason)
          ? `${EVENT_TEXT.ERROR}: ${problemText(text(detail.reason) ?? "")}`
          : EVENT_TEXT[event.type];
    return {
      id: event.id,
      type: event.type,
      at: event.createdAt,
      what,
      who: sourceText(event),
      address: event.sourceAddress,
      change:
        event.fromStatus || event.toStatus
          ? `${event.fromStatus ? orderStatusText(event.fromStatus) : "–"} → ${event.toStatus ? orderStatusText(event.toStatus) : "–"}`
          : null,
      seqr: event.seqrResultCode === null ? null : seqrResultText(event.seqrResultCode),
      detail: event.detail,
    };
  });
}

const PROBLEM_TEXT: Record<string, string> = {
  SEND_UNCONFIRMED: "SEQR never confirmed an invoice the shop was sending",
  REPLACEMENT_NOT_SENT: "a new invoice could not be sent",
};

function problemText(reason: string): string {
  return PROBLEM_TEXT[reason] ?? attentionShortText(reason);
}

/**
 * The steps that matter, oldest first. Everything else (status queries, notifications, stock held and released,
 * repeated answers) is only in the technical log.
 */
export function timelineSteps(order: TimelineOrder): TimelineStep[] {
  const money = (amountMinor: number, currency = order.currency) => formatMoney({ amountMinor, currency });
  const attemptOf = (id: string | null) => order.attempts.find((attempt) => attempt.id === id);
  const steps: TimelineStep[] = [];
  const refundsShown = new Set<string>();
  let invoices = 0;

  for (const event of order.events) {
    const detail = detailOf(event);
    const person = event.actorName ?? WHO.shop;
    const step = (kind: TimelineStep["kind"], title: string, who: string, tone: Tone, note: string | null = null) =>
      steps.push({ id: event.id, kind, title, note, who, at: event.createdAt, tone });

    switch (event.type) {
      case "ORDER_CREATED": {
        step(
          "placed",
          `Placed: ${money(order.totalMinor)}`,
          WHO.customer,
          "neutral",
          order.source === "PRODUCT_QR" ? "From a product's QR code, in the SEQR app" : "In the web shop",
        );
        // The shop keeps no time for the delivery details; Pay is refused until they are given, so they come
        // before the first invoice.
        if (order.deliveryMethod) {
          steps.push({
            id: `${event.id}-details`,
            kind: "details",
            title: "Delivery details given",
            note:
              order.deliveryMethod === "PICKUP"
                ? "To collect at the shop"
                : `To be sent${order.deliveryCity ? ` to ${order.deliveryCity}` : ""}`,
            who: WHO.customer,
            at: null,
            tone: "neutral",
          });
        }
        break;
      }
      case "INVOICE_SENT": {
        invoices += 1;
        const amount = number(detail.totalMinor);
        const currency = text(detail.currency) ?? order.currency;
        step(
          "invoiced",
          `${invoices === 1 ? "Invoiced" : "Invoiced again"}${amount === null ? "" : `: ${money(amount, currency)}`}`,
          event.source === "notification" ? WHO.seqr : WHO.customer,
          "waiting",
          invoices === 1 ? "The customer pressed Pay: the invoice is in their SEQR app" : "A new invoice replaces the earlier one",
        );
        break;
      }
      case "STATUS_CHANGED":
        statusStep(event, detail);
        break;
      case "ERROR": {
        const reason = text(detail.reason);
        // A payment flagged without a change of status (paid twice, a lost invoice): the merchant must look.
        if (reason && reason !== "SEND_UNCONFIRMED" && reason !== "REPLACEMENT_NOT_SENT") {
          step("attention", `Needs attention: ${attentionShortText(reason)}`, WHO.seqr, "problem", attentionReasonText(reason));
        }
        break;
      }
      case "CUSTOMER_CHANGED": {
        const payer = text(detail.payer);
        step(
          "payer",
          "Paid from another SEQR account",
          WHO.seqr,
          "neutral",
          payer ? `The customer is now ${formatPhoneNumber(payer)}: refunds go to them` : "Refunds go to the account that paid",
        );
        break;
      }
      case "REFUND": {
        const refundId = text(detail.refundId);
        const refund = order.refunds.find((candidate) => candidate.id === refundId);
        if (!refund || refundsShown.has(refund.id)) break;
        refundsShown.add(refund.id);
        steps.push(refundStep(refund, event, person));
        break;
      }
      case "ADMIN_ACTION":
        actionStep(detail, person, step);
        break;
      default:
        break;
    }
  }

  // A refund SEQR has not answered yet has no event: it is a step all the same.
  for (const refund of order.refunds) {
    if (!refundsShown.has(refund.id)) {
      steps.push(refundStep(refund, null, WHO.shop));
    }
  }
  // In time order; a step without a time keeps its place after the one before it (the sort is stable).
  let previous = 0;
  const keyed = steps.map((found) => ({ found, key: (previous = found.at?.getTime() ?? previous) }));
  return keyed.sort((a, b) => a.key - b.key).map(({ found }) => found);

  function statusStep(event: TimelineEvent, detail: Detail): void {
    const at = event.createdAt;
    const push = (kind: TimelineStep["kind"], title: string, who: string, tone: Tone, note: string | null = null) =>
      steps.push({ id: event.id, kind, title, note, who, at, tone });
    const attempt = attemptOf(event.paymentAttemptId);
    const reason = text(detail.reason) ?? text(detail.attentionReason);
    switch (event.toStatus) {
      case "PAID":
      case "NEEDS_ATTENTION": {
        const amount = attempt ? money(attempt.amountMinor, attempt.currency) : money(order.totalMinor);
        push(
          "paid",
          `Paid: ${amount}`,
          WHO.customer,
          reason ? "problem" : "done",
          reason ? `In the SEQR app. Needs attention: ${attentionReasonText(reason)}` : "In the SEQR app, confirmed with SEQR",
        );
        break;
      }
      case "FAILED":
        // A lost invoice is told by its ERROR event.
        if (reason !== "INVOICE_LOST") push("failed", "Payment failed", WHO.seqr, "problem", "The customer can try again");
        break;
      case "CANCELED": {
        // The shop's own cancel is told by the person's action.
        if (attempt?.cancelReason) break;
        const reversed = order.events.some(
          (other) => other.type === "NOTIFICATION_RECEIVED" && other.paymentAttemptId === event.paymentAttemptId,
        );
        if (reversed) {
          push("canceled", "Payment reversed by SEQR", WHO.seqr, "problem", "The shop did not confirm it in time; nothing was charged");
        } else {
          push("canceled", "Payment canceled in the SEQR app", WHO.customer, "neutral", "The customer can pay again");
        }
        break;
      }
      case "EXPIRED":
        if (reason === "WITHDRAWN") push("expired", "Withdrawn: the customer changed the order", WHO.customer, "ended");
        else if (reason === "NO_INVOICE") push("expired", "Expired: the customer never pressed Pay", WHO.automatic, "ended");
        else push("expired", "Expired: not paid in time", WHO.automatic, "ended", "The invoice was canceled; the customer can no longer pay");
        break;
      case "CANCELED_BY_MERCHANT": {
        const who = event.actorName ?? lastActor("end-order") ?? WHO.shop;
        push("canceled", "Canceled by the shop", who, "ended", "The customer can no longer pay; the items are back in stock");
        break;
      }
      default:
        // INVOICED (the invoice's step says it), PARTIALLY_REFUNDED and REFUNDED (the refund's step says it).
        break;
    }
  }

  function lastActor(action: string): string | null {
    const found = order.events.findLast((event) => event.type === "ADMIN_ACTION" && detailOf(event).action === action);
    return found?.actorName ?? null;
  }

  function refundStep(refund: TimelineRefund, event: TimelineEvent | null, who: string): TimelineStep {
    const amount = money(refund.amountMinor, refund.currency);
    const items = (refund.lines ?? [])
      .map((line) => {
        const item = order.items.find((candidate) => candidate.id === line.orderItemId);
        return `${line.quantity} × ${item?.name ?? "an item"}${line.restock ? " (back into stock)" : ""}`;
      })
      .join(", ");
    const note = [items, refund.reason ? `Reason: ${refund.reason}` : "", refund.settledAt ? "Settled from SEQR's report" : ""]
      .filter(Boolean)
      .join(". ");
    const title =
      refund.status === "SUCCEEDED"
        ? `Refunded: ${amount}`
        : `Refund of ${amount}: ${refundStatusText(refund.status).charAt(0).toLowerCase()}${refundStatusText(refund.status).slice(1)}`;
    return {
      id: event?.id ?? refund.id,
      kind: "refund",
      title,
      note: note || null,
      who,
      at: refund.completedAt ?? refund.createdAt,
      tone: refund.status === "SUCCEEDED" ? "done" : refund.status === "FAILED" ? "neutral" : "problem",
    };
  }
}

function actionStep(
  detail: Detail,
  person: string,
  step: (kind: TimelineStep["kind"], title: string, who: string, tone: Tone, note?: string | null) => void,
): void {
  const outcome = text(detail.outcome);
  switch (text(detail.action)) {
    case "mark-shipped": {
      const tracking = text(detail.trackingNumber);
      step("shipped", `Shipped with ${text(detail.carrier) ?? "a carrier"}`, person, "done", tracking ? `Tracking number ${tracking}` : null);
      break;
    }
    case "mark-picked-up":
      step("picked-up", "Collected at the shop", person, "done");
      break;
    case "cancel-invoice":
      if (outcome === "canceled" || outcome === "already-canceled") {
        step("invoice-canceled", "Invoice canceled", person, "neutral", "The customer can no longer pay that invoice");
      } else {
        step("tried", "Tried to cancel the invoice", person, "neutral", CANCEL_TRIES[outcome ?? ""] ?? "SEQR did not cancel it");
      }
      break;
    case "end-order":
      // An order ended is told by its change of status; what did not end it is told here.
      if (outcome === "confirming") {
        step("tried", "Canceling the order", person, "waiting", "SEQR canceled the invoice; the order ends when SEQR confirms it");
      } else if (outcome === "refused") {
        step("tried", "Tried to cancel the order", person, "neutral", "It could not be canceled at that moment");
      }
      break;
    case "send-receipt":
      if (outcome === "sent") step("receipt", "Receipt sent to the customer's SEQR app", person, "neutral");
      else {
        const problem = text(detail.error);
        step("tried", "Tried to send the receipt", person, "neutral", problem ? `Not sent: ${seqrProblemNameText(problem)}` : "Not sent");
      }
      break;
    case "resend-message":
      step("message", `Sent again: ${outboxKindText(text(detail.kind) ?? "")}`, person, "neutral");
      break;
    default:
      // Refresh from SEQR asks; it changes nothing by itself (a change it brings has its own step).
      break;
  }
}

const CANCEL_TRIES: Record<string, string> = {
  "already-paid": "The customer had already paid it",
  "being-paid": "The customer was paying it at that moment",
  failed: "SEQR did not cancel it",
};
