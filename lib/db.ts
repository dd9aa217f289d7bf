import fs from "node:fs";
import path from "node:path";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";

import { env, parseDatabaseUrl, type DatabaseProvider } from "./env.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-postgresql/client.ts";

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

type SqlDriverAdapter = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;
type SqlTransaction = Awaited<ReturnType<SqlDriverAdapter["startTransaction"]>>;
type SqlQuery = Parameters<SqlDriverAdapter["queryRaw"]>[0];

/**
 * A first-come, first-served lock. `acquire` resolves, in call order, with the function that releases it;
 * releasing twice is harmless.
 */
class ConnectionLock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    const previous = this.#tail;
    let release: () => void = () => undefined;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    return previous.then(() => release);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * The process's one SQLite connection, lent to one interactive transaction at a time.
 *
 * Prisma's better-sqlite3 adapter runs every query on a single connection, and SQLite's transaction belongs to
 * the connection. The adapter's own mutex only keeps two transactions apart: a plain query from another request
 * ran inside whatever transaction was open, saw its uncommitted rows, and was rolled back with it (a Pay lease,
 * an audit event, gone). Here a transaction holds the lock from BEGIN until its COMMIT or ROLLBACK, and every
 * query outside it waits its turn; the transaction's own queries go through the object it was given and do not
 * wait. Prisma's batch `$transaction([...])` and the transactions it opens for nested writes start the same way.
 *
 * Not a second connection per transaction: better-sqlite3 is synchronous, so a second connection waiting for the
 * first one's write lock would block the event loop that the first transaction needs to finish: a deadlock.
 *
 * What follows for code: inside `db.$transaction(async (tx) => …)` use `tx` only. A query through `db` there
 * waits for the very transaction it is part of, until Prisma's timeout rolls that transaction back. And a
 * transaction holds up every request of the process while it awaits, so nothing slow (SEQR, a sleep) runs inside
 * one.
 */
class OneTransactionAtATimeAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter["provider"];
  readonly adapterName: string;
  readonly #connection: SqlDriverAdapter;
  readonly #lock = new ConnectionLock();

  constructor(connection: SqlDriverAdapter) {
    this.#connection = connection;
    this.provider = connection.provider;
    this.adapterName = connection.adapterName;
  }

  queryRaw(query: SqlQuery) {
    return this.#lock.run(() => this.#connection.queryRaw(query));
  }

  executeRaw(query: SqlQuery) {
    return this.#lock.run(() => this.#connection.executeRaw(query));
  }

  executeScript(script: string) {
    return this.#lock.run(() => this.#connection.executeScript(script));
  }

  /**
   * BEGIN IMMEDIATE, not the adapter's plain BEGIN: the transaction takes the file's write lock before its first
   * statement, waiting for another process's writer as any write does (the busy timeout). After a plain BEGIN a
   * transaction that reads before it writes fails with SQLITE_BUSY at once, whatever the busy timeout, when
   * another process committed in between: its snapshot is stale, and SQLite refuses to upgrade it. Prisma's own
   * upsert reads first (BEGIN; SELECT; INSERT), so no rule for the shop's code could have avoided it.
   *
   * Begun here rather than through the adapter's startTransaction: the adapter keeps its own mutex locked when
   * BEGIN fails, which a BEGIN IMMEDIATE that timed out would do, and every later transaction would wait forever.
   */
  async startTransaction(isolationLevel?: Parameters<SqlDriverAdapter["startTransaction"]>[0]): Promise<SqlTransaction> {
    // SQLite's transactions are serializable; the adapter refuses any other level, and so does this.
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") throw new Error(`SQLite has no ${isolationLevel} isolation`);
    // Waiting here counts against the transaction's maxWait. A start Prisma gives up on still gets the lock in
    // its turn; Prisma then rolls it back, which releases it.
    const release = await this.#lock.acquire();
    try {
      await this.#connection.executeRaw({ sql: "BEGIN IMMEDIATE", args: [], argTypes: [] });
      return new LockHoldingTransaction(this.#connection, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  // Closing the connection under a queued query would fail it: close after the queue.
  dispose() {
    return this.#lock.run(() => this.#connection.dispose());
  }
}

const ENDS_TRANSACTION = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

/**
 * A transaction on the process's connection, begun by OneTransactionAtATimeAdapter. Prisma sends its COMMIT or
 * ROLLBACK itself (usePhantomQuery: false) and then calls commit() or rollback(), which give the connection back;
 * it is never given back still open.
 */
class LockHoldingTransaction implements SqlTransaction {
  readonly provider: SqlTransaction["provider"];
  readonly adapterName: string;
  readonly options: SqlTransaction["options"] = { usePhantomQuery: false };
  readonly #connection: SqlDriverAdapter;
  readonly #release: () => void;
  /** A COMMIT or ROLLBACK has run: SQLite holds no transaction for this connection any more. */
  #ended = false;

  constructor(connection: SqlDriverAdapter, release: () => void) {
    this.#connection = connection;
    this.#release = release;
    this.provider = connection.provider;
    this.adapterName = connection.adapterName;
  }

  queryRaw(query: SqlQuery) {
    return this.#connection.queryRaw(query);
  }

  async executeRaw(query: SqlQuery) {
    const changes = await this.#connection.executeRaw(query);
    if (ENDS_TRANSACTION.test(query.sql)) this.#ended = true;
    return changes;
  }

  async commit() {
    this.#release();
  }

  /**
   * Prisma calls this after its ROLLBACK, and also when its COMMIT failed, without a ROLLBACK. SQLite keeps the
   * transaction open after some failed COMMITs (a deferred foreign key): released like that, the next request's
   * writes would join it. So it is rolled back here first.
   */
  async rollback() {
    try {
      if (!this.#ended) {
        await this.#connection.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => {
          // SQLite had already ended it (some errors roll the whole transaction back): nothing is open.
        });
      }
    } finally {
      this.#release();
    }
  }

  // A nested `tx.$transaction` is a savepoint on the same transaction, under the same lock.
  async createSavepoint(name: string) {
    await this.#run(`SAVEPOINT ${name}`);
  }

  async rollbackToSavepoint(name: string) {
    await this.#run(`ROLLBACK TO ${name}`);
  }

  async releaseSavepoint(name: string) {
    await this.#run(`RELEASE SAVEPOINT ${name}`);
  }

  async #run(sql: string): Promise<void> {
    await this.#connection.executeRaw({ sql, args: [], argTypes: [] });
  }
}

/** How many distinct SQL texts the connection keeps compiled (the shop's queries come in a few hundred shapes). */
export const SQLITE_STATEMENT_CACHE_SIZE = 500;

type CompiledStatement = Database.Statement<unknown[]>;

/**
 * The statement Prisma's adapter asks for, run on a compiled statement kept from an earlier call of the same SQL.
 * The adapter prepares every query anew (`prepare(sql).bind(args)`, then `run()`, or `columns()` and
 * `raw().all()`): SQLite parsed and planned the same few hundred texts on every call, about 8 % of a busy server's
 * time (docs/performance.md, "Notification throughput"). A compiled statement can be bound only once, so the
 * arguments are kept here and given to each run instead; SQLite recompiles a kept statement by itself when the
 * schema changes.
 */
class ReusedStatement {
  readonly #statement: CompiledStatement;
  #args: unknown[] = [];

  constructor(statement: CompiledStatement) {
    this.#statement = statement;
  }

  get reader(): boolean {
    return this.#statement.reader;
  }

  bind(args: unknown[]): this {
    this.#args = args;
    return this;
  }

  run(): Database.RunResult {
    return this.#statement.run(...this.#args);
  }

  columns(): Database.ColumnDefinition[] {
    return this.#statement.columns();
  }

