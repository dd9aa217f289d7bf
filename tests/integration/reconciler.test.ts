import "./support/shop-address";

import { setTimeout as sleep } from "node:timers/promises";

import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createOrder } from "@/lib/orders/create-order";
import { expireStalePendingOrders } from "@/lib/orders/expire-pending";
import { LOOK_LEASE_MS, reconcileOnce, startReconciler, type ReconcileReport } from "@/lib/orders/reconciler";
import { FIRST_CHECK_AFTER_MS } from "@/lib/orders/request-payment";
import { markStaleSendingAttempts, PAY_LEASE_MS } from "@/lib/orders/stale-attempts";

import { startShopServer, type SandboxServer } from "./support/sandbox-server";
import { onPostgres } from "./support/test-database";
import {
  armFault,
  clockAhead,
  effectsOf,
  invoicedOrder,
  openInvoiceInApp,
  paidButUnnotifiedOrder,
  parkLiveInvoices,
  payInApp,
  sandboxInvoice,
  stockOf,
  TEST_SKU,
  waitFor,
  type InvoicedOrder,
} from "./support/shop-orders";

// The reconciler (lib/orders/reconciler.ts), the safety net under SEQR's fire-and-forget notification, run
// against the sandbox over real HTTP on a real database: it must confirm a payment whose notification was lost
// inside SEQR's commit window, schedule its checks, expire invoices nobody pays, and never apply a payment twice.

let server: SandboxServer;

beforeAll(async () => {
  server = await startShopServer();
  await seedCatalog(db);
});
afterAll(async () => server.close());
beforeEach(async () => {
  // Each test's passes see that test's invoices only, with no fault left armed and SEQR's own commit window.
  await parkLiveInvoices();
  expect((await server.api("DELETE", "/faults")).status).toBe(200);
  expect((await server.api("PUT", "/config", { commitWindowMs: 20_000, invoiceInProgressMs: 30_000 })).status).toBe(200);
});

/** A clock just past the first scheduled check (2 s after the invoice), so a pass finds fresh invoices due. */
const firstCheckDue = () => clockAhead(FIRST_CHECK_AFTER_MS + 500);


/**
 * One pass of the reconciler at the test's clock. These tests move their clock seconds ahead between passes; SEQR
 * is asked about an invoice at most once per 2 s of real time (sync-payment-status.ts, tested in pay-safety), so
 * the real time those jumps stand for passes for that limit too.
 */
async function reconcilePass(options?: Parameters<typeof reconcileOnce>[0]): Promise<ReconcileReport> {
  await db.paymentAttempt.updateMany({ where: { lastAskedAt: { not: null } }, data: { lastAskedAt: null } });
  return reconcileOnce(options);
}

async function expectCommittedAtSeqr(order: InvoicedOrder) {
  const invoice = await sandboxInvoice(server, order.invoiceReference);
  expect(invoice).toMatchObject({ status: "PAID", reversedAt: null });
  expect(invoice.committedAt).not.toBeNull();
  expect(new Date(invoice.committedAt).getTime()).toBeLessThan(new Date(invoice.commitDeadline).getTime());
  // A confirmed payment has no commit window left to expire: SEQR will not reverse it.
  expect((await server.api("POST", `/invoices/${order.invoiceReference}/expire-commit-window`)).status).toBe(409);
  return invoice;
}

