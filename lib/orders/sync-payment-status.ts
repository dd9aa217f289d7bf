import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { seqr, SeqrError, type PaymentStatus } from "../seqr/index.ts";
import { fulfilOrder } from "./fulfil-order.ts";
import { decideTransition, isLiveInvoiceStatus, SETTLED_STATUSES, type OrderStatus } from "./state-machine.ts";

// The one way an order learns about its payment: ask SEQR (getPaymentStatus) and apply the answer. Every trigger
// comes through here: the notification handler, the shop's pages, the status route, the reconciler, the admin.
// Nothing a caller says about the payment is taken on trust; SEQR's answer is the only input.

export type SyncTrigger = "notification" | "order-page" | "outcome-page" | "status-route" | "reconciler" | "admin" | "checkout";

export type SyncResult = {
  status: OrderStatus;
  /** SEQR was asked (false when the order had no invoice, or was settled and could not change). */
  queried: boolean;
  /** The transition applied by this call, if any. */
  changed?: { from: OrderStatus; to: OrderStatus };
  /** SEQR could not be asked; the order is unchanged and a later trigger will ask again. */
  error?: SeqrError;
};

const syncLog = log.child({ component: "sync-payment-status" });

export async function syncPaymentStatus(
  orderId: string,
  options: { trigger: SyncTrigger; sourceAddress?: string | null; now?: () => Date },
): Promise<SyncResult> {
  const now = options.now ?? (() => new Date());
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { attempts: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 } },
  });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  const attempt = order.attempts[0];
  // A settled order has been paid: no answer about the invoice can change it (refunds are the admin's).
  if (!attempt || SETTLED_STATUSES.has(order.status)) return { status: order.status, queried: false };

  // Every question to SEQR is recorded, answered or not.
  const queried = {
    orderId,
    paymentAttemptId: attempt.id,
    type: "STATUS_QUERIED",
    source: options.trigger,
    sourceAddress: options.sourceAddress ?? null,
  } as const;
  let answer: PaymentStatus;
  try {
    answer = await seqr.getPaymentStatus(attempt.invoiceReference, attempt.seqrVersion);
  } catch (error) {
    if (!(error instanceof SeqrError)) throw error;
    // Asked, without an answer: pollers wait their interval before asking again (lib/orders/order-status.ts).
    await db.paymentAttempt.update({ where: { id: attempt.id }, data: { lastCheckedAt: now() } });
    await db.paymentEvent.create({
      data: {
        ...queried,
        seqrResultCode: error.resultCode ?? null,
        detail: { error: error.kind, resultName: error.resultName ?? null, transient: error.transient },
      },
    });
    syncLog.warn({ orderId, invoiceReference: attempt.invoiceReference, kind: error.kind, resultCode: error.resultCode }, "status query failed");
    return { status: order.status, queried: false, error };
  }

  const at = now();
  const final = !isLiveInvoiceStatus(answer.status);
  const changed = await db.$transaction(async (tx) => {
    // Write first (lib/db.ts). An answer older than one already applied (a slower concurrent query) is recorded
    // but not applied: versions only go up.
    const applied = await tx.paymentAttempt.updateMany({
      where: { id: attempt.id, seqrVersion: { lte: answer.version } },
      data: {
        seqrStatus: answer.status,
        seqrVersion: answer.version,
        lastCheckedAt: at,
        ...(answer.ersReference ? { ersReference: answer.ersReference } : {}),
        ...(answer.receipt ? { receipt: toJson(answer.receipt) } : {}),
        ...(final ? { nextCheckAt: null, finalizedAt: attempt.finalizedAt ?? at } : {}),
      },
    });
    await tx.paymentEvent.create({
      data: {
        ...queried,
        seqrResultCode: 0,
        detail: {
          status: answer.status,
          version: answer.version,
          ersReference: answer.ersReference ?? null,
          receiptTotal: answer.receipt?.invoice?.total ?? null,
          ...(applied.count === 0 ? { ignored: "older than the version already recorded" } : {}),
        },
      },
    });
    if (applied.count === 0) return undefined;

    const current = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
    // Read inside the transaction: a Pay or the reconciler may have moved on while SEQR was answering.
    const latest = await tx.paymentAttempt.findFirstOrThrow({ where: { orderId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    if (latest.id !== attempt.id) {
      // An answer about an invoice the order has since replaced says nothing about the order, unless SEQR took
      // money on it: then the merchant must know.
      if (answer.status === "PAID") {
        await tx.order.update({ where: { id: orderId }, data: { attentionReason: "PAID_ON_REPLACED_INVOICE" } });
        await tx.paymentEvent.create({
          data: {
            orderId,
            paymentAttemptId: attempt.id,
            type: "ERROR",
            source: options.trigger,
            sourceAddress: options.sourceAddress ?? null,
            detail: { reason: "PAID_ON_REPLACED_INVOICE", ersReference: answer.ersReference ?? null },
          },
        });
      }
      return undefined;
    }
    const transition = decideTransition(current, latest, answer);
    if (!transition) return undefined;
    // The conditional update makes concurrent triggers apply a transition once: the loser matches no row.
    const moved = await tx.order.updateMany({
      where: { id: orderId, status: current.status },
      data: {
        status: transition.to,
        ...(transition.attentionReason ? { attentionReason: transition.attentionReason } : {}),
        ...(answer.status === "PAID" ? { paidAt: answer.receipt?.paymentDate ?? at } : {}),
        ...(transition.to === "EXPIRED" ? { expiredAt: current.expiredAt ?? at } : {}),
      },
    });
    if (moved.count === 0) return undefined;
    await tx.paymentEvent.create({
      data: {
        orderId,
        paymentAttemptId: attempt.id,
        type: "STATUS_CHANGED",
        source: options.trigger,
        sourceAddress: options.sourceAddress ?? null,
        fromStatus: current.status,
        toStatus: transition.to,
        detail: { seqrStatus: answer.status, attentionReason: transition.attentionReason ?? null },
      },
    });
    if (transition.to === "PAID") {
      await fulfilOrder(tx, orderId, { trigger: options.trigger, paymentReference: answer.ersReference ?? null, now: at });
    }
    return { from: current.status, to: transition.to };
  });

  if (changed) syncLog.info({ orderId, invoiceReference: attempt.invoiceReference, ...changed, trigger: options.trigger }, "order status changed");
  return { status: changed?.to ?? (await currentStatus(orderId)), queried: true, ...(changed ? { changed } : {}) };
}

async function currentStatus(orderId: string): Promise<OrderStatus> {
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
  return order.status;
}

function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
