// Which database the end-to-end run uses, for playwright.config.ts (the server's DATABASE_URL) and for every spec
// that opens it or starts a process on it. SQLite's data/e2e.db, created afresh for each run, unless the run says
// otherwise: `npm run test:e2e:postgresql` (run-on-postgresql.ts) starts a PostgreSQL server, creates a fresh
// database on it and names it in E2E_DATABASE_URL.
//
// No imports from lib/: playwright.config.ts loads this file before anything of the shop's.

/** The SQLite file of the default run, relative to the project's root. */
export const E2E_SQLITE_FILE = "data/e2e.db";

/** The end-to-end server's DATABASE_URL. */
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL || `file:./${E2E_SQLITE_FILE}`;

export const E2E_ON_POSTGRESQL = /^postgres(ql)?:\/\//.test(E2E_DATABASE_URL);

/** The same PostgreSQL server as the end-to-end database, another database on it (`postgres`: its maintenance one). */
export function e2eServerDatabaseUrl(database: string): string {
  if (!E2E_ON_POSTGRESQL) throw new Error("the end-to-end run is on SQLite: there is no PostgreSQL server");
  const url = new URL(E2E_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