async function expectPaidOnce(order: InvoicedOrder, stockBefore: number) {
  const effects = await effectsOf(order.orderId);
  expect(effects.order.status).toBe("PAID");
  expect(effects.order.paidAt).not.toBeNull();
  expect(effects.order.fulfilledAt).not.toBeNull();
  expect(effects.toPaid).toHaveLength(1);
  expect(effects.fulfilled).toHaveLength(1);
  // The payment's messages, queued once each (lib/outbox/enqueue.ts).
  expect(effects.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
  // The unit was reserved when the invoice was sent (before stockBefore was read): kept for good, never taken twice.
  expect(effects.order.stockReservation).toBe("TAKEN");
  expect(await stockOf(order.productId)).toBe(stockBefore);
  expect(effects.attempt).toMatchObject({ seqrStatus: "PAID", nextCheckAt: null, leaseOwner: null, leaseUntil: null });
  return effects;
}

describe("a lost notification", () => {
  test("one reconciler pass confirms the payment inside SEQR's commit window: PAID, fulfilled once, committed", async () => {
    const order = await paidButUnnotifiedOrder(server);
    const stockBefore = await stockOf(order.productId);

    const report = await reconcilePass({ owner: "lost-notification", now: firstCheckDue() });
    expect(report).toEqual({ claimed: 1, checked: 1, expired: 0, errors: 0 });

    const effects = await expectPaidOnce(order, stockBefore);
    expect(effects.order.attentionReason).toBeNull();
    expect(effects.toPaid[0]).toMatchObject({ source: "reconciler", fromStatus: "INVOICED" });
    const invoice = await expectCommittedAtSeqr(order);
    expect(effects.attempt?.ersReference).toBe(invoice.ersReference);

    // The invoice is final now: later passes leave it alone and nothing happens twice.
    expect(await reconcilePass({ now: clockAhead(10_000) })).toMatchObject({ claimed: 0 });
    await expectPaidOnce(order, stockBefore);
  });

  test("without a pass inside the window SEQR reverses the payment, and the shop never records it as paid", async () => {
    const order = await paidButUnnotifiedOrder(server);
    const stockBefore = await stockOf(order.productId);

    // Nobody asked SEQR in time: the commit window ends and SEQR gives the shopper the money back.
    const expired = await server.api("POST", `/invoices/${order.invoiceReference}/expire-commit-window`);
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({ status: "CANCELED", committedAt: null });
    expect(expired.body.reversedAt).not.toBeNull();
    expect(await db.sandboxLedgerEntry.count({ where: { invoiceReference: order.invoiceReference, type: "REVERSAL" } })).toBe(1);

    // The reconciler comes late: SEQR now says CANCELED (the shopper did not cancel, SEQR reversed it).
    const report = await reconcilePass({ now: firstCheckDue() });
    expect(report).toEqual({ claimed: 1, checked: 1, expired: 0, errors: 0 });

    const effects = await effectsOf(order.orderId);
    expect(effects.queried.at(-1)).toMatchObject({ source: "reconciler", seqrResultCode: 0 });
    expect(effects.queried.at(-1)?.detail).toMatchObject({ status: "CANCELED" });
    expect(effects.order.status).toBe("CANCELED");
    expect(effects.order).toMatchObject({ paidAt: null, fulfilledAt: null });
    expect(effects.toPaid).toHaveLength(0);
    expect(effects.fulfilled).toHaveLength(0);
    expect(effects.outbox).toHaveLength(0);
    // The unit reserved for the invoice goes back on the shelf.
    expect(effects.order.stockReservation).toBe("NONE");
    expect(await stockOf(order.productId)).toBe(stockBefore + 1);
    expect(effects.attempt).toMatchObject({ seqrStatus: "CANCELED", ersReference: null, nextCheckAt: null });

    // Looking did not bring the payment back, and no later pass asks again.
    expect(await sandboxInvoice(server, order.invoiceReference)).toMatchObject({ status: "CANCELED", committedAt: null });
    expect(await reconcilePass({ now: clockAhead(10_000) })).toMatchObject({ claimed: 0 });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("CANCELED");
  });
});

describe("scheduling", () => {
  test("a reconciler behind its schedule keeps every worker busy until it has caught up", { timeout: 60_000 }, async () => {
    // 24 invoices all due at once, 4 workers, SEQR answering each look in 150 ms: six rounds of looks, back to back.
    const orders: InvoicedOrder[] = [];
    for (let index = 0; index < 24; index += 1) orders.push(await invoicedOrder(server));
    const ids = await Promise.all(
      orders.map(async (order) => (await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } })).id),
    );
    await armFault(server, { kind: "soap-delay", operation: "getPaymentStatus", delayMs: 150, count: orders.length });
    await db.paymentAttempt.updateMany({ where: { id: { in: ids } }, data: { nextCheckAt: new Date() } });

    const startedAt = Date.now();
    // A long interval: a dispatcher that waited for the next due time (2.1 s after its first claims) or the interval
    // while invoices were overdue would show.
    const stop = startReconciler({ owner: "behind", concurrency: 4, intervalMs: 5_000 });
    try {
      await waitFor(
        "every invoice to be looked at",
        async () => (await db.paymentAttempt.count({ where: { id: { in: ids }, lastCheckedAt: { not: null } } })) === ids.length,
        { timeoutMs: 20_000, intervalMs: 20 },
      );
    } finally {
      await stop();
    }
    // Six rounds of 150 ms and the shop's own work take about 1.3 s; workers left idle while invoices were overdue
    // took over 4 s.
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  test("an invoice whose first check is not yet due is not claimed; it is at its nextCheckAt", async () => {
    const order = await invoicedOrder(server);
    const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } });
    expect(attempt.nextCheckAt?.getTime()).toBe(attempt.issuedAt.getTime() + FIRST_CHECK_AFTER_MS);
    const due = attempt.nextCheckAt ?? new Date(0);

    expect(await reconcilePass()).toMatchObject({ claimed: 0, checked: 0 });
    expect(await reconcilePass({ now: () => new Date(due.getTime() - 1) })).toMatchObject({ claimed: 0, checked: 0 });
    const untouched = await db.paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
    expect(untouched).toMatchObject({ lastCheckedAt: null, leaseOwner: null, leaseUntil: null, nextCheckAt: due });
    expect((await effectsOf(order.orderId)).queried).toHaveLength(0);

    expect(await reconcilePass({ now: () => due })).toEqual({ claimed: 1, checked: 1, expired: 0, errors: 0 });
  });

  test("a check of a still-ISSUED invoice moves nextCheckAt 2 s past the check's start at every age, without backing off; leases are released", async () => {
    const order = await invoicedOrder(server);
    const { id, issuedAt } = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } });
    const at = (ageMs: number) => new Date(issuedAt.getTime() + ageMs);

    const first = at(2_500);
    expect(await reconcilePass({ owner: "scheduler", now: () => first })).toEqual({ claimed: 1, checked: 1, expired: 0, errors: 0 });
    expect(await db.paymentAttempt.findUniqueOrThrow({ where: { id } })).toMatchObject({
      seqrStatus: "ISSUED",
      lastCheckedAt: first,
      nextCheckAt: at(4_600),
      leaseOwner: null,
      leaseUntil: null,
    });
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("INVOICED");
    expect(effects.queried).toHaveLength(1);
    expect(effects.queried[0]).toMatchObject({ source: "reconciler", seqrResultCode: 0 });
    expect(effects.queried[0]?.detail).toMatchObject({ status: "ISSUED" });

    // Not due again until 2.1 s later.
    expect(await reconcilePass({ now: () => at(4_599) })).toMatchObject({ claimed: 0 });

    // Later in its life, still every 2 s: the old back-off (4 s in the second minute, up to once a minute) let a
    // payment made at 5 min 14 s go unconfirmed past SEQR's 20 s commit window.
    for (const ageMs of [90_000, 314_000, 540_000, 599_000]) {
      expect(await reconcilePass({ now: () => at(ageMs) }), `age ${ageMs}`).toMatchObject({ claimed: 1, checked: 1 });
      expect(await db.paymentAttempt.findUniqueOrThrow({ where: { id } }), `age ${ageMs}`).toMatchObject({
        lastCheckedAt: at(ageMs),
        nextCheckAt: at(ageMs + 2_100),
        leaseOwner: null,
        leaseUntil: null,
      });
      expect(await reconcilePass({ now: () => at(ageMs + 2_099) }), `age ${ageMs + 2_099}`).toMatchObject({ claimed: 0 });
    }
    // Five looks with the same answer: one STATUS_QUERIED (the first), the four repeats counted on the attempt.
    const after = await effectsOf(order.orderId);
    expect(after.queried).toHaveLength(1);
    expect(after.attempt?.sameAnswerCount).toBe(4);
  });

  test("an invoice leased by another reconciler is skipped until that lease runs out, then taken over", async () => {
    const order = await invoicedOrder(server);
    const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } });
    const now = new Date(attempt.issuedAt.getTime() + 2_500);
    // A reconciler that claimed the invoice and died before releasing it.
    const leaseUntil = new Date(now.getTime() + 30_000);
    await db.paymentAttempt.update({ where: { id: attempt.id }, data: { leaseOwner: "crashed-reconciler", leaseUntil } });

    expect(await reconcilePass({ now: () => now })).toMatchObject({ claimed: 0 });
    expect(await db.paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } })).toMatchObject({
      leaseOwner: "crashed-reconciler",
      lastCheckedAt: null,
    });

    const later = new Date(leaseUntil.getTime() + 1);
    expect(await reconcilePass({ owner: "survivor", now: () => later })).toEqual({ claimed: 1, checked: 1, expired: 0, errors: 0 });
    expect(await db.paymentAttempt.findUniqueOrThrow({ where: { id: attempt.id } })).toMatchObject({
      leaseOwner: null,
      leaseUntil: null,
      lastCheckedAt: later,
    });
  });
});

