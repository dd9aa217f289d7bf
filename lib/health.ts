import { z } from "zod";

import { databaseProvider, db, type PrismaClient } from "./db.ts";
import type { DatabaseProvider } from "./env.ts";
import { log } from "./log.ts";
import { APPLIED_MIGRATIONS_SQL, pendingMigrations, projectMigrations } from "./migrations.ts";

export type DatabaseState = "ok" | "not-migrated" | "unreachable";

export type DatabaseHealth = {
  provider: DatabaseProvider;
  state: DatabaseState;
  /** How many of the project's migrations the database lacks, when it is not migrated and that is known. */
  pendingMigrations?: number;
};

const HEALTH_QUERY_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

const appliedRows = z.array(z.object({ migration_name: z.string() }));

/** What Prisma's driver adapters say went wrong, the same words for SQLite and PostgreSQL. */
const driverAdapterFailure = z.object({
  meta: z.object({ driverAdapterError: z.object({ cause: z.object({ kind: z.string() }) }) }),
});

/** The database answered, and it has none of the project's tables: `prisma migrate deploy` makes both. */
const NOT_SET_UP = new Set(["TableDoesNotExist", "DatabaseDoesNotExist"]);

function failureKind(error: unknown): string | undefined {
  const parsed = driverAdapterFailure.safeParse(error);
  return parsed.success ? parsed.data.meta.driverAdapterError.cause.kind : undefined;
}

// Read once per process, from the project folder the server runs in (`npm start` runs in the project's root):
// the migrations are part of the deployed code and change only with it, and so with a restart.
const expectedByProvider = new Map<DatabaseProvider, readonly string[]>();

function expectedMigrations(provider: DatabaseProvider): readonly string[] {
  let expected = expectedByProvider.get(provider);
  if (!expected) {
    expected = projectMigrations(process.cwd(), provider);
    expectedByProvider.set(provider, expected);
  }
  return expected;
}

/**
 * Whether the database answers, and whether it has applied every migration in the project's folder for its
 * provider (prisma/<provider>/migrations): a database an update left a migration behind serves errors on the
 * pages that need the new tables or columns, and is as unready as an empty one.
 */
export async function checkDatabase(client: PrismaClient = db, provider: DatabaseProvider = databaseProvider): Promise<DatabaseHealth> {
  let expected: readonly string[];
  try {
    expected = expectedMigrations(provider);
  } catch (error) {
    // Without the folder nothing says the database is complete: the deployment lacks prisma/, not the database.
    log.error({ err: error, provider }, "health check: the project's migrations folder cannot be read");
    return { provider, state: "not-migrated" };
  }
  let rows: unknown;
  try {
    rows = await withTimeout(client.$queryRawUnsafe(APPLIED_MIGRATIONS_SQL), HEALTH_QUERY_TIMEOUT_MS);
  } catch (error) {
    if (NOT_SET_UP.has(failureKind(error) ?? "")) {
      return { provider, state: "not-migrated", pendingMigrations: expected.length };
    }
    log.warn({ err: error, provider }, "health check: database unreachable");
    return { provider, state: "unreachable" };
  }
  const pending = pendingMigrations(expected, appliedRows.parse(rows).map((row) => row.migration_name));
  if (pending.length === 0) return { provider, state: "ok" };
  log.warn({ provider, pending }, "health check: migrations not applied");
  return { provider, state: "not-migrated", pendingMigrations: pending.length };
}
