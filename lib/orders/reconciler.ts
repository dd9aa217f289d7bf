import { randomUUID } from "node:crypto";

import { deleteIdleCarts } from "../cart/idle-carts.ts";
import { databaseProvider, db } from "../db.ts";
import { env } from "../env.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { SEQR_READ_WORST_CASE_MS } from "../seqr/index.ts";
import { cancelAttemptInvoice } from "./cancel-invoice.ts";
import { expireStalePendingOrders } from "./expire-pending.ts";
import { markStaleSendingAttempts, PAY_LEASE_MS } from "./stale-attempts.ts";
import { LIVE_INVOICE_STATUSES } from "./state-machine.ts";
import { LOOK_SPACING_MS, syncPaymentStatus, type SyncResult } from "./sync-payment-status.ts";

// The safety net under the fire-and-forget notification. SEQR reverses a payment nobody confirms within 20 s of
// the *payment* (CONTRACT.md, the commit rule), and a shopper may pay at any moment until the invoice times out,
// so every live invoice is asked about every 2 s for its whole life, never more than 3 s apart: a lost
// notification is then confirmed a few seconds after the payment, whatever the invoice's age. An invoice still
// unpaid after the timeout is canceled and its order EXPIRED.
//
// How: a dispatcher finds the invoices due for a look, claims each with a lease (a conditional update), and
// starts a look at it at once; up to `concurrency` looks run side by side and none waits for another, so one slow
// SEQR answer delays only its own invoice. Several reconcilers (one per server process, plus `npm run reconcile`)
// may run at once: the lease makes sure only one of them looks at an invoice at a time, and on PostgreSQL the claim
// skips the rows another reconciler is claiming at that moment (SKIP LOCKED), so that they share the
// invoices due instead of queueing behind each other for the same ones.

/**
 * Every live invoice is looked at again this long after the *start* of the previous look, for its whole life. Just
 * over LOOK_SPACING_MS (one SEQR look per invoice per 2 s, whatever asks), so that the reconciler's own next look
 * finds the slot free although the previous one stamped it a few milliseconds after its claim.
 */
export const LOOK_EVERY_MS = LOOK_SPACING_MS + 100;
/**
 * What the schedule promises: never more than this between the starts of two looks at a live invoice. The second
 * beyond LOOK_EVERY_MS is the dispatcher's slack (it claims at most every MIN_DISPATCH_SPACING_MS) and the time
 * it takes to claim under load.
 */
export const MAX_LOOK_GAP_MS = 3_000;
/** Invoices falling due within this of each other are claimed together, in one conditional update. */
export const MIN_DISPATCH_SPACING_MS = 100;
/**
 * While due invoices wait for a worker, a freed worker gets its next invoice this soon instead: holding workers
 * idle for MIN_DISPATCH_SPACING_MS would cap a process at `concurrency` looks per 100 ms.
 */
const BACKLOG_DISPATCH_SPACING_MS = 10;
/** Room over SEQR's worst case for the shop's own database work in a look (the sync's reads and transaction). */
const DATABASE_MARGIN_MS = 2_000;
/**
 * A look's lease: longer than the worst case of the look it guards, a sync (the read's tries, timeouts and pause,
 * SEQR_READ_WORST_CASE_MS, plus the shop's database work), so an ordinary look never outlives it. Longer work (an
 * expiry: cancelInvoice, up to the SEQR timeout, then a sync) keeps it by renewing it every third of it while it
 * runs. It is also short enough for the commit window: a reconciler that dies holding an invoice frees it within
 * this (8.5 s with the defaults), and another one's next look still comes well inside SEQR's 20 s.
 */
export const LOOK_LEASE_MS = SEQR_READ_WORST_CASE_MS + DATABASE_MARGIN_MS;
const LEASE_RENEW_EVERY_MS = Math.floor(LOOK_LEASE_MS / 3);
/**
 * After the timeout, an invoice the shopper is paying right now (cancelInvoice: 51) is not canceled again for
 * this long: it is still looked at every 2 s (the payment may land, its notification may be lost), but asking
 * SEQR to cancel it every 2 s would only fill the timeline with refusals.
 */
const CANCEL_AGAIN_AFTER_MS = 10_000;
/** How often the dispatcher also tidies up: attempts left SENDING, PENDING orders nobody invoiced. */
const SWEEP_EVERY_MS = 5_000;
/** How often a running reconciler logs what it did. */
const STATS_EVERY_MS = 60_000;

