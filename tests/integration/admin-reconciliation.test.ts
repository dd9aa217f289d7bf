import "./support/shop-address";

import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

import { needingAttention } from "@/lib/admin/dashboard";
import { refreshOrder } from "@/lib/admin/order-actions";
import {
  fetchAndCompare,
  interruptedAfterMs,
  parseTransactionReport,
  reconcileNewPeriod,
  type Mismatch,
} from "@/lib/admin/reconciliation";
import { listUnsettledRefunds, releaseMarginMs, settleRefund } from "@/lib/admin/refund-settlement";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { seqr } from "@/lib/seqr";

import { ADMIN, paidOrder, refund, refundState, seqrRefunds, typed } from "./support/admin-orders";
import { expectAppError, rejectionOf, serveShopForThisFile } from "./support/shop-flow";
import { invoicedOrder, paidButUnnotifiedOrder, waitFor } from "./support/shop-orders";

// Reconciliation (lib/admin/reconciliation.ts) through the shop's own code against the sandbox over real SOAP and
// HTTP: close SEQR's transaction period, fetch its report, compare it with the shop's payments and refunds. The
// tests run in order on one database; each closes the period before it (a "flush" run) so that its own run holds
// only what the test did.

// The shop's SEQR client gives up after this long (lib/env.ts reads it on first import, hence hoisted): short, so
// that the tests of an answer SEQR gives too late do not wait SEQR's default 10 s. Restored for later files.
const timeout = vi.hoisted(() => {
  const previous = process.env.SEQR_REQUEST_TIMEOUT_MS;
  process.env.SEQR_REQUEST_TIMEOUT_MS = "2000";
  return { ms: 2_000, previous };
});
afterAll(() => {
  if (timeout.previous === undefined) delete process.env.SEQR_REQUEST_TIMEOUT_MS;
  else process.env.SEQR_REQUEST_TIMEOUT_MS = timeout.previous;
});

const shop = serveShopForThisFile();

beforeAll(async () => {
  // The sandbox's report is ready at once unless a test says otherwise.
  expect((await shop.server.api("PUT", "/config", { reportDelayMs: 0 })).status).toBe(200);
});

async function runOf(runId: string) {
  return db.reconciliationRun.findUniqueOrThrow({ where: { id: runId } });
}

/** Closes the period up to now, and checks that what earlier tests left in it compared cleanly or not at all. */
async function flush() {
  return runOf(await reconcileNewPeriod());
}

/** The run's report as the shop read it. */
function reportOf(run: { reportContent: string | null }) {
  expect(run.reportContent).not.toBeNull();
  return parseTransactionReport(run.reportContent ?? "");
}

function paymentRefs(run: { reportContent: string | null }): string[] {
  return reportOf(run).entries.filter((entry) => entry.type === "PAYMENT").map((entry) => entry.invoiceReference).sort();
}

function byKind(mismatches: unknown): Mismatch[] {
  return [...(mismatches as Mismatch[])].sort((a, b) => a.kind.localeCompare(b.kind));
}

