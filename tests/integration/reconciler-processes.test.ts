import "./support/shop-address";

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";

import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

import { startShopServer, type SandboxServer } from "./support/sandbox-server";
import { shopBaseUrl } from "./support/shop-address";
import {
  effectsOf,
  paidButUnnotifiedOrder,
  parkLiveInvoices,
  sandboxInvoice,
  stockOf,
  TEST_SKU,
  waitFor,
  type InvoicedOrder,
} from "./support/shop-orders";

// `npm run reconcile` (lib/orders/reconcile-command.ts) as a deployment runs it: processes of their own, sharing the shop's
// database with each other and with the web server (here: this test process, which also plays SEQR). Leases
// must make them share the work so that every payment is applied exactly once, and SIGTERM must stop them cleanly.

type Reconciler = { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };
const started: Reconciler[] = [];

/** `npm run reconcile [-- args]`, as package.json runs it: node itself with tsx's loader, so SIGTERM reaches it. */
function startReconcileScript(args: string[] = [], extraEnv: Record<string, string> = {}): Reconciler {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("lib/orders/reconcile-command.ts"), ...args], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      PUBLIC_BASE_URL: shopBaseUrl,
      LOG_LEVEL: "error",
      RECONCILER_INTERVAL_MS: "100",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, so that clean-up can end it and anything it started.
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const reconciler = { child, output: () => output, exited };
  started.push(reconciler);
  return reconciler;
}

/** The JSON log lines a reconciler has printed (pino, one object a line). */
function logLines(reconciler: Reconciler): Record<string, unknown>[] {
  return reconciler
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function exitOf(reconciler: Reconciler, timeoutMs = 10_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the reconciler did not exit within ${timeoutMs} ms; output:\n${reconciler.output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([reconciler.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Ends a reconciler that is still running, and anything it started. */
function killGroup(reconciler: Reconciler, signal: NodeJS.Signals) {
  const { child } = reconciler;
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

let server: SandboxServer;

beforeAll(async () => {
  server = await startShopServer();
  await seedCatalog(db);
});
afterAll(async () => {
  for (const reconciler of started) killGroup(reconciler, "SIGKILL");
  await server.close();
});
beforeEach(async () => {
  await parkLiveInvoices();
  expect((await server.api("DELETE", "/faults")).status).toBe(200);
});
afterEach(() => {
  // A test that failed half-way leaves its reconcilers running: they must not work on the next test's invoices.
  for (const reconciler of started) {
    if (reconciler.child.exitCode === null && reconciler.child.signalCode === null) killGroup(reconciler, "SIGKILL");
  }
});

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
    expect(effects.outbox).toHaveLength(1);
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