const reconcilerLog = log.child({ component: "reconciler" });

/** When to look at a live invoice next: LOOK_EVERY_MS after this look started, however old it is. */
export function nextCheckAt(lookStartedAt: Date): Date {
  return new Date(lookStartedAt.getTime() + LOOK_EVERY_MS);
}

export type ReconcilerOptions = {
  /** The lease owner: must be unique per reconciler (the default is). */
  owner?: string;
  /** How many looks run at once (default RECONCILER_CONCURRENCY). */
  concurrency?: number;
  invoiceTimeoutMs?: number;
  now?: () => Date;
};

export type ReconcileReport = { claimed: number; checked: number; expired: number; errors: number };

type Settings = { owner: string; concurrency: number; timeoutMs: number; now: () => Date };

function settingsFrom(options: ReconcilerOptions): Settings {
  return {
    owner: options.owner ?? `reconciler-${randomUUID()}`,
    concurrency: Math.max(1, options.concurrency ?? env.reconciler.concurrency),
    timeoutMs: options.invoiceTimeoutMs ?? env.orders.invoiceTimeoutMs,
    now: options.now ?? (() => new Date()),
  };
}

/** A live invoice the dispatcher may claim: live at SEQR, due by `dueBy`, and not leased at `at`. */
function claimable(dueBy: Date, at: Date): Prisma.PaymentAttemptWhereInput {
  return {
    state: "SENT",
    seqrStatus: { in: LIVE_INVOICE_STATUSES },
    invoiceReference: { not: null },
    nextCheckAt: { lte: dueBy },
    OR: [{ leaseUntil: null }, { leaseUntil: { lt: at } }],
  };
}

type ClaimedAttempt = { id: string; orderId: string; invoiceReference: string; issuedAt: Date };

type ClaimRequest = {
  owner: string;
  /** Invoices due by then. */
  dueBy: Date;
  /** The claim's time on the reconciler's clock: leases that ran out before it are free. */
  claimedAt: Date;
  leaseUntil: Date;
  /** At most this many (the free workers). */
  take: number;
  /** Invoices this reconciler is still looking at: never claimed again meanwhile. */
  inFlight: string[];
};

/** A claimed invoice, with when it was due (for the lateness statistics). */
type Claimed = ClaimedAttempt & { dueAt: Date | null };

/**
 * PostgreSQL: one statement locks up to `take` claimable invoices, oldest due first, skipping rows another
 * transaction holds (another reconciler claiming them right now, a sync writing its answer), and leases them. Under
 * READ COMMITTED a plain conditional update would make N reconcilers all pick the same oldest rows, wait on each
 * other's row locks and come back with nothing; SKIP LOCKED hands each one different invoices. The lock holds
 * from the SELECT to the UPDATE's commit, and the conditions are those of `claimable`, so a row claimed by another
 * reconciler (leased, or due later) is never taken. A row skipped now is still the oldest due at the next claim, a
 * few milliseconds later: none starves. FOR NO KEY UPDATE is the lock the UPDATE takes anyway; the stronger FOR
 * UPDATE would also skip (and block) rows that a PaymentEvent being written merely references.
 */
async function claimSkippingLocked(request: ClaimRequest): Promise<Claimed[]> {
  const { owner, dueBy, claimedAt, leaseUntil, take, inFlight } = request;
  const rows = await db.$queryRaw<{ id: string; orderId: string; invoiceReference: string; issuedAt: Date; dueAt: Date | null }[]>`
    WITH "due" AS MATERIALIZED (
      SELECT "id", "nextCheckAt"
      FROM "PaymentAttempt"
      WHERE "state" = 'SENT'
        AND "seqrStatus" = ANY(${LIVE_INVOICE_STATUSES}::"SeqrInvoiceStatus"[])
        AND "invoiceReference" IS NOT NULL
        AND "nextCheckAt" <= ${dueBy}
        AND ("leaseUntil" IS NULL OR "leaseUntil" < ${claimedAt})
        AND "id" <> ALL(${inFlight}::text[])
      ORDER BY "nextCheckAt" ASC
      LIMIT ${take}
      FOR NO KEY UPDATE SKIP LOCKED
    )
    UPDATE "PaymentAttempt" AS "attempt"
    SET "leaseOwner" = ${owner},
        "leaseUntil" = ${leaseUntil},
        "nextCheckAt" = ${nextCheckAt(claimedAt)},
        "updatedAt" = ${new Date()}
    FROM "due"
    WHERE "attempt"."id" = "due"."id"
    RETURNING "attempt"."id", "attempt"."orderId", "attempt"."invoiceReference", "attempt"."issuedAt", "due"."nextCheckAt" AS "dueAt"`;
  return rows;
}