describe("a period where SEQR and the shop agree", () => {
  test("paid orders and a refund: COMPLETED, zero mismatches, paid and refunded totals equal on both sides", async () => {
    const socks = await paidOrder(shop.server, "WOOL-SOCKS-GREY");
    const jam = await paidOrder(shop.server);
    await refund(socks, typed(5_000));
    const shopRefund = await db.refund.findFirstOrThrow({ where: { orderId: socks.orderId } });

    const run = await runOf(await reconcileNewPeriod());

    expect(run).toMatchObject({ status: "COMPLETED", mismatchCount: 0, mismatches: [], error: null });
    // The file's first run: from the beginning to now, as SEQR's own first period.
    expect(run.periodStart).toEqual(new Date(0));
    const period = await db.sandboxTransactionPeriod.findUniqueOrThrow({ where: { id: run.transactionPeriodId ?? "" } });
    expect(period.startsAt).toEqual(new Date(0));
    expect(run.reportTitle).toMatch(/^Transactions /);

    expect(run.totals).toEqual([
      {
        currency: "SEK",
        seqrPaidMinor: socks.paidMinor + jam.paidMinor,
        shopPaidMinor: socks.paidMinor + jam.paidMinor,
        seqrRefundedMinor: 5_000,
        shopRefundedMinor: 5_000,
      },
    ]);
    const report = reportOf(run);
    expect(report.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "PAYMENT", invoiceReference: socks.invoiceReference, ersReference: socks.ersReference, amountMinor: socks.paidMinor }),
        expect.objectContaining({ type: "PAYMENT", invoiceReference: jam.invoiceReference, ersReference: jam.ersReference, amountMinor: jam.paidMinor }),
        expect.objectContaining({ type: "REFUND", invoiceReference: socks.invoiceReference, ersReference: shopRefund.ersReference, amountMinor: 5_000 }),
      ]),
    );
    expect(report.entries).toHaveLength(3);
    expect(report.totals).toEqual([{ currency: "SEK", paidMinor: socks.paidMinor + jam.paidMinor, refundedMinor: 5_000 }]);
  });
});

describe("consecutive periods", () => {
  test("the second period starts where the first ended and holds only the newer payments; a refund counts where SEQR made it", async () => {
    const previous = await flush();
    expect(previous).toMatchObject({ status: "COMPLETED", mismatchCount: 0 });

    const older = await paidOrder(shop.server);
    const first = await runOf(await reconcileNewPeriod());
    const newer = await paidOrder(shop.server, "CANDLE-PINE");
    // A refund of the older payment, made in the second period.
    await refund(older, typed(1_000));
    await refund(newer, typed(2_000));
    const second = await runOf(await reconcileNewPeriod());

    expect(first.periodStart).toEqual(previous.periodEnd);
    expect(second.periodStart).toEqual(first.periodEnd);
    expect(second.transactionPeriodId).not.toBe(first.transactionPeriodId);
    const [firstPeriod, secondPeriod] = await Promise.all(
      [first, second].map((run) => db.sandboxTransactionPeriod.findUniqueOrThrow({ where: { id: run.transactionPeriodId ?? "" } })),
    );
    expect(secondPeriod?.startsAt).toEqual(firstPeriod?.endsAt);

    expect(first).toMatchObject({ status: "COMPLETED", mismatchCount: 0 });
    expect(paymentRefs(first)).toEqual([older.invoiceReference]);
    expect(first.totals).toEqual([{ currency: "SEK", seqrPaidMinor: older.paidMinor, shopPaidMinor: older.paidMinor, seqrRefundedMinor: 0, shopRefundedMinor: 0 }]);

    expect(second).toMatchObject({ status: "COMPLETED", mismatchCount: 0 });
    expect(paymentRefs(second)).toEqual([newer.invoiceReference]);
    const refunds = reportOf(second).entries.filter((entry) => entry.type === "REFUND");
    expect(refunds.map((entry) => [entry.invoiceReference, entry.amountMinor]).sort()).toEqual(
      [
        [older.invoiceReference, 1_000],
        [newer.invoiceReference, 2_000],
      ].sort(),
    );
    expect(second.totals).toEqual([{ currency: "SEK", seqrPaidMinor: newer.paidMinor, shopPaidMinor: newer.paidMinor, seqrRefundedMinor: 3_000, shopRefundedMinor: 3_000 }]);
  });
});

