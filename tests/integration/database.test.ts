import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { beforeAll, describe, expect, test } from "vitest";

import { db, SQLITE_BUSY_TIMEOUT_MS } from "@/lib/db";
import { env } from "@/lib/env";

import { createCounterProduct } from "./support/counter-product";
import { testDatabaseUrl } from "./support/fresh-database";
import { onSqlite } from "./support/test-database";
import { signal } from "./support/waiting";
import { nextOrderNumber } from "@/lib/orders/order-number";

const run = promisify(execFile);

async function createOrder(clientInvoiceId: string) {
  return db.order.create({
    data: {
      number: await nextOrderNumber(db),
      clientInvoiceId,
      currency: "SEK",
      totalMinor: 34900,
      taxMinor: 6980,
      items: {
        create: [
          { sku: "DALA-HORSE-RED", name: "Dala horse", unitPriceMinor: 34900, quantity: 1, taxRateBps: 2500, lineTotalMinor: 34900 },
        ],
      },
    },
  });
}

describe("the shop's database", () => {
  test("is the test's own migrated copy", () => {
    expect(env.databaseUrl).toBe(testDatabaseUrl);
  });

  test.runIf(onSqlite)("runs in WAL mode with a busy timeout, each commit on the disk before it returns", async () => {
    const [journal] = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    const [busy] = await db.$queryRawUnsafe<{ timeout: bigint }[]>("PRAGMA busy_timeout");
    const [synchronous] = await db.$queryRawUnsafe<{ synchronous: bigint }[]>("PRAGMA synchronous");
    expect(journal?.journal_mode).toBe("wal");
    expect(Number(busy?.timeout)).toBe(SQLITE_BUSY_TIMEOUT_MS);
    // 2 is FULL: the WAL is synced at every commit. better-sqlite3's own default for WAL files is 1 (NORMAL).
    expect(Number(synchronous?.synchronous)).toBe(2);
  });

  test("keeps clientInvoiceId unique", async () => {
    await createOrder("order-unique-1");
    await expect(createOrder("order-unique-1")).rejects.toThrow(/Unique constraint/);
  });

  test("keeps invoiceReference unique across payment attempts", async () => {
    const order = await createOrder("order-attempts-1");
    const attempt = { orderId: order.id, invoiceReference: "1700000000001", amountMinor: 34900, currency: "SEK" };
    await db.paymentAttempt.create({ data: attempt });
    await expect(db.paymentAttempt.create({ data: attempt })).rejects.toThrow(/Unique constraint/);
  });

  test("never deletes an order that has items", async () => {
    const order = await createOrder("order-restrict-1");
    await expect(db.order.delete({ where: { id: order.id } })).rejects.toThrow();
    expect(await db.order.count({ where: { id: order.id } })).toBe(1);
  });
});

describe("the payment event log", () => {
  test("takes new events", async () => {
    const order = await createOrder("order-events-1");
    await db.paymentEvent.create({
      data: { orderId: order.id, type: "ORDER_CREATED", source: "checkout", toStatus: "PENDING", detail: { items: 1 } },
    });
    const events = await db.paymentEvent.findMany({ where: { orderId: order.id } });
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toEqual({ items: 1 });
  });

  test("refuses to change or remove an event", async () => {
    const order = await createOrder("order-events-2");
    const event = await db.paymentEvent.create({
      data: { orderId: order.id, type: "STATUS_QUERIED", source: "reconciler", seqrResultCode: 0 },
    });
    // The trigger's own words come back through Prisma's driver adapter error (SQLite's RAISE(ABORT) or
    // PostgreSQL's RAISE EXCEPTION).
    const refusedByTrigger = {
      meta: {
        driverAdapterError: {
          cause: {
            originalCode: onSqlite ? "SQLITE_CONSTRAINT_TRIGGER" : "P0001",
            originalMessage: expect.stringContaining("PaymentEvent is append-only"),
          },
        },
      },
    };
    await expect(
      db.paymentEvent.update({ where: { id: event.id }, data: { seqrResultCode: 90 } }),
    ).rejects.toMatchObject(refusedByTrigger);
    await expect(db.paymentEvent.delete({ where: { id: event.id } })).rejects.toMatchObject(refusedByTrigger);
    expect(await db.paymentEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({ seqrResultCode: 0 });
  });
});

describe("several processes writing at once", () => {
  const WRITERS = 3;
  const ROUNDS = 40;
  const tsx = path.resolve("node_modules/.bin/tsx");
  const writer = path.resolve("tests/integration/support/concurrent-writer.ts");

  beforeAll(async () => {
    await createCounterProduct("CONCURRENCY-TEST");
  });

  test("never fail (SQLITE_BUSY on SQLite, a deadlock on PostgreSQL) and lose no write", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: WRITERS }, () => run(tsx, [writer, env.databaseUrl, "CONCURRENCY-TEST", String(ROUNDS)])),
    );
    const failures = results.flatMap((result) => (result.status === "rejected" ? [String(result.reason)] : []));
    expect(failures).toEqual([]);
    const product = await db.product.findUniqueOrThrow({ where: { sku: "CONCURRENCY-TEST" } });
    expect(product.stock).toBe(WRITERS * ROUNDS);
  });

  // Prisma's upsert reads before it writes (BEGIN; SELECT; INSERT), as a transaction of the shop's may. On SQLite a
  // transaction whose snapshot another process's commit has overtaken cannot write: with a plain BEGIN it failed
  // with SQLITE_BUSY at once. The server's first sign-in failed that way in an end-to-end run, its upsert of the
  // first owner overtaken by a test creating a staff account.
  test("a transaction that reads, then writes after another process wrote, waits instead of failing", async () => {
    await createCounterProduct("READ-FIRST-TEST");
    const opened = signal();
    const held = signal();
    const transaction = db.$transaction(async (tx) => {
      const before = await tx.product.findUniqueOrThrow({ where: { sku: "READ-FIRST-TEST" } });
      opened.resolve();
      await held.promise;
      await tx.cart.create({ data: { id: `read-first-${before.stock}` } });
    });
    await opened.promise;

    // The other process starts and writes while the transaction is open: it commits at once if the transaction
    // holds no write lock, or waits for the transaction's end if it does.
    const otherProcess = run(tsx, [writer, env.databaseUrl, "READ-FIRST-TEST", "1"]);
    await Promise.race([otherProcess.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 4_000))]);
    held.resolve();

    await expect(transaction).resolves.toBeUndefined();
    await otherProcess;
    expect(await db.cart.count({ where: { id: "read-first-0" } })).toBe(1);
    expect((await db.product.findUniqueOrThrow({ where: { sku: "READ-FIRST-TEST" } })).stock).toBe(1);
  });
});
