import { databaseProvider } from "./db.ts";
import { Prisma } from "./generated/prisma/client.ts";

// Row locks for the checks that must read before they write (a refund against what is left, a cart's open orders,
// an order's invoices). On PostgreSQL every transaction has a pooled connection of its own and runs READ
// COMMITTED: two transactions can both read "room for one more" and both write it. A lock taken at the start of
// the transaction makes the second one wait until the first has committed, and its reads after the lock then see
// what the first one wrote.
//
// Rules for callers:
// - Lock first: call lockRows before any other query of the transaction, so that every read sees the row as
//   locked. (On SQLite the transaction holds the file's write lock from BEGIN on: lib/db.ts.)
// - One order of locking everywhere, so that two transactions never wait for each other: an Order before its
//   attempts, refunds and items; products last, in id order (lockRows sorts the ids it is given).
// - The lock lasts until the transaction ends: nothing slow (SEQR) inside it.

/**
 * The tables whose rows may be locked, each with its name quoted once here ("Order" is an SQL keyword). Never
 * built from input: a caller names one of these.
 */
const LOCKABLE_TABLES = {
  Order: Prisma.raw('"Order"'),
  PaymentAttempt: Prisma.raw('"PaymentAttempt"'),
  Product: Prisma.raw('"Product"'),
  Cart: Prisma.raw('"Cart"'),
} as const;

export type LockableTable = keyof typeof LOCKABLE_TABLES;

/**
 * Locks the rows of `table` with these ids until the transaction ends; returns how many it locked. A row that does
 * not exist is not locked (nothing else can change it either, but it can be inserted meanwhile).
 *
 * `skipLocked` (PostgreSQL): rows another transaction holds are left out rather than waited for, for background
 * work that several processes share (what one of them is busy with, the others leave). SQLite's one writer cannot
 * be skipped: there the call waits its turn and locks them all, as without the option.
 *
 * PostgreSQL: `SELECT … FOR NO KEY UPDATE`, the lock an UPDATE takes. Every other lockRows and every UPDATE of the
 * row waits for it; inserts of rows that reference it (a foreign key takes FOR KEY SHARE) do not, so a child row
 * written before the parent is locked never deadlocks with it.
 *
 * SQLite: a write that changes nothing (`SET "id" = "id"`). SQLite locks the whole database for writing, from a
 * transaction's first write to its end, so this makes every other writer wait, in this process (lib/db.ts lends
 * the one connection to one transaction at a time anyway) and in any other process on the same file, and the
 * reads after it see every committed row. It takes the write lock even when no row matches.
 */
export async function lockRows(
  tx: Prisma.TransactionClient,
  table: LockableTable,
  ids: readonly string[],
  options: { skipLocked?: boolean } = {},
): Promise<number> {
  if (ids.length === 0) return 0;
  const sorted = [...new Set(ids)].sort();
  const name = LOCKABLE_TABLES[table];
  if (databaseProvider === "postgresql") {
    const skip = options.skipLocked ? Prisma.sql`SKIP LOCKED` : Prisma.empty;
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM ${name} WHERE "id" IN (${Prisma.join(sorted)}) ORDER BY "id" FOR NO KEY UPDATE ${skip}`;
    return locked.length;
  }
  return tx.$executeRaw`UPDATE ${name} SET "id" = "id" WHERE "id" IN (${Prisma.join(sorted)})`;
}

/** Locks one order (lockRows): the guard of every check about the order's invoices, stock and refunds. */
export async function lockOrder(tx: Prisma.TransactionClient, orderId: string): Promise<boolean> {
  return (await lockRows(tx, "Order", [orderId])) === 1;
}
