import fs from "node:fs";
import path from "node:path";

import type { DatabaseProvider } from "./env.ts";

// The project's migrations as `prisma migrate deploy` sees them (prisma.config.ts: prisma/<provider>/migrations),
// for the checks that tell whether a database has all of them: GET /api/health (lib/health.ts) and `npm start`'s
// start-up check (lib/startup-check.ts). No settings and no database client here: the start-up check imports this
// before it has read the .env files.

/** Where `prisma migrate deploy` takes a provider's migrations from. */
export function migrationsFolder(projectDir: string, provider: DatabaseProvider): string {
  return path.join(projectDir, "prisma", provider, "migrations");
}

/** The migrations `prisma migrate deploy` would apply to an empty database of this provider, oldest first. */
export function projectMigrations(projectDir: string, provider: DatabaseProvider): string[] {
  const dir = migrationsFolder(projectDir, provider);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The migrations a database has applied, the same SQL on SQLite and PostgreSQL. A migration that failed half-way
 * (finished_at null) or was rolled back is not applied: `prisma migrate deploy` stops at it.
 */
export const APPLIED_MIGRATIONS_SQL = `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

/** Of `expected`, the ones not among `applied`, in `expected`'s order. */
export function pendingMigrations(expected: readonly string[], applied: Iterable<string>): string[] {
  const done = new Set(applied);
  return expected.filter((name) => !done.has(name));
}
