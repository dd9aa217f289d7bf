import { db } from "../db.ts";
import { env } from "../env.ts";
import { log } from "../log.ts";

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
 * meantime (SENDING → SENT) wins, and two reconcilers never record the same attempt twice.
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
    const moved = await db.$transaction(async (tx) => {
      const updated = await tx.paymentAttempt.updateMany({
        where: { id: attempt.id, state: "SENDING", createdAt: { lt: cutoff } },
        data: { state: "UNKNOWN" },
      });
      if (updated.count === 0) return false;
      await tx.paymentEvent.create({
        data: {
          orderId: attempt.orderId,
          paymentAttemptId: attempt.id,
          type: "ERROR",
          source: "reconciler",
          detail: { reason: "SEND_UNCONFIRMED" },
        },
      });
      return true;
    });
    if (moved) {
      marked.push(attempt.id);
      staleLog.warn({ orderId: attempt.orderId, attemptId: attempt.id, olderThanMs }, "sendInvoice never confirmed: attempt UNKNOWN");
    }
  }
  return { marked };
}