/**
 * SQLite: one writer at a time, so the conditional update is the claim. The list is read first; the update repeats
 * the conditions, since another reconciler process may have claimed some of them since, and the claimed ones are
 * those now leased to this owner until exactly this claim's leaseUntil.
 */
async function claimWithConditionalUpdate(request: ClaimRequest): Promise<Claimed[]> {
  const { owner, dueBy, claimedAt, leaseUntil, take, inFlight } = request;
  const due = await db.paymentAttempt.findMany({
    where: { ...claimable(dueBy, claimedAt), id: { notIn: inFlight } },
    orderBy: { nextCheckAt: "asc" },
    take,
    select: { id: true, nextCheckAt: true },
  });
  if (due.length === 0) return [];
  const ids = due.map(({ id }) => id);
  const { count } = await db.paymentAttempt.updateMany({
    where: { id: { in: ids }, ...claimable(dueBy, claimedAt) },
    data: { leaseOwner: owner, leaseUntil, nextCheckAt: nextCheckAt(claimedAt) },
  });
  if (count === 0) return [];
  const claimed = await db.paymentAttempt.findMany({
    where: { id: { in: ids }, leaseOwner: owner, leaseUntil },
    select: { id: true, orderId: true, invoiceReference: true, issuedAt: true },
  });
  const dueAt = new Map(due.map(({ id, nextCheckAt: at }) => [id, at]));
  return claimed.flatMap(({ invoiceReference, ...attempt }) =>
    // Never null here (the conditions exclude it); the check narrows the type.
    invoiceReference === null ? [] : [{ ...attempt, invoiceReference, dueAt: dueAt.get(attempt.id) ?? null }],
  );
}

/**
 * Per process: when an expiring invoice's cancel was last refused because the shopper is paying it (51). Lost on
 * restart, which costs one cancel asked too early at worst.
 */
const cancelRefusedAt = new Map<string, number>();

/** The workers: each claimed invoice gets a look of its own, at most `concurrency` at once. */
class LookPool {
  readonly report: ReconcileReport = { claimed: 0, checked: 0, expired: 0, errors: 0 };
  /** Looks that started later than MAX_LOOK_GAP_MS after the previous one should have, and the worst of them. */
  lateLooks = 0;
  maxLateMs = 0;
  readonly #inFlight = new Map<string, Promise<void>>();
  #slotWaiters: (() => void)[] = [];

  constructor(
    readonly settings: Settings,
    /** Called when a look ends, with whether its invoice is due again already (the look outlasted LOOK_EVERY_MS). */
    private readonly onLookEnded: (dueAgain: boolean) => void = () => {},
  ) {}

  get busy(): number {
    return this.#inFlight.size;
  }

  get free(): number {
    return this.settings.concurrency - this.#inFlight.size;
  }

  /**
   * Claims up to `free` invoices due by `dueBy`, oldest due first, and starts a look at each. Returns how many it
   * claimed. The next look is scheduled by the claim, from this look's start: a slow answer does not stretch the
   * gap, and should this process die the invoice is due again as soon as the lease runs out.
   */
  async claimAndStart(dueBy: Date): Promise<number> {
    const take = this.free;
    if (take <= 0) return 0;
    const { owner, now } = this.settings;
    const claimedAt = now();
    const request: ClaimRequest = {
      owner,
      dueBy,
      claimedAt,
      leaseUntil: new Date(claimedAt.getTime() + LOOK_LEASE_MS),
      take,
      inFlight: [...this.#inFlight.keys()],
    };
    const claimed = databaseProvider === "postgresql" ? await claimSkippingLocked(request) : await claimWithConditionalUpdate(request);
    for (const { dueAt, ...attempt } of claimed) {
      this.#noteLateness(claimedAt, dueAt);
      this.report.claimed += 1;
      const look = this.#look(attempt, claimedAt).finally(() => {
        this.#inFlight.delete(attempt.id);
        for (const wake of this.#slotWaiters.splice(0)) wake();
        this.onLookEnded(nextCheckAt(claimedAt) <= now());
      });
      this.#inFlight.set(attempt.id, look);
    }
    return claimed.length;
  }

