import "./support/shop-address";
import { holdNextAnswer, releaseAllAnswers } from "./support/held-answers";

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

import { afterEach, beforeAll, describe, expect, test } from "vitest";

import { interruptedAfterMs, reconcileNewPeriod } from "@/lib/admin/reconciliation";
import { settleRefund } from "@/lib/admin/refund-settlement";
import { addToCart } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { checkoutCart, MAX_OPEN_ORDERS_PER_CART } from "@/lib/cart/checkout-cart";
import { db } from "@/lib/db";
import { lockRows } from "@/lib/db-locks";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createOrder } from "@/lib/orders/create-order";
import { hashSessionToken } from "@/lib/orders/ids";
import { buildInvoice, WEB_SHOP_CASHIER_ID } from "@/lib/orders/invoice";
import { MIN_REMAINING_LIFE_MS, requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { PAY_LEASE_MS } from "@/lib/orders/stale-attempts";
import { LIVE_INVOICE_STATUSES } from "@/lib/orders/state-machine";
import { syncPaymentStatus } from "@/lib/orders/sync-payment-status";
import { seqr } from "@/lib/seqr";
import { serviceQrText } from "@/lib/seqr/links";

import { ADMIN, paidOrder, refund, seqrRefunds, typed } from "./support/admin-orders";
import { BERTIL, eventsOfType, giveDeliveryDetails, orderFor, orderState, serveShopForThisFile } from "./support/shop-flow";
import { onPostgres } from "./support/test-database";
import { signal, within } from "./support/waiting";

// The money rules under real concurrency (issue 14, item 3). On PostgreSQL every transaction of the shop's pool has
// a connection of its own and runs READ COMMITTED, so a check that reads before it writes passes in two
// transactions at once unless a row lock, a conditional update or a constraint holds it. Each test here races the
// shop's own functions (10 to 20 calls at once, or other processes) and asserts the exact invariant. The same tests
// run on SQLite, where one process has one connection (lib/db.ts) and other processes wait for SQLite's one writer.

const shop = serveShopForThisFile();
afterEach(releaseAllAnswers);

beforeAll(async () => {
  // The sandbox's report is ready at once: the reconciliation tests close several periods.
  expect((await shop.server.api("PUT", "/config", { reportDelayMs: 0 })).status).toBe(200);
});

/** `count` calls at once; their outcomes, in call order. */
function race<T>(count: number, call: (index: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(Array.from({ length: count }, (_, index) => call(index)));
}

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
}

function rejected<T>(results: PromiseSettledResult<T>[]): unknown[] {
  return results.flatMap((result) => (result.status === "rejected" ? [result.reason as unknown] : []));
}

/** Every refusal is an AppError with one of these codes: no deadlock, no unexpected failure. */
function expectRefusals(reasons: unknown[], codes: string[]) {
  for (const reason of reasons) {
    expect(reason, String(reason)).toBeInstanceOf(AppError);
    expect(codes).toContain((reason as AppError).code);
  }
}

async function newProduct(sku: string, stock: number) {
  return db.product.create({
    data: {
      sku,
      name: `Test item ${sku}`,
      description: "Made for a concurrency test",
      imagePath: "/products/dala-horse.svg",
      priceMinor: 1_000,
      currency: "SEK",
      taxRateBps: 2500,
      stock,
    },
  });
}

async function stockOf(productId: string) {
  return (await db.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true } })).stock;
}

/** Every invoice SEQR (the sandbox) holds for this order. */
async function seqrInvoicesFor(clientInvoiceId: string) {
  return db.sandboxInvoice.findMany({ where: { clientInvoiceId }, orderBy: { createdAt: "asc" } });
}

/** Every run, oldest period first: one chain of adjacent periods, each ending after it starts. */
async function expectOneChainOfPeriods() {
  const runs = await db.reconciliationRun.findMany({ orderBy: { periodStart: "asc" } });
  for (const [index, run] of runs.entries()) {
    expect(run.periodEnd.getTime(), `run ${index} ends after it starts`).toBeGreaterThan(run.periodStart.getTime());
    const before = runs[index - 1];
    if (before) expect(run.periodStart.getTime(), `run ${index} starts where run ${index - 1} ends`).toBe(before.periodEnd.getTime());
  }
  return runs;
}

