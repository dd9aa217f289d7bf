import { afterAll, inject } from "vitest";

import { copyTemplateDatabase } from "./test-database.ts";

// Runs before each integration test file imports anything: the file gets its own copy of the migrated
// database, and lib/env.ts (parsed on first import) points the shop's `db` at it.
const database = await copyTemplateDatabase(inject("templateDatabaseUrl"));
export const testDatabaseUrl = database.url;
process.env.DATABASE_URL = testDatabaseUrl;
// The suites test the shop against its own sandbox, whatever NODE_ENV the runner has (production refuses an unset
// mode: lib/env.ts). A test of live mode sets SEQR_MODE=live itself before anything reads the settings.
process.env.SEQR_MODE = "sandbox";

afterAll(async () => {
  const { db } = await import("@/lib/db");
  await db.$disconnect();
  await database.remove();
});