describe("the invoice timeout", () => {
  test("an unpaid invoice past the timeout is canceled at SEQR and its order EXPIRED", async () => {
    const order = await invoicedOrder(server);
    const stockBefore = await stockOf(order.productId);

    const report = await reconcilePass({ owner: "timeout", invoiceTimeoutMs: 1, now: firstCheckDue() });
    expect(report).toEqual({ claimed: 1, checked: 0, expired: 1, errors: 0 });

    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("EXPIRED");
    expect(effects.order.expiredAt).not.toBeNull();
    expect(effects.order).toMatchObject({ paidAt: null, fulfilledAt: null, attentionReason: null });
    expect(effects.canceled).toHaveLength(1);
    expect(effects.canceled[0]).toMatchObject({ source: "reconciler", seqrResultCode: 0 });
    expect(effects.canceled[0]?.detail).toEqual({ reason: "EXPIRED", alreadyCanceled: false });
    expect(effects.toExpired).toHaveLength(1);
    expect(effects.toExpired[0]).toMatchObject({ fromStatus: "INVOICED", source: "reconciler" });
    expect(effects.attempt).toMatchObject({
      seqrStatus: "CANCELED",
      cancelReason: "EXPIRED",
      nextCheckAt: null,
      leaseOwner: null,
      leaseUntil: null,
    });
    expect(await sandboxInvoice(server, order.invoiceReference)).toMatchObject({ status: "CANCELED", reversedAt: null });
    // The unit reserved for the invoice goes back on the shelf.
    expect(effects.order.stockReservation).toBe("NONE");
    expect(await stockOf(order.productId)).toBe(stockBefore + 1);

    // The shopper can no longer pay it, and no later pass touches it.
    const late = await server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    expect(late.status).toBe(409);
    expect(await reconcilePass({ invoiceTimeoutMs: 1, now: clockAhead(10_000) })).toMatchObject({ claimed: 0 });
    expect((await effectsOf(order.orderId)).canceled).toHaveLength(1);
  });

  test("an invoice the shopper has opened in the app is not expired (SEQR: 51 in progress) and can still be paid", async () => {
    const order = await invoicedOrder(server);
    await openInvoiceInApp(server, order);
    const stockBefore = await stockOf(order.productId);

    const report = await reconcilePass({ invoiceTimeoutMs: 1, now: firstCheckDue() });
    expect(report).toMatchObject({ claimed: 1, expired: 0 });

    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("INVOICED");
    expect(effects.order.expiredAt).toBeNull();
    expect(effects.canceled).toHaveLength(0);
    expect(effects.errors).toHaveLength(1);
    expect(effects.errors[0]).toMatchObject({ source: "reconciler", seqrResultCode: 51 });
    expect(effects.errors[0]?.detail).toMatchObject({ operation: "cancelInvoice" });
    expect(effects.attempt).toMatchObject({ seqrStatus: "ISSUED", cancelReason: null, leaseOwner: null, leaseUntil: null });
    // Still live, so still scheduled.
    expect(effects.attempt?.nextCheckAt?.getTime()).toBeGreaterThan(Date.now());
    expect(await sandboxInvoice(server, order.invoiceReference)).toMatchObject({ status: "ISSUED" });

    // The shopper finishes paying: an ordinary payment, not one after expiry.
    await payInApp(server, order);
    const paid = await expectPaidOnce(order, stockBefore);
    expect(paid.order.attentionReason).toBeNull();
    expect(paid.toExpired).toHaveLength(0);
    await expectCommittedAtSeqr(order);
  });

  test("past the timeout, an invoice being paid is still looked at every 2 s, but its cancel is asked again only after 10 s", async () => {
    const order = await invoicedOrder(server);
    await openInvoiceInApp(server, order);
    const { issuedAt } = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } });
    const at = (ms: number) => () => new Date(issuedAt.getTime() + ms);
    const cancels = async () => (await effectsOf(order.orderId)).errors.filter((event) => event.seqrResultCode === 51).length;

    // The first look past the timeout asks SEQR to cancel: 51, the shopper is paying it.
    expect(await reconcilePass({ invoiceTimeoutMs: 1, now: at(2_500) })).toMatchObject({ claimed: 1, expired: 0 });
    expect(await cancels()).toBe(1);
    // The next looks, 2.1 s apart, only ask for its status (a payment landing now must be confirmed in time).
    for (const ms of [4_600, 6_700, 8_800, 10_900]) {
      expect(await reconcilePass({ invoiceTimeoutMs: 1, now: at(ms) }), `at ${ms}`).toMatchObject({ claimed: 1, checked: 1 });
      expect(await cancels(), `at ${ms}`).toBe(1);
      expect((await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } })).lastCheckedAt).toEqual(
        at(ms)(),
      );
    }
    // 10 s after the refusal, the cancel is asked again.
    expect(await reconcilePass({ invoiceTimeoutMs: 1, now: at(13_000) })).toMatchObject({ claimed: 1, expired: 0 });
    expect(await cancels()).toBe(2);
    expect((await effectsOf(order.orderId)).order.status).toBe("INVOICED");

    // The shopper finishes paying: an ordinary payment.
    await payInApp(server, order);
    expect((await effectsOf(order.orderId)).order).toMatchObject({ status: "PAID", attentionReason: null });
  });

  test("an invoice paid just before the timeout ends PAID, not EXPIRED", async () => {
    const order = await paidButUnnotifiedOrder(server);
    const stockBefore = await stockOf(order.productId);

    const report = await reconcilePass({ invoiceTimeoutMs: 1, now: firstCheckDue() });
    expect(report).toMatchObject({ claimed: 1, expired: 0 });

    const effects = await expectPaidOnce(order, stockBefore);
    expect(effects.order).toMatchObject({ expiredAt: null, attentionReason: null });
    expect(effects.toExpired).toHaveLength(0);
    expect(effects.canceled).toHaveLength(0);
    expect(effects.errors.map((event) => event.seqrResultCode)).toEqual([50]);
    expect(effects.attempt?.cancelReason).toBeNull();
    await expectCommittedAtSeqr(order);
  });

  test("SEQR answering 'already canceled' (95) for an invoice it still reports ISSUED: the order is not expired, and a later payment is an ordinary one", async () => {
    const order = await invoicedOrder(server);
    const stockBefore = await stockOf(order.productId);
    await armFault(server, { kind: "soap-result", operation: "cancelInvoice", resultCode: 95, count: 1 });

    // The shop takes 95 as "canceled", then asks SEQR, whose answer decides: ISSUED, so nothing expires.
    const report = await reconcilePass({ invoiceTimeoutMs: 1, now: firstCheckDue() });
    expect(report).toMatchObject({ claimed: 1, expired: 0 });
    const afterPass = await effectsOf(order.orderId);
    expect(afterPass.canceled).toHaveLength(1);
    expect(afterPass.canceled[0]).toMatchObject({ source: "reconciler", seqrResultCode: 95 });
    expect(afterPass.canceled[0]?.detail).toEqual({ reason: "EXPIRED", alreadyCanceled: true });
    expect(afterPass.queried.at(-1)?.detail).toMatchObject({ status: "ISSUED" });
    expect(afterPass.order).toMatchObject({ status: "INVOICED", expiredAt: null });
    expect(afterPass.toExpired).toHaveLength(0);
    expect(afterPass.attempt).toMatchObject({ seqrStatus: "ISSUED", leaseOwner: null });
    expect(afterPass.attempt?.nextCheckAt).not.toBeNull();
    expect(await sandboxInvoice(server, order.invoiceReference)).toMatchObject({ status: "ISSUED" });

    // The shopper pays the invoice SEQR still holds open; the notification arrives.
    await payInApp(server, order);
    const effects = await expectPaidOnce(order, stockBefore);
    expect(effects.order.attentionReason).toBeNull();
    expect(effects.toPaid[0]).toMatchObject({ fromStatus: "INVOICED", source: "notification" });
    await expectCommittedAtSeqr(order);
  });

  test.each(["notification", "reconciler"] as const)(
    "a payment SEQR takes after the shop expired the order is recorded as PAID and flagged PAID_AFTER_EXPIRY (found by the %s)",
    async (finder) => {
      const order = await invoicedOrder(server);
      const stockBefore = await stockOf(order.productId);
      // The sandbox never reports an invoice payable once the shop has seen it canceled, so the state "order
      // EXPIRED, invoice still open at SEQR" is written directly: however the shop got there, money SEQR then
      // takes must be recorded, never lost.
      const expiredAt = new Date();
      await db.order.update({ where: { id: order.orderId }, data: { status: "EXPIRED", expiredAt } });

      if (finder === "reconciler") await armFault(server, { kind: "drop-notifications", count: 1 });
      await payInApp(server, order);
      if (finder === "reconciler") {
        expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("EXPIRED");
        // Past the timeout, so the pass tries to cancel first: SEQR answers 50 (paid), and the pass syncs.
        expect(await reconcilePass({ invoiceTimeoutMs: 1, now: firstCheckDue() })).toMatchObject({ claimed: 1, expired: 0 });
        expect((await effectsOf(order.orderId)).errors.map((event) => event.seqrResultCode)).toEqual([50]);
      }

      const effects = await expectPaidOnce(order, stockBefore);
      expect(effects.order.attentionReason).toBe("PAID_AFTER_EXPIRY");
      expect(effects.order.expiredAt).toEqual(expiredAt);
      expect(effects.toPaid[0]).toMatchObject({ fromStatus: "EXPIRED", source: finder });
      expect(effects.toPaid[0]?.detail).toMatchObject({ attentionReason: "PAID_AFTER_EXPIRY" });
      await expectCommittedAtSeqr(order);
    },
  );
});

