import "./support/shop-address";

import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";

import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { LOOK_LEASE_MS, MAX_LOOK_GAP_MS } from "@/lib/orders/reconciler";
import { signalGroup } from "@/tests/support/script-process";

import { exitOf, killRunningReconcilers, logLines, startReconcileScript, type Reconciler } from "./support/reconcile-process";
import { startShopServer, type SandboxServer } from "./support/sandbox-server";
import {
  armFault,
  effectsOf,
  invoicedOrder,
  paidButUnnotifiedOrder,
  parkLiveInvoices,
  payInApp,
  sandboxInvoice,
  stockOf,
  TEST_SKU,
  waitFor,
  type InvoicedOrder,
} from "./support/shop-orders";

// `npm run reconcile` (lib/orders/reconcile-command.ts) as a deployment runs it: processes of their own, sharing the shop's
// database with each other and with the web server (here: this test process, which also plays SEQR). Leases
// must make them share the work so that every payment is applied exactly once, and SIGTERM must stop them cleanly.

/** SEQR's commit rule: a payment nobody confirms with getPaymentStatus within this is reversed (CONTRACT.md). */
const COMMIT_WINDOW_MS = 20_000;

let server: SandboxServer;

beforeAll(async () => {
  server = await startShopServer();
  await seedCatalog(db);
});
afterAll(async () => {
  killRunningReconcilers();
  await server.close();
});
beforeEach(async () => {
  await parkLiveInvoices();
  expect((await server.api("DELETE", "/faults")).status).toBe(200);
  expect((await server.api("PUT", "/config", { commitWindowMs: COMMIT_WINDOW_MS })).status).toBe(200);
});
afterEach(() => killRunningReconcilers());

test("`reconcile --once` runs one pass over the due invoices, reports it and exits 0", { timeout: 40_000 }, async () => {
  const order = await paidButUnnotifiedOrder(server);
  const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } });
  // The script runs on the real clock: wait until the invoice's first check is due.
  await sleep(Math.max(0, (attempt.nextCheckAt?.getTime() ?? 0) - Date.now() + 50));

  const once = startReconcileScript(["--once"], { LOG_LEVEL: "info" });
  expect(await exitOf(once, 20_000)).toEqual({ code: 0, signal: null });

  const reportLine = logLines(once).find((line) => line.msg === "reconcile pass");
  expect(reportLine, once.output()).toMatchObject({ claimed: 1, checked: 1, expired: 0, errors: 0 });

  const effects = await effectsOf(order.orderId);
  expect(effects.order.status).toBe("PAID");
  expect(effects.toPaid).toHaveLength(1);
  expect(effects.toPaid[0]).toMatchObject({ source: "reconciler" });
  expect(effects.fulfilled).toHaveLength(1);
  expect(await sandboxInvoice(server, order.invoiceReference)).toMatchObject({ status: "PAID", reversedAt: null });
});