describe("differences", () => {
  test("each planted difference is reported once with its kind, amounts and references, and the totals differ", async () => {
    await flush();

    // 1. The shop has an invoice as PAID that SEQR never took money on.
    const ghost = await invoicedOrder(shop.server);
    const ghostAttempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: ghost.invoiceReference } });
    const ghostAt = new Date();
    await db.paymentAttempt.update({
      where: { id: ghostAttempt.id },
      data: {
        seqrStatus: "PAID",
        finalizedAt: ghostAt,
        receipt: { paymentDate: ghostAt.toISOString(), invoice: { total: { amountMinor: ghostAttempt.amountMinor, currency: "SEK" } } },
      },
    });
    // 2. A receipt amount changed in the shop's database.
    const altered = await paidOrder(shop.server);
    const alteredAttempt = await db.paymentAttempt.findUniqueOrThrow({ where: { id: altered.paymentAttemptId } });
    const receipt = alteredAttempt.receipt as { invoice: { total: { amountMinor: number } } };
    receipt.invoice.total.amountMinor += 100;
    await db.paymentAttempt.update({ where: { id: altered.paymentAttemptId }, data: { receipt } });
    // 3. SEQR took the money; the notification was lost and nobody asked since.
    const unnoticed = await paidButUnnotifiedOrder(shop.server);
    const unnoticedTotal = (await db.order.findUniqueOrThrow({ where: { id: unnoticed.orderId } })).totalMinor;
    // 4. A refund made at SEQR the shop knows nothing about.
    const refundedElsewhere = await paidOrder(shop.server);
    const { refundErsReference } = await seqr.refundPayment({
      ersReference: refundedElsewhere.ersReference,
      amountMinor: 1_500,
      currency: "SEK",
      title: "at the counter",
    });
    // 5. A refund the shop has as confirmed that SEQR never made.
    const phantomRefund = await db.refund.create({
      data: {
        orderId: refundedElsewhere.orderId,
        paymentAttemptId: refundedElsewhere.paymentAttemptId,
        requestKey: "planted-refund",
        amountMinor: 700,
        currency: "SEK",
        status: "SUCCEEDED",
        ersReference: "PLANTED-REFUND-1",
        seqrResultCode: 0,
        completedAt: new Date(),
      },
    });
    // Periods are [start, end): closed in the same millisecond as the refund completed (a quiet, fast machine), the
    // period would end at that instant and leave the refund to the next one. The refund completed before the close.
    const plantedAt = Date.now();
    while (Date.now() <= plantedAt) await new Promise((resolve) => setTimeout(resolve, 1));

    const run = await runOf(await reconcileNewPeriod());

    expect(run.status).toBe("COMPLETED");
    const seqrPaid = altered.paidMinor + unnoticedTotal + refundedElsewhere.paidMinor;
    const shopPaid = ghostAttempt.amountMinor + altered.paidMinor + 100 + refundedElsewhere.paidMinor;
    expect(byKind(run.mismatches)).toEqual([
      expect.objectContaining({
        kind: "PAYMENT_AMOUNT_DIFFERS",
        reference: altered.invoiceReference,
        clientInvoiceId: altered.clientInvoiceId,
        seqrMinor: altered.paidMinor,
        shopMinor: altered.paidMinor + 100,
      }),
      expect.objectContaining({
        kind: "PAYMENT_MISSING_FROM_REPORT",
        reference: ghost.invoiceReference,
        clientInvoiceId: ghost.clientInvoiceId,
        seqrMinor: null,
        shopMinor: ghostAttempt.amountMinor,
      }),
      expect.objectContaining({
        kind: "PAYMENT_NOT_PAID_IN_SHOP",
        reference: unnoticed.invoiceReference,
        clientInvoiceId: unnoticed.clientInvoiceId,
        seqrMinor: unnoticedTotal,
        shopMinor: null,
      }),
      expect.objectContaining({
        kind: "REFUND_MISSING_FROM_REPORT",
        reference: phantomRefund.ersReference,
        clientInvoiceId: refundedElsewhere.clientInvoiceId,
        seqrMinor: null,
        shopMinor: 700,
      }),
      expect.objectContaining({
        kind: "REFUND_UNKNOWN_TO_SHOP",
        reference: refundErsReference,
        clientInvoiceId: refundedElsewhere.clientInvoiceId,
        seqrMinor: 1_500,
        shopMinor: null,
      }),
      expect.objectContaining({ kind: "TOTAL_PAID_DIFFERS", currency: "SEK", seqrMinor: seqrPaid, shopMinor: shopPaid }),
      expect.objectContaining({ kind: "TOTAL_REFUNDED_DIFFERS", currency: "SEK", seqrMinor: 1_500, shopMinor: 700 }),
    ]);
    expect(run.mismatchCount).toBe(7);
    for (const mismatch of run.mismatches as Mismatch[]) expect(mismatch.explanation.length).toBeGreaterThan(10);
    expect(run.totals).toEqual([{ currency: "SEK", seqrPaidMinor: seqrPaid, shopPaidMinor: shopPaid, seqrRefundedMinor: 1_500, shopRefundedMinor: 700 }]);

    // The merchant refreshes the unnoticed order: the shop learns of the payment in a later period, but the payment
    // belongs to the period SEQR took it in, so the next period does not list it as missing.
    expect((await refreshOrder(unnoticed.orderId, ADMIN)).message).toBe("SEQR's answer changed the order from waiting for payment to paid.");
    const next = await flush();
    expect(next).toMatchObject({ status: "COMPLETED", mismatchCount: 0, mismatches: [] });
    expect(paymentRefs(next)).toEqual([]);
  });
});