describe("SEQR busy", () => {
  test("while getPaymentStatus answers 93 passes record errors and leave the order INVOICED; a later pass makes it PAID inside the window", async () => {
    const order = await paidButUnnotifiedOrder(server);
    const stockBefore = await stockOf(order.productId);
    // The shop's client tries a read twice (one retry): 4 busy answers make two whole passes fail.
    await armFault(server, { kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 4 });
    let skewMs = FIRST_CHECK_AFTER_MS + 500;
    const now = () => new Date(Date.now() + skewMs);

    for (const pass of [1, 2]) {
      expect(await reconcilePass({ now }), `pass ${pass}`).toEqual({ claimed: 1, checked: 1, expired: 0, errors: 1 });
      const effects = await effectsOf(order.orderId);
      expect(effects.order.status).toBe("INVOICED");
      expect(effects.queried.filter((event) => event.seqrResultCode === 93)).toHaveLength(pass);
      expect(effects.attempt).toMatchObject({ seqrStatus: "ISSUED", leaseOwner: null, leaseUntil: null });
      expect(effects.attempt?.nextCheckAt).not.toBeNull();
      skewMs += FIRST_CHECK_AFTER_MS + 500;
    }
    expect((await server.api("GET", "/faults")).body.faults).toEqual([]);

    expect(await reconcilePass({ now })).toEqual({ claimed: 1, checked: 1, expired: 0, errors: 0 });
    const effects = await expectPaidOnce(order, stockBefore);
    expect(effects.queried.at(-1)?.detail).toMatchObject({ status: "PAID" });
    await expectCommittedAtSeqr(order);
  });
});

