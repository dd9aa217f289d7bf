import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import Database from "better-sqlite3";
import { z } from "zod";

// `npm start` and `npm run dev` run this first (package.json's prestart and predev). Started before
// `npm run setup`, the server would come up and then fail request after request with stack traces about a missing
// build or missing tables; this says in one line what to run instead, and starts nothing.

export type StartupCheckOptions = {
  /** The project's root: where `.next/` and `prisma/migrations/` are. */
  projectDir: string;
  /** The SQLite file the server will open (from DATABASE_URL). */
  databaseFile: string;
  /** `next start` serves `next build`'s output; `next dev` builds as it goes and needs none. */
  command: "start" | "dev";
};

const appliedMigrationRows = z.array(z.object({ migration_name: z.string() }));

/** The migrations `prisma migrate deploy` would apply to an empty database, oldest first. */
function projectMigrations(projectDir: string): string[] {
  const dir = path.join(projectDir, "prisma", "sqlite", "migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

type DatabaseState =
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string }
  | { kind: "migrated"; missing: string[]; applied: number };

function inspectDatabase(databaseFile: string, expected: string[]): DatabaseState {
  // Opening a missing file would create it: look first, and open read-only, so that the check changes nothing.
  if (!fs.existsSync(databaseFile)) return { kind: "missing" };
  let connection: Database.Database | undefined;
  try {
    connection = new Database(databaseFile, { readonly: true, fileMustExist: true });
    const hasTable = connection
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!hasTable) return { kind: "migrated", missing: expected, applied: 0 };
    const rows = appliedMigrationRows.parse(
      connection
        .prepare(
          `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        )
        .all(),
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return { kind: "migrated", missing: expected.filter((name) => !applied.has(name)), applied: applied.size };
  } catch (error) {
    return { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) };
  } finally {
    connection?.close();
  }
}

/** How to name a file to the person at the terminal: relative to the project when it is inside it. */
function shown(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/**
 * What keeps the server from working, as the one line to show the person starting it (what is missing and the
 * command that makes it), or null when it may start.
 */
export function findStartupProblem({ projectDir, databaseFile, command }: StartupCheckOptions): string | null {
  const then = `then \`npm ${command === "start" ? "start" : "run dev"}\` again`;
  const database = shown(projectDir, databaseFile);
  const state = inspectDatabase(databaseFile, projectMigrations(projectDir));
  if (state.kind === "unreadable") {
    return `The database ${database} (DATABASE_URL) cannot be read: ${state.reason}. Check DATABASE_URL, or move the file away and run \`npm run setup\`, ${then}.`;
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
  const problem = findStartupProblem({
    projectDir: process.cwd(),
    databaseFile: env.databaseUrl.slice("file:".length),
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