describe("fetching SEQR's report", () => {
  test("executeReport answering 2 (not ready) twice is asked again until the report comes", async () => {
    await flush();
    const order = await paidOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-result", operation: "executeReport", resultCode: 2, count: 2 });

    const started = Date.now();
    const run = await runOf(await reconcileNewPeriod());

    expect(await shop.sandbox.armedFaults()).toEqual([]);
    // The client waited between its tries (at least 1 s, then 2 s: lib/seqr/index.ts reportRetry).
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(run).toMatchObject({ status: "COMPLETED", mismatchCount: 0, error: null });
    expect(paymentRefs(run)).toEqual([order.invoiceReference]);
  });

  test("a report that is never ready: a FAILED run saying so in plain words; fetched again later, it completes", async () => {
    await flush();
    const order = await paidOrder(shop.server);
    // Every one of the client's 9 tries answers "not ready". Its waits (1 s, 2 s, 4 s, then 5 s: about 35 s) run
    // on a fake clock; SEQR, the shop and the database keep the real one.
    await shop.sandbox.arm({ kind: "soap-result", operation: "executeReport", resultCode: 2, count: 9 });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let runId: string;
    try {
      const reconciling = reconcileNewPeriod();
      let settled = false;
      void reconciling.finally(() => (settled = true)).catch(() => undefined);
      // Date.now() is not faked: a real deadline, in case the run never ends.
      for (const deadline = Date.now() + 25_000; !settled && Date.now() < deadline; ) {
        await vi.advanceTimersByTimeAsync(1_000);
        await sleep(10);
      }
      runId = await reconciling;
    } finally {
      vi.useRealTimers();
    }
    expect(await shop.sandbox.armedFaults()).toEqual([]);

    const failed = await runOf(runId);
    expect(failed).toMatchObject({
      status: "FAILED",
      error: "SEQR's report was still not ready after several tries. Press Fetch the report again in a minute.",
      mismatchCount: 0,
      mismatches: null,
      reportContent: null,
    });
    expect(failed.transactionPeriodId).not.toBeNull();

    await fetchAndCompare(runId);

    const completed = await runOf(runId);
    expect(completed).toMatchObject({ status: "COMPLETED", error: null, mismatchCount: 0, periodStart: failed.periodStart, periodEnd: failed.periodEnd });
    expect(paymentRefs(completed)).toEqual([order.invoiceReference]);
    // The next period starts where the failed-then-fetched one ended.
    expect((await flush()).periodStart).toEqual(failed.periodEnd);
  });

  test("a refusal the client does not retry (91): FAILED with SEQR's answer named; fetchAndCompare later completes the same run", async () => {
    await flush();
    const order = await paidOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-result", operation: "executeReport", resultCode: 91, count: 1 });

    const runId = await reconcileNewPeriod();

    const failed = await runOf(runId);
    expect(failed).toMatchObject({ status: "FAILED", error: "SEQR did not send the report: operation not supported (SEQR's code 91). The period stays closed at SEQR: press Fetch the report again; if it happens again, contact SEQR support.", reportContent: null });
    await fetchAndCompare(runId);
    const completed = await runOf(runId);
    expect(completed).toMatchObject({ status: "COMPLETED", error: null, mismatchCount: 0 });
    expect(paymentRefs(completed)).toEqual([order.invoiceReference]);
  });

  test("SEQR does not close the period: 502 in plain words and no run is recorded", async () => {
    const before = await flush();
    const runsBefore = await db.reconciliationRun.count();
    await shop.sandbox.arm({ kind: "soap-result", operation: "markTransactionPeriod", resultCode: 93, count: 1 });

    const error = await rejectionOf(reconcileNewPeriod());

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "SEQR_UNAVAILABLE",
      status: 502,
      message: "SEQR did not close the period: SEQR is busy (SEQR's code 93). Nothing was closed: the period stays open; try again in a moment.",
    });
    expect(await db.reconciliationRun.count()).toBe(runsBefore);
    // The next period is still the one after the last closed.
    expect((await flush()).periodStart).toEqual(before.periodEnd);
  });

  test("fetchAndCompare of a run that does not exist: 404", async () => {
    const error = await rejectionOf(fetchAndCompare("no-such-run"));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "RUN_NOT_FOUND", status: 404 });
  });
});