describe("several reconcilers at once", () => {
  test("concurrent passes with different owners apply each payment exactly once", async () => {
    const orders: InvoicedOrder[] = [];
    for (let index = 0; index < 5; index += 1) orders.push(await paidButUnnotifiedOrder(server));
    const stockBefore = await stockOf(orders[0]?.productId ?? "");

    const now = firstCheckDue();
    const reports = await Promise.all(
      ["a", "b", "c", "d"].map((owner) => reconcilePass({ owner: `concurrent-${owner}`, now })),
    );
    expect(reports.reduce((sum, report) => sum + report.errors, 0)).toBe(0);
    expect(reports.reduce((sum, report) => sum + report.claimed, 0)).toBeGreaterThanOrEqual(orders.length);

    for (const order of orders) {
      const effects = await effectsOf(order.orderId);
      expect(effects.order.status).toBe("PAID");
      expect(effects.toPaid).toHaveLength(1);
      expect(effects.fulfilled).toHaveLength(1);
      expect(effects.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
      expect(effects.attempt).toMatchObject({ leaseOwner: null, leaseUntil: null, nextCheckAt: null });
      await expectCommittedAtSeqr(order);
    }
    // Each unit was reserved when its invoice was sent (before stockBefore was read) and kept once at PAID.
    expect(await stockOf(orders[0]?.productId ?? "")).toBe(stockBefore);
  });

  test("an invoice another reconciler finished after this pass listed it is not worked on again", async () => {
    // Two unpaid invoices past the timeout. Reconciler "slow", working on one invoice at a time, lists both and
    // claims the first; SEQR takes a while to answer its cancelInvoice. Meanwhile reconciler "fast" runs a whole pass: the first is leased, so
    // it expires the second. Then "slow" comes to the second, already EXPIRED and released.
    const first = await invoicedOrder(server);
    const second = await invoicedOrder(server);
    await db.paymentAttempt.update({
      where: { invoiceReference: second.invoiceReference },
      data: { nextCheckAt: new Date(Date.now() + FIRST_CHECK_AFTER_MS + 100) },
    });
    await armFault(server, { kind: "soap-delay", operation: "cancelInvoice", delayMs: 1_500, count: 1 });
    const now = firstCheckDue();

    const slow = reconcilePass({ owner: "slow", invoiceTimeoutMs: 1, now, concurrency: 1 });
    await waitFor("the slow reconciler to claim the first invoice", async () => {
      const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: first.invoiceReference } });
      return attempt.leaseOwner === "slow";
    });
    const fast: ReconcileReport = await reconcilePass({ owner: "fast", invoiceTimeoutMs: 1, now });
    expect(fast).toEqual({ claimed: 1, checked: 0, expired: 1, errors: 0 });
    expect((await effectsOf(second.orderId)).order.status).toBe("EXPIRED");
    const slowReport = await slow;

    for (const order of [first, second]) {
      const effects = await effectsOf(order.orderId);
      expect(effects.order.status).toBe("EXPIRED");
      expect(effects.toExpired).toHaveLength(1);
      const canceled = effects.canceled.map(({ source, seqrResultCode, detail }) => ({ source, seqrResultCode, detail }));
      expect(canceled, `INVOICE_CANCELED events of ${order.invoiceReference}`).toEqual([
        { source: "reconciler", seqrResultCode: 0, detail: { reason: "EXPIRED", alreadyCanceled: false } },
      ]);
    }
    // Each invoice was expired once, so the two reports count two expiries between them.
    expect(slowReport.expired + fast.expired).toBe(2);
  });

  test("one slow SEQR answer does not hold up the other invoices of the same pass", async () => {
    const orders = [await paidButUnnotifiedOrder(server), await paidButUnnotifiedOrder(server)];
    // Whichever invoice is asked about first waits 5 s for SEQR's answer; the other must not wait behind it.
    const slowAnswerMs = 5_000;
    await armFault(server, { kind: "soap-delay", operation: "getPaymentStatus", delayMs: slowAnswerMs, count: 1 });
    const passStarted = Date.now();
    const pass = reconcilePass({ owner: "parallel", now: firstCheckDue() });

    await waitFor("one of the orders to be confirmed", async () => {
      const statuses = await Promise.all(orders.map(async (order) => (await effectsOf(order.orderId)).order.status));
      return statuses.includes("PAID");
    });
    expect(Date.now() - passStarted, "the first confirmation came only after the slow answer").toBeLessThan(slowAnswerMs);
    expect(await pass).toMatchObject({ claimed: 2, errors: 0 });
    for (const order of orders) expect((await effectsOf(order.orderId)).order.status).toBe("PAID");
  });

  test("startReconciler runs passes until stopped; after stop() resolves no pass runs", async () => {
    const order = await paidButUnnotifiedOrder(server);
    const stockBefore = await stockOf(order.productId);
    const stop = startReconciler({ owner: "background", intervalMs: 50, now: firstCheckDue() });
    try {
      await waitFor("the background reconciler to make the order PAID", async () => {
        const current = await db.order.findUniqueOrThrow({ where: { id: order.orderId } });
        return current.status === "PAID";
      });
    } finally {
      await stop();
    }
    await expectPaidOnce(order, stockBefore);
    await expectCommittedAtSeqr(order);

    const later = await paidButUnnotifiedOrder(server);
    await sleep(300);
    const effects = await effectsOf(later.orderId);
    expect(effects.order.status).toBe("INVOICED");
    expect(effects.queried).toHaveLength(0);
    // Tidy up: confirm it so SEQR does not reverse it behind a later test's back.
    await reconcilePass({ now: firstCheckDue() });
    expect((await db.order.findUniqueOrThrow({ where: { id: later.orderId } })).status).toBe("PAID");
  });
});

