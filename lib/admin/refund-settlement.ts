import { db } from "../db.ts";
import { env } from "../env.ts";
import { AppError } from "../errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { formatMoney } from "../money.ts";
import { actorFields } from "./actor.ts";
import { parseTransactionReport, RUN_STATUS, type ReportEntry } from "./reconciliation.ts";
import { releaseRefundLines } from "./refund-lines.ts";
import { applySucceededRefund, type RefundAdmin, type RefundEventBase } from "./refunds.ts";
import { periodInSentence } from "./wording.ts";

// Settling a refund SEQR never confirmed (UNKNOWN, or PENDING left by a process that died) from SEQR's
// reconciliation reports, one click for the merchant:
// - a completed run's report lists a refund of the same invoice and amount that no other shop refund holds:
//   SEQR made it, so it is applied exactly as SEQR's answer would have been (applySucceededRefund);
// - the reports of every period from the refund's creation on are in, none lists it, and the last of them starts
//   after the refund was made and ends well after SEQR could still have been working on it: SEQR made no such
//   refund, so its amount is released (FAILED).
// Both are conditional updates (status UNKNOWN/PENDING, settledAt null): two clicks settle once. A report entry
// goes to one refund only: Refund.ersReference is unique.

const settlementLog = log.child({ component: "refund-settlement" });

export const UNSETTLED_REFUND_STATUSES = ["UNKNOWN", "PENDING"] as const;

/** Longer than any SEQR call (SEQR_REQUEST_TIMEOUT_MS is at most 2 minutes): a PENDING refund this old was left by a process that died. */
export const STUCK_REFUND_MS = 5 * 60_000;

/**
 * SEQR may still make a refund for a while after the shop stopped waiting for its answer: a report releases a
 * refund only when its period ends at least this long after the refund was asked for.
 */
export function releaseMarginMs(): number {
  return 2 * env.seqr.requestTimeoutMs;
}

export type SettlementRun = {
  id: string;
  status: string;
  transactionPeriodId: string | null;
  periodStart: Date;
  periodEnd: Date;
  /** The report's payments and refunds; null when the run has no report the shop could read. */
  entries: ReportEntry[] | null;
};

export type SettlementRefund = {
  id: string;
  amountMinor: number;
  currency: string;
  createdAt: Date;
  /** Set when SEQR answered and the shop died before applying the answer: only that report entry settles it. */
  ersReference: string | null;
  /** The invoice of the payment refunded. */
  invoiceReference: string | null;
};

export type Settlement =
  | { kind: "done"; run: SettlementRun; entry: ReportEntry }
  | { kind: "release"; run: SettlementRun }
  | { kind: "none"; why: string };

function matchingEntry(entries: readonly ReportEntry[], refund: SettlementRefund, claimed: ReadonlySet<string>): ReportEntry | null {
  const refunds = entries.filter((entry) => entry.type === "REFUND");
  if (refund.ersReference) return refunds.find((entry) => entry.ersReference === refund.ersReference) ?? null;
  return (
    refunds.find(
      (entry) =>
        entry.invoiceReference === refund.invoiceReference &&
        entry.amountMinor === refund.amountMinor &&
        entry.currency === refund.currency &&
        !claimed.has(entry.ersReference),
    ) ?? null
  );
}

/**
 * What `run`'s report allows for `refund`. Pure. `runs` are all the shop's runs (the release needs every period
 * from the refund's creation on); `claimed` are the report refund references other shop refunds already hold.
 */