/** Every run the shop has, by period: each starts where the one before ended (no overlap, no gap). */
async function expectContiguousRuns() {
  const runs = await db.reconciliationRun.findMany({ orderBy: { periodStart: "asc" } });
  runs.forEach((run, index) => {
    expect(run.periodEnd.getTime()).toBeGreaterThanOrEqual(run.periodStart.getTime());
    const before = runs[index - 1];
    if (before) expect(run.periodStart, `run ${index}`).toEqual(before.periodEnd);
  });
  return runs;
}

describe("closing a period: the run row is written before SEQR is asked", () => {
  test("two closes at once: one markTransactionPeriod at SEQR and one run; the other is told a reconciliation is already running", async () => {
    const before = await flush();
    const periods = await db.sandboxTransactionPeriod.count();
    const runs = await db.reconciliationRun.count();

    const results = await Promise.allSettled([reconcileNewPeriod(), reconcileNewPeriod()]);

    const done = results.filter((result) => result.status === "fulfilled");
    expect(done).toHaveLength(1);
    const refused = results.find((result) => result.status === "rejected");
    expect(refused?.status === "rejected" && refused.reason).toBeInstanceOf(AppError);
    expect(refused?.status === "rejected" && refused.reason).toMatchObject({
      code: "RECONCILIATION_RUNNING",
      status: 409,
      message: expect.stringMatching(/^A reconciliation is already running: this period is already being closed\./),
    });
    expect(await db.sandboxTransactionPeriod.count()).toBe(periods + 1);
    expect(await db.reconciliationRun.count()).toBe(runs + 1);
    const run = await runOf(done[0]?.status === "fulfilled" ? done[0].value : "");
    expect(run).toMatchObject({ status: "COMPLETED", periodStart: before.periodEnd });
    await expectContiguousRuns();
  });

  test("SEQR's answer to markTransactionPeriod comes too late: the run keeps its period as FAILED, saying what to do; the next close starts after it", async () => {
    const before = await flush();
    const periods = await db.sandboxTransactionPeriod.count();
    await shop.sandbox.arm({ kind: "soap-delay", operation: "markTransactionPeriod", delayMs: timeout.ms + 500, count: 1 });

    const error = await expectAppError(reconcileNewPeriod(), "SEQR_UNAVAILABLE", 502);
    expect(error.message).toMatch(/SEQR may or may not have closed it/);

    const failed = await db.reconciliationRun.findFirstOrThrow({ orderBy: { periodStart: "desc" } });
    expect(failed).toMatchObject({ status: "FAILED", transactionPeriodId: null, periodStart: before.periodEnd });
    expect(failed.error).toMatch(/The next reconciliation starts where this period ends/);
    // SEQR did close it, after the shop stopped listening.
    await waitFor("SEQR to close the period late", async () => (await db.sandboxTransactionPeriod.count()) === periods + 1);

    const order = await paidOrder(shop.server);
    const next = await flush();
    expect(next).toMatchObject({ status: "COMPLETED", mismatchCount: 0, periodStart: failed.periodEnd });
    expect(paymentRefs(next)).toEqual([order.invoiceReference]);
    await expectContiguousRuns();
  });

  test("a run left STARTED by a process that died: a close is refused while it may still be running, then starts after it", async () => {
    const before = await flush();
    const periods = await db.sandboxTransactionPeriod.count();
    // The row a process wrote just before it died, before SEQR's answer.
    const crashed = await db.reconciliationRun.create({ data: { periodStart: before.periodEnd, periodEnd: new Date(), status: "STARTED" } });

    await expectAppError(reconcileNewPeriod(), "RECONCILIATION_RUNNING", 409);
    expect(await db.sandboxTransactionPeriod.count()).toBe(periods);

    // Older than any markTransactionPeriod can take: interrupted.
    await db.reconciliationRun.update({ where: { id: crashed.id }, data: { createdAt: new Date(Date.now() - interruptedAfterMs() - 1_000) } });
    const next = await flush();

    expect(next).toMatchObject({ status: "COMPLETED", periodStart: crashed.periodEnd });
    const interrupted = await runOf(crashed.id);
    expect(interrupted).toMatchObject({ status: "FAILED", transactionPeriodId: null });
    expect(interrupted.error).toMatch(/SEQR may or may not have closed it/);
    expect(await db.sandboxTransactionPeriod.count()).toBe(periods + 1);
    await expectContiguousRuns();
  });
});