describe("leases", () => {
  test("a look that outlasts a third of its lease renews it while it runs, and releases it at the end", async () => {
    const order = await invoicedOrder(server);
    // SEQR takes 6 s to answer the cancel of an expiring invoice: longer than two renewal periods of the lease.
    await armFault(server, { kind: "soap-delay", operation: "cancelInvoice", delayMs: 6_000, count: 1 });
    const now = firstCheckDue();
    const pass = reconcilePass({ owner: "slow-expiry", invoiceTimeoutMs: 1, now });

    const leases: number[] = [];
    let lapsed = false;
    let done = false;
    void pass.finally(() => (done = true));
    while (!done) {
      const { leaseOwner, leaseUntil } = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } });
      if (leaseOwner === "slow-expiry" && leaseUntil) {
        if (leases.at(-1) !== leaseUntil.getTime()) leases.push(leaseUntil.getTime());
        if (leaseUntil.getTime() <= now().getTime()) lapsed = true;
      }
      await sleep(100);
    }
    expect(await pass).toEqual({ claimed: 1, checked: 0, expired: 1, errors: 0 });
    // Claimed for LOOK_LEASE_MS, then pushed on at least twice while SEQR took its time; never run out meanwhile.
    expect(leases.length, JSON.stringify(leases)).toBeGreaterThanOrEqual(3);
    expect((leases.at(-1) ?? 0) - (leases[0] ?? 0)).toBeGreaterThanOrEqual(Math.floor(LOOK_LEASE_MS / 3));
    expect(lapsed).toBe(false);
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("EXPIRED");
    expect(effects.attempt).toMatchObject({ leaseOwner: null, leaseUntil: null, nextCheckAt: null });
  });
});

