import { randomUUID } from "node:crypto";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { log } from "../log.ts";
import { cancelAttemptInvoice, isStillLive } from "./cancel-invoice.ts";
import { LIVE_INVOICE_STATUSES } from "./state-machine.ts";
import { syncPaymentStatus } from "./sync-payment-status.ts";

// The safety net under the fire-and-forget notification: every live invoice is asked about on a schedule, often
// at first (a lost notification must still be confirmed inside SEQR's 20 s commit window, CONTRACT.md), then
// less often; an invoice still unpaid after the timeout is canceled and its order EXPIRED. Several reconcilers
// (one per server process, plus `npm run reconcile`) may run at once: each invoice is claimed with a lease by a
// conditional update, so only one of them works on it at a time.

/**
 * Shorter than SEQR's 20 s commit window: a reconciler that dies holding an invoice must not keep the others from
 * confirming its payment in time. A pass that outlives its lease does no harm: every change is conditional.
 */
const LEASE_MS = 15_000;
const BATCH_SIZE = 20;
const CONCURRENCY = 4;
const FAST_PHASE_MS = 60_000;
const FAST_INTERVAL_MS = 2_000;
const MAX_INTERVAL_MS = 60_000;

const reconcilerLog = log.child({ component: "reconciler" });

/**
 * When to look at a live invoice next, from its age: every 2 s during its first minute, then doubling each
 * further minute (4 s, 8 s, 16 s…) up to once a minute.
 */
export function nextCheckDelayMs(ageMs: number): number {
  if (ageMs < FAST_PHASE_MS) return FAST_INTERVAL_MS;
  const minutesPast = Math.floor((ageMs - FAST_PHASE_MS) / 60_000) + 1;
  return Math.min(MAX_INTERVAL_MS, FAST_INTERVAL_MS * 2 ** minutesPast);
}

export type ReconcilerOptions = {
  owner?: string;
  /** How many invoices one pass works on at once. */
  concurrency?: number;
  invoiceTimeoutMs?: number;
  now?: () => Date;
};

export type ReconcileReport = { claimed: number; checked: number; expired: number; errors: number };

/** One pass: claim due invoices, check or expire each, release them. */
export async function reconcileOnce(options: ReconcilerOptions = {}): Promise<ReconcileReport> {
  const owner = options.owner ?? `reconciler-${randomUUID()}`;
  const timeoutMs = options.invoiceTimeoutMs ?? env.orders.invoiceTimeoutMs;
  const now = options.now ?? (() => new Date());
  const report: ReconcileReport = { claimed: 0, checked: 0, expired: 0, errors: 0 };

  const start = now();
  const due = await db.paymentAttempt.findMany({
    where: {
      seqrStatus: { in: LIVE_INVOICE_STATUSES },
      nextCheckAt: { lte: start },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: start } }],
    },
    orderBy: { nextCheckAt: "asc" },
    take: BATCH_SIZE,
    select: { id: true },
  });

  // A few at a time: one slow SEQR answer must not hold up the others past their commit window.
  const queue = due.map(({ id }) => id);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await reconcileAttempt(id, { owner, timeoutMs, now, report });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? CONCURRENCY, queue.length) }, worker));
  return report;
}

/** Claims one invoice, checks it with SEQR (or expires it after the timeout), and releases it. */
async function reconcileAttempt(
  id: string,
  { owner, timeoutMs, now, report }: { owner: string; timeoutMs: number; now: () => Date; report: ReconcileReport },
): Promise<void> {
  const claimedAt = now();
  // Claim only what is still live and due: another reconciler may have finished it since the list was read.
  const claim = await db.paymentAttempt.updateMany({
    where: {
      id,
      seqrStatus: { in: LIVE_INVOICE_STATUSES },
      nextCheckAt: { lte: claimedAt },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: claimedAt } }],
    },
    data: { leaseOwner: owner, leaseUntil: new Date(claimedAt.getTime() + LEASE_MS) },
  });
  if (claim.count === 0) return; // another reconciler took it
  report.claimed += 1;
  const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { id } });
  try {
    const ageMs = claimedAt.getTime() - attempt.issuedAt.getTime();
    if (ageMs >= timeoutMs) {
      if (await expireInvoice(attempt, now)) report.expired += 1;
    } else {
      const result = await syncPaymentStatus(attempt.orderId, { trigger: "reconciler", now });
      if (result.error) report.errors += 1;
      report.checked += 1;
    }
  } catch (error) {
    report.errors += 1;
    reconcilerLog.error({ err: error, orderId: attempt.orderId, invoiceReference: attempt.invoiceReference }, "reconcile failed");
  } finally {
    const released = now();
    await db.paymentAttempt.updateMany({
      where: { id, leaseOwner: owner },
      data: {
        leaseOwner: null,
        leaseUntil: null,
        // Final invoices have nextCheckAt null already (syncPaymentStatus); this only moves live ones along.
        ...(await isStillLive(id)
          ? { nextCheckAt: new Date(released.getTime() + nextCheckDelayMs(released.getTime() - attempt.issuedAt.getTime())) }
          : {}),
      },
    });
  }
}

type AttemptRow = { id: string; orderId: string; invoiceReference: string };

/**
 * Cancels an invoice that stayed unpaid past the timeout, then lets SEQR's answer decide: a canceled invoice
 * expires the order; one that was paid meanwhile (50) or is being paid (51) is synced and checked again later.
 */
async function expireInvoice(attempt: AttemptRow, now: () => Date): Promise<boolean> {
  const result = await cancelAttemptInvoice(attempt, { reason: "EXPIRED", trigger: "reconciler", now });
  return result.sync?.status === "EXPIRED";
}

/** Runs reconcileOnce every `intervalMs` until the returned stop function is called. Passes never overlap. */
export function startReconciler(options: ReconcilerOptions & { intervalMs?: number } = {}): () => Promise<void> {
  const owner = options.owner ?? `reconciler-${randomUUID()}`;
  const intervalMs = options.intervalMs ?? env.reconciler.intervalMs;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = () => {
    running = reconcileOnce({ ...options, owner })
      .then((report) => {
        if (report.claimed > 0) reconcilerLog.debug({ owner, ...report }, "reconcile pass");
      })
      .catch((error: unknown) => reconcilerLog.error({ err: error, owner }, "reconcile pass failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  reconcilerLog.info({ owner, intervalMs }, "reconciler started");

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
