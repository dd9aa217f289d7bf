import { setTimeout as sleep } from "node:timers/promises";

import { db } from "../db.ts";
import { lockOrder } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import type { PaymentAttempt, Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { seqr, SeqrError, type PaymentStatus } from "../seqr/index.ts";
import { fulfilOrder } from "./fulfil-order.ts";
import {
  decideTransition,
  isLiveInvoiceStatus,
  SETTLED_STATUSES,
  type AttentionReason,
  type OrderStatus,
} from "./state-machine.ts";
import { releaseStock } from "./stock-reservation.ts";

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
  /** Not asked: another caller asked about this invoice less than LOOK_SPACING_MS ago (its answer is applied). */
  throttled?: true;
};

export type SyncOptions = {
  trigger: SyncTrigger;
  /**
   * The invoice the trigger is about: a notification names one, the reconciler claims one. Without it, the order's
   * newest invoice the shop holds a reference for.
   */
  attemptId?: string;
  sourceAddress?: string | null;
  now?: () => Date;
  /**
   * The caller needs an answer given after it asked (Pay before reusing an invoice, the sync after a cancel, a
   * notification, the merchant's refresh): when another look holds the invoice's slot, wait for the next slot
   * rather than skip.
   */
  fresh?: boolean;
};

/**
 * At most one getPaymentStatus per invoice per this long, whatever asks: a hundred concurrent status polls make one
 * call. The reconciler looks every 2 s, so any look counts towards SEQR's 20 s commit window.
 */
export const LOOK_SPACING_MS = 2_000;
/** How many slots a `fresh` caller waits for before giving up (each at most LOOK_SPACING_MS). */
const FRESH_LOOK_ROUNDS = 3;

/** Where an order goes when its invoice ended unpaid: its units go back on the shelf. */
const RELEASES_STOCK: ReadonlySet<OrderStatus> = new Set(["FAILED", "CANCELED", "EXPIRED", "CANCELED_BY_MERCHANT"]);

const syncLog = log.child({ component: "sync-payment-status" });

export async function syncPaymentStatus(orderId: string, options: SyncOptions): Promise<SyncResult> {
  const now = options.now ?? (() => new Date());
  const order = await db.order.findUnique({ where: { id: orderId }, select: { status: true } });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  const attempt = await findAttempt(orderId, options.attemptId);
  if (!attempt?.invoiceReference || attempt.state !== "SENT") return { status: order.status, queried: false };
  // A settled order has been paid: an answer about a final invoice cannot change it (refunds are the admin's). A
  // live invoice of a settled order is still asked about: if SEQR takes money on it too, the merchant must know.
  const live = attempt.seqrStatus !== null && isLiveInvoiceStatus(attempt.seqrStatus);
  if (SETTLED_STATUSES.has(order.status) && !live) return { status: order.status, queried: false };

  // Stamp before calling, not after: concurrent callers see the stamp while the first one's call is in flight.
  if (!(await claimLookSlot(attempt.id, options.fresh ?? false))) {
    return { status: (await currentStatus(orderId)), queried: false, throttled: true };
  }

  const recorded = {
    orderId,
    paymentAttemptId: attempt.id,
    source: options.trigger,
    sourceAddress: options.sourceAddress ?? null,
  } as const;
  let answer: PaymentStatus;
  try {
    answer = await seqr.getPaymentStatus(attempt.invoiceReference, attempt.seqrVersion);
  } catch (error) {
    if (!(error instanceof SeqrError)) throw error;
    if (error.is(54)) return markLost(attempt, recorded, now());
    // Asked, without an answer: pollers wait their interval before asking again (lib/orders/order-status.ts).
    // Every failure is recorded, with the tries the client made.
    await db.$transaction([
      db.paymentAttempt.update({ where: { id: attempt.id }, data: { lastCheckedAt: now() } }),
      db.paymentEvent.create({
        data: {
          ...recorded,
          type: "STATUS_QUERIED",
          seqrResultCode: error.resultCode ?? null,
          detail: { error: error.kind, resultName: error.resultName ?? null, transient: error.transient },
        },
      }),
    ]);
    syncLog.warn({ orderId, invoiceReference: attempt.invoiceReference, kind: error.kind, resultCode: error.resultCode }, "status query failed");
    return { status: order.status, queried: false, error };
  }

  const at = now();
  // Most looks hear the answer they heard last time (an invoice waiting to be paid, asked about every 2 s). Counting
  // it moves nothing and reads nothing first, so it needs neither the order's lock nor a transaction: one
  // conditional update, atomic by itself. An answer that differs matches no row and is applied under the lock.
  if (await countRepeatedAnswer(db, attempt.id, answer, at)) return { status: await currentStatus(orderId), queried: true };
  const changed = await db.$transaction((tx) => applyAnswer(tx, attempt, answer, { ...recorded, at, trigger: options.trigger }));
  if (changed) syncLog.info({ orderId, invoiceReference: attempt.invoiceReference, ...changed, trigger: options.trigger }, "order status changed");
  return { status: changed?.to ?? (await currentStatus(orderId)), queried: true, ...(changed ? { changed } : {}) };
}