describe("attempts left SENDING (a crash or a timeout during sendInvoice)", () => {
  /** An attempt written before sendInvoice whose answer was never recorded, `ageMs` ago. */
  async function sendingAttempt(ageMs: number) {
    const product = await db.product.findUniqueOrThrow({ where: { sku: TEST_SKU } });
    const created = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
    const order = await db.order.findUniqueOrThrow({ where: { id: created.id } });
    const createdAt = new Date(Date.now() - ageMs);
    return db.paymentAttempt.create({
      data: {
        orderId: order.id,
        state: "SENDING",
        seqrStatus: null,
        amountMinor: order.totalMinor,
        currency: order.currency,
        issuedAt: createdAt,
        createdAt,
      },
    });
  }

  async function timeline(attemptId: string) {
    return db.paymentEvent.findMany({ where: { paymentAttemptId: attemptId }, select: { type: true, source: true, detail: true } });
  }

  test("one older than the Pay lease becomes UNKNOWN once, with an ERROR event; a younger one is left alone", async () => {
    // The Pay lease: the longest sendInvoice (the SEQR timeout) and 10 s for the shop's own writes.
    expect(PAY_LEASE_MS).toBe(env.seqr.requestTimeoutMs + 10_000);
    const stale = await sendingAttempt(PAY_LEASE_MS + 1_000);
    const young = await sendingAttempt(PAY_LEASE_MS - 5_000);
    const now = () => new Date();

    expect(await markStaleSendingAttempts({ now, olderThanMs: PAY_LEASE_MS })).toEqual({ marked: [stale.id] });
    expect(await markStaleSendingAttempts({ now, olderThanMs: PAY_LEASE_MS })).toEqual({ marked: [] });

    expect(await db.paymentAttempt.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({
      state: "UNKNOWN",
      invoiceReference: null,
    });
    expect(await timeline(stale.id)).toEqual([{ type: "ERROR", source: "reconciler", detail: { reason: "SEND_UNCONFIRMED", attemptState: "UNKNOWN" } }]);
    expect(await db.paymentAttempt.findUniqueOrThrow({ where: { id: young.id } })).toMatchObject({ state: "SENDING" });
    expect(await timeline(young.id)).toEqual([]);
  });

  test("the running reconciler marks them within seconds, and expires PENDING orders nobody invoiced", async () => {
    const stale = await sendingAttempt(PAY_LEASE_MS + 1_000);
    const product = await db.product.findUniqueOrThrow({ where: { sku: TEST_SKU } });
    const abandoned = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
    await db.order.update({
      where: { id: abandoned.id },
      data: { createdAt: new Date(Date.now() - env.orders.pendingTimeoutMs - 60_000) },
    });

    const stop = startReconciler({ owner: "sweeper", intervalMs: 50 });
    try {
      await waitFor("the stale attempt to be UNKNOWN and the abandoned order EXPIRED", async () => {
        const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { id: stale.id } });
        const order = await db.order.findUniqueOrThrow({ where: { id: abandoned.id } });
        return attempt.state === "UNKNOWN" && order.status === "EXPIRED";
      });
    } finally {
      await stop();
    }
    expect(await timeline(stale.id)).toEqual([{ type: "ERROR", source: "reconciler", detail: { reason: "SEND_UNCONFIRMED", attemptState: "UNKNOWN" } }]);
  });
});