export function settlementFrom(
  run: SettlementRun,
  refund: SettlementRefund,
  runs: readonly SettlementRun[],
  claimed: ReadonlySet<string>,
  marginMs: number,
): Settlement {
  if (run.status !== RUN_STATUS.COMPLETED || !run.entries) {
    return { kind: "none", why: "This reconciliation has no report to settle from." };
  }
  const entry = matchingEntry(run.entries, refund, claimed);
  if (entry) return { kind: "done", run, entry };
  if (refund.ersReference) {
    // SEQR answered with a reference: it made the refund, whatever this report says.
    return { kind: "none", why: "SEQR confirmed this refund; this report does not list it. Settle it from the report that does." };
  }
  if (run.periodStart.getTime() <= refund.createdAt.getTime()) {
    return { kind: "none", why: "This report covers the time the refund was made and does not list it. Reconcile a later period: if its report does not list it either, the refund can be released." };
  }
  if (run.periodEnd.getTime() < refund.createdAt.getTime() + marginMs) {
    return { kind: "none", why: "SEQR could still have been making the refund when this period closed. Reconcile a later period, then settle." };
  }
  // Every period from the refund's creation to this one must be reconciled and not list it: a refund SEQR made
  // in a period the shop never saw the report of is not a refund SEQR did not make.
  const chain = runs
    .filter((other) => other.periodEnd.getTime() > refund.createdAt.getTime() && other.periodStart.getTime() <= run.periodStart.getTime())
    .sort((a, b) => a.periodStart.getTime() - b.periodStart.getTime());
  const first = chain[0];
  if (!first || first.periodStart.getTime() > refund.createdAt.getTime()) {
    return { kind: "none", why: "No reconciliation covers the time the refund was made, so the shop cannot tell whether SEQR made it." };
  }
  for (const [index, link] of chain.entries()) {
    const before = chain[index - 1];
    if (before && before.periodEnd.getTime() !== link.periodStart.getTime()) {
      return { kind: "none", why: "The reconciled periods since the refund was made have a gap, so the shop cannot tell whether SEQR made it." };
    }
    if (link.status !== RUN_STATUS.COMPLETED || !link.entries) {
      return {
        kind: "none",
        why: `The reconciliation of ${periodInSentence(link)} has no report: press Fetch the report again for it on this page first, or ask SEQR whether the refund was made.`,
      };
    }
    if (link.id !== run.id && matchingEntry(link.entries, refund, claimed)) {
      return { kind: "none", why: `The report of ${periodInSentence(link)} lists this refund: settle it from there.` };
    }
  }
  return { kind: "release", run };
}

/** The offer to show: a report that lists it wins; otherwise a release from the latest report that allows one. */
export function bestSettlement(refund: SettlementRefund, runs: readonly SettlementRun[], claimed: ReadonlySet<string>, marginMs: number): Settlement {
  const decisions = runs.map((run) => settlementFrom(run, refund, runs, claimed, marginMs));
  const done = decisions.find((decision) => decision.kind === "done");
  if (done) return done;
  const releases = decisions.filter((decision) => decision.kind === "release");
  const latest = releases.sort((a, b) => b.run.periodStart.getTime() - a.run.periodStart.getTime())[0];
  if (latest) return latest;
  // Why the newest report does not decide it says best what to do next.
  const newest = runs.reduce<SettlementRun | null>(
    (found, run) => (run.status === RUN_STATUS.COMPLETED && (!found || run.periodStart > found.periodStart) ? run : found),
    null,
  );
  if (newest) return settlementFrom(newest, refund, runs, claimed, marginMs);
  return {
    kind: "none",
    why: "No reconciliation report decides it yet. Close the period and reconcile (after the refund was made); the report then settles it.",
  };
}

/** The runs that can decide refunds made since `since`, with their reports read. */
async function runsSince(since: Date): Promise<SettlementRun[]> {
  const rows = await db.reconciliationRun.findMany({
    where: { periodEnd: { gt: since } },
    orderBy: { periodStart: "asc" },
    select: { id: true, status: true, transactionPeriodId: true, periodStart: true, periodEnd: true, reportContent: true },
  });
  return rows.map(({ reportContent, ...run }) => {
    let entries: ReportEntry[] | null = null;
    if (run.status === RUN_STATUS.COMPLETED && reportContent !== null) {
      try {
        entries = parseTransactionReport(reportContent).entries;
      } catch {
        // A completed run's report was read once already; one that no longer parses decides nothing.
        entries = null;
      }
    }
    return { ...run, entries };
  });
}

/** Report refund references held by shop refunds other than `except`. */
async function claimedReferences(runs: readonly SettlementRun[], except: readonly string[] = []): Promise<Set<string>> {
  const references = runs.flatMap((run) => (run.entries ?? []).filter((entry) => entry.type === "REFUND").map((entry) => entry.ersReference));
  if (references.length === 0) return new Set();
  const holders = await db.refund.findMany({
    where: { ersReference: { in: references }, id: { notIn: [...except] } },
    select: { ersReference: true },
  });
  return new Set(holders.flatMap((holder) => (holder.ersReference ? [holder.ersReference] : [])));
}

