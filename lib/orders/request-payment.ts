import { setTimeout as sleep } from "node:timers/promises";

import { db } from "../db.ts";
import { lockOrder } from "../db-locks.ts";
import { env } from "../env.ts";
import { AppError } from "../errors.ts";
import type { PaymentAttempt } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { seqr, SeqrError } from "../seqr/index.ts";
import { cancelAttemptInvoice } from "./cancel-invoice.ts";
import { requireDeliveryDetails } from "./delivery.ts";
import { buildInvoice } from "./invoice.ts";
import { endSendingAttempt, PAY_LEASE_MS } from "./stale-attempts.ts";
import { canTransition, LIVE_INVOICE_STATUSES, PAYABLE_STATUSES, type OrderStatus } from "./state-machine.ts";
import { reserveStock } from "./stock-reservation.ts";
import { syncPaymentStatus } from "./sync-payment-status.ts";

// Pay on the order page: the order gets a SEQR invoice to pay in the app. The guarantees, each held by the
// database, not by timing:
// - never two live invoices for one order: a new invoice is sent only under a lease on the order (a conditional
//   update), only after SEQR has said the previous one is no longer payable (cancelInvoice 0 or 95), and only when,
//   under the order's row lock, the order has no other invoice out or being sent (what this Pay read before it took
//   the lease may be stale: another Pay may have finished meanwhile, or taken over a lease that looked expired to
//   a server whose clock runs ahead);
// - never an item sold twice: the order's units are reserved (conditional decrements) before SEQR is asked, and
//   Pay is refused, naming the items, when they are no longer there;
// - never money lost track of: the attempt is written (SENDING) before sendInvoice and the reference stored the
//   moment it arrives; a call that times out or cannot be read leaves the attempt UNKNOWN, which blocks nothing.

/** How long a second Pay waits for the first one's invoice before giving up. */
const WAIT_FOR_OTHER_PAY_MS = 10_000;
/** The reconciler's first look comes this soon: a lost notification must be caught inside SEQR's 20 s. */
export const FIRST_CHECK_AFTER_MS = 2_000;
/**
 * A live invoice is reused while this much of its life is left; one closer to the timeout would be canceled by the
 * reconciler while the shopper is paying it, so it is replaced instead.
 */
export const MIN_REMAINING_LIFE_MS = Math.min(2 * 60_000, env.orders.invoiceTimeoutMs / 2);

const payLog = log.child({ component: "request-payment" });

export type PaymentRequest = { invoiceReference: string; reused: boolean };

const NOT_PAYABLE: Partial<Record<OrderStatus, string>> = {
  PAID: "This order is already paid.",
  NEEDS_ATTENTION: "This order is already paid.",
  PARTIALLY_REFUNDED: "This order is already paid.",
  REFUNDED: "This order was paid and refunded.",
  EXPIRED: "This order has expired. Please place it again from the shop.",
  CANCELED_BY_MERCHANT: "The shop has canceled this order, so it cannot be paid. Nothing was charged.",
};

