import { actorFieldsOf, type AdminActor } from "../admin/actor.ts";
import { db } from "../db.ts";
import { lockOrder } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import type { SeqrInvoiceStatus } from "../seqr/types.ts";
import { cancelAttemptInvoice, type CancelOutcome } from "./cancel-invoice.ts";
import { LIVE_INVOICE_STATUSES, type OrderStatus } from "./state-machine.ts";
import { releaseStock } from "./stock-reservation.ts";

// The merchant ends an unpaid order for good (CANCELED_BY_MERCHANT): it can never be paid again, and what it held
// of the stock goes back on sale. An invoice the customer could still pay is canceled at SEQR first, and SEQR's
// answer decides: an order whose invoice was paid or is being paid right now is not ended (paid orders are
// refunded, not ended).

/** The states an order can be ended from: unpaid, whether or not an invoice is out (state-machine.ts). */
export const ENDABLE_STATUSES = ["PENDING", "INVOICED", "FAILED", "CANCELED"] as const satisfies readonly OrderStatus[];

const NOT_ENDABLE: Partial<Record<OrderStatus, string>> = {
  PAID: "This order is paid, so it cannot be ended: refund the payment instead.",
  NEEDS_ATTENTION: "This order is paid, so it cannot be ended: refund the payment instead.",
  PARTIALLY_REFUNDED: "This order is paid, so it cannot be ended: refund what is left of the payment instead.",
  REFUNDED: "This order was paid and refunded; there is nothing left to end.",
  EXPIRED: "This order has expired: it can no longer be paid, and its stock is back on sale.",
};

/** An attempt the customer can still pay: SEQR holds its invoice and last said it was open (ISSUED, PENDING_…). */
export function isLiveAttempt<A extends { state: string; invoiceReference: string | null; seqrStatus: SeqrInvoiceStatus | null }>(
  attempt: A,
): attempt is A & { invoiceReference: string; seqrStatus: SeqrInvoiceStatus } {
  return (
    attempt.state === "SENT" &&
    attempt.invoiceReference !== null &&
    attempt.seqrStatus !== null &&
    (LIVE_INVOICE_STATUSES as readonly SeqrInvoiceStatus[]).includes(attempt.seqrStatus)
  );
}

export type EndOrderResult = {
  /**
   * ended: the order is CANCELED_BY_MERCHANT now; already-ended: it was before this call; confirming: SEQR canceled
   * its invoice but could not be asked afterwards, so the order follows at the next look (the reconciler's).
   */
  outcome: "ended" | "already-ended" | "confirming";
  status: OrderStatus;
  /** The invoice that was canceled first, and SEQR's answer to the cancel. */
  invoice?: { invoiceReference: string; outcome: CancelOutcome };
};

/** How often the decision is taken again when the order moved under it (a Pay, a notification). */
const ROUNDS = 3;

export async function endOrderByMerchant(
  orderId: string,
  /** `actor`: the signed-in person, named on the order's timeline. */
  options: { sourceAddress: string | null; actor?: AdminActor | undefined; now?: () => Date },
): Promise<EndOrderResult> {
  const now = options.now ?? (() => new Date());
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = await db.order.findUnique({
      where: { id: orderId },
      include: { attempts: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] } },
    });
    if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
    if (order.status === "CANCELED_BY_MERCHANT") return { outcome: "already-ended", status: order.status };
    if (!isEndable(order.status)) {
      throw new AppError("ORDER_NOT_ENDABLE", 409, NOT_ENDABLE[order.status] ?? "This order cannot be ended.");
    }

    const live = order.attempts.find(isLiveAttempt);
    if (live) {
      const result = await endWithLiveInvoice(orderId, live, options, now);
      if (result) return result;
      continue;
    }

    const at = now();
    if (order.invoicingUntil && order.invoicingUntil > at) throw payStarting();
    const ended = await db.$transaction(async (tx) => {
      // Locked first, so that the update below reads the order's invoices as they are now: on PostgreSQL an UPDATE
      // that waited for a concurrent Pay re-checks the order's own row, not the attempts in its condition.
      await lockOrder(tx, orderId);
      // The whole decision in one conditional update: still in the state read above, no Pay holding the order's
      // lease (it may be sending an invoice this very moment), and no invoice the customer could pay. A Pay that
      // won the race makes this match no row, and the next round cancels its invoice first.
      const moved = await tx.order.updateMany({
        where: {
          id: orderId,
          status: order.status,
          OR: [{ invoicingUntil: null }, { invoicingUntil: { lte: at } }],
          attempts: { none: { state: "SENT", seqrStatus: { in: LIVE_INVOICE_STATUSES } } },
        },
        data: { status: "CANCELED_BY_MERCHANT", canceledAt: at },
      });
      if (moved.count === 0) return false;
      await tx.paymentEvent.create({
        data: {
          orderId,
          type: "STATUS_CHANGED",
          source: "admin",
          sourceAddress: options.sourceAddress,
          ...actorFieldsOf(options),
          fromStatus: order.status,
          toStatus: "CANCELED_BY_MERCHANT",
          detail: { reason: "ORDER_ENDED", invoiceOut: false },
        },
      });
      await releaseStock(tx, orderId, { trigger: "admin" });
      return true;
    });
    if (ended) return { outcome: "ended", status: "CANCELED_BY_MERCHANT" };
  }
  // Moved under us every round: something is busy with this order right now.
  throw new AppError("ORDER_BUSY", 409, "This order is changing right now (a payment may be starting). Try again in a minute.");
}