describe("a row lock (lib/db-locks.ts)", () => {
  test("a transaction that locks its row first, then reads, awaits and writes, loses no increment made meanwhile", async () => {
    // What the SQLite-only test in database-isolation.test.ts asks of one connection, asked of every connection:
    // on PostgreSQL the outside increments run on other pooled connections while the transactions await.
    const product = await newProduct("LOCK-COUNTER-POOL", 0);
    const TRANSACTIONS = 10;
    const OUTSIDE = 20;

    const transactions = Array.from({ length: TRANSACTIONS }, () =>
      db.$transaction(
        async (tx) => {
          await lockRows(tx, "Product", [product.id]);
          const { stock } = await tx.product.findUniqueOrThrow({ where: { id: product.id } });
          await sleep(5);
          await tx.product.update({ where: { id: product.id }, data: { stock: stock + 1 } });
        },
        { maxWait: 20_000, timeout: 20_000 },
      ),
    );
    // Spread over the time the transactions take, as requests arrive.
    const outside = Array.from({ length: OUTSIDE }, async (_, i) => {
      await sleep(3 * i);
      await db.product.update({ where: { id: product.id }, data: { stock: { increment: 1 } } });
    });
    await within(Promise.all([...transactions, ...outside]), 25_000, "the transactions and the outside increments");

    expect(await stockOf(product.id)).toBe(TRANSACTIONS + OUTSIDE);
  });

  test("four processes each reading, awaiting and writing one row under its lock lose no increment", async () => {
    // Separate processes have separate connections on both databases: on SQLite the lock is the file's write lock.
    const product = await newProduct("LOCK-COUNTER-PROCESSES", 0);
    const PROCESSES = 4;
    const ROUNDS = 15;
    const run = promisify(execFile);
    const tsx = path.resolve("node_modules/.bin/tsx");
    const counter = path.resolve("tests/integration/support/locked-counter.ts");

    await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        run(tsx, [counter, product.id, String(ROUNDS)], { env: { ...process.env, DATABASE_URL: env.databaseUrl } }),
      ),
    );

    expect(await stockOf(product.id)).toBe(PROCESSES * ROUNDS);
  });

  test.runIf(onPostgres)("with skipLocked, a row another transaction holds is left out instead of waited for", async () => {
    const [held, free] = [await newProduct("SKIP-HELD", 0), await newProduct("SKIP-FREE", 0)];
    const holding = signal();
    const release = signal();
    const holder = db.$transaction(async (tx) => {
      await lockRows(tx, "Product", [held.id]);
      holding.resolve();
      await release.promise;
    });
    await holding.promise;

    const skipping = db.$transaction(async (tx) => lockRows(tx, "Product", [held.id, free.id], { skipLocked: true }));
    const locked = await within(skipping, 2_000, "a lock that skips held rows");
    release.resolve();
    await holder;

    expect(locked).toBe(1);
  });

  // SQLite's one connection per process is tested in database-isolation.test.ts; this is its pooled counterpart.
  test.runIf(onPostgres)("a transaction that gave up waiting for a pooled connection does not keep one", async () => {
    const poolSize = env.database.poolSize;
    const held = signal();
    const allOpen = signal();
    let open = 0;
    const holders = Array.from({ length: poolSize }, () =>
      db.$transaction(
        async (tx) => {
          await tx.cart.count();
          open += 1;
          if (open === poolSize) allOpen.resolve();
          await held.promise;
        },
        { maxWait: 5_000, timeout: 10_000 },
      ),
    );
    await within(allOpen.promise, 5_000, "a transaction on every pooled connection");

    // Every connection is taken: Prisma gives up on this start. The pool may still hand it a connection later.
    await expect(db.$transaction(async (tx) => tx.cart.count(), { maxWait: 100 })).rejects.toThrow(/start a transaction/);
    held.resolve();
    await Promise.all(holders);

    // Every connection came back: as many transactions as the pool has can be open at once again. None of them
    // ends before all have started, so one connection kept by the abandoned start would hold this up for good.
    const everyone = signal();
    let started = 0;
    const again = Array.from({ length: poolSize }, () =>
      db.$transaction(
        async (tx) => {
          await tx.cart.count();
          started += 1;
          if (started === poolSize) everyone.resolve();
          await everyone.promise;
        },
        { maxWait: 5_000, timeout: 10_000 },
      ),
    );
    await within(Promise.all(again), 5_000, "a transaction on every pooled connection, again");
    expect(await within(db.cart.count(), 2_000, "a query after them")).toBeGreaterThanOrEqual(0);
  });
});

