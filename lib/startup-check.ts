import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import Database from "better-sqlite3";
import pg from "pg";
import { z } from "zod";

import { APPLIED_MIGRATIONS_SQL, pendingMigrations, projectMigrations } from "./migrations.ts";

// `npm start` and `npm run dev` run this first (package.json's prestart and predev). Started before
// `npm run setup`, the server would come up and then fail request after request with stack traces about a missing
// build or missing tables; this says in one line what to run instead, and starts nothing.

export type StartupCheckOptions = {
  /** The project's root: where `.next/` and `prisma/<provider>/migrations/` are. */
  projectDir: string;
  /** DATABASE_URL as lib/env.ts reads it: `file:<absolute path>` (SQLite) or `postgresql://…`. */
  databaseUrl: string;
  /** `next start` serves `next build`'s output; `next dev` builds as it goes and needs none. */
  command: "start" | "dev";
};

/** A PostgreSQL server that does not answer within this is taken as unreachable: the check must not hang `npm start`. */
const POSTGRES_TIMEOUT_MS = 5_000;

/** PostgreSQL's error codes the check tells apart (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const INVALID_CATALOG_NAME = "3D000";
const UNDEFINED_TABLE = "42P01";

const appliedMigrationRows = z.array(z.object({ migration_name: z.string() }));

type DatabaseState =
  /** No file at the path, or no database of that name on the server: `npm run setup` makes it. */
  | { kind: "missing" }
  /** A file that SQLite cannot read. */
  | { kind: "unreadable"; reason: string }
  /** A PostgreSQL server that cannot be reached, or refuses the connection. */
  | { kind: "unreachable"; reason: string }
  | { kind: "migrated"; missing: string[]; applied: number };

function migratedState(expected: string[], applied: string[]): DatabaseState {
  return { kind: "migrated", missing: pendingMigrations(expected, applied), applied: applied.length };
}

function inspectSqlite(databaseFile: string, expected: string[]): DatabaseState {
  // Opening a missing file would create it: look first, and open read-only, so that the check changes nothing.
  if (!fs.existsSync(databaseFile)) return { kind: "missing" };
  let connection: Database.Database | undefined;
  try {
    connection = new Database(databaseFile, { readonly: true, fileMustExist: true });
    const hasTable = connection
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!hasTable) return migratedState(expected, []);
    const rows = appliedMigrationRows.parse(connection.prepare(APPLIED_MIGRATIONS_SQL).all());
    return migratedState(expected, rows.map((row) => row.migration_name));
  } catch (error) {
    return { kind: "unreadable", reason: describeError(error) };
  } finally {
    connection?.close();
  }
}

async function inspectPostgres(databaseUrl: string, expected: string[]): Promise<DatabaseState> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: POSTGRES_TIMEOUT_MS,
    query_timeout: POSTGRES_TIMEOUT_MS,
  });
  // A server that drops the connection later would otherwise end the process with an unhandled 'error' event.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    // `prisma migrate deploy` creates the database: a server without it is a shop not set up yet.
    if (postgresCode(error) === INVALID_CATALOG_NAME) return { kind: "missing" };
    return { kind: "unreachable", reason: describeError(error) };
  }
  try {
    const result = await client.query(APPLIED_MIGRATIONS_SQL);
    return migratedState(expected, appliedMigrationRows.parse(result.rows).map((row) => row.migration_name));
  } catch (error) {
    if (postgresCode(error) === UNDEFINED_TABLE) return migratedState(expected, []);
    return { kind: "unreachable", reason: describeError(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** The words of an error, for one line: Node's connect errors to several addresses come as an AggregateError with none. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.message === "") {
    return error.errors.map((inner: unknown) => describeError(inner)).join("; ");
  }
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ").replace(/\.$/, "");
}

/** How to name a file to the person at the terminal: relative to the project when it is inside it. */
function shown(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** A PostgreSQL URL as the person at the terminal may see it: host, port and database, never the user or password. */
function shownPostgresUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * What keeps the server from working, as the one line to show the person starting it (what is missing and the
 * command that makes it), or null when it may start.
 */
export async function findStartupProblem({ projectDir, databaseUrl, command }: StartupCheckOptions): Promise<string | null> {
  const then = `then \`npm ${command === "start" ? "start" : "run dev"}\` again`;
  // lib/env.ts has validated the URL: file: is SQLite, anything else PostgreSQL. (Not parseDatabaseUrl: importing
  // lib/env.ts here would read the settings before main() has loaded the .env files.)
  const provider = databaseUrl.startsWith("file:") ? "sqlite" : "postgresql";
  const expected = projectMigrations(projectDir, provider);
  let database: string;
  let state: DatabaseState;
  if (provider === "postgresql") {
    database = shownPostgresUrl(databaseUrl);
    state = await inspectPostgres(databaseUrl, expected);
  } else {
    const databaseFile = databaseUrl.slice("file:".length);
    database = shown(projectDir, databaseFile);
    state = inspectSqlite(databaseFile, expected);
  }
  if (state.kind === "unreadable") {
    return `The database ${database} (DATABASE_URL) cannot be read: ${state.reason}. Check DATABASE_URL, or move the file away and run \`npm run setup\`, ${then}.`;
  }
  if (state.kind === "unreachable") {
    return `The database ${database} (DATABASE_URL) cannot be reached: ${state.reason}. Check DATABASE_URL and that PostgreSQL is running, ${then}.`;
  }
  const noBuild = command === "start" && !fs.existsSync(path.join(projectDir, ".next", "BUILD_ID"));

  const notSetUp: string[] = [];
  if (state.kind === "missing") notSetUp.push(`no database at ${database}`);
  else if (state.applied === 0) notSetUp.push(`the database ${database} has no tables yet`);
  if (notSetUp.length > 0) {
    if (noBuild) notSetUp.push("no production build in .next");
    return `The shop is not set up yet (${notSetUp.join(", ")}): run \`npm run setup\` first, ${then}.`;
  }
  if (state.kind === "migrated" && state.missing.length > 0) {
    const which = `${state.missing.length} migration${state.missing.length === 1 ? "" : "s"} (${state.missing.join(", ")})`;
    // setup also migrates, and builds what is missing; db:migrate alone is enough when the build is there.
    const fix = noBuild ? "`npm run setup`" : "`npm run db:migrate`";
    return `The database ${database} lacks ${which}${noBuild ? " and there is no production build in .next" : ""}: run ${fix} first, ${then}.`;
  }
  if (noBuild) {
    return `No production build in .next: run \`npm run build\` first (it is part of \`npm run setup\`), ${then}.`;
  }
  return null;
}

async function main(): Promise<void> {
  // The same .env files and settings as the server: a bad setting stops here with lib/env.ts's one line.
  await import("./env-files.ts");
  const { env } = await import("./env.ts");
  const problem = await findStartupProblem({
    projectDir: process.cwd(),
    databaseUrl: env.databaseUrl,
    command: process.argv.includes("--dev") ? "dev" : "start",
  });
  if (problem) {
    // One plain line, not a log record or a stack trace: the reader is a person who has just typed npm start.
    process.stderr.write(`${problem}\n`);
    process.exitCode = 1;
  }
}

const entryPoint = process.argv[1];
if (entryPoint && import.meta.url === pathToFileURL(path.resolve(entryPoint)).href) await main();