async function endWithLiveInvoice(
  orderId: string,
  live: { id: string; orderId: string; invoiceReference: string },
  options: { sourceAddress: string | null; now?: () => Date },
  now: () => Date,
): Promise<EndOrderResult | null> {
  const result = await cancelAttemptInvoice(
    { id: live.id, orderId: live.orderId, invoiceReference: live.invoiceReference },
    { reason: "ORDER_ENDED", trigger: "admin", sourceAddress: options.sourceAddress, ...(options.now ? { now: options.now } : {}) },
  );
  const invoice = { invoiceReference: live.invoiceReference, outcome: result.outcome };
  switch (result.outcome) {
    case "already-paid":
      // The sync has recorded the payment: the order is paid, and a paid order is refunded, not ended.
      throw new AppError(
        "CUSTOMER_PAID",
        409,
        "The customer has just paid this order (SEQR answered 50), so it was not ended. The payment is now recorded; refund it if the customer should get the money back.",
      );
    case "being-paid":
      throw new AppError(
        "CUSTOMER_PAYING",
        409,
        "The customer is paying this order right now (SEQR answered 51), so it was not ended. Try again in a minute.",
      );
    case "failed":
      // SEQR's own name for its answer stays in the log and the order's technical log: the merchant needs what to do.
      throw new AppError(
        "SEQR_UNAVAILABLE",
        503,
        "SEQR did not cancel the order's invoice, so the order was not ended: the customer could still pay it. Try again in a moment.",
      );
    case "canceled":
    case "already-canceled":
      break;
  }
  // SEQR canceled the invoice; the sync that followed moved the order through the state machine (ORDER_ENDED →
  // CANCELED_BY_MERCHANT) and released its stock. The moment is stamped here, once.
  await db.order.updateMany({
    where: { id: orderId, status: "CANCELED_BY_MERCHANT", canceledAt: null },
    data: { canceledAt: now() },
  });
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
  if (order.status === "CANCELED_BY_MERCHANT") return { outcome: "ended", status: order.status, invoice };
  const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { id: live.id } });
  if (!isLiveAttempt(attempt)) return null; // SEQR's answer moved the order some other way: decide again.
  if (result.sync?.error) {
    // SEQR canceled it (0/95) but could not be asked afterwards, so the shop still holds the invoice as open. The
    // cancel stands, and so does its reason (cancel-invoice.ts): the next look at the invoice (the reconciler's, or
    // a Pay's) reads CANCELED as ORDER_ENDED and moves the order.
    return { outcome: "confirming", status: order.status, invoice };
  }
  // SEQR took the cancel but its status answer still says open: it may still be paid, so nothing is ended.
  throw new AppError(
    "INVOICE_STILL_OPEN",
    409,
    "SEQR accepted the cancel but still reports the invoice as open, so the order was not ended. Try again in a moment.",
  );
}

function isEndable(status: OrderStatus): status is (typeof ENDABLE_STATUSES)[number] {
  return (ENDABLE_STATUSES as readonly OrderStatus[]).includes(status);
}

function payStarting(): AppError {
  return new AppError(
    "PAY_IN_PROGRESS",
    409,
    "The customer is starting a payment for this order right now, so it was not ended. Try again in a minute.",
  );
}