  /** Resolves when a look ends (at once when none is running). */
  whenSlotFrees(): Promise<void> {
    if (this.#inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#slotWaiters.push(resolve));
  }

  /** Waits for every look under way (each gives its lease back before it ends). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
  }

  /** Gives the lease back. Should that fail, it runs out by itself; the next look waits for that. */
  async #releaseLease(attemptId: string): Promise<void> {
    const { owner } = this.settings;
    try {
      // The next look was scheduled by the claim; a final answer has cleared nextCheckAt (syncPaymentStatus).
      const { count } = await db.paymentAttempt.updateMany({
        where: { id: attemptId, leaseOwner: owner },
        data: { leaseOwner: null, leaseUntil: null },
      });
      // The lease ran out while the look went on (a stalled process) and another reconciler took the invoice.
      if (count === 0) reconcilerLog.warn({ owner, attemptId }, "lease lost before its release");
    } catch (error) {
      reconcilerLog.error({ err: error, owner, attemptId }, "lease release failed");
    }
  }

  /** The next time (on the reconciler's clock) an invoice not yet due will be: the dispatcher sleeps until then. */
  async nextDueAt(after: Date): Promise<Date | null> {
    const next = await db.paymentAttempt.findFirst({
      where: { state: "SENT", seqrStatus: { in: LIVE_INVOICE_STATUSES }, nextCheckAt: { gt: after } },
      orderBy: { nextCheckAt: "asc" },
      select: { nextCheckAt: true },
    });
    return next?.nextCheckAt ?? null;
  }

  #noteLateness(claimedAt: Date, dueAt: Date | null) {
    if (!dueAt) return;
    const lateMs = claimedAt.getTime() - dueAt.getTime() - (MAX_LOOK_GAP_MS - LOOK_EVERY_MS);
    if (lateMs <= 0) return;
    this.lateLooks += 1;
    this.maxLateMs = Math.max(this.maxLateMs, lateMs);
  }

  /** One look: ask SEQR about the invoice (or expire it after the timeout), then release the lease. */
  async #look(attempt: ClaimedAttempt, claimedAt: Date): Promise<void> {
    const { owner, now, timeoutMs } = this.settings;
    // Wall-clock times inside the lease (after the claim returned, before the release is sent), for the debug line
    // that tells looks by several processes apart (tests/integration/reconciler-processes.test.ts).
    const startedAtMs = Date.now();
    let outcome = "error";
    // Work that may outlast the lease (an expiry: a cancel, then a sync) keeps it, so no other reconciler starts
    // the same work meanwhile; should this process die, renewals stop and the lease runs out.
    let renewing: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(() => {
      renewing = db.paymentAttempt
        .updateMany({
          where: { id: attempt.id, leaseOwner: owner },
          data: { leaseUntil: new Date(now().getTime() + LOOK_LEASE_MS) },
        })
        .then(({ count }) => {
          // This process stalled past its lease and another reconciler took the invoice: the two looks overlap.
          if (count === 0) reconcilerLog.warn({ owner, attemptId: attempt.id }, "lease lost while looking");
        })
        .catch((error: unknown) => reconcilerLog.warn({ err: error, attemptId: attempt.id }, "lease renewal failed"));
    }, LEASE_RENEW_EVERY_MS);
    try {
      if (claimedAt.getTime() - attempt.issuedAt.getTime() >= timeoutMs) {
        await this.#expire(attempt, claimedAt);
        outcome = "expiry";
      } else {
        const result = await syncPaymentStatus(attempt.orderId, { trigger: "reconciler", attemptId: attempt.id, now });
        this.report.checked += 1;
        if (result.error) this.report.errors += 1;
        outcome = result.error ? "error" : result.throttled ? "throttled" : result.queried ? "asked" : "not-asked";
        await this.#lookWhenSlotFrees(attempt.id, result);
      }
    } catch (error) {
      this.report.errors += 1;
      reconcilerLog.error({ err: error, orderId: attempt.orderId, invoiceReference: attempt.invoiceReference }, "reconcile failed");
    } finally {
      clearInterval(heartbeat);
      await renewing;
      const endedAtMs = Date.now();
      await this.#releaseLease(attempt.id);
      reconcilerLog.debug({ owner, attemptId: attempt.id, startedAtMs, endedAtMs, outcome }, "look");
    }
  }

  /**
   * Another caller looked less than LOOK_SPACING_MS ago, so this look was skipped: the next one is due as soon as the
   * slot frees, not a whole interval later, so that looks stay about 2 s apart whoever makes them.
   */
  async #lookWhenSlotFrees(attemptId: string, result: SyncResult): Promise<void> {
    if (!result.throttled) return;
    const { lastAskedAt } = (await db.paymentAttempt.findUnique({ where: { id: attemptId }, select: { lastAskedAt: true } })) ?? {};
    if (!lastAskedAt) return;
    // No row: the invoice ended meanwhile (nextCheckAt cleared) or is no longer ours; either way its schedule is
    // someone else's now.
    await db.paymentAttempt.updateMany({
      where: { id: attemptId, leaseOwner: this.settings.owner, nextCheckAt: { not: null } },
      data: { nextCheckAt: new Date(lastAskedAt.getTime() + LOOK_SPACING_MS + 10) },
    });
  }

  /**
   * Past the timeout: cancel the invoice, and let SEQR's answer decide. A canceled invoice expires the order; one
   * paid meanwhile (50) or being paid (51) is synced and looked at again in 2 s like any live invoice. Every look
   * asks SEQR about the invoice, even when the cancel failed or is not due.
   */
  async #expire(attempt: ClaimedAttempt, claimedAt: Date): Promise<void> {
    const { now } = this.settings;
    const refused = cancelRefusedAt.get(attempt.id);
    if (refused !== undefined && claimedAt.getTime() - refused < CANCEL_AGAIN_AFTER_MS) {
      const result = await syncPaymentStatus(attempt.orderId, { trigger: "reconciler", attemptId: attempt.id, now });
      this.report.checked += 1;
      if (result.error) this.report.errors += 1;
      return;
    }
    cancelRefusedAt.delete(attempt.id);
    const canceled = await cancelAttemptInvoice(attempt, { reason: "EXPIRED", trigger: "reconciler", now });
    if (canceled.outcome === "being-paid") cancelRefusedAt.set(attempt.id, claimedAt.getTime());
    if (canceled.outcome === "failed") this.report.errors += 1;
    const sync = canceled.sync ?? (await syncPaymentStatus(attempt.orderId, { trigger: "reconciler", attemptId: attempt.id, now }));
    if (sync.status === "EXPIRED" && sync.changed) this.report.expired += 1;
  }
}