describe("refunds", () => {
  test("fifteen refunds of one payment at once, each a third of it: three are made, the rest refused before SEQR is asked", async () => {
    const order = await paidOrder(shop.server);
    const third = Math.floor(order.paidMinor / 3);

    const results = await race(15, () => refund(order, typed(third)));

    const made = fulfilled(results);
    expect(made.map((outcome) => outcome.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    const refused = rejected(results);
    expect(refused).toHaveLength(12);
    expectRefusals(refused, ["REFUND_TOO_LARGE"]);
    // SEQR was asked three times, and never refused one (98): the shop's own check held.
    expect((await seqrRefunds(order.invoiceReference)).map((row) => row.amountMinor)).toEqual([third, third, third]);
    const rows = await db.refund.findMany({ where: { orderId: order.orderId } });
    expect(rows.map((row) => row.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    const after = await db.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(after.refundedMinor).toBe(3 * third);
    expect(after.refundedMinor).toBeLessThanOrEqual(order.paidMinor);
    expect(after.status).toBe(3 * third === order.paidMinor ? "REFUNDED" : "PARTIALLY_REFUNDED");
  });

  test("ten clicks at once settling one refund SEQR never confirmed: it is applied once", async () => {
    const order = await paidOrder(shop.server);
    const amountMinor = 1_000;
    // A refund SEQR made while the shop got no answer: the shop's row as refundPayment leaves it (UNKNOWN), and the
    // refund itself made at SEQR.
    const held = await db.refund.create({
      data: {
        orderId: order.orderId,
        paymentAttemptId: order.paymentAttemptId,
        requestKey: randomUUID(),
        amountMinor,
        currency: order.currency,
        status: "UNKNOWN",
        completedAt: new Date(),
      },
    });
    await seqr.refundPayment({ ersReference: order.ersReference, amountMinor, currency: order.currency, title: "Refund", cashierId: WEB_SHOP_CASHIER_ID });
    const runId = await reconcileNewPeriod();

    const results = await race(10, () => settleRefund({ refundId: held.id, runId }, ADMIN));

    expect(fulfilled(results).map((settled) => settled.outcome)).toEqual(["SUCCEEDED"]);
    expectRefusals(rejected(results), ["REFUND_SETTLED"]);
    const after = await db.order.findUniqueOrThrow({ where: { id: order.orderId }, include: { refunds: true } });
    expect(after.refundedMinor).toBe(amountMinor);
    expect(after.refunds).toEqual([expect.objectContaining({ status: "SUCCEEDED", settledAt: expect.any(Date) })]);
    expect(await db.paymentEvent.count({ where: { orderId: order.orderId, type: "REFUND" } })).toBe(1);
  });
});

describe("stock", () => {
  test("twenty Pays for the last unit, each for its own order: one invoice, the stock at zero, never below", async () => {
    const product = await newProduct("LAST-UNIT", 1);
    const orders = await Promise.all(
      Array.from({ length: 20 }, () => createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" })),
    );
    for (const order of orders) await giveDeliveryDetails(order.id);

    const results = await Promise.allSettled(orders.map((order) => requestPayment(order.id)));

    expect(fulfilled(results)).toHaveLength(1);
    const refused = rejected(results);
    expect(refused).toHaveLength(19);
    expectRefusals(refused, ["OUT_OF_STOCK"]);
    expect(await stockOf(product.id)).toBe(0);
    const holding = await db.order.findMany({ where: { id: { in: orders.map((order) => order.id) }, stockReservation: "HELD" } });
    expect(holding).toHaveLength(1);
    expect(await db.sandboxInvoice.count({ where: { clientInvoiceId: { in: orders.map((order) => order.clientInvoiceId) } } })).toBe(1);
  });

  test("orders of the same two products, their lines in opposite order, all reserve at once without a deadlock", async () => {
    const first = await newProduct("PAIR-FIRST", 100);
    const second = await newProduct("PAIR-SECOND", 100);
    const place = (a: string, b: string) =>
      createOrder({ lines: [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }], source: "CART", trigger: "checkout" });
    const orders = [
      ...(await Promise.all(Array.from({ length: 8 }, () => place(first.id, second.id)))),
      ...(await Promise.all(Array.from({ length: 8 }, () => place(second.id, first.id)))),
    ];
    for (const order of orders) await giveDeliveryDetails(order.id);

    const results = await Promise.allSettled(orders.map((order) => requestPayment(order.id)));

    expect(rejected(results)).toEqual([]);
    expect(await stockOf(first.id)).toBe(100 - orders.length);
    expect(await stockOf(second.id)).toBe(100 - orders.length);
  });
});

describe("one live invoice per order", () => {
  /** The order's invoices as SEQR and the shop hold them: at most one can be paid. */
  async function invoicesOf(order: { id: string; clientInvoiceId: string }) {
    const atSeqr = await seqrInvoicesFor(order.clientInvoiceId);
    const attempts = await db.paymentAttempt.findMany({ where: { orderId: order.id } });
    return {
      issuedAtSeqr: atSeqr.filter((invoice) => invoice.status === "ISSUED").map((invoice) => invoice.reference),
      allAtSeqr: atSeqr.map((invoice) => invoice.reference),
      liveInShop: attempts
        .filter((attempt) => attempt.state === "SENT" && (LIVE_INVOICE_STATUSES as string[]).includes(attempt.seqrStatus ?? ""))
        .map((attempt) => attempt.invoiceReference),
      sending: attempts.filter((attempt) => attempt.state === "SENDING"),
      lease: (await db.order.findUniqueOrThrow({ where: { id: order.id } })).invoicingUntil,
    };
  }

  test("twelve Pays at once from servers whose clocks disagree (each sees the lease before it as expired): one invoice", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    // Each server's clock runs a lease and a second ahead of the one before: a lease another one took looks
    // expired to it, so the lease alone lets it through.
    const clockOf = (server: number) => () => new Date(Date.now() + server * (PAY_LEASE_MS + 1_000));

    const results = await race(12, (server) => requestPayment(order.id, { now: clockOf(server) }));

    const invoices = await invoicesOf(order);
    expect(invoices.allAtSeqr).toHaveLength(1);
    expect(invoices.issuedAtSeqr).toEqual(invoices.allAtSeqr);
    expect(invoices.liveInShop).toEqual(invoices.allAtSeqr);
    expect(invoices.sending).toEqual([]);
    expect(invoices.lease).toBeNull();
    for (const answer of fulfilled(results)) expect(answer.invoiceReference).toBe(invoices.allAtSeqr[0]);
    expectRefusals(rejected(results), ["PAYMENT_BUSY"]);
  });

  test("twelve Pays at once while the live invoice is being replaced: one live invoice after, and every Pay answers with it", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    // Old enough that Pay replaces it rather than reuse it.
    const issuedAt = new Date(Date.now() - (env.orders.invoiceTimeoutMs - MIN_REMAINING_LIFE_MS + 1_000));
    await db.paymentAttempt.update({ where: { invoiceReference: first.invoiceReference }, data: { issuedAt } });

    const results = await race(12, () => requestPayment(order.id));

    const invoices = await invoicesOf(order);
    expect(invoices.issuedAtSeqr).toHaveLength(1);
    expect(invoices.issuedAtSeqr).not.toContain(first.invoiceReference);
    expect(invoices.liveInShop).toEqual(invoices.issuedAtSeqr);
    expect(invoices.sending).toEqual([]);
    expect(invoices.lease).toBeNull();
    // Never the invoice being canceled: a Pay that waited for the replacing one answers with the new invoice.
    for (const answer of fulfilled(results)) expect(answer.invoiceReference).toBe(invoices.issuedAtSeqr[0]);
    expectRefusals(rejected(results), ["PAYMENT_BUSY"]);
  });

  test("a Pay that finds another Pay replacing the invoice answers with the new invoice, never the one being canceled", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    const issuedAt = new Date(Date.now() - (env.orders.invoiceTimeoutMs - MIN_REMAINING_LIFE_MS + 1_000));
    await db.paymentAttempt.update({ where: { invoiceReference: first.invoiceReference }, data: { issuedAt } });
    // The first Pay takes the lease and has SEQR cancel the old invoice; SEQR's answer waits in the relay, so the
    // shop still holds the old invoice as live.
    const cancel = holdNextAnswer("cancelInvoice", first.invoiceReference);
    const replacing = requestPayment(order.id);
    await cancel.answered;
    // The second Pay cannot look at SEQR itself: another server (its clock ahead) holds the invoice's look slot, so
    // its look is given up, and it reads the old invoice as the shop holds it.
    await db.paymentAttempt.update({ where: { invoiceReference: first.invoiceReference }, data: { lastAskedAt: new Date(Date.now() + 10_000) } });
    const waiting = requestPayment(order.id);
    await sleep(5_000);
    await db.paymentAttempt.update({ where: { invoiceReference: first.invoiceReference }, data: { lastAskedAt: null } });
    cancel.release();

    const [replaced, waited] = await Promise.all([replacing, waiting]);

    expect(replaced.reused).toBe(false);
    expect(waited).toEqual({ invoiceReference: replaced.invoiceReference, reused: true });
    const live = await seqrInvoicesFor(order.clientInvoiceId);
    expect(live.map((invoice) => [invoice.reference, invoice.status])).toEqual([
      [first.invoiceReference, "CANCELED"],
      [replaced.invoiceReference, "ISSUED"],
    ]);
  }, 20_000);
});

describe("SEQR sessions", () => {
  test("a product's own QR code opened by fifteen page loads at once: one order for the session", async () => {
    const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { product: "LINGON-JAM-400" }), { msisdn: BERTIL });
    const token = scanned.sessionToken as string;
    const before = await db.order.count({ where: { source: "PRODUCT_QR" } });

    const results = await race(15, () => openOrderSession(token));

    const opened = fulfilled(results);
    expect(opened).toHaveLength(15);
    expect(new Set(opened.map((session) => session.orderId)).size).toBe(1);
    expect(opened.filter((session) => session.created)).toHaveLength(1);
    expect(await db.order.count({ where: { source: "PRODUCT_QR" } })).toBe(before + 1);
    expect(await db.seqrSession.findMany({ where: { tokenHash: hashSessionToken(token) } })).toEqual([
      expect.objectContaining({ orderId: opened[0]?.orderId }),
    ]);
  });
});

