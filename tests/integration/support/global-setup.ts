import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseFile: string;
  }
}

/**
 * Migrates one SQLite file with `prisma migrate deploy` (the project's own migrations, exactly as production
 * applies them); every test file then works on a copy of it (fresh-database.ts).
 */
export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-test-"));
  const templateDatabaseFile = path.join(dir, "template.db");
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${templateDatabaseFile}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  project.provide("templateDatabaseFile", templateDatabaseFile);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