test("two reconciler processes share the work: every lost notification's payment is confirmed and applied exactly once", { timeout: 40_000 }, async () => {
  const stockBefore = await stockOf((await db.product.findUniqueOrThrow({ where: { sku: TEST_SKU } })).id);
  // Info logs, to know when each has started (starting tsx takes seconds) and which orders each one paid.
  const reconcilers = [startReconcileScript([], { LOG_LEVEL: "info" }), startReconcileScript([], { LOG_LEVEL: "info" })];
  for (const reconciler of reconcilers) {
    await waitFor("a reconciler process to start", async () => logLines(reconciler).some((line) => line.msg === "reconciler started"), {
      timeoutMs: 25_000,
      intervalMs: 100,
    });
  }

  // Shoppers keep paying while both run; every notification is lost.
  const orders: InvoicedOrder[] = [];
  for (let index = 0; index < 6; index += 1) orders.push(await paidButUnnotifiedOrder(server));

  await waitFor(
    "every order to be PAID",
    async () => (await db.order.count({ where: { id: { in: orders.map((order) => order.orderId) }, status: "PAID" } })) === orders.length,
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  for (const reconciler of reconcilers) {
    expect(reconciler.child.exitCode, reconciler.output()).toBeNull();
    reconciler.child.kill("SIGTERM");
  }
  for (const reconciler of reconcilers) {
    expect(await exitOf(reconciler), reconciler.output()).toEqual({ code: 0, signal: null });
    // Nothing went wrong in either: no error or fatal line.
    expect(logLines(reconciler).filter((line) => Number(line.level) >= 50), reconciler.output()).toEqual([]);
  }

  // Between them the two processes moved each order to PAID once.
  const paidBy = reconcilers.flatMap((reconciler) =>
    logLines(reconciler)
      .filter((line) => line.msg === "order status changed" && line.to === "PAID")
      .map((line) => line.orderId),
  );
  expect(paidBy.toSorted()).toEqual(orders.map((order) => order.orderId).toSorted());

  for (const order of orders) {
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("PAID");
    expect(effects.toPaid).toHaveLength(1);
    expect(effects.toPaid[0]).toMatchObject({ source: "reconciler", fromStatus: "INVOICED" });
    expect(effects.fulfilled).toHaveLength(1);
    expect(effects.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(effects.attempt).toMatchObject({ seqrStatus: "PAID", nextCheckAt: null, leaseOwner: null, leaseUntil: null });
    const invoice = await sandboxInvoice(server, order.invoiceReference);
    expect(invoice).toMatchObject({ status: "PAID", reversedAt: null });
    expect(invoice.committedAt).not.toBeNull();
  }
  expect(await stockOf(orders[0]?.productId ?? "")).toBe(stockBefore - orders.length);
});

test("SIGTERM while a pass waits for SEQR lets the pass finish: payment applied, lease released, exit 0", { timeout: 40_000 }, async () => {
  // The payment comes first, so that its first check is due by the time the process is up.
  const order = await paidButUnnotifiedOrder(server);
  // SEQR will take 1.5 s to answer the reconciler's getPaymentStatus: SIGTERM arrives while it waits.
  expect((await server.api("POST", "/faults", { kind: "soap-delay", operation: "getPaymentStatus", delayMs: 1_500, count: 1 })).status).toBe(201);
  const reconciler = startReconcileScript([], { LOG_LEVEL: "info" });
  await waitFor("the reconciler's getPaymentStatus to reach SEQR", async () => (await server.api("GET", "/faults")).body.faults.length === 0, {
    timeoutMs: 25_000,
    intervalMs: 20,
  });
  const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } });
  expect(attempt.leaseOwner).toMatch(/^reconciler-/);
  reconciler.child.kill("SIGTERM");

  const exit = await exitOf(reconciler);
  const effects = await effectsOf(order.orderId);
  expect(
    { exit, status: effects.order.status, leaseOwner: effects.attempt?.leaseOwner ?? null },
    reconciler.output(),
  ).toEqual({ exit: { code: 0, signal: null }, status: "PAID", leaseOwner: null });
  expect(effects.toPaid).toHaveLength(1);
  expect(effects.fulfilled).toHaveLength(1);
  expect(effects.attempt).toMatchObject({ seqrStatus: "PAID", leaseUntil: null });
  expect((await sandboxInvoice(server, order.invoiceReference)).committedAt).not.toBeNull();
  expect(logLines(reconciler).filter((line) => Number(line.level) >= 50), reconciler.output()).toEqual([]);
});

/** One reconciler look, as the process logs it at debug level: wall-clock times inside its lease. */
type Look = { owner: string; attemptId: string; startedAtMs: number; endedAtMs: number; outcome: string };

function looksOf(reconciler: Reconciler): Look[] {
  return logLines(reconciler)
    .filter((line) => line.msg === "look")
    .map((line) => ({
      owner: String(line.owner),
      attemptId: String(line.attemptId),
      startedAtMs: Number(line.startedAtMs),
      endedAtMs: Number(line.endedAtMs),
      outcome: String(line.outcome),
    }));
}

/** `count` `npm run reconcile` processes logging every look, once each has started; with the owner it leases as. */
async function startReconcilers(count: number): Promise<(Reconciler & { owner: string })[]> {
  const reconcilers = Array.from({ length: count }, () => startReconcileScript([], { LOG_LEVEL: "debug" }));
  return Promise.all(
    reconcilers.map(async (reconciler) => {
      const startedLine = await waitFor(
        "a reconciler process to start",
        async () => logLines(reconciler).find((line) => line.msg === "reconciler started"),
        { timeoutMs: 40_000, intervalMs: 100 },
      );
      return Object.assign(reconciler, { owner: String(startedLine.owner) });
    }),
  );
}

/** SIGTERM, then a clean exit with no error in the log. */
async function stopCleanly(reconcilers: Reconciler[]) {
  for (const reconciler of reconcilers) reconciler.child.kill("SIGTERM");
  for (const reconciler of reconcilers) {
    expect(await exitOf(reconciler), reconciler.output()).toEqual({ code: 0, signal: null });
    expect(logLines(reconciler).filter((line) => Number(line.level) >= 50), reconciler.output()).toEqual([]);
  }
}