describe("reconciliation periods", () => {
  test("closes from ten servers at once, three times over, their clocks a little apart: the periods never overlap", async () => {
    await reconcileNewPeriod();
    for (let wave = 0; wave < 3; wave += 1) {
      const periodsAtSeqr = await db.sandboxTransactionPeriod.count();
      const runsBefore = await db.reconciliationRun.count();
      const now = Date.now();

      const results = await race(10, (index) => reconcileNewPeriod(new Date(now - index * 20)));

      expect(fulfilled(results).length).toBeGreaterThanOrEqual(1);
      expectRefusals(rejected(results), ["RECONCILIATION_RUNNING", "RECONCILIATION_CLOCK"]);
      // One markTransactionPeriod at SEQR per run the shop keeps.
      const runsMade = (await db.reconciliationRun.count()) - runsBefore;
      expect(runsMade).toBe(fulfilled(results).length);
      expect(await db.sandboxTransactionPeriod.count()).toBe(periodsAtSeqr + runsMade);
      await expectOneChainOfPeriods();
    }

    // A server whose clock is behind the last period's end is refused, rather than write a period that ends before
    // it starts (the next one would then start inside an earlier one).
    const runs = await expectOneChainOfPeriods();
    const lastEnd = runs.at(-1)?.periodEnd.getTime() ?? 0;
    const behind = await race(5, (index) => reconcileNewPeriod(new Date(lastEnd - 1_000 * (index + 1))));
    expect(fulfilled(behind)).toEqual([]);
    expectRefusals(rejected(behind), ["RECONCILIATION_CLOCK"]);
    await sleep(Math.max(0, lastEnd - Date.now() + 5));
    await reconcileNewPeriod();
    await expectOneChainOfPeriods();
  });
});

