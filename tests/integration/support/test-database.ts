import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { adminQuery } from "../../support/postgres-server.ts";

// Which database the integration and contract suites run on: SQLite unless TEST_DATABASE=postgresql (npm test
// runs them once each way). The test code is the same; a test that is about one database only says so with
// `describe.runIf(onSqlite)` / `onPostgres`.

export type TestDatabaseProvider = "sqlite" | "postgresql";

export function testDatabaseProvider(): TestDatabaseProvider {
  const chosen = process.env.TEST_DATABASE ?? "sqlite";
  if (chosen !== "sqlite" && chosen !== "postgresql") {
    throw new Error(`TEST_DATABASE must be "sqlite" or "postgresql", not "${chosen}"`);
  }
  return chosen;
}

export const onPostgres = testDatabaseProvider() === "postgresql";
export const onSqlite = !onPostgres;

/** The migrated database each test file's database is copied from. */
export const TEMPLATE_DATABASE = "shop_template";

/**
 * A new database with the template's tables and rows, for one test file (or one test). SQLite copies the file;
 * PostgreSQL clones the template database, which is as quick.
 */
export async function copyTemplateDatabase(templateUrl: string): Promise<{ url: string; remove(): Promise<void> }> {
  const name = `test_${crypto.randomUUID().replaceAll("-", "")}`;
  if (templateUrl.startsWith("file:")) {
    const template = templateUrl.slice("file:".length);
    const file = path.join(path.dirname(template), `${name}.db`);
    fs.copyFileSync(template, file);
    return {
      url: `file:${file}`,
      async remove() {
        for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
      },
    };
  }
  const server = { url: (database: string) => templateUrl.replace(/\/[^/]+$/, `/${database}`) };
  await adminQuery(server, `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  return {
    url: server.url(name),
    async remove() {
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