/**
 * One pass, for `npm run reconcile -- --once` and tests: every invoice due now is claimed and looked at once,
 * through the same pool of workers as the running reconciler, and the pass waits for the last look.
 */
export async function reconcileOnce(options: ReconcilerOptions = {}): Promise<ReconcileReport> {
  const pool = new LookPool(settingsFrom(options));
  // Due by the start of the pass: each look schedules the next one later than that, so nothing is looked at twice.
  const dueBy = pool.settings.now();
  for (;;) {
    const claimed = await pool.claimAndStart(dueBy);
    if (claimed === 0 && pool.busy === 0) break;
    await pool.whenSlotFrees();
  }
  return pool.report;
}

export type SweepReport = { staleSending: number; expiredPending: number };

/**
 * The dispatcher's tidying, every few seconds: attempts left SENDING past the Pay lease become UNKNOWN (a crash or
 * a timeout during sendInvoice), PENDING orders nobody invoiced in PENDING_ORDER_TIMEOUT_MS expire, and carts
 * idle for 30 days are deleted.
 */
export async function sweepOnce(options: { now?: () => Date } = {}): Promise<SweepReport> {
  const now = options.now ?? (() => new Date());
  const stale = await markStaleSendingAttempts({ now, olderThanMs: PAY_LEASE_MS });
  const pending = await expireStalePendingOrders({ now });
  // Carts nobody can reach any more (their cookie has expired); logs what it deleted.
  await deleteIdleCarts({ now });
  // Entries older than the cancel pause are never read again.
  const forgetBefore = Date.now() - 10 * CANCEL_AGAIN_AFTER_MS;
  for (const [id, at] of cancelRefusedAt) if (at < forgetBefore) cancelRefusedAt.delete(id);
  return { staleSending: stale.marked.length, expiredPending: pending.expired.length };
}