describe("reconciliation periods, continued", () => {
  test("a close that takes a run for interrupted while its own server gives the period back leaves no gap", async () => {
    const before = await db.reconciliationRun.findUniqueOrThrow({ where: { id: await reconcileNewPeriod() } });
    // A run whose server is still waiting for SEQR's answer to markTransactionPeriod, though it looks interrupted.
    const slow = await db.reconciliationRun.create({
      data: { periodStart: before.periodEnd, periodEnd: new Date(), status: "STARTED", createdAt: new Date(Date.now() - interruptedAfterMs() - 1_000) },
    });
    // SEQR refuses it; its server is giving the period back (deleting the run) in a transaction that is slow to end.
    const deleting = signal();
    const release = signal();
    const givenBack = db.$transaction(
      async (tx) => {
        await tx.reconciliationRun.updateMany({ where: { id: slow.id, status: "STARTED" }, data: { error: null } });
        deleting.resolve();
        await release.promise;
        await tx.reconciliationRun.deleteMany({ where: { id: slow.id, status: "STARTED", transactionPeriodId: null } });
      },
      { timeout: 10_000 },
    );
    await deleting.promise;

    const close = reconcileNewPeriod().then(
      () => "closed",
      (error: unknown) => error,
    );
    await sleep(300);
    release.resolve();
    await givenBack;
    const outcome = await close;

    if (outcome !== "closed") expectRefusals([outcome], ["RECONCILIATION_RUNNING"]);
    const runs = await expectOneChainOfPeriods();
    expect(runs.map((run) => run.id)).not.toContain(slow.id);
  });
});

