import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

import { adminQuery, startPostgres } from "../../support/postgres-server.ts";
import { TEMPLATE_DATABASE, testDatabaseProvider } from "./test-database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** SQLite: the migrated template file. PostgreSQL: the URL of the migrated template database. */
    templateDatabaseUrl: string;
  }
}

function migrate(databaseUrl: string) {
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/**
 * Migrates one template database with `prisma migrate deploy` (the project's own migrations, exactly as
 * production applies them); every test file then works on a copy of it (fresh-database.ts). On SQLite the
 * template is a file; with TEST_DATABASE=postgresql it is a database on a PostgreSQL server started here, from the
 * machine's binaries, and stopped after the run.
 */
export default async function setup(project: TestProject) {
  if (testDatabaseProvider() === "postgresql") {
    const server = await startPostgres();
    try {
      await adminQuery(server, `CREATE DATABASE "${TEMPLATE_DATABASE}"`);
      migrate(server.url(TEMPLATE_DATABASE));
    } catch (error) {
      await server.stop();
      throw error;
    }
    project.provide("templateDatabaseUrl", server.url(TEMPLATE_DATABASE));
    return () => server.stop();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-test-"));
  const templateDatabaseUrl = `file:${path.join(dir, "template.db")}`;
  migrate(templateDatabaseUrl);
  project.provide("templateDatabaseUrl", templateDatabaseUrl);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