/**
 * Runs the reconciler until the returned stop function is called; stop() resolves once every look under way has
 * ended and its lease is released. The dispatcher claims due invoices as soon as they are due (it sleeps until
 * the next one is, `intervalMs` at most, so it also sees invoices other processes schedule) and whenever a worker
 * frees up while invoices wait.
 */
export function startReconciler(options: ReconcilerOptions & { intervalMs?: number } = {}): () => Promise<void> {
  const settings = settingsFrom(options);
  const intervalMs = options.intervalMs ?? env.reconciler.intervalMs;
  let stopped = false;
  let wake: (() => void) | undefined;
  /** The last claim filled every free worker (or found none free): more invoices may be waiting for one. */
  let backlog = false;
  const pool = new LookPool(settings, (dueAgain) => {
    if (backlog || dueAgain) wake?.();
  });

  let sweeping: Promise<void> | undefined;
  let lastSweepAt = Number.NEGATIVE_INFINITY;
  const sweep = () => {
    lastSweepAt = Date.now();
    sweeping = sweepOnce({ now: settings.now })
      .then((report) => {
        if (report.staleSending + report.expiredPending > 0) reconcilerLog.info({ owner: settings.owner, ...report }, "sweep");
      })
      .catch((error: unknown) => reconcilerLog.error({ err: error, owner: settings.owner }, "sweep failed"))
      .finally(() => (sweeping = undefined));
  };

  let lastStatsAt = Date.now();
  const logStats = () => {
    lastStatsAt = Date.now();
    const { report, lateLooks, maxLateMs } = pool;
    const fields = { owner: settings.owner, ...report, inFlight: pool.busy, lateLooks, maxLateMs };
    // Late looks mean this process cannot keep up: more reconcilers, or more concurrency, are needed.
    if (lateLooks > 0) reconcilerLog.warn(fields, "reconciler fell behind its schedule");
    else if (report.claimed > 0) reconcilerLog.info(fields, "reconciler stats");
    Object.assign(report, { claimed: 0, checked: 0, expired: 0, errors: 0 });
    pool.lateLooks = 0;
    pool.maxLateMs = 0;
  };

  /** Sleeps `ms`; an interruptible sleep also ends when a look frees a needed worker, or on stop. */
  const sleep = (ms: number, interruptible: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), Math.max(0, ms));
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      if (interruptible) wake = done;
    });

  const loop = async () => {
    while (!stopped) {
      const startedAt = Date.now();
      let waitMs = intervalMs;
      try {
        const at = settings.now();
        const free = pool.free;
        const claimed = await pool.claimAndStart(at);
        // Not "no worker free now": looks end while the claim runs, and a dispatcher that then waited for the next
        // due time left those workers idle while overdue invoices waited, its looks bunched into waves.
        backlog = claimed === free;
        if (backlog) {
          // The next claim comes as soon as a worker is free (one may be already), whenever the next invoice is
          // due: asking that would cost a query per look ended, in every process, under the heaviest load.
          if (pool.free > 0) waitMs = 0;
        } else {
          const nextDue = await pool.nextDueAt(at);
          if (nextDue) waitMs = Math.min(intervalMs, nextDue.getTime() - settings.now().getTime());
        }
      } catch (error) {
        reconcilerLog.error({ err: error, owner: settings.owner }, "dispatch failed");
      }
      if (!sweeping && Date.now() - lastSweepAt >= SWEEP_EVERY_MS) sweep();
      if (Date.now() - lastStatsAt >= STATS_EVERY_MS) logStats();
      if (stopped) break;
      // Claims are batched: at most one every MIN_DISPATCH_SPACING_MS (or intervalMs, when that is shorter), or
      // every BACKLOG_DISPATCH_SPACING_MS while more invoices may be waiting for a worker.
      const spacingMs = Math.min(backlog ? BACKLOG_DISPATCH_SPACING_MS : MIN_DISPATCH_SPACING_MS, intervalMs);
      const elapsedMs = Date.now() - startedAt;
      await sleep(Math.max(waitMs, spacingMs) - elapsedMs, true);
      const sinceStart = Date.now() - startedAt;
      if (!stopped && sinceStart < spacingMs) await sleep(spacingMs - sinceStart, false);
    }
    await pool.drain();
    await sweeping;
  };

  const running = loop();
  reconcilerLog.info({ owner: settings.owner, intervalMs, concurrency: settings.concurrency }, "reconciler started");

  return async () => {
    stopped = true;
    wake?.();
    await running;
  };
}
