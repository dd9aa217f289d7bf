import { db, type PrismaClient } from "./db.ts";
import { log } from "./log.ts";

export type DatabaseHealth = "ok" | "not-migrated" | "unreachable";

const HEALTH_QUERY_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/**
 * Whether the database answers, and whether the project's migrations have been applied to it (a reachable but
 * empty database is as useless to a shopper as an unreachable one).
 */
export async function checkDatabase(client: PrismaClient = db): Promise<DatabaseHealth> {
  try {
    await withTimeout(client.$queryRaw`SELECT 1`, HEALTH_QUERY_TIMEOUT_MS);
  } catch (error) {
    log.warn({ err: error }, "health check: database unreachable");
    return "unreachable";
  }
  try {
    const rows = await withTimeout(
      client.$queryRaw<{ applied: bigint | number }[]>`
        SELECT COUNT(*) AS applied FROM "_prisma_migrations"
        WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
      HEALTH_QUERY_TIMEOUT_MS,
    );
    return Number(rows[0]?.applied ?? 0) > 0 ? "ok" : "not-migrated";
  } catch (error) {
    log.warn({ err: error }, "health check: migrations table missing");
    return "not-migrated";
  }
}