export async function requestPayment(orderId: string, options: { now?: () => Date } = {}): Promise<PaymentRequest> {
  const now = options.now ?? (() => new Date());
  // No invoice, and no SEQR call, for an order the shop would not know where to send.
  await requireDeliveryDetails(orderId);
  // Ask SEQR about the current invoice first: one the shopper canceled or declined in the app must not be reused.
  const synced = await syncPaymentStatus(orderId, { trigger: "order-page", now, fresh: true });
  if (synced.error) throw unavailable(synced.error);

  const order = await db.order.findUnique({ where: { id: orderId }, include: { items: true } });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  if (!PAYABLE_STATUSES.has(order.status)) {
    throw new AppError("ORDER_NOT_PAYABLE", 409, NOT_PAYABLE[order.status] ?? "This order cannot be paid now.");
  }
  const live = await findLiveAttempt(orderId);
  if (live?.invoiceReference && now().getTime() - live.issuedAt.getTime() < env.orders.invoiceTimeoutMs - MIN_REMAINING_LIFE_MS) {
    return { invoiceReference: live.invoiceReference, reused: true };
  }

  // The lease outlives the longest sendInvoice (the request timeout) with room to spare; an attempt still SENDING
  // after it is marked UNKNOWN by the reconciler (stale-attempts.ts).
  let startedAt = now();
  let leasedUntil = new Date(startedAt.getTime() + PAY_LEASE_MS);
  const lease = await db.order.updateMany({
    where: {
      id: orderId,
      status: order.status,
      OR: [{ invoicingUntil: null }, { invoicingUntil: { lt: startedAt } }],
    },
    data: { invoicingUntil: leasedUntil },
  });
  if (lease.count === 0) return waitForOtherPay(orderId);

  let sending: PaymentAttempt | null;
  try {
    if (live) {
      await replaceLiveInvoice(live, now);
      // The cancel and its sync took part of the lease: renew it for the sendInvoice ahead, if it is still ours.
      startedAt = now();
      const renewed = await db.order.updateMany({
        where: { id: orderId, invoicingUntil: leasedUntil },
        data: { invoicingUntil: new Date(startedAt.getTime() + PAY_LEASE_MS) },
      });
      if (renewed.count === 0) return await waitForOtherPay(orderId);
      leasedUntil = new Date(startedAt.getTime() + PAY_LEASE_MS);
    }
    const ourLease = leasedUntil;
    sending = await db.$transaction(async (tx) => {
      await lockOrder(tx, orderId);
      // Under the lock, what was read before may have changed: the lease is still this Pay's, and no other attempt
      // is SENDING or holds a live invoice (the one SEQR has just canceled for this Pay aside).
      const ours = await tx.order.count({ where: { id: orderId, invoicingUntil: ourLease } });
      if (ours === 0) return null;
      const other = await tx.paymentAttempt.count({
        where: {
          orderId,
          ...(live ? { id: { not: live.id } } : {}),
          OR: [{ state: "SENDING" }, { state: "SENT", seqrStatus: { in: LIVE_INVOICE_STATUSES } }],
        },
      });
      if (other > 0) return null;
      const { reserved } = await reserveStock(tx, orderId);
      const written = await tx.paymentAttempt.create({
        data: {
          orderId,
          state: "SENDING",
          seqrStatus: null,
          amountMinor: order.totalMinor,
          currency: order.currency,
          issuedAt: startedAt,
        },
      });
      if (reserved) {
        await tx.paymentEvent.create({
          data: {
            orderId,
            paymentAttemptId: written.id,
            type: "STOCK_RESERVED",
            source: "order-page",
            detail: { items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity })) },
          },
        });
      }
      return written;
    });
  } catch (error) {
    await releaseLease(orderId, leasedUntil);
    throw error;
  }
  if (!sending) {
    // Another Pay's invoice is out or on its way: that is the one to pay.
    await releaseLease(orderId, leasedUntil);
    return waitForOtherPay(orderId);
  }
  const attempt = sending;

  let invoiceReference: string;
  try {
    ({ invoiceReference } = await seqr.sendInvoice(buildInvoice(order, startedAt)));
  } catch (error) {
    await recordSendFailure(attempt, leasedUntil, error);
    if (error instanceof SeqrError) {
      payLog.warn({ orderId, attemptId: attempt.id, kind: error.kind, resultCode: error.resultCode }, "sendInvoice failed");
      throw unavailable(error);
    }
    throw error;
  }
  // Logged the moment it arrives, before any write that could fail: SEQR's support can find the invoice by it.
  payLog.info({ orderId, attemptId: attempt.id, invoiceReference }, "invoice sent");

  const issuedAt = now();
  await db.$transaction(async (tx) => {
    await lockOrder(tx, orderId);
    // SENDING, or UNKNOWN if this call outlived the lease and the reconciler gave up on it: the reference wins.
    await tx.paymentAttempt.updateMany({
      where: { id: attempt.id, state: { in: ["SENDING", "UNKNOWN"] } },
      data: {
        state: "SENT",
        invoiceReference,
        seqrStatus: "ISSUED",
        issuedAt,
        nextCheckAt: new Date(issuedAt.getTime() + FIRST_CHECK_AFTER_MS),
      },
    });
    // The order as it is now, not as this Pay first read it: a look at the replaced invoice may have moved it.
    const current = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
    const from = current.status;
    const moved =
      from !== "INVOICED" && canTransition(from, "INVOICED")
        ? await tx.order.updateMany({ where: { id: orderId, status: from }, data: { status: "INVOICED" } })
        : { count: 0 };
    await tx.order.updateMany({ where: { id: orderId, invoicingUntil: leasedUntil }, data: { invoicingUntil: null } });
    await tx.paymentEvent.create({
      data: {
        orderId,
        paymentAttemptId: attempt.id,
        type: "INVOICE_SENT",
        source: "order-page",
        seqrResultCode: 0,
        detail: { invoiceReference, totalMinor: order.totalMinor, currency: order.currency },
      },
    });
    if (moved.count > 0) {
      await tx.paymentEvent.create({
        data: {
          orderId,
          paymentAttemptId: attempt.id,
          type: "STATUS_CHANGED",
          source: "order-page",
          fromStatus: from,
          toStatus: "INVOICED",
        },
      });
    }
  });
  return { invoiceReference, reused: false };
}