const unsettledWhere = (now: Date): Prisma.RefundWhereInput => ({
  settledAt: null,
  OR: [{ status: "UNKNOWN" }, { status: "PENDING", createdAt: { lt: new Date(now.getTime() - STUCK_REFUND_MS) } }],
});

const refundSelect = {
  id: true,
  orderId: true,
  paymentAttemptId: true,
  status: true,
  amountMinor: true,
  currency: true,
  createdAt: true,
  completedAt: true,
  ersReference: true,
  reason: true,
  paymentAttempt: { select: { invoiceReference: true } },
  order: { select: { clientInvoiceId: true, number: true } },
} satisfies Prisma.RefundSelect;

type RefundRow = Prisma.RefundGetPayload<{ select: typeof refundSelect }>;

function settlementRefund(row: RefundRow): SettlementRefund {
  return {
    id: row.id,
    amountMinor: row.amountMinor,
    currency: row.currency,
    createdAt: row.createdAt,
    ersReference: row.ersReference,
    invoiceReference: row.paymentAttempt.invoiceReference,
  };
}

export type UnsettledRefund = {
  id: string;
  clientInvoiceId: string;
  /** The order's short number (#1042). */
  number: number;
  status: string;
  amountMinor: number;
  currency: string;
  createdAt: Date;
  settlement: Settlement;
};

/** Every refund waiting for SEQR's report, oldest first, with what the reports allow for it. */
export async function listUnsettledRefunds(now = new Date(), take = 100): Promise<UnsettledRefund[]> {
  const rows = await db.refund.findMany({ where: unsettledWhere(now), orderBy: { createdAt: "asc" }, take, select: refundSelect });
  const oldest = rows[0];
  if (!oldest) return [];
  const runs = await runsSince(oldest.createdAt);
  const claimed = await claimedReferences(runs);
  const margin = releaseMarginMs();
  return rows.map((row) => {
    // A reference this refund holds itself (SEQR answered) is not held by "another" refund.
    const others = row.ersReference ? new Set([...claimed].filter((reference) => reference !== row.ersReference)) : claimed;
    return {
      id: row.id,
      clientInvoiceId: row.order.clientInvoiceId,
      number: row.order.number,
      status: row.status,
      amountMinor: row.amountMinor,
      currency: row.currency,
      createdAt: row.createdAt,
      settlement: bestSettlement(settlementRefund(row), runs, others, margin),
    };
  });
}

