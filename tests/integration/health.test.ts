import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { GET } from "@/app/api/health/route";
import { createPrismaClient } from "@/lib/db";
import { checkDatabase } from "@/lib/health";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-health-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("GET /api/health", () => {
  test("answers 200 with the database ok when it is migrated and reachable", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});

describe("checkDatabase", () => {
  test("reports a database that cannot be opened as unreachable", async () => {
    // A regular file where the database's folder should be: SQLite cannot open anything below it.
    const blocker = path.join(scratch, "not-a-folder");
    fs.writeFileSync(blocker, "");
    const client = createPrismaClient(`file:${path.join(blocker, "shop.db")}`);
    try {
      expect(await checkDatabase(client)).toBe("unreachable");
    } finally {
      await client.$disconnect();
    }
  });

  test("reports a database without the project's migrations as not migrated", async () => {
    const client = createPrismaClient(`file:${path.join(scratch, "empty.db")}`);
    try {
      expect(await checkDatabase(client)).toBe("not-migrated");
    } finally {
      await client.$disconnect();
    }
  });
});
