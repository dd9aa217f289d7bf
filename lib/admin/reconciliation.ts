import { parse } from "csv-parse/sync";
import { z } from "zod";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { AppError } from "../errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { fromSeqrAmount } from "../seqr/amounts.ts";
import { readStoredReceipt } from "../orders/stored-receipt.ts";
import { seqr, SeqrError } from "../seqr/index.ts";
import { formatShopTime } from "./periods.ts";
import { paidAmountOf } from "./refunds.ts";
import { seqrProblemText } from "./wording.ts";

// Reconciliation: close a SEQR transaction period (markTransactionPeriod), fetch its report (executeReport, which
// the client asks again while SEQR answers 2, not ready), and compare it with the shop's own books for the same
// period, payment by payment and refund by refund, then total by total.
//
// The period is [the previous mark, this mark). Payments are placed in it by SEQR's own payment time (the
// receipt's paymentDate), refunds by when SEQR confirmed them to the shop. Report rows are matched by reference
// whatever their time, so only a payment made in the instant between the shop's clock reading and SEQR's mark
// could be counted in different periods.

const reconciliationLog = log.child({ component: "reconciliation" });

const reportRowSchema = z.object({
  type: z.enum(["PAYMENT", "REFUND", "TOTAL_PAID", "TOTAL_REFUNDED"]),
  time: z.string(),
  invoiceReference: z.string(),
  clientInvoiceId: z.string(),
  ersReference: z.string(),
  amount: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

export type ReportEntry = {
  type: "PAYMENT" | "REFUND";
  invoiceReference: string;
  clientInvoiceId: string;
  ersReference: string;
  /** Positive for payments and refunds alike. */
  amountMinor: number;
  currency: string;
};

export type ReportLedger = {
  entries: ReportEntry[];
  totals: { currency: string; paidMinor: number; refundedMinor: number }[];
};

/** SEQR's transaction report (CSV, the sandbox's TRANSACTION_REPORT), checked row by row. */
export function parseTransactionReport(content: string): ReportLedger {
  let records: unknown[];
  try {
    records = parse(content, { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new AppError("REPORT_FORMAT", 502, "SEQR's report is not in a form the shop can read. Fetch the report again; if it stays so, contact SEQR support.", { cause: error });
  }
  const entries: ReportEntry[] = [];
  const totals = new Map<string, { currency: string; paidMinor: number; refundedMinor: number }>();
  const totalFor = (currency: string) => {
    const total = totals.get(currency) ?? { currency, paidMinor: 0, refundedMinor: 0 };
    totals.set(currency, total);
    return total;
  };
  records.forEach((record, index) => {
    const row = reportRowSchema.safeParse(record);
    if (!row.success) {
      const issue = row.error.issues[0];
      const column = issue?.path[0];
      throw new AppError(
        "REPORT_FORMAT",
        502,
        `SEQR's report has a row the shop cannot read (row ${index + 1} after the header${typeof column === "string" ? `, column “${column}”` : ""}). Fetch the report again; if it stays so, contact SEQR support.`,
      );
    }
    const { type, currency } = row.data;
    let amountMinor: number;
    try {
      amountMinor = Math.abs(fromSeqrAmount(row.data.amount, currency));
    } catch (error) {
      throw new AppError(
        "REPORT_FORMAT",
        502,
        `SEQR's report has an amount the shop cannot read (row ${index + 1} after the header). Fetch the report again; if it stays so, contact SEQR support.`,
        { cause: error },
      );
    }
    if (type === "TOTAL_PAID") totalFor(currency).paidMinor = amountMinor;
    else if (type === "TOTAL_REFUNDED") totalFor(currency).refundedMinor = amountMinor;
    else {
      entries.push({
        type,
        invoiceReference: row.data.invoiceReference,
        clientInvoiceId: row.data.clientInvoiceId,
        ersReference: row.data.ersReference,
        amountMinor,
        currency,
      });
    }
  });
  return { entries, totals: [...totals.values()] };
}

export type ShopPayment = {
  invoiceReference: string;
  clientInvoiceId: string;
  /** SEQR's invoice status as the shop last saw it. */
  seqrStatus: string;
  amountMinor: number;
  currency: string;
  /** Paid within the period, by SEQR's payment time. */
  inPeriod: boolean;
};

export type ShopRefund = { ersReference: string; clientInvoiceId: string; amountMinor: number; currency: string; inPeriod: boolean };

export type ShopLedger = { payments: ShopPayment[]; refunds: ShopRefund[] };

export type Mismatch = {
  kind:
    | "PAYMENT_UNKNOWN_TO_SHOP"
    | "PAYMENT_NOT_PAID_IN_SHOP"
    | "PAYMENT_AMOUNT_DIFFERS"
    | "PAYMENT_MISSING_FROM_REPORT"
    | "REFUND_UNKNOWN_TO_SHOP"
    | "REFUND_AMOUNT_DIFFERS"
    | "REFUND_MISSING_FROM_REPORT"
    | "TOTAL_PAID_DIFFERS"
    | "TOTAL_REFUNDED_DIFFERS";
  reference: string | null;
  clientInvoiceId: string | null;
  currency: string;
  seqrMinor: number | null;
  shopMinor: number | null;
  /** The shop's currency when it differs from SEQR's (an amount mismatch in another currency). */
  shopCurrency?: string;
  explanation: string;
};

export type TotalsComparison = { currency: string; seqrPaidMinor: number; shopPaidMinor: number; seqrRefundedMinor: number; shopRefundedMinor: number };

/** Every difference between SEQR's report and the shop's books. Pure. */
export function compareWithReport(report: ReportLedger, shop: ShopLedger): { mismatches: Mismatch[]; totals: TotalsComparison[] } {
  const mismatches: Mismatch[] = [];
  const paymentsByRef = new Map(shop.payments.map((payment) => [payment.invoiceReference, payment]));
  const refundsByRef = new Map(shop.refunds.map((refund) => [refund.ersReference, refund]));
  const reported = new Set<string>();

  for (const entry of report.entries) {
    const base = { clientInvoiceId: entry.clientInvoiceId || null, currency: entry.currency, seqrMinor: entry.amountMinor };
    if (entry.type === "PAYMENT") {
      reported.add(`P:${entry.invoiceReference}`);
      const payment = paymentsByRef.get(entry.invoiceReference);
      if (!payment) {
        mismatches.push({ ...base, kind: "PAYMENT_UNKNOWN_TO_SHOP", reference: entry.invoiceReference, shopMinor: null, explanation: "SEQR reports a payment on an invoice the shop has no record of." });
      } else if (payment.seqrStatus !== "PAID") {
        mismatches.push({ ...base, kind: "PAYMENT_NOT_PAID_IN_SHOP", reference: entry.invoiceReference, clientInvoiceId: payment.clientInvoiceId, shopMinor: null, explanation: `SEQR reports this invoice paid; the shop has it as ${payment.seqrStatus}. Refresh the order from SEQR.` });
      } else if (payment.amountMinor !== entry.amountMinor || payment.currency !== entry.currency) {
        mismatches.push({ ...base, kind: "PAYMENT_AMOUNT_DIFFERS", reference: entry.invoiceReference, clientInvoiceId: payment.clientInvoiceId, shopMinor: payment.amountMinor, ...(payment.currency !== entry.currency ? { shopCurrency: payment.currency } : {}), explanation: "SEQR and the shop disagree on the amount paid." });
      }
    } else {
      reported.add(`R:${entry.ersReference}`);
      const refund = refundsByRef.get(entry.ersReference);
      if (!refund) {
        mismatches.push({ ...base, kind: "REFUND_UNKNOWN_TO_SHOP", reference: entry.ersReference, shopMinor: null, explanation: "SEQR reports a refund the shop has no confirmed record of (was it one SEQR never answered?)." });
      } else if (refund.amountMinor !== entry.amountMinor || refund.currency !== entry.currency) {
        mismatches.push({ ...base, kind: "REFUND_AMOUNT_DIFFERS", reference: entry.ersReference, clientInvoiceId: refund.clientInvoiceId, shopMinor: refund.amountMinor, ...(refund.currency !== entry.currency ? { shopCurrency: refund.currency } : {}), explanation: "SEQR and the shop disagree on the amount refunded." });
      }
    }
  }
  for (const payment of shop.payments) {
    if (payment.inPeriod && payment.seqrStatus === "PAID" && !reported.has(`P:${payment.invoiceReference}`)) {
      mismatches.push({ kind: "PAYMENT_MISSING_FROM_REPORT", reference: payment.invoiceReference, clientInvoiceId: payment.clientInvoiceId, currency: payment.currency, seqrMinor: null, shopMinor: payment.amountMinor, explanation: "The shop has this invoice paid in the period; SEQR's report does not list it." });
    }
  }
  for (const refund of shop.refunds) {
    if (refund.inPeriod && !reported.has(`R:${refund.ersReference}`)) {
      mismatches.push({ kind: "REFUND_MISSING_FROM_REPORT", reference: refund.ersReference, clientInvoiceId: refund.clientInvoiceId, currency: refund.currency, seqrMinor: null, shopMinor: refund.amountMinor, explanation: "The shop has this refund confirmed in the period; SEQR's report does not list it." });
    }
  }

  const currencies = new Set([
    ...report.totals.map((total) => total.currency),
    ...shop.payments.filter((payment) => payment.inPeriod).map((payment) => payment.currency),
    ...shop.refunds.filter((refund) => refund.inPeriod).map((refund) => refund.currency),
  ]);
  const totals = [...currencies].sort().map((currency) => {
    const seqrTotal = report.totals.find((total) => total.currency === currency);
    const sum = (amounts: { amountMinor: number; currency: string; inPeriod: boolean }[]) =>
      amounts.filter((item) => item.inPeriod && item.currency === currency).reduce((total, item) => total + item.amountMinor, 0);
    return {
      currency,
      seqrPaidMinor: seqrTotal?.paidMinor ?? 0,
      shopPaidMinor: sum(shop.payments.filter((payment) => payment.seqrStatus === "PAID")),
      seqrRefundedMinor: seqrTotal?.refundedMinor ?? 0,
      shopRefundedMinor: sum(shop.refunds),
    };
  });
  for (const total of totals) {
    if (total.seqrPaidMinor !== total.shopPaidMinor) {
      mismatches.push({ kind: "TOTAL_PAID_DIFFERS", reference: null, clientInvoiceId: null, currency: total.currency, seqrMinor: total.seqrPaidMinor, shopMinor: total.shopPaidMinor, explanation: "The period's paid totals differ." });
    }
    if (total.seqrRefundedMinor !== total.shopRefundedMinor) {
      mismatches.push({ kind: "TOTAL_REFUNDED_DIFFERS", reference: null, clientInvoiceId: null, currency: total.currency, seqrMinor: total.seqrRefundedMinor, shopMinor: total.shopRefundedMinor, explanation: "The period's refunded totals differ." });
    }
  }
  return { mismatches, totals };
}

function paymentTimeOf(attempt: { receipt: Prisma.JsonValue; finalizedAt: Date | null; updatedAt: Date }): Date {
  return readStoredReceipt(attempt.receipt).paymentDate ?? attempt.finalizedAt ?? attempt.updatedAt;
}

/** The shop's side: its payments and refunds in the period, plus every one the report names. */
export async function loadShopLedger(period: { start: Date; end: Date }, report: ReportLedger): Promise<ShopLedger> {
  const invoiceReferences = report.entries.filter((entry) => entry.type === "PAYMENT").map((entry) => entry.invoiceReference);
  const refundReferences = report.entries.filter((entry) => entry.type === "REFUND").map((entry) => entry.ersReference);
  const [attempts, refunds] = await Promise.all([
    db.paymentAttempt.findMany({
      where: {
        OR: [
          { invoiceReference: { in: invoiceReferences } },
          // SEQR's payment time comes before the shop sees it: finalizedAt >= paymentDate.
          { seqrStatus: "PAID", finalizedAt: { gte: period.start } },
        ],
      },
      include: { order: { select: { clientInvoiceId: true } } },
    }),
    db.refund.findMany({
      where: {
        status: "SUCCEEDED",
        OR: [{ ersReference: { in: refundReferences } }, { completedAt: { gte: period.start, lt: period.end } }],
      },
      include: { order: { select: { clientInvoiceId: true } } },
    }),
  ]);
  return {
    // Only an invoice SEQR gave a reference for can be in its report; every PAID one has one.
    payments: attempts.flatMap((attempt) => {
      if (attempt.invoiceReference === null) return [];
      const paid = paidAmountOf(attempt);
      const paidAt = paymentTimeOf(attempt);
      return [
        {
          invoiceReference: attempt.invoiceReference,
          clientInvoiceId: attempt.order.clientInvoiceId,
          seqrStatus: attempt.seqrStatus ?? attempt.state,
          amountMinor: paid.amountMinor,
          currency: paid.currency,
          inPeriod: attempt.seqrStatus === "PAID" && paidAt >= period.start && paidAt < period.end,
        },
      ];
    }),
    refunds: refunds.map((refund) => ({
      ersReference: refund.ersReference ?? "",
      clientInvoiceId: refund.order.clientInvoiceId,
      amountMinor: refund.amountMinor,
      currency: refund.currency,
      inPeriod: refund.completedAt !== null && refund.completedAt >= period.start && refund.completedAt < period.end,
    })),
  };
}

/** What SEQR's failure to close the period or to give its report means, and what to do, in the merchant's words. */
function explainSeqrError(operation: "close the period" | "send the report", error: SeqrError): string {
  if (error.is(2)) return "SEQR's report was still not ready after several tries. Press Fetch the report again in a minute.";
  const problem = seqrProblemText(error);
  const state =
    operation === "close the period"
      ? "Nothing was closed: the period stays open"
      : "The period stays closed at SEQR: press Fetch the report again";
  if (error.transient) return `SEQR did not ${operation}: ${problem}. ${state}; try again in a moment.`;
  return `SEQR did not ${operation}: ${problem}. ${state}; if it happens again, contact SEQR support.`;
}

export const RUN_STATUS = {
  /** Written before markTransactionPeriod; holds its period (periodStart is unique) while SEQR is asked. */
  STARTED: "STARTED",
  COMPLETED: "COMPLETED",
  /**
   * The report could not be fetched or compared (with a transactionPeriodId: fetch it again), or SEQR's answer to
   * markTransactionPeriod never came (without one: SEQR may have closed the period; the run keeps it, so that no
   * later run overlaps it).
   */
  FAILED: "FAILED",
} as const;

/**
 * How long a run may stay STARTED without a transactionPeriodId before the shop takes it for interrupted (the
 * process died between writing it and storing SEQR's answer): longer than markTransactionPeriod can take, as it is
 * never retried.
 */
export function interruptedAfterMs(): number {
  return env.seqr.requestTimeoutMs + 30_000;
}

const ALREADY_RUNNING =
  "A reconciliation is already running: this period is already being closed. Wait a moment, then reload this page.";

function markUnansweredMessage(error: SeqrError | null): string {
  const what = error ? ` (${seqrProblemText(error)})` : "";
  return `The shop got no answer from SEQR when it asked to close this period${what}, so SEQR may or may not have closed it, and its report cannot be fetched. The next reconciliation starts where this period ends, so nothing is counted twice. If the next report's totals differ, ask SEQR support for the transactions of this period.`;
}

function clockBehindMessage(periodStart: Date, now: Date): string {
  return `The last reconciled period ends at ${formatShopTime(periodStart)}, which is not before this server's time (${formatShopTime(now)}): another reconciliation has just finished, or this server's clock is behind. Reload the page and try again; if it persists, check the servers' clocks.`;
}

/**
 * Closes the current period at SEQR, then fetches and compares its report. The run row is written first (STARTED,
 * its periodStart unique): two clicks at once, from one server or several, or a click while an earlier run is
 * closing its period, get ALREADY_RUNNING from the constraint and change nothing; a run interrupted before SEQR's
 * answer was stored keeps its period as FAILED, so the periods the shop compares never overlap and none is silently
 * skipped.
 *
 * Why that is enough without a lock: every run starts where the run with the latest start ends, and no two runs
 * share a start (the unique constraint), so a run that read an older "latest" than a concurrent one collides with
 * it; and every run ends after it starts (checked here: a server whose clock is behind, or a close that read the
 * run a concurrent one had just finished, would otherwise write a period that ends before it starts, and the next
 * one would start inside an earlier one). The runs are one chain of adjacent periods.
 */
export async function reconcileNewPeriod(now = new Date()): Promise<string> {
  const previous = await db.reconciliationRun.findFirst({ orderBy: { periodStart: "desc" } });
  if (previous?.status === RUN_STATUS.STARTED && previous.transactionPeriodId === null) {
    if (now.getTime() - previous.createdAt.getTime() < interruptedAfterMs()) {
      throw new AppError("RECONCILIATION_RUNNING", 409, ALREADY_RUNNING);
    }
    // Interrupted (the process died while SEQR was asked): SEQR may have closed the period. The run keeps it.
    const marked = await db.reconciliationRun.updateMany({
      where: { id: previous.id, status: RUN_STATUS.STARTED, transactionPeriodId: null },
      data: { status: RUN_STATUS.FAILED, error: markUnansweredMessage(null) },
    });
    // Changed meanwhile: its own process stored SEQR's answer or gave the period back, or another close got here
    // first. What the next period starts from is no longer what was read.
    if (marked.count === 0) throw new AppError("RECONCILIATION_RUNNING", 409, ALREADY_RUNNING);
    reconciliationLog.warn({ runId: previous.id }, "reconciliation run interrupted before SEQR's answer was stored");
  }
  const periodStart = previous?.periodEnd ?? new Date(0);
  if (now.getTime() <= periodStart.getTime()) {
    throw new AppError("RECONCILIATION_CLOCK", 409, clockBehindMessage(periodStart, now));
  }
  let runId: string;
  try {
    ({ id: runId } = await db.reconciliationRun.create({
      data: { periodStart, periodEnd: now, status: RUN_STATUS.STARTED },
    }));
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("RECONCILIATION_RUNNING", 409, ALREADY_RUNNING);
    }
    throw error;
  }

  let transactionPeriodId: string;
  try {
    ({ transactionPeriodId } = await seqr.markTransactionPeriod());
  } catch (error) {
    if (!(error instanceof SeqrError)) throw error;
    if (error.kind === "result") {
      // SEQR answered and closed nothing: the period is still open, so the run gives it back.
      await db.reconciliationRun.deleteMany({ where: { id: runId, status: RUN_STATUS.STARTED, transactionPeriodId: null } });
      throw new AppError("SEQR_UNAVAILABLE", 502, explainSeqrError("close the period", error));
    }
    await db.reconciliationRun.updateMany({
      where: { id: runId, status: RUN_STATUS.STARTED, transactionPeriodId: null },
      data: { status: RUN_STATUS.FAILED, error: markUnansweredMessage(error) },
    });
    reconciliationLog.warn({ runId, resultName: error.resultName }, "markTransactionPeriod unanswered");
    throw new AppError("SEQR_UNAVAILABLE", 502, markUnansweredMessage(error));
  }
  // SEQR's name for the period is what fetches its report: logged and stored the moment it arrives.
  reconciliationLog.info({ runId, transactionPeriodId }, "transaction period closed");
  // Unconditional on purpose: SEQR has closed the period, so the run keeps SEQR's name for it even if another close
  // took it for interrupted meanwhile (FAILED); fetchAndCompare then completes it.
  await db.reconciliationRun.update({ where: { id: runId }, data: { transactionPeriodId } });
  await fetchAndCompare(runId);
  return runId;
}

/** Fetches (again) the report of a period already closed and compares it. */
export async function fetchAndCompare(runId: string): Promise<void> {
  const run = await db.reconciliationRun.findUnique({ where: { id: runId } });
  if (!run?.transactionPeriodId) throw new AppError("RUN_NOT_FOUND", 404, "There is no such reconciliation. Reload the Reconciliation page and try again.");
  try {
    const report = await seqr.executeReport({
      reportId: env.seqr.reportId,
      parameters: { transactionPeriodId: run.transactionPeriodId },
    });
    const content = report.contentString ?? report.content?.toString("utf8") ?? "";
    const ledger = parseTransactionReport(content);
    const shop = await loadShopLedger({ start: run.periodStart, end: run.periodEnd }, ledger);
    const { mismatches, totals } = compareWithReport(ledger, shop);
    await db.reconciliationRun.update({
      where: { id: run.id },
      data: {
        status: "COMPLETED",
        reportTitle: report.title ?? null,
        reportContent: content,
        totals,
        mismatches,
        mismatchCount: mismatches.length,
        error: null,
      },
    });
    reconciliationLog.info({ runId, transactionPeriodId: run.transactionPeriodId, mismatches: mismatches.length }, "reconciled");
  } catch (error) {
    const message =
      error instanceof SeqrError
        ? explainSeqrError("send the report", error)
        : error instanceof AppError
          ? error.message
          : "Something went wrong while comparing the report.";
    await db.reconciliationRun.update({ where: { id: run.id }, data: { status: "FAILED", error: message } });
    if (!(error instanceof SeqrError) && !(error instanceof AppError)) throw error;
    reconciliationLog.warn({ runId, err: error }, "reconciliation failed");
  }
}

export async function listReconciliationRuns(take = 20) {
  return db.reconciliationRun.findMany({ orderBy: { periodStart: "desc" }, take });
}

export async function findReconciliationRun(id: string) {
  return db.reconciliationRun.findUnique({ where: { id } });
}
