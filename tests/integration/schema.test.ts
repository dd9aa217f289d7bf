import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

import { describe, expect, inject, test } from "vitest";

import { testDatabaseProvider } from "./support/test-database";

const run = promisify(execFile);
const prisma = path.resolve("node_modules/.bin/prisma");
const provider = testDatabaseProvider();

describe(`prisma/models.prisma on ${provider}`, () => {
  test(`is exactly what prisma/${provider}/migrations build (no drift)`, async () => {
    // --exit-code: 0 when equal, 2 when the models have changes no migration carries yet.
    const result = await run(
      prisma,
      ["migrate", "diff", "--from-config-datasource", "--to-schema", `prisma/${provider}`, "--exit-code"],
      { env: { ...process.env, DATABASE_URL: inject("templateDatabaseUrl") } },
    ).catch((error: { code?: number; stdout?: string }) => error);
    expect(result).toMatchObject({ stdout: expect.stringContaining("No difference detected") });
  });

  test("is the one set of models both providers' schema folders read", () => {
    for (const folder of ["prisma/sqlite", "prisma/postgresql"]) {
      const link = path.join(folder, "models.prisma");
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fs.realpathSync(link)).toBe(fs.realpathSync("prisma/models.prisma"));
      // The folder's own file holds a generator and a datasource, never a model.
      expect(fs.readFileSync(path.join(folder, "schema.prisma"), "utf8")).not.toMatch(/^\s*(model|enum) /m);
    }
    expect(fs.readFileSync("prisma/sqlite/schema.prisma", "utf8")).toContain('provider = "sqlite"');
    expect(fs.readFileSync("prisma/postgresql/schema.prisma", "utf8")).toContain('provider = "postgresql"');
  });
});