/**
 * Takes the invoice's look slot with a conditional update on `lastAskedAt` (wall-clock time: the limit is about real
 * calls to SEQR, whatever clock the caller reasons with). A `fresh` caller that finds the slot taken waits for it to
 * free and tries again, a few rounds at most.
 */
async function claimLookSlot(attemptId: string, fresh: boolean): Promise<boolean> {
  for (let round = 1; ; round += 1) {
    const askedAt = Date.now();
    const stamped = await db.paymentAttempt.updateMany({
      where: { id: attemptId, OR: [{ lastAskedAt: null }, { lastAskedAt: { lte: new Date(askedAt - LOOK_SPACING_MS) } }] },
      data: { lastAskedAt: new Date(askedAt) },
    });
    if (stamped.count === 1) return true;
    if (!fresh || round === FRESH_LOOK_ROUNDS) return false;
    const holder = await db.paymentAttempt.findUnique({ where: { id: attemptId }, select: { lastAskedAt: true } });
    const freeInMs = (holder?.lastAskedAt?.getTime() ?? 0) + LOOK_SPACING_MS - Date.now();
    await sleep(Math.min(Math.max(freeInMs, 0), LOOK_SPACING_MS) + 5);
  }
}

type Recorded = { orderId: string; paymentAttemptId: string; source: SyncTrigger; sourceAddress: string | null };

