import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { createPrismaClient, db } from "@/lib/db";
import { env } from "@/lib/env";

import { createCounterProduct } from "./support/counter-product";
import { onSqlite } from "./support/test-database";
import { signal, within } from "./support/waiting";

// Issue 11, item 5: the shop's process has one SQLite connection, so a transaction must keep every other request's
// query out until it commits or rolls back. `db` is the shop's own client (createPrismaClient on this file's
// database); `elsewhere` is a second connection to the file, as another process has: it sees committed rows only.
// It only reads, and only once the test's transactions are over.
const elsewhere = createPrismaClient(env.databaseUrl);

beforeAll(async () => {
  // Connect both clients up front, so that the first test's timings are about queries, not opening the file.
  await db.cart.count();
  await elsewhere.cart.count();
});

afterAll(async () => {
  await elsewhere.$disconnect();
});

/**
 * Gives a query issued outside an open transaction time to reach the database. On a client that does not
 * isolate, it finishes inside the transaction within this time; on one that does, it is still waiting, and the
 * test goes on either way.
 */
async function letItRun(query: Promise<unknown>): Promise<void> {
  await Promise.race([query.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200))]);
}

const cartExists = async (client: typeof db, id: string) => (await client.cart.count({ where: { id } })) === 1;

describe("a transaction in the shop's process", () => {
  test("does not take another request's write down with it when it rolls back", async () => {
    const held = signal();
    const opened = signal();
    const transaction = db.$transaction(async (tx) => {
      await tx.cart.create({ data: { id: "iso-rolled-back" } });
      opened.resolve();
      await held.promise;
      throw new Error("rolled back on purpose");
    });
    await opened.promise;

    // Another request, while the transaction is open: its own write, and a read of the transaction's row.
    const outsideWrite = db.cart.create({ data: { id: "iso-outside-write" } });
    const outsideRead = db.cart.findUnique({ where: { id: "iso-rolled-back" } });
    await letItRun(Promise.all([outsideWrite, outsideRead]));

    held.resolve();
    await expect(transaction).rejects.toThrow("rolled back on purpose");
    await within(outsideWrite, 5_000, "the outside write");

    expect(await outsideRead).toBeNull();
    expect(await cartExists(db, "iso-outside-write")).toBe(true);
    expect(await cartExists(elsewhere, "iso-outside-write")).toBe(true);
    expect(await cartExists(db, "iso-rolled-back")).toBe(false);
  });

  test("keeps its rows from a read outside it until it commits", async () => {
    const held = signal();
    const opened = signal();
    let committed = false;
    const transaction = db
      .$transaction(async (tx) => {
        await tx.cart.create({ data: { id: "iso-uncommitted" } });
        opened.resolve();
        await held.promise;
      })
      .then(() => {
        committed = true;
      });
    await opened.promise;

    const outsideRead = db.cart.findUnique({ where: { id: "iso-uncommitted" } }).then((row) => ({ row, committed }));
    await letItRun(outsideRead);
    held.resolve();
    await transaction;

    // The read either ran before the commit and saw nothing, or waited for the commit: never an uncommitted row.
    const seen = await within(outsideRead, 5_000, "the outside read");
    expect(seen.row === null || seen.committed).toBe(true);
    expect(await cartExists(elsewhere, "iso-uncommitted")).toBe(true);
  });

  // SQLite only: the one connection lib/db.ts lends to one transaction at a time is what keeps the outside writes
  // out until the transaction ends. PostgreSQL's pool runs them on other connections at once, READ COMMITTED, so
  // a bare read-then-write does lose them there: a transaction takes the row's lock first (lib/db-locks.ts), as
  // concurrency.test.ts shows on both databases ("loses no increment made meanwhile", and across processes).
  test.runIf(onSqlite)("that reads, awaits and writes loses no increment made outside it meanwhile", async () => {
    await createCounterProduct("ISO-COUNTER");
    const TRANSACTIONS = 6;
    const OUTSIDE = 12;
    const BATCHES = 4;

    // Read-modify-write across an await: correct only if nothing else runs on the connection in between.
    const transactions = Array.from({ length: TRANSACTIONS }, (_, i) =>
      db.$transaction(async (tx) => {
        const { stock } = await tx.product.findUniqueOrThrow({ where: { sku: "ISO-COUNTER" } });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.cart.create({ data: { id: `iso-tx-${i}` } });
        await tx.product.update({ where: { sku: "ISO-COUNTER" }, data: { stock: stock + 1 } });
      }),
    );
    // Spread over the time the transactions take, as requests arrive.
    const outside = Array.from({ length: OUTSIDE }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, 3 * i));
      await db.product.update({ where: { sku: "ISO-COUNTER" }, data: { stock: { increment: 1 } } });
      await db.cart.create({ data: { id: `iso-outside-${i}` } });
    });
    // Batch transactions, every other one failing on its second statement (a duplicate id): it rolls back alone.
    const batches = Array.from({ length: BATCHES }, (_, i) =>
      db.$transaction([
        db.cart.create({ data: { id: `iso-batch-${i}` } }),
        db.cart.create({ data: { id: i % 2 === 0 ? `iso-batch-second-${i}` : `iso-batch-${i}` } }),
      ]),
    );

    const results = await within(
      Promise.allSettled([...transactions, ...outside, ...batches]),
      20_000,
      "transactions and outside writes",
    );
    const failed = results.flatMap((result, i) => (result.status === "rejected" ? [i] : []));
    const failingBatches = Array.from({ length: BATCHES }, (_, i) => i)
      .filter((i) => i % 2 === 1)
      .map((i) => TRANSACTIONS + OUTSIDE + i);
    expect(failed).toEqual(failingBatches);

    const product = await elsewhere.product.findUniqueOrThrow({ where: { sku: "ISO-COUNTER" } });
    expect(product.stock).toBe(TRANSACTIONS + OUTSIDE);
    const carts = await elsewhere.cart.findMany({ where: { id: { startsWith: "iso-" } }, select: { id: true } });
    const ids = carts.map((cart) => cart.id);
    for (let i = 0; i < TRANSACTIONS; i += 1) expect(ids).toContain(`iso-tx-${i}`);
    for (let i = 0; i < OUTSIDE; i += 1) expect(ids).toContain(`iso-outside-${i}`);
    for (let i = 0; i < BATCHES; i += 1) {
      if (i % 2 === 0) expect(ids).toEqual(expect.arrayContaining([`iso-batch-${i}`, `iso-batch-second-${i}`]));
      else expect(ids).not.toContain(`iso-batch-${i}`);
    }
  });

  test("that throws lets the next query run", async () => {
    await expect(
      db.$transaction(async (tx) => {
        await tx.cart.create({ data: { id: "iso-thrown" } });
        throw new Error("thrown on purpose");
      }),
    ).rejects.toThrow("thrown on purpose");
    await expect(db.$transaction(async () => Promise.reject(new Error("thrown before any query")))).rejects.toThrow(
      "thrown before any query",
    );

    await within(db.cart.create({ data: { id: "iso-after-throw" } }), 2_000, "the query after a thrown transaction");
    expect(await cartExists(elsewhere, "iso-after-throw")).toBe(true);
    expect(await cartExists(elsewhere, "iso-thrown")).toBe(false);
  });

  test("that times out is rolled back and lets the waiting query run", async () => {
    const held = signal();
    const opened = signal();
    const transaction = db.$transaction(
      async (tx) => {
        await tx.cart.create({ data: { id: "iso-timed-out" } });
        opened.resolve();
        await held.promise;
        await tx.cart.create({ data: { id: "iso-after-timeout" } });
      },
      { timeout: 300 },
    );
    await opened.promise;

    // Waits for the transaction, which Prisma rolls back at its timeout while the callback is still waiting.
    await within(db.cart.create({ data: { id: "iso-waited-for-timeout" } }), 5_000, "the query behind a timed-out transaction");
    await new Promise((resolve) => setTimeout(resolve, 400));
    held.resolve();
    await expect(transaction).rejects.toThrow(/expired transaction/);

    expect(await cartExists(elsewhere, "iso-waited-for-timeout")).toBe(true);
    expect(await cartExists(elsewhere, "iso-timed-out")).toBe(false);
    expect(await cartExists(elsewhere, "iso-after-timeout")).toBe(false);
  });

  // SQLite only: a second transaction waits for the process's one connection. On PostgreSQL it takes another pooled
  // connection and starts at once; its counterpart there, a start that gave up waiting for a full pool, is in
  // concurrency.test.ts ("a transaction that gave up waiting for a pooled connection does not keep one").
  test.runIf(onSqlite)("that gave up waiting to start does not keep the connection", async () => {
    const held = signal();
    const opened = signal();
    const first = db.$transaction(async (tx) => {
      await tx.cart.create({ data: { id: "iso-long" } });
      opened.resolve();
      await held.promise;
    });
    await opened.promise;

    // Prisma abandons a start that waits longer than maxWait; the start still gets the connection afterwards and
    // must hand it back.
    await expect(db.$transaction(async (tx) => tx.cart.count(), { maxWait: 100 })).rejects.toThrow(/start a transaction/);
    held.resolve();
    await first;

    await within(db.cart.create({ data: { id: "iso-after-abandoned" } }), 2_000, "the query after an abandoned start");
    await within(
      db.$transaction(async (tx) => tx.cart.create({ data: { id: "iso-tx-after-abandoned" } })),
      2_000,
      "the transaction after an abandoned start",
    );
    expect(await cartExists(elsewhere, "iso-after-abandoned")).toBe(true);
    expect(await cartExists(elsewhere, "iso-tx-after-abandoned")).toBe(true);
  });

  test("with nested transactions holds the outside query until it ends", async () => {
    const held = signal();
    const opened = signal();
    const ids = ["iso-outer", "iso-nested-undone", "iso-nested-kept"];
    const transaction = db.$transaction(async (tx) => {
      await tx.cart.create({ data: { id: "iso-outer" } });
      await expect(
        tx.$transaction(async (nested) => {
          await nested.cart.create({ data: { id: "iso-nested-undone" } });
          throw new Error("nested part undone");
        }),
      ).rejects.toThrow("nested part undone");
      await tx.$transaction(async (nested) => nested.cart.create({ data: { id: "iso-nested-kept" } }));
      const inside = await tx.cart.findMany({ where: { id: { in: ids } }, select: { id: true }, orderBy: { id: "asc" } });
      opened.resolve();
      await held.promise;
      throw new Error(`rolled back with ${inside.map((cart) => cart.id).join(", ")}`);
    });
    await opened.promise;

    const outsideRead = db.cart.count({ where: { id: { in: ids } } });
    await letItRun(outsideRead);
    held.resolve();
    await expect(transaction).rejects.toThrow("rolled back with iso-nested-kept, iso-outer");

    expect(await within(outsideRead, 5_000, "the outside read")).toBe(0);
    expect(await elsewhere.cart.count({ where: { id: { in: ids } } })).toBe(0);
  });

  test("whose COMMIT fails is rolled back before anyone else writes", async () => {
    // A deferred foreign key is checked at COMMIT: SQLite refuses the COMMIT and leaves the transaction open.
    // Prisma then only calls the driver's rollback(), which sends no ROLLBACK.
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
        await tx.cart.create({ data: { id: "iso-commit-refused" } });
        await tx.$executeRawUnsafe(
          "INSERT INTO CartItem (id, cartId, productId, quantity) VALUES ('iso-orphan', 'iso-no-such-cart', 'no-such-product', 1)",
        );
      }),
    ).rejects.toThrow();

    await db.cart.create({ data: { id: "iso-after-refused-commit" } });
    await within(
      db.$transaction(async (tx) => tx.cart.create({ data: { id: "iso-tx-after-refused-commit" } })),
      2_000,
      "the transaction after a refused COMMIT",
    );
    expect(await cartExists(elsewhere, "iso-commit-refused")).toBe(false);
    expect(await cartExists(elsewhere, "iso-after-refused-commit")).toBe(true);
    expect(await cartExists(elsewhere, "iso-tx-after-refused-commit")).toBe(true);
  });
});
