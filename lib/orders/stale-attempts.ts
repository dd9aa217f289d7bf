import { lockRows } from "../db-locks.ts";
import { databaseProvider, db } from "../db.ts";
import { env } from "../env.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { LIVE_INVOICE_STATUSES } from "./state-machine.ts";
import { releaseStock } from "./stock-reservation.ts";

// An attempt is written SENDING before sendInvoice is called (request-payment.ts), so that a crash between SEQR
// issuing the invoice and the shop recording it leaves a trace. Once nothing can still be waiting for that
// sendInvoice, the reconciler marks such an attempt UNKNOWN: SEQR may or may not hold an invoice for it, the shop
// cannot ask about it (it never learnt the reference), and it must never block a new Pay.

/**
 * How long Pay holds the order's lease while sendInvoice runs: the SEQR timeout (the longest sendInvoice can take,
 * never retried) plus 10 s for the shop's own writes around it. Past this, whoever wrote a SENDING attempt has
 * either recorded SEQR's answer or died.
 */
export const PAY_LEASE_MS = env.seqr.requestTimeoutMs + 10_000;

const staleLog = log.child({ component: "stale-attempts" });

/** Attempts marked per call; the next call (a few seconds later) takes the rest. */
const DEFAULT_LIMIT = 100;

export type StaleSendingResult = {
  /** The attempts this call moved from SENDING to UNKNOWN. */
  marked: string[];
};

/**
 * Marks every attempt left SENDING since before `now - olderThanMs` UNKNOWN, with an ERROR event each (reason
 * SEND_UNCONFIRMED). The move is a conditional update on the state, so a sendInvoice answer recorded in the
 * meantime (SENDING → SENT) wins, and two reconcilers never record the same attempt twice. Several reconcilers
 * sweeping at once list the same oldest attempts; on PostgreSQL each skips the ones another is ending right now
 * (claimStaleAttempt), so they share the list instead of waiting on each other's row locks.
 */
export async function markStaleSendingAttempts(options: {
  now?: () => Date;
  olderThanMs?: number;
  limit?: number;
}): Promise<StaleSendingResult> {
  const at = (options.now ?? (() => new Date()))();
  const olderThanMs = options.olderThanMs ?? PAY_LEASE_MS;
  const cutoff = new Date(at.getTime() - olderThanMs);
  const candidates = await db.paymentAttempt.findMany({
    where: { state: "SENDING", createdAt: { lt: cutoff } },
    select: { id: true, orderId: true },
    orderBy: { createdAt: "asc" },
    take: options.limit ?? DEFAULT_LIMIT,
  });

  const marked: string[] = [];
  for (const attempt of candidates) {
    const moved = await db.$transaction(
      async (tx) =>
        (await claimStaleAttempt(tx, attempt, cutoff)) &&
        endSendingAttempt(tx, attempt, {
          state: "UNKNOWN",
          trigger: "reconciler",
          notBefore: cutoff,
          detail: { reason: "SEND_UNCONFIRMED" },
        }),
    );
    if (moved) {
      marked.push(attempt.id);
      staleLog.warn({ orderId: attempt.orderId, attemptId: attempt.id, olderThanMs }, "sendInvoice never confirmed: attempt UNKNOWN");
    }
  }
  return { marked };
}

/**
 * PostgreSQL: locks the attempt for this transaction if it is still SENDING since before `cutoff` and nobody else
 * holds it (another reconciler's sweep ending it, a Pay recording its sendInvoice answer); false means leave it to
 * them. The conditional update in endSendingAttempt stays the guarantee. SQLite has one writer at a time: nothing to
 * skip, the conditional update alone decides.
 */
async function claimStaleAttempt(
  tx: Prisma.TransactionClient,
  attempt: { id: string; orderId: string },
  cutoff: Date,
): Promise<boolean> {
  if (databaseProvider !== "postgresql") return true;
  // The order first, as every transaction that changes an order and its attempts locks them (lib/db-locks.ts): an
  // attempt locked before its order could wait on a Pay that holds the order and waits on the attempt.
  if ((await lockRows(tx, "Order", [attempt.orderId], { skipLocked: true })) === 0) return false;
  const attemptId = attempt.id;
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "PaymentAttempt"
    WHERE "id" = ${attemptId} AND "state" = 'SENDING' AND "createdAt" < ${cutoff}
    FOR NO KEY UPDATE SKIP LOCKED`;
  return locked.length === 1;
}

/**
 * Ends an attempt whose sendInvoice gave no invoice the shop knows of: REFUSED (SEQR said no) or UNKNOWN (no
 * answer that can be read, or none at all). One transaction: the attempt moves only if it is still SENDING (an
 * answer recorded meanwhile wins), an ERROR event says why, and when the order has no other invoice out its units go
 * back on the shelf (an abandoned order never holds stock; should an UNKNOWN invoice be paid after all, the payment
 * takes the units then, or is flagged if they are gone) and an INVOICED order, whose previous invoice was canceled to
 * be replaced, becomes FAILED: payable again. Returns whether this call moved the attempt.
 */
export async function endSendingAttempt(
  tx: Prisma.TransactionClient,
  attempt: { id: string; orderId: string },
  outcome: {
    state: "REFUSED" | "UNKNOWN";
    trigger: string;
    seqrResultCode?: number | null;
    detail: Record<string, string | null>;
    /** Only an attempt written before this moment (the stale sweep's cutoff). */
    notBefore?: Date;
  },
): Promise<boolean> {
  const ended = await tx.paymentAttempt.updateMany({
    where: { id: attempt.id, state: "SENDING", ...(outcome.notBefore ? { createdAt: { lt: outcome.notBefore } } : {}) },
    data: { state: outcome.state, finalizedAt: new Date() },
  });
  if (ended.count === 0) return false;
  await tx.paymentEvent.create({
    data: {
      orderId: attempt.orderId,
      paymentAttemptId: attempt.id,
      type: "ERROR",
      source: outcome.trigger,
      seqrResultCode: outcome.seqrResultCode ?? null,
      detail: { ...outcome.detail, attemptState: outcome.state },
    },
  });
  const stillOut = await tx.paymentAttempt.count({
    where: { orderId: attempt.orderId, state: "SENT", seqrStatus: { in: LIVE_INVOICE_STATUSES } },
  });
  if (stillOut > 0) return true;
  await releaseStock(tx, attempt.orderId, { trigger: outcome.trigger });
  const moved = await tx.order.updateMany({ where: { id: attempt.orderId, status: "INVOICED" }, data: { status: "FAILED" } });
  if (moved.count > 0) {
    await tx.paymentEvent.create({
      data: {
        orderId: attempt.orderId,
        paymentAttemptId: attempt.id,
        type: "STATUS_CHANGED",
        source: outcome.trigger,
        fromStatus: "INVOICED",
        toStatus: "FAILED",
        detail: { reason: "REPLACEMENT_NOT_SENT" },
      },
    });
  }
  return true;
}