async function applyAnswer(
  tx: Prisma.TransactionClient,
  attempt: PaymentAttempt,
  answer: PaymentStatus,
  context: Recorded & { at: Date; trigger: SyncTrigger },
): Promise<{ from: OrderStatus; to: OrderStatus } | undefined> {
  const { orderId, at } = context;
  const recorded: Recorded = {
    orderId,
    paymentAttemptId: attempt.id,
    source: context.source,
    sourceAddress: context.sourceAddress,
  };
  const final = !isLiveInvoiceStatus(answer.status);
  // The order's lock first (lib/db-locks.ts): answers about two invoices of one order (both paid: PAID_TWICE) are
  // applied one after the other, each reading what the other wrote. Without it, on PostgreSQL, each would count
  // the other invoice as not paid yet, and the second payment would be recorded without the merchant being told.
  await lockOrder(tx, orderId);
  // Asked again under the lock: a concurrent sync may have applied this very answer since the look above.
  if (await countRepeatedAnswer(tx, attempt.id, answer, at)) return undefined;

  // An answer older than one already applied (a slower concurrent query) is recorded but not applied: versions
  // only go up.
  const applied = await tx.paymentAttempt.updateMany({
    where: { id: attempt.id, state: "SENT", seqrVersion: { lte: answer.version } },
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
      ...recorded,
      type: "STATUS_QUERIED",
      seqrResultCode: 0,
      detail: {
        status: answer.status,
        version: answer.version,
        ersReference: answer.ersReference ?? null,
        receiptTotal: answer.receipt?.invoice?.total ?? null,
        ...(answer.receiptProblems?.length ? { receiptProblems: answer.receiptProblems } : {}),
        ...(applied.count === 0 ? { ignored: "older than the version already recorded" } : {}),
      },
    },
  });
  if (applied.count === 0) return undefined;

  // Read inside the transaction: a Pay or the reconciler may have moved on while SEQR was answering.
  const current = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
  if (answer.status === "PAID") {
    // Money SEQR took on any invoice of this order is this order's money, whether or not the order has replaced
    // that invoice since. A second paid invoice is a second payment: never dropped, flagged for a refund.
    const otherPaid = await tx.paymentAttempt.count({ where: { orderId, id: { not: attempt.id }, seqrStatus: "PAID" } });
    if (otherPaid > 0) {
      await flag(tx, recorded, current.attentionReason, "PAID_TWICE", { ersReference: answer.ersReference ?? null });
      return undefined;
    }
    await recordPayer(tx, current, answer, recorded);
  } else {
    // Any other answer about an invoice the order has since replaced says nothing about the order.
    const latest = await tx.paymentAttempt.findFirst({
      where: { orderId, state: { in: ["SENDING", "SENT"] } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    if (latest?.id !== attempt.id) return undefined;
  }

  const decided = decideTransition(current, attempt, answer);
  if (!decided) return undefined;
  // A PAID whose receipt could only partly be read is recorded as PAID all the same, and flagged for the merchant.
  const transition =
    decided.to === "PAID" && !decided.attentionReason && answer.receiptProblems?.length
      ? { ...decided, attentionReason: "RECEIPT_UNREADABLE" as const }
      : decided;
  // The conditional update makes concurrent triggers apply a transition once: the loser matches no row.
  const moved = await tx.order.updateMany({
    where: { id: orderId, status: current.status },
    data: {
      status: transition.to,
      ...(transition.attentionReason ? { attentionReason: transition.attentionReason } : {}),
      ...(answer.status === "PAID" ? { paidAt: answer.receipt?.paymentDate ?? at } : {}),
      ...(transition.to === "EXPIRED" ? { expiredAt: current.expiredAt ?? at } : {}),
      ...(transition.to === "CANCELED_BY_MERCHANT" ? { canceledAt: current.canceledAt ?? at } : {}),
    },
  });
  if (moved.count === 0) return undefined;
  await tx.paymentEvent.create({
    data: {
      ...recorded,
      type: "STATUS_CHANGED",
      fromStatus: current.status,
      toStatus: transition.to,
      detail: { seqrStatus: answer.status, attentionReason: transition.attentionReason ?? null },
    },
  });
  // Fulfilment hangs off the one transition to PAID. NEEDS_ATTENTION (money taken, but not as invoiced) keeps its
  // units held and fulfils nothing: the merchant decides.
  if (transition.to === "PAID") {
    await fulfilOrder(tx, orderId, { trigger: context.trigger, paymentReference: answer.ersReference ?? null, now: at });
  } else if (RELEASES_STOCK.has(transition.to)) {
    await releaseStock(tx, orderId, { trigger: context.trigger });
  }
  return { from: current.status, to: transition.to };
}

/**
 * A repeated answer (same status, same version) only counts: the timeline keeps the answers that differ, so an
 * invoice looked at every 2 s for ten minutes does not leave 300 identical rows. True when it was one: the same
 * answer was applied before, with whatever it moved, and there is nothing more to do.
 */
async function countRepeatedAnswer(client: Prisma.TransactionClient, attemptId: string, answer: PaymentStatus, at: Date): Promise<boolean> {
  const repeated = await client.paymentAttempt.updateMany({
    where: { id: attemptId, state: "SENT", seqrStatus: answer.status, seqrVersion: answer.version },
    data: { lastCheckedAt: at, sameAnswerCount: { increment: 1 } },
  });
  return repeated.count > 0;
}

/** The invoice a sync is about: the one named, or the order's newest the shop holds a reference for. */
async function findAttempt(orderId: string, attemptId: string | undefined): Promise<PaymentAttempt | null> {
  if (attemptId) return db.paymentAttempt.findFirst({ where: { id: attemptId, orderId } });
  return db.paymentAttempt.findFirst({
    where: { orderId, state: "SENT" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

/**
 * SEQR answered 54 (no such invoice) for a reference the shop holds: the attempt is LOST for good. The order,
 * if this was its invoice out, may be paid again (FAILED, its units back on the shelf); the dashboard lists it.
 */
async function markLost(attempt: PaymentAttempt, recorded: Recorded, at: Date): Promise<SyncResult> {
  const changed = await db.$transaction(async (tx) => {
    // Under the order's lock, the count of invoices left below sees a Pay's new attempt, or the Pay sees this.
    await lockOrder(tx, recorded.orderId);
    const lost = await tx.paymentAttempt.updateMany({
      where: { id: attempt.id, state: "SENT" },
      data: { state: "LOST", seqrStatus: null, nextCheckAt: null, lastCheckedAt: at, finalizedAt: attempt.finalizedAt ?? at },
    });
    if (lost.count === 0) return undefined;
    await tx.paymentEvent.create({
      data: {
        ...recorded,
        type: "ERROR",
        seqrResultCode: 54,
        detail: { reason: "INVOICE_LOST", invoiceReference: attempt.invoiceReference, lastSeqrStatus: attempt.seqrStatus },
      },
    });
    const liveLeft = await tx.paymentAttempt.count({
      where: { orderId: recorded.orderId, state: { in: ["SENDING", "SENT"] }, seqrStatus: { not: "PAID" }, id: { not: attempt.id } },
    });
    if (liveLeft > 0) return undefined;
    const moved = await tx.order.updateMany({ where: { id: recorded.orderId, status: "INVOICED" }, data: { status: "FAILED" } });
    if (moved.count === 0) return undefined;
    await tx.paymentEvent.create({
      data: { ...recorded, type: "STATUS_CHANGED", fromStatus: "INVOICED", toStatus: "FAILED", detail: { reason: "INVOICE_LOST" } },
    });
    await releaseStock(tx, recorded.orderId, { trigger: recorded.source });
    return { from: "INVOICED" as const, to: "FAILED" as const };
  });
  syncLog.error({ orderId: recorded.orderId, invoiceReference: attempt.invoiceReference }, "SEQR no longer knows an invoice the shop sent (54)");
  return { status: changed?.to ?? (await currentStatus(recorded.orderId)), queried: true, ...(changed ? { changed } : {}) };
}

/**
 * The customer of record is whoever paid: the PAID receipt's payer wins over the first session's msisdn. A payer
 * who replaces a recorded customer is recorded in the timeline; the subscriberKey follows the payer's own session,
 * when the shop has one.
 */
async function recordPayer(
  tx: Prisma.TransactionClient,
  order: { customerMsisdn: string | null },
  answer: PaymentStatus,
  recorded: Recorded,
): Promise<void> {
  const payer = answer.receipt?.payerTerminalId;
  if (!payer || payer === order.customerMsisdn) return;
  const session = await tx.seqrSession.findFirst({ where: { orderId: recorded.orderId, msisdn: payer }, orderBy: { createdAt: "asc" } });
  await tx.order.update({
    where: { id: recorded.orderId },
    data: { customerMsisdn: payer, customerSubscriberKey: session?.subscriberKey ?? null },
  });
  if (order.customerMsisdn === null) return; // no customer yet: the payer is the first, nothing changed
  await tx.paymentEvent.create({
    data: { ...recorded, type: "CUSTOMER_CHANGED", detail: { payer, previousMsisdn: order.customerMsisdn } },
  });
}

async function flag(
  tx: Prisma.TransactionClient,
  recorded: Recorded,
  existing: string | null,
  reason: AttentionReason,
  detail: Record<string, string | null>,
): Promise<void> {
  // The first reason stays: it is what the merchant is already dealing with; the timeline has every one.
  if (!existing) await tx.order.update({ where: { id: recorded.orderId }, data: { attentionReason: reason } });
  await tx.paymentEvent.create({ data: { ...recorded, type: "ERROR", detail: { reason, ...detail } } });
}

async function currentStatus(orderId: string): Promise<OrderStatus> {
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
  return order.status;
}

function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