describe("carts", () => {
  test("twenty checkouts of one cart at once open exactly the cap of orders", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);

    const results = await race(20, () => checkoutCart(cartId));

    expect(fulfilled(results)).toHaveLength(MAX_OPEN_ORDERS_PER_CART);
    expectRefusals(rejected(results), ["TOO_MANY_OPEN_ORDERS"]);
    expect(await db.order.count({ where: { cartId, status: "PENDING" } })).toBe(MAX_OPEN_ORDERS_PER_CART);
  });
});

describe("payments SEQR reports at the same moment", () => {
  test("two invoices of one order paid, their answers applied at once: the second payment is always flagged PAID_TWICE", async () => {
    const ORDERS = 6;
    const pairs = [];
    for (let index = 0; index < ORDERS; index += 1) {
      const { order } = await orderFor("LINGON-JAM-400");
      const first = await requestPayment(order.id);
      // A second invoice SEQR holds for the order (as a bug or a second device could have made it).
      const full = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true } });
      const second = await seqr.sendInvoice(buildInvoice(full, new Date()));
      await db.paymentAttempt.create({
        data: { orderId: order.id, state: "SENT", invoiceReference: second.invoiceReference, seqrStatus: "ISSUED", amountMinor: full.totalMinor, currency: "SEK" },
      });
      // Both paid, neither notification delivered: the shop learns of both when it asks.
      await shop.sandbox.arm({ kind: "drop-notifications", count: 2 });
      await shop.sandbox.pay(first.invoiceReference);
      await shop.sandbox.pay(second.invoiceReference);
      const attempts = await db.paymentAttempt.findMany({ where: { orderId: order.id }, select: { id: true } });
      pairs.push({ order, attempts });
    }

    await Promise.all(
      pairs.flatMap(({ order, attempts }) =>
        attempts.map((attempt) => syncPaymentStatus(order.id, { trigger: "reconciler", attemptId: attempt.id })),
      ),
    );

    for (const { order } of pairs) {
      const state = await orderState(order.id);
      expect(state.attempts.map((attempt) => attempt.seqrStatus)).toEqual(["PAID", "PAID"]);
      expect(state).toMatchObject({ status: "PAID", attentionReason: "PAID_TWICE" });
      expect(eventsOfType(state, "FULFILLED")).toHaveLength(1);
    }
  });
});
