import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

import { adminQuery, type PostgresServer } from "../../support/postgres-server.ts";
import { ROOT } from "./build.ts";
import { shopEnv } from "./processes.ts";

// The benchmark's databases, each new and migrated with the project's own migrations (`prisma migrate deploy`, as
// `npm run db:migrate` does): SQLite files in the run's own folder, PostgreSQL databases on a server it starts.

const run = promisify(execFile);
const PRISMA_BIN = path.join(ROOT, "node_modules/.bin/prisma");

async function migrate(databaseUrl: string): Promise<void> {
  try {
    await run(PRISMA_BIN, ["migrate", "deploy"], { cwd: ROOT, env: shopEnv({ DATABASE_URL: databaseUrl }), timeout: 120_000 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`prisma migrate deploy failed for ${databaseUrl}:\n${stderr ?? ""}${stdout ?? ""}`);
  }
}

/** A migrated SQLite file in `dir`, copied from `template` when given (a copy is much faster than migrating). */
export async function sqliteDatabase(dir: string, name: string, template?: string): Promise<{ url: string; file: string }> {
  const file = path.join(dir, `${name}.db`);
  if (template) fs.copyFileSync(template, file);
  else await migrate(`file:${file}`);
  return { url: `file:${file}`, file };
}

/** A new migrated database on the PostgreSQL server: migrated now, or a copy of `template` (a migrated database nobody uses). */
export async function postgresDatabase(server: PostgresServer, name: string, template?: string): Promise<string> {
  await adminQuery(server, template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
  const url = server.url(name);
  if (!template) await migrate(url);
  return url;
}