/**
 * SEQR must say the live invoice can no longer be paid before another is sent (CONTRACT.md, cancelInvoice): 0 or 95
 * and it is replaced; 50, it was paid (the sync has recorded it); 51, the customer is paying it right now.
 */
async function replaceLiveInvoice(live: PaymentAttempt, now: () => Date): Promise<void> {
  const cancel = await cancelAttemptInvoice(live, { reason: "REPLACED", trigger: "order-page", now });
  switch (cancel.outcome) {
    case "canceled":
    case "already-canceled":
      return;
    case "already-paid":
      throw new AppError("ORDER_NOT_PAYABLE", 409, "This order is already paid.");
    case "being-paid":
      throw new AppError(
        "PAYMENT_IN_PROGRESS",
        409,
        "This order is being paid in the SEQR app right now. Finish or cancel the payment there.",
      );
    case "failed":
      throw cancel.error ? unavailable(cancel.error) : new AppError("PAYMENT_BUSY", 409, "Please try again in a moment.");
  }
}

/**
 * SEQR said no (a result code): no invoice exists, the attempt is REFUSED. No answer that can be read (a timeout,
 * the network, a malformed answer): SEQR may hold an invoice, the attempt is UNKNOWN (stale-attempts.ts).
 */
async function recordSendFailure(attempt: PaymentAttempt, leasedUntil: Date, error: unknown): Promise<void> {
  const refused = error instanceof SeqrError && error.kind === "result";
  await db.$transaction(async (tx) => {
    await lockOrder(tx, attempt.orderId);
    // Only this Pay's lease: one another Pay has taken since is left alone.
    await tx.order.updateMany({ where: { id: attempt.orderId, invoicingUntil: leasedUntil }, data: { invoicingUntil: null } });
    await endSendingAttempt(tx, attempt, {
      state: refused ? "REFUSED" : "UNKNOWN",
      trigger: "order-page",
      seqrResultCode: error instanceof SeqrError ? error.resultCode : null,
      detail: {
        operation: "sendInvoice",
        error: error instanceof SeqrError ? (error.resultName ?? error.kind) : "unexpected",
      },
    });
  });
}

/** Ends this Pay's lease, and only this Pay's: a lease another Pay has taken since is left alone. */
async function releaseLease(orderId: string, leasedUntil: Date): Promise<void> {
  await db.order.updateMany({ where: { id: orderId, invoicingUntil: leasedUntil }, data: { invoicingUntil: null } });
}

async function findLiveAttempt(orderId: string) {
  return db.paymentAttempt.findFirst({
    where: { orderId, state: "SENT", seqrStatus: { in: LIVE_INVOICE_STATUSES } },
    orderBy: { createdAt: "desc" },
  });
}

/**
 * Another Pay holds the lease: its invoice is the one to pay, once it has finished. Not before: while it holds the
 * lease the live invoice may be the one it is replacing, which SEQR is canceling.
 */
async function waitForOtherPay(orderId: string): Promise<PaymentRequest> {
  const deadline = Date.now() + WAIT_FOR_OTHER_PAY_MS;
  let leased = true;
  while (leased) {
    const order = await db.order.findUnique({ where: { id: orderId }, select: { invoicingUntil: true } });
    // A lease past its end was left by a Pay that died: nothing is coming from it.
    leased = order?.invoicingUntil != null && order.invoicingUntil.getTime() > Date.now();
    if (!leased || Date.now() >= deadline) break;
    await sleep(200);
  }
  const live = leased ? null : await findLiveAttempt(orderId);
  if (live?.invoiceReference) return { invoiceReference: live.invoiceReference, reused: true };
  throw new AppError("PAYMENT_BUSY", 409, "This order's payment is being prepared on another screen. Please try again.");
}

function unavailable(error: SeqrError): AppError {
  return new AppError(
    "SEQR_UNAVAILABLE",
    error.transient ? 503 : 502,
    error.transient
      ? "SEQR is not answering right now. Please try again in a moment."
      : "SEQR could not take this payment. Please try again, or contact the shop.",
    { cause: error },
  );
}