describe.runIf(onPostgres)("PostgreSQL: work another process holds right now is skipped, not waited for", () => {
  /**
   * Locks one row in a transaction of another connection, as another reconciler process does while it claims or
   * ends it; `release` rolls that transaction back.
   */
  async function holdRowLock(table: "PaymentAttempt" | "Order", id: string): Promise<{ release: () => Promise<void> }> {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    await client.connect();
    await client.query("BEGIN");
    const { rowCount } = await client.query(`SELECT "id" FROM "${table}" WHERE "id" = $1 FOR NO KEY UPDATE`, [id]);
    expect(rowCount).toBe(1);
    return {
      async release() {
        await client.query("ROLLBACK");
        await client.end();
      },
    };
  }

  /** `work`'s result, or "still waiting" if it has not finished within `ms` (it is then left to finish). */
  async function within<T>(ms: number, work: Promise<T>): Promise<T | "still waiting"> {
    return Promise.race([work, sleep(ms).then(() => "still waiting" as const)]);
  }

  test("a pass claims the due invoices nobody holds and skips the one another reconciler is claiming; the next pass takes it", async () => {
    const orders = [await paidButUnnotifiedOrder(server), await paidButUnnotifiedOrder(server), await paidButUnnotifiedOrder(server)];
    const [held, ...free] = orders;
    if (!held) throw new Error("no order");
    const heldAttempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: held.invoiceReference } });
    const lock = await holdRowLock("PaymentAttempt", heldAttempt.id);
    let pass: Promise<ReconcileReport> | undefined;
    try {
      pass = reconcileOnce({ owner: "skipper", now: firstCheckDue() });
      expect(await within(5_000, pass)).toEqual({ claimed: 2, checked: 2, expired: 0, errors: 0 });
      for (const order of free) expect((await effectsOf(order.orderId)).order.status).toBe("PAID");
      expect(await db.paymentAttempt.findUniqueOrThrow({ where: { id: heldAttempt.id } })).toMatchObject({ leaseOwner: null, lastCheckedAt: null });
    } finally {
      await lock.release();
      await pass;
    }
    // The skipped invoice is still the oldest due: the next pass takes it, inside SEQR's window.
    expect(await reconcileOnce({ owner: "skipper", now: firstCheckDue() })).toMatchObject({ claimed: 1, errors: 0 });
    expect((await effectsOf(held.orderId)).order.status).toBe("PAID");
    await expectCommittedAtSeqr(held);
  });

  test("the sweep of attempts left SENDING skips one another process is ending, and marks the rest once", async () => {
    const product = await db.product.findUniqueOrThrow({ where: { sku: TEST_SKU } });
    const createdAt = new Date(Date.now() - PAY_LEASE_MS - 60_000);
    const attempts = [];
    for (let index = 0; index < 3; index += 1) {
      const created = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
      const order = await db.order.findUniqueOrThrow({ where: { id: created.id } });
      attempts.push(
        await db.paymentAttempt.create({
          data: { orderId: order.id, state: "SENDING", amountMinor: order.totalMinor, currency: order.currency, issuedAt: createdAt, createdAt },
        }),
      );
    }
    const [held, ...free] = attempts;
    if (!held) throw new Error("no attempt");
    const now = () => new Date();
    const lock = await holdRowLock("PaymentAttempt", held.id);
    let sweep: Promise<{ marked: string[] }> | undefined;
    try {
      sweep = markStaleSendingAttempts({ now, olderThanMs: PAY_LEASE_MS });
      const swept = await within(5_000, sweep);
      expect(swept === "still waiting" ? swept : swept.marked.toSorted()).toEqual(free.map((attempt) => attempt.id).toSorted());
    } finally {
      await lock.release();
      await sweep;
    }
    expect(await markStaleSendingAttempts({ now, olderThanMs: PAY_LEASE_MS })).toEqual({ marked: [held.id] });
    for (const attempt of attempts) {
      expect(await db.paymentEvent.count({ where: { paymentAttemptId: attempt.id, type: "ERROR" } })).toBe(1);
    }
  });

  test("the sweep of PENDING orders nobody invoiced skips one another process holds, and expires the rest once", async () => {
    const product = await db.product.findUniqueOrThrow({ where: { sku: TEST_SKU } });
    const orders = [];
    for (let index = 0; index < 3; index += 1) {
      const order = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
      await db.order.update({ where: { id: order.id }, data: { createdAt: new Date(Date.now() - env.orders.pendingTimeoutMs - 60_000) } });
      orders.push(order);
    }
    const [held, ...free] = orders;
    if (!held) throw new Error("no order");
    const lock = await holdRowLock("Order", held.id);
    let sweep: ReturnType<typeof expireStalePendingOrders> | undefined;
    try {
      sweep = expireStalePendingOrders();
      const swept = await within(5_000, sweep);
      expect(swept === "still waiting" ? swept : swept.expired.toSorted()).toEqual(free.map((order) => order.id).toSorted());
    } finally {
      await lock.release();
      await sweep;
    }
    expect((await expireStalePendingOrders()).expired).toEqual([held.id]);
    for (const order of orders) {
      expect(await db.paymentEvent.count({ where: { orderId: order.id, type: "STATUS_CHANGED", toStatus: "EXPIRED" } })).toBe(1);
    }
  });
});