describe("settling a refund SEQR never confirmed from the reconciliation report", () => {
  test("SEQR made the refund after the shop stopped waiting: the report lists it, one click settles it as done, two clicks settle once", async () => {
    await flush();
    const order = await paidOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-delay", operation: "refundPayment", delayMs: timeout.ms + 500, count: 1 });
    expect((await refund(order, typed(3_000))).status).toBe("UNKNOWN");
    const [made] = await waitFor("SEQR to make the late refund", async () => {
      const rows = await seqrRefunds(order.invoiceReference);
      return rows.length > 0 && rows;
    });
    const shopRefund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId } });

    const run = await flush();
    expect(byKind(run.mismatches).map((mismatch) => mismatch.kind)).toContain("REFUND_UNKNOWN_TO_SHOP");
    const offers = await listUnsettledRefunds();
    expect(offers).toEqual([
      expect.objectContaining({
        id: shopRefund.id,
        status: "UNKNOWN",
        settlement: expect.objectContaining({ kind: "done", run: expect.objectContaining({ id: run.id }), entry: expect.objectContaining({ ersReference: made?.ersReference }) }),
      }),
    ]);

    const results = await Promise.allSettled([
      settleRefund({ refundId: shopRefund.id, runId: run.id }, ADMIN),
      settleRefund({ refundId: shopRefund.id, runId: run.id }, ADMIN),
    ]);

    const settled = results.filter((result) => result.status === "fulfilled");
    expect(settled).toHaveLength(1);
    expect(settled[0]?.status === "fulfilled" && settled[0].value).toMatchObject({ outcome: "SUCCEEDED", message: expect.stringMatching(/^Settled as done/) });
    const second = results.find((result) => result.status === "rejected");
    expect(second?.status === "rejected" && second.reason).toMatchObject({ code: "REFUND_SETTLED", status: 409 });

    const state = await refundState(order.orderId);
    expect(state.refunds).toEqual([expect.objectContaining({ status: "SUCCEEDED", ersReference: made?.ersReference, seqrResultCode: 0 })]);
    const row = state.refunds[0];
    expect(row?.settledAt).not.toBeNull();
    // Placed in the period SEQR made it in.
    expect(row?.completedAt?.getTime()).toBeGreaterThanOrEqual(run.periodStart.getTime());
    expect(row?.completedAt?.getTime()).toBeLessThan(run.periodEnd.getTime());
    expect(state.order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: 3_000 });
    // The order's timeline: the refund without an answer, then its settlement, naming the run.
    expect(state.events).toHaveLength(2);
    expect(state.events[1]).toMatchObject({ fromStatus: "PAID", toStatus: "PARTIALLY_REFUNDED", sourceAddress: ADMIN.address, seqrResultCode: 0 });
    expect(state.events[1]?.detail).toMatchObject({
      settled: "done",
      outcome: "SUCCEEDED",
      reconciliationRunId: run.id,
      transactionPeriodId: run.transactionPeriodId,
      refundErsReference: made?.ersReference,
      settledFrom: "UNKNOWN",
    });
    expect(await listUnsettledRefunds()).toEqual([]);
    expect((await needingAttention()).filter((item) => item.clientInvoiceId === order.clientInvoiceId)).toEqual([]);
    // The refund counts in the period SEQR made it in, and only there.
    expect(await flush()).toMatchObject({ status: "COMPLETED", mismatchCount: 0 });
  });

  test("SEQR never made the refund: its own period's report does not release it, a later one does, once, and the amount can be refunded again", async () => {
    await flush();
    const order = await paidOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-http-status", operation: "refundPayment", httpStatus: 503, count: 1 });
    expect((await refund(order, typed(order.paidMinor))).status).toBe("UNKNOWN");
    const shopRefund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId } });

    const own = await flush();
    const [waiting] = await listUnsettledRefunds();
    expect(waiting?.settlement).toMatchObject({ kind: "none", why: expect.stringMatching(/Reconcile a later period/) });
    const early = await expectAppError(settleRefund({ refundId: shopRefund.id, runId: own.id }, ADMIN), "NOT_SETTLEABLE", 409);
    expect(early.message).toMatch(/does not list it/);
    expect((await refundState(order.orderId)).refunds[0]).toMatchObject({ status: "UNKNOWN", settledAt: null });

    // A later period, closed once SEQR could no longer be making the refund.
    await sleep(Math.max(0, shopRefund.createdAt.getTime() + releaseMarginMs() - Date.now()) + 50);
    const later = await flush();
    const [offer] = await listUnsettledRefunds();
    expect(offer?.settlement).toMatchObject({ kind: "release", run: expect.objectContaining({ id: later.id }) });

    const results = await Promise.allSettled([
      settleRefund({ refundId: shopRefund.id, runId: later.id }, ADMIN),
      settleRefund({ refundId: shopRefund.id, runId: later.id }, ADMIN),
    ]);
    const released = results.filter((result) => result.status === "fulfilled");
    expect(released).toHaveLength(1);
    expect(released[0]?.status === "fulfilled" && released[0].value).toMatchObject({ outcome: "FAILED", message: expect.stringMatching(/^Released from SEQR's report/) });
    expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: expect.objectContaining({ code: "REFUND_SETTLED" }) });

    const state = await refundState(order.orderId);
    expect(state.refunds[0]).toMatchObject({ status: "FAILED", ersReference: null, reason: expect.stringMatching(/^Released from SEQR's report/) });
    expect(state.refunds[0]?.settledAt).not.toBeNull();
    expect(state.events).toHaveLength(2);
    expect(state.events[1]).toMatchObject({ sourceAddress: ADMIN.address, toStatus: null });
    expect(state.events[1]?.detail).toMatchObject({ settled: "released", outcome: "FAILED", reconciliationRunId: later.id });
    expect(state.order).toMatchObject({ status: "PAID", refundedMinor: 0 });

    // Released: the whole payment can be refunded now.
    expect((await refund(order, typed(order.paidMinor))).status).toBe("SUCCEEDED");
    expect(await listUnsettledRefunds()).toEqual([]);
  });
});