/** Live invoices of the test's own, made `parallel` at a time. */
async function invoicedOrders(count: number, parallel = 5): Promise<InvoicedOrder[]> {
  const orders: InvoicedOrder[] = [];
  while (orders.length < count) {
    const batch = Math.min(parallel, count - orders.length);
    orders.push(...(await Promise.all(Array.from({ length: batch }, () => invoicedOrder(server)))));
  }
  return orders;
}

async function attemptIdOf(order: InvoicedOrder): Promise<string> {
  return (await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference }, select: { id: true } })).id;
}

test(
  "three processes share the live invoices: each is looked at within every 3 s window, never by two at once",
  { timeout: 120_000 },
  async ({ annotate }) => {
    const orders = await invoicedOrders(45);
    const attemptIds = new Set(await Promise.all(orders.map(attemptIdOf)));
    const reconcilers = await startReconcilers(3);
    // A process's first looks are slow (its first connections, its first SEQR calls): the window watched starts
    // once every invoice has been looked at and two more rounds have gone by.
    await waitFor(
      "every invoice to be looked at once",
      async () => (await db.paymentAttempt.count({ where: { id: { in: [...attemptIds] }, lastCheckedAt: { not: null } } })) === attemptIds.size,
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    await sleep(4_000);
    const observedFrom = Date.now();
    await sleep(9_000);
    const observedTo = Date.now();
    for (const reconciler of reconcilers) expect(reconciler.child.exitCode, reconciler.output()).toBeNull();
    await stopCleanly(reconcilers);

    const looks = reconcilers.flatMap(looksOf).filter((look) => attemptIds.has(look.attemptId));
    const byInvoice = new Map<string, Look[]>();
    for (const look of looks) byInvoice.set(look.attemptId, [...(byInvoice.get(look.attemptId) ?? []), look]);
    const overlaps: [Look, Look][] = [];
    const late: { attemptId: string; longestGapMs: number }[] = [];
    let longestGapMs = 0;
    for (const attemptId of attemptIds) {
      const invoiceLooks = (byInvoice.get(attemptId) ?? []).toSorted((a, b) => a.startedAtMs - b.startedAtMs);
      // Each look's times lie inside its lease (after the claim, before the release): two leases on one invoice
      // at once would show as a look starting before the previous one ended, whichever processes made them.
      for (const [index, look] of invoiceLooks.entries()) {
        const previous = invoiceLooks[index - 1];
        if (previous && look.startedAtMs < previous.endedAtMs) overlaps.push([previous, look]);
      }
      // The gaps are between looks that asked SEQR. (A look skipped because the previous one stamped the invoice's
      // slot late, as at a cold start, is not one.)
      const asked = invoiceLooks.filter((look) => look.outcome === "asked").map((look) => look.startedAtMs);
      const lastBefore = asked.filter((at) => at <= observedFrom).at(-1);
      const points = [lastBefore ?? Number.NEGATIVE_INFINITY, ...asked.filter((at) => at > observedFrom && at <= observedTo), observedTo];
      const longest = Math.max(...points.slice(1).map((at, index) => at - (points[index] ?? 0)));
      longestGapMs = Math.max(longestGapMs, longest);
      if (longest > MAX_LOOK_GAP_MS) late.push({ attemptId, longestGapMs: longest });
    }
    const perProcess = reconcilers.map((reconciler) => looks.filter((look) => look.owner === reconciler.owner).length);
    await annotate(JSON.stringify({ invoices: attemptIds.size, looks: looks.length, perProcess, longestGapMs }));

    expect(overlaps, "looks at one invoice that overlapped").toEqual([]);
    expect(late, `invoices with a gap over ${MAX_LOOK_GAP_MS} ms`).toEqual([]);
    expect(looks.filter((look) => look.outcome === "error"), "looks that failed").toEqual([]);
    // Whichever process is free claims what is due, so the split is uneven when there is little to do; but the
    // invoices were not all held by one of them.
    expect(perProcess.filter((count) => count > 0).length, JSON.stringify(perProcess)).toBeGreaterThanOrEqual(2);
    expect(await db.paymentAttempt.count({ where: { id: { in: [...attemptIds] }, leaseOwner: { not: null } } })).toBe(0);
  },
);

test(
  "a process SIGKILLed while it holds an invoice: the others confirm that invoice's payment, its notification lost, inside SEQR's commit window",
  { timeout: 120_000 },
  async ({ annotate }) => {
    const orders = await invoicedOrders(6);
    const [target, ...others] = orders;
    if (!target) throw new Error("no order");
    const attemptIds = await Promise.all(orders.map(attemptIdOf));
    const reconcilers = await startReconcilers(3);
    await waitFor(
      "every invoice to be looked at once",
      async () => (await db.paymentAttempt.count({ where: { id: { in: attemptIds }, lastCheckedAt: { not: null } } })) === orders.length,
      { timeoutMs: 15_000, intervalMs: 50 },
    );

    // SEQR holds the answer to the next look at the target for longer than anything below takes: whichever
    // process claims it is still waiting, holding its lease, when it is killed. When SEQR finally reads the invoice
    // for that dead caller, the survivors must have confirmed it long before.
    const heldForMs = 16_000;
    const armedAt = Date.now();
    await armFault(server, { kind: "soap-delay", operation: "getPaymentStatus", invoiceReference: target.invoiceReference, delayMs: heldForMs, count: 1 });
    await waitFor("a reconciler's look at the target to reach SEQR", async () => (await server.api("GET", "/faults")).body.faults.length === 0, {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    const { leaseOwner } = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: target.invoiceReference } });
    const victim = reconcilers.find((reconciler) => reconciler.owner === leaseOwner);
    if (!victim) throw new Error(`the target is leased to ${String(leaseOwner)}, none of the processes`);
    const survivors = reconcilers.filter((reconciler) => reconciler !== victim);

    // The shopper pays while the look is under way; SEQR's notification is lost. Then the process dies.
    await armFault(server, { kind: "drop-notifications", count: 1 });
    await payInApp(server, target);
    signalGroup(victim, "SIGKILL");
    const killedAt = Date.now();
    expect(await exitOf(victim)).toEqual({ code: null, signal: "SIGKILL" });
    const paidAt = new Date((await sandboxInvoice(server, target.invoiceReference)).paidAt).getTime();

    await waitFor("the target to be PAID", async () => (await db.order.findUniqueOrThrow({ where: { id: target.orderId } })).status === "PAID", {
      timeoutMs: COMMIT_WINDOW_MS,
      intervalMs: 50,
    });
    // Whatever else the dead process held is looked at again once its leases run out.
    await waitFor(
      "every other invoice to be looked at after the kill",
      async () => {
        const ids = await Promise.all(others.map(attemptIdOf));
        return (await db.paymentAttempt.count({ where: { id: { in: ids }, lastCheckedAt: { gt: new Date(killedAt) } } })) === others.length;
      },
      { timeoutMs: LOOK_LEASE_MS + 5_000, intervalMs: 100 },
    );
    const invoice = await sandboxInvoice(server, target.invoiceReference);
    const committedAt = new Date(invoice.committedAt).getTime();
    await annotate(JSON.stringify({ committedAfterPaymentMs: committedAt - paidAt, leaseMs: LOOK_LEASE_MS }));

    expect(invoice).toMatchObject({ status: "PAID", reversedAt: null });
    expect(committedAt - paidAt).toBeLessThanOrEqual(COMMIT_WINDOW_MS);
    // Seen PAID by a survivor's look, not by the dead process's held one (SEQR reads the invoice for it only later).
    expect(committedAt).toBeLessThan(armedAt + heldForMs);
    // The survivor logs the transition just after its transaction commits, which the test may see first.
    const loggedPaid = (reconciler: Reconciler) =>
      logLines(reconciler).some((line) => line.msg === "order status changed" && line.to === "PAID" && line.orderId === target.orderId);
    const paidBy = await waitFor("a survivor to log the payment", async () => {
      const found = survivors.filter(loggedPaid);
      return found.length > 0 ? found : undefined;
    });
    expect(paidBy).toHaveLength(1);
    const effects = await effectsOf(target.orderId);
    expect(effects.toPaid).toHaveLength(1);
    expect(effects.toPaid[0]).toMatchObject({ source: "reconciler", fromStatus: "INVOICED" });
    expect(effects.fulfilled).toHaveLength(1);
    expect(effects.attempt).toMatchObject({ seqrStatus: "PAID", nextCheckAt: null });

    await stopCleanly(survivors);
    // SEQR answers the dead caller's held request before the next test starts.
    await sleep(Math.max(0, armedAt + heldForMs + 500 - Date.now()));
  },
);