/** The merchant's one click: settle `refundId` from the report of `runId` (done or released, as the report says). */
export async function settleRefund(
  input: { refundId: string; runId: string },
  admin: RefundAdmin,
  now = new Date(),
): Promise<{ outcome: "SUCCEEDED" | "FAILED"; message: string; clientInvoiceId: string }> {
  const row = await db.refund.findUnique({ where: { id: input.refundId }, select: { ...refundSelect, settledAt: true } });
  if (!row) throw new AppError("REFUND_NOT_FOUND", 404, "There is no such refund. Reload the Reconciliation page and try again.");
  const amount = formatMoney({ amountMinor: row.amountMinor, currency: row.currency });
  if (row.settledAt !== null || !(UNSETTLED_REFUND_STATUSES as readonly string[]).includes(row.status)) {
    throw new AppError("REFUND_SETTLED", 409, alreadySettled(row.status, amount));
  }
  if (row.status === "PENDING" && now.getTime() - row.createdAt.getTime() < STUCK_REFUND_MS) {
    throw new AppError("REFUND_IN_PROGRESS", 409, `The refund of ${amount} is still being made; SEQR's answer settles it.`);
  }
  const runs = await runsSince(row.createdAt);
  const run = runs.find((candidate) => candidate.id === input.runId);
  if (!run) throw new AppError("RUN_NOT_FOUND", 404, "That reconciliation does not cover this refund.");
  const claimed = await claimedReferences(runs, [row.id]);
  const decision = settlementFrom(run, settlementRefund(row), runs, claimed, releaseMarginMs());
  if (decision.kind === "none") throw new AppError("NOT_SETTLEABLE", 409, decision.why);

  const recorded: RefundEventBase = {
    orderId: row.orderId,
    paymentAttemptId: row.paymentAttemptId,
    type: "REFUND",
    source: "admin",
    sourceAddress: admin.address,
    ...actorFields(admin.actor),
  };
  const detail = {
    refundId: row.id,
    amountMinor: row.amountMinor,
    currency: row.currency,
    reason: row.reason,
    settledFrom: row.status,
    reconciliationRunId: run.id,
    transactionPeriodId: run.transactionPeriodId,
    period: { start: run.periodStart.toISOString(), end: run.periodEnd.toISOString() },
  };

  if (decision.kind === "done") {
    // SEQR made the refund within this run's period: the shop's books place it there too, so that later periods
    // do not count it again (reconciliation places refunds by completedAt).
    const completedAt = new Date(
      Math.min(Math.max(row.createdAt.getTime(), run.periodStart.getTime()), run.periodEnd.getTime() - 1),
    );
    let applied: boolean;
    try {
      applied = await applySucceededRefund({
        refundId: row.id,
        refundErsReference: decision.entry.ersReference,
        from: UNSETTLED_REFUND_STATUSES,
        completedAt,
        settledAt: now,
        recorded,
        detail: { ...detail, settled: "done" },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new AppError("REFUND_SETTLED", 409, "That refund in SEQR's report has just been matched to another of the shop's refunds. Reload the page.");
      }
      throw error;
    }
    if (!applied) throw new AppError("REFUND_SETTLED", 409, await alreadySettledNow(row.id, amount));
    settlementLog.info({ refundId: row.id, runId: run.id, refundErsReference: decision.entry.ersReference }, "refund settled as done from a report");
    return {
      outcome: "SUCCEEDED",
      clientInvoiceId: row.order.clientInvoiceId,
      message: `Settled as done: SEQR's report of ${periodInSentence(run)} lists this refund of ${amount} (SEQR's reference ${decision.entry.ersReference}). The order's refunds are updated.`,
    };
  }

  const released = `Released from SEQR's report of ${periodInSentence(run)}: SEQR made no such refund.`;
  const moved = await db.$transaction(async (tx) => {
    const changed = await tx.refund.updateMany({
      where: { id: row.id, status: { in: [...UNSETTLED_REFUND_STATUSES] }, settledAt: null },
      data: {
        status: "FAILED",
        settledAt: now,
        completedAt: row.completedAt ?? now,
        // The merchant's own reason stays; why it failed follows it.
        reason: row.reason ? `${row.reason} · ${released}` : released,
      },
    });
    if (changed.count === 0) return false;
    // SEQR made no such refund: the units a line refund reserved can be refunded again.
    const unitsReleased = await releaseRefundLines(tx, row.id);
    await tx.paymentEvent.create({
      data: {
        ...recorded,
        detail: {
          ...detail,
          settled: "released",
          outcome: "FAILED",
          ...(unitsReleased.length > 0 ? { unitsReleased } : {}),
        } as Prisma.InputJsonObject,
      },
    });
    return true;
  });
  if (!moved) throw new AppError("REFUND_SETTLED", 409, await alreadySettledNow(row.id, amount));
  settlementLog.info({ refundId: row.id, runId: run.id }, "refund released from a report");
  return { outcome: "FAILED", clientInvoiceId: row.order.clientInvoiceId, message: `${released} Its ${amount} is no longer held and can be refunded again.` };
}

function alreadySettled(status: string, amount: string): string {
  return status === "SUCCEEDED"
    ? `This refund of ${amount} is already settled as done; nothing changed.`
    : status === "FAILED"
      ? `This refund of ${amount} is already settled: nothing was refunded and its amount is released; nothing changed.`
      : `This refund of ${amount} is already settled; nothing changed.`;
}

async function alreadySettledNow(refundId: string, amount: string): Promise<string> {
  const now = await db.refund.findUnique({ where: { id: refundId }, select: { status: true } });
  return alreadySettled(now?.status ?? "", amount);
}
