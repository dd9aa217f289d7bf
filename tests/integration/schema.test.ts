import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, describe, expect, inject, test } from "vitest";

const run = promisify(execFile);
const prisma = path.resolve("node_modules/.bin/prisma");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-schema-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("prisma/schema.prisma", () => {
  test("is exactly what the committed migrations build", async () => {
    // --exit-code: 0 when equal, 2 when schema.prisma has changes no migration carries yet.
    const result = await run(
      prisma,
      ["migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
      { env: { ...process.env, DATABASE_URL: `file:${inject("templateDatabaseFile")}` } },
    ).catch((error: { code?: number; stdout?: string }) => error);
    expect(result).toMatchObject({ stdout: expect.stringContaining("No difference detected") });
  });

  test("moves to PostgreSQL by changing nothing but the provider", async () => {
    const source = fs.readFileSync("prisma/schema.prisma", "utf8");
    expect(source).toContain('provider = "sqlite"');
    const postgresSchema = path.join(scratch, "schema.prisma");
    fs.writeFileSync(postgresSchema, source.replace('provider = "sqlite"', 'provider = "postgresql"'));

    const { stdout } = await run(prisma, ["migrate", "diff", "--from-empty", "--to-schema", postgresSchema, "--script"]);
    expect(stdout).toContain('CREATE TYPE "OrderStatus" AS ENUM');
    expect(stdout).toContain('CREATE UNIQUE INDEX "Order_clientInvoiceId_key"');
    expect(stdout).toContain('CREATE UNIQUE INDEX "PaymentAttempt_invoiceReference_key"');
  });
});
