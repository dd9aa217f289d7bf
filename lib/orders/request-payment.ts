import { setTimeout as sleep } from "node:timers/promises";

import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { seqr, SeqrError } from "../seqr/index.ts";
import { buildInvoice } from "./invoice.ts";
import { LIVE_INVOICE_STATUSES, PAYABLE_STATUSES, type OrderStatus } from "./state-machine.ts";
import { syncPaymentStatus } from "./sync-payment-status.ts";

// Pay on the order page: the order gets a SEQR invoice to pay in the app. Double clicks, reloads and a second
// device must never leave two live invoices for one order: a live invoice is reused, and a new one is issued only
// under a short lease on the order, after SEQR has confirmed the previous one is no longer payable.

/** How long one sendInvoice may hold the order's lease; longer than the client's timeout. */
const INVOICING_LEASE_MS = 30_000;
/** How long a second Pay waits for the first one's invoice before giving up. */
const WAIT_FOR_OTHER_PAY_MS = 10_000;
/** The reconciler's first look comes this soon: a lost notification must be caught inside SEQR's 20 s. */
export const FIRST_CHECK_AFTER_MS = 2_000;

const payLog = log.child({ component: "request-payment" });

export type PaymentRequest = { invoiceReference: string; reused: boolean };

const NOT_PAYABLE: Partial<Record<OrderStatus, string>> = {
  PAID: "This order is already paid.",
  NEEDS_ATTENTION: "This order is already paid.",
  PARTIALLY_REFUNDED: "This order is already paid.",
  REFUNDED: "This order was paid and refunded.",
  EXPIRED: "This order has expired. Please place it again from the shop.",
};

export async function requestPayment(orderId: string, options: { now?: () => Date } = {}): Promise<PaymentRequest> {
  const now = options.now ?? (() => new Date());
  // Ask SEQR about the current invoice first: one the shopper canceled or declined in the app must not be reused.
  const synced = await syncPaymentStatus(orderId, { trigger: "order-page", now });
  if (synced.error) throw unavailable(synced.error);

  const live = await findLiveAttempt(orderId);
  if (live) return { invoiceReference: live.invoiceReference, reused: true };

  const order = await db.order.findUnique({ where: { id: orderId }, include: { items: true } });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  if (!PAYABLE_STATUSES.has(order.status)) {
    throw new AppError("ORDER_NOT_PAYABLE", 409, NOT_PAYABLE[order.status] ?? "This order cannot be paid now.");
  }

  const startedAt = now();
  const lease = await db.order.updateMany({
    where: {
      id: orderId,
      status: order.status,
      OR: [{ invoicingUntil: null }, { invoicingUntil: { lt: startedAt } }],
    },
    data: { invoicingUntil: new Date(startedAt.getTime() + INVOICING_LEASE_MS) },
  });
  if (lease.count === 0) return waitForOtherPay(orderId);

  let invoiceReference: string;
  try {
    ({ invoiceReference } = await seqr.sendInvoice(buildInvoice(order, startedAt)));
  } catch (error) {
    await db.$transaction([
      db.order.update({ where: { id: orderId }, data: { invoicingUntil: null } }),
      db.paymentEvent.create({
        data: {
          orderId,
          type: "ERROR",
          source: "order-page",
          seqrResultCode: error instanceof SeqrError ? error.resultCode : null,
          detail: { operation: "sendInvoice", error: error instanceof SeqrError ? error.resultName : "unexpected" },
        },
      }),
    ]);
    if (error instanceof SeqrError) {
      payLog.warn({ orderId, kind: error.kind, resultCode: error.resultCode }, "sendInvoice failed");
      throw unavailable(error);
    }
    throw error;
  }

  const issuedAt = now();
  await db.$transaction(async (tx) => {
    const moved = await tx.order.updateMany({
      where: { id: orderId, status: order.status },
      data: { status: "INVOICED", invoicingUntil: null },
    });
    const attempt = await tx.paymentAttempt.create({
      data: {
        orderId,
        invoiceReference,
        amountMinor: order.totalMinor,
        currency: order.currency,
        issuedAt,
        nextCheckAt: new Date(issuedAt.getTime() + FIRST_CHECK_AFTER_MS),
      },
    });
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
    if (moved.count > 0 && order.status !== "INVOICED") {
      await tx.paymentEvent.create({
        data: {
          orderId,
          paymentAttemptId: attempt.id,
          type: "STATUS_CHANGED",
          source: "order-page",
          fromStatus: order.status,
          toStatus: "INVOICED",
        },
      });
    }
  });
  payLog.info({ orderId, invoiceReference }, "invoice sent");
  return { invoiceReference, reused: false };
}

async function findLiveAttempt(orderId: string) {
  return db.paymentAttempt.findFirst({
    where: { orderId, seqrStatus: { in: LIVE_INVOICE_STATUSES } },
    orderBy: { createdAt: "desc" },
  });
}

/** Another Pay holds the lease: its invoice is the one to pay. */
async function waitForOtherPay(orderId: string): Promise<PaymentRequest> {
  const deadline = Date.now() + WAIT_FOR_OTHER_PAY_MS;
  while (Date.now() < deadline) {
    const live = await findLiveAttempt(orderId);
    if (live) return { invoiceReference: live.invoiceReference, reused: true };
    const order = await db.order.findUnique({ where: { id: orderId }, select: { invoicingUntil: true } });
    if (!order?.invoicingUntil) break;
    await sleep(200);
  }
  const live = await findLiveAttempt(orderId);
  if (live) return { invoiceReference: live.invoiceReference, reused: true };
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