  raw(): { all: () => unknown[] } {
    this.#statement.raw(true);
    return { all: () => this.#statement.all(...this.#args) };
  }
}

/**
 * Makes `connection.prepare` hand out kept statements, the least recently used forgotten past `limit`. Only
 * Prisma's adapter uses this connection, and only in the ways ReusedStatement serves
 * (tests/integration/sqlite-statement-cache.test.ts): better-sqlite3 runs a statement to its end inside one
 * synchronous call, so one kept statement is never used by two queries at once.
 */
export function keepCompiledStatements(connection: Database.Database, limit = SQLITE_STATEMENT_CACHE_SIZE): void {
  const compile = connection.prepare.bind(connection) as (sql: string) => CompiledStatement;
  const kept = new Map<string, CompiledStatement>();
  const prepare = (sql: string) => {
    let statement = kept.get(sql);
    if (statement) {
      kept.delete(sql);
    } else {
      statement = compile(sql);
      if (kept.size >= limit) kept.delete(kept.keys().next().value as string);
    }
    kept.set(sql, statement);
    return new ReusedStatement(statement);
  };
  Object.defineProperty(connection, "prepare", { value: prepare, configurable: true });
}

class WalSqliteAdapterFactory extends PrismaBetterSqlite3 {
  readonly #filePath: string;

  constructor(databaseUrl: string) {
    super({ url: databaseUrl, timeout: SQLITE_BUSY_TIMEOUT_MS });
    this.#filePath = databaseUrl.slice("file:".length);
  }

  // Prisma connects lazily, on the first query: building the app never opens the database.
  override async connect(): Promise<SqlDriverAdapter> {
    prepareDatabaseFile(this.#filePath);
    const connection = await super.connect();
    // The adapter's better-sqlite3 connection (a public field of the adapter, not part of its typed interface).
    const client = (connection as unknown as { client: Database.Database }).client;
    // A commit is on the disk before the shop answers: a payment it recorded survives a power cut. SQLite's own
    // default is FULL, but better-sqlite3 is built with NORMAL for WAL files (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1),
    // which may lose the last commits to a power cut or a crash of the machine. Per connection, so set on each.
    client.pragma("synchronous = FULL");
    keepCompiledStatements(client);
    return new OneTransactionAtATimeAdapter(connection);
  }
}

/**
 * PostgreSQL through node-postgres's pool: each transaction gets a connection of its own, so nothing here
 * serializes work the way SQLite's one connection does. What SQLite's single writer guaranteed for free, the code
 * guarantees with row locks and conditional updates (lib/db-locks.ts, docs/postgresql.md).
 */
function postgresAdapter(databaseUrl: string): PrismaPg {
  return new PrismaPg({
    connectionString: databaseUrl,
    max: env.database.poolSize,
    // The server cancels a statement running longer than this, freeing its connection and its row locks.
    statement_timeout: env.database.statementTimeoutMs,
    // A transaction left open by a crashed request would hold its row locks until the connection dies.
    idle_in_transaction_session_timeout: env.database.statementTimeoutMs,
    connectionTimeoutMillis: env.database.statementTimeoutMs,
  });
}

/**
 * How long a transaction may wait to start, and run. Prisma's defaults (2 s, 5 s) fail a request outright when a
 * burst queues transactions behind SQLite's one connection or PostgreSQL's pool on a busy machine; waiting a
 * little longer is what a shopper wants, and every transaction here is short (nothing slow runs inside one).
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

export function createPrismaClient(databaseUrl: string = env.databaseUrl): PrismaClient {
  if (parseDatabaseUrl(databaseUrl).provider === "postgresql") {
    // Both clients are generated from the same models (prisma/models.prisma), so their APIs agree; the shop's code
    // is typed against SQLite's, the common subset of both.
    return new PostgresPrismaClient({
      adapter: postgresAdapter(databaseUrl),
      transactionOptions: TRANSACTION_OPTIONS,
    }) as unknown as PrismaClient;
  }
  return new PrismaClient({ adapter: new WalSqliteAdapterFactory(databaseUrl), transactionOptions: TRANSACTION_OPTIONS });
}

/** The database the shop's own client talks to. */
export const databaseProvider: DatabaseProvider = env.database.provider;

// One client per process. `next dev` re-evaluates modules on every change: keep its client on globalThis there
// rather than open a new connection each time.
const globalForDb = globalThis as unknown as { shopDb?: PrismaClient };

export const db: PrismaClient = (env.isDevelopment ? globalForDb.shopDb : undefined) ?? createPrismaClient();
if (env.isDevelopment) globalForDb.shopDb = db;

export type { PrismaClient };
