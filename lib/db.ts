import fs from "node:fs";
import path from "node:path";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";

import { env } from "./env.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

/**
 * How long a connection waits for another connection's write lock before giving up with SQLITE_BUSY. Writers
 * hold the lock for milliseconds, so this only matters under bursts, and then waiting is right.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Puts the database file in WAL mode before Prisma's first connection: readers then never block the writer and
 * the writer never blocks readers, so concurrent requests (and several server processes) don't fail with
 * SQLITE_BUSY. WAL is a property of the file, so setting it once per process is enough; it is cheap when it is
 * already set.
 *
 * Rule for code that writes: in an interactive transaction, write first (a conditional update), read after.
 * Prisma opens transactions with a plain BEGIN; a transaction that reads, then writes after another process
 * has committed fails with SQLITE_BUSY at once, whatever the busy timeout.
 */
function prepareDatabaseFile(filePath: string): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const connection = new Database(filePath, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    connection.pragma("journal_mode = WAL");
  } finally {
    connection.close();
  }
}

class WalSqliteAdapterFactory extends PrismaBetterSqlite3 {
  readonly #filePath: string;

  constructor(databaseUrl: string) {
    super({ url: databaseUrl, timeout: SQLITE_BUSY_TIMEOUT_MS });
    this.#filePath = databaseUrl.slice("file:".length);
  }

  // Prisma connects lazily, on the first query: building the app never opens the database.
  override async connect() {
    prepareDatabaseFile(this.#filePath);
    return super.connect();
  }
}

export function createPrismaClient(databaseUrl: string = env.databaseUrl): PrismaClient {
  return new PrismaClient({ adapter: new WalSqliteAdapterFactory(databaseUrl) });
}

// One client per process. `next dev` re-evaluates modules on every change: keep its client on globalThis there
// rather than open a new connection each time.
const globalForDb = globalThis as unknown as { shopDb?: PrismaClient };

export const db: PrismaClient = (env.isDevelopment ? globalForDb.shopDb : undefined) ?? createPrismaClient();
if (env.isDevelopment) globalForDb.shopDb = db;

export type { PrismaClient };
