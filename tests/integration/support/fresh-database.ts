import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { afterAll, inject } from "vitest";

// Runs before each integration test file imports anything: the file gets its own copy of the migrated
// database, and lib/env.ts (parsed on first import) points the shop's `db` at it.
const template = inject("templateDatabaseFile");
export const testDatabaseFile = path.join(
  path.dirname(template),
  `test-${crypto.randomUUID()}.db`,
);
fs.copyFileSync(template, testDatabaseFile);
process.env.DATABASE_URL = `file:${testDatabaseFile}`;
// The suites test the shop against its own sandbox, whatever NODE_ENV the runner has (production refuses an unset
// mode: lib/env.ts). A test of live mode sets SEQR_MODE=live itself before anything reads the settings.
process.env.SEQR_MODE = "sandbox";

afterAll(async () => {
  const { db } = await import("@/lib/db");
  await db.$disconnect();
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(testDatabaseFile + suffix, { force: true });
});