describe("parseTransactionReport", () => {
  const header = "type,time,invoiceReference,clientInvoiceId,ersReference,amount,currency";

  test("reads the sandbox's CSV: payments and refunds as positive minor units, totals per currency", () => {
    const ledger = parseTransactionReport(
      [
        header,
        "PAYMENT,2026-01-05T10:00:00.000Z,INV1,ORD-1,ERS1,69.00,SEK",
        'REFUND,2026-01-05T11:00:00.000Z,INV1,"ORD,1",ERS2,-10.50,SEK',
        "TOTAL_PAID,,,,,69.00,SEK",
        "TOTAL_REFUNDED,,,,,-10.50,SEK",
      ].join("\n"),
    );
    expect(ledger).toEqual({
      entries: [
        { type: "PAYMENT", invoiceReference: "INV1", clientInvoiceId: "ORD-1", ersReference: "ERS1", amountMinor: 6_900, currency: "SEK" },
        { type: "REFUND", invoiceReference: "INV1", clientInvoiceId: "ORD,1", ersReference: "ERS2", amountMinor: 1_050, currency: "SEK" },
      ],
      totals: [{ currency: "SEK", paidMinor: 6_900, refundedMinor: 1_050 }],
    });
    expect(parseTransactionReport(header)).toEqual({ entries: [], totals: [] });
  });

  test.each([
    ["an unclosed quote", `${header}\nPAYMENT,t,"INV1,ORD-1,ERS1,69.00,SEK`, "SEQR's report is not in a form the shop can read. Fetch the report again; if it stays so, contact SEQR support."],
    ["a line with too few fields", `${header}\nPAYMENT,t,INV1,ORD-1,69.00,SEK`, "SEQR's report is not in a form the shop can read. Fetch the report again; if it stays so, contact SEQR support."],
    ["an unknown row type", `${header}\nPAYMENT,t,INV1,ORD-1,ERS1,69.00,SEK\nPAYOUT,t,INV2,ORD-2,ERS2,1.00,SEK`, /^SEQR's report has a row the shop cannot read \(row 2 after the header, column “type”\)\. /],
    ["a currency that is not a code", `${header}\nPAYMENT,t,INV1,ORD-1,ERS1,69.00,kr`, /^SEQR's report has a row the shop cannot read \(row 1 after the header, column “currency”\)\. /],
    ["a missing column", "type,time,invoiceReference,clientInvoiceId,amount,currency\nPAYMENT,t,INV1,ORD-1,69.00,SEK", /^SEQR's report has a row the shop cannot read \(row 1 after the header, column “ersReference”\)\. /],
    ["an amount that is not a number", `${header}\nPAYMENT,t,INV1,ORD-1,ERS1,69 kr,SEK`, "SEQR's report has an amount the shop cannot read (row 1 after the header). Fetch the report again; if it stays so, contact SEQR support."],
    ["more decimals than the currency has", `${header}\nPAYMENT,t,INV1,ORD-1,ERS1,69.001,SEK`, "SEQR's report has an amount the shop cannot read (row 1 after the header). Fetch the report again; if it stays so, contact SEQR support."],
  ])("refuses %s with an AppError in plain words", (_what, content, message) => {
    let thrown: unknown;
    try {
      parseTransactionReport(content);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: "REPORT_FORMAT", status: 502 });
    if (typeof message === "string") expect((thrown as AppError).message).toBe(message);
    else expect((thrown as AppError).message).toMatch(message);
  });
});
