import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, inject, test } from "vitest";

import { GET } from "@/app/api/health/route";
import { createPrismaClient, db, type PrismaClient } from "@/lib/db";
import { checkDatabase } from "@/lib/health";
import { adminQuery } from "@/tests/support/postgres-server";

import { copyTemplateDatabase, onPostgres, onSqlite, testDatabaseProvider } from "./support/test-database";

// GET /api/health on the database the suite runs on (TEST_DATABASE): the provider, and whether every migration of
// that provider's folder is applied, not merely some.

const provider = testDatabaseProvider();
const MIGRATIONS = fs
  .readdirSync(`prisma/${provider}/migrations`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const NEWEST = MIGRATIONS.at(-1) ?? "";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-health-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A client of its own for `url`, disconnected after `work` whatever happens. */
async function withClient<T>(url: string, work: (client: PrismaClient) => Promise<T>): Promise<T> {
  const client = createPrismaClient(url);
  try {
    return await work(client);
  } finally {
    await client.$disconnect();
  }
}

/** A copy of the migrated template database, removed after `work`. */
async function withMigratedCopy<T>(work: (client: PrismaClient) => Promise<T>): Promise<T> {
  const copy = await copyTemplateDatabase(inject("templateDatabaseUrl"));
  try {
    return await withClient(copy.url, work);
  } finally {
    await copy.remove();
  }
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

describe("GET /api/health", () => {
  test("answers 200 with the provider and the database ok when every migration is applied", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", provider, database: "ok" });
  });

  test("answers 503 with how many migrations are missing when the newest is not applied, and nothing more", async () => {
    // Renamed rather than deleted, so that the row goes back as it was.
    const hidden = `${NEWEST}_hidden_by_test`;
    await db.$executeRaw`UPDATE "_prisma_migrations" SET migration_name = ${hidden} WHERE migration_name = ${NEWEST}`;
    try {
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable", provider, database: "not-migrated", pendingMigrations: 1 });
    } finally {
      await db.$executeRaw`UPDATE "_prisma_migrations" SET migration_name = ${NEWEST} WHERE migration_name = ${hidden}`;
    }
    expect((await GET()).status).toBe(200);
  });
});

describe("checkDatabase", () => {
  test("a migrated copy of the database is ok", async () => {
    expect(await withMigratedCopy((client) => checkDatabase(client, provider))).toEqual({ provider, state: "ok" });
  });

  test("a database that lacks the newest migration is not migrated", async () => {
    const health = await withMigratedCopy(async (client) => {
      await client.$executeRaw`DELETE FROM "_prisma_migrations" WHERE migration_name = ${NEWEST}`;
      return checkDatabase(client, provider);
    });
    expect(health).toEqual({ provider, state: "not-migrated", pendingMigrations: 1 });
  });

  test("a migration that failed half-way does not count as applied", async () => {
    const health = await withMigratedCopy(async (client) => {
      await client.$executeRaw`UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = ${NEWEST}`;
      return checkDatabase(client, provider);
    });
    expect(health).toEqual({ provider, state: "not-migrated", pendingMigrations: 1 });
  });

  test("a PostgreSQL server nothing listens on is unreachable", async () => {
    const url = `postgresql://shop@127.0.0.1:${await closedPort()}/shop`;
    expect(await withClient(url, (client) => checkDatabase(client, "postgresql"))).toEqual({
      provider: "postgresql",
      state: "unreachable",
    });
  });

  test("a SQLite file that cannot be opened is unreachable", async () => {
    // A regular file where the database's folder should be: SQLite cannot open anything below it.
    const blocker = path.join(scratch, "not-a-folder");
    fs.writeFileSync(blocker, "");
    expect(await withClient(`file:${path.join(blocker, "shop.db")}`, (client) => checkDatabase(client, "sqlite"))).toEqual({
      provider: "sqlite",
      state: "unreachable",
    });
  });

  test.runIf(onSqlite)("an empty SQLite file lacks every migration", async () => {
    expect(await withClient(`file:${path.join(scratch, "empty.db")}`, (client) => checkDatabase(client, "sqlite"))).toEqual({
      provider: "sqlite",
      state: "not-migrated",
      pendingMigrations: MIGRATIONS.length,
    });
  });

  describe.runIf(onPostgres)("on PostgreSQL", () => {
    const server = { url: (database: string) => inject("templateDatabaseUrl").replace(/\/[^/]+$/, `/${database}`) };

    test("an empty database lacks every migration", async () => {
      const name = `health_empty_${crypto.randomUUID().replaceAll("-", "")}`;
      await adminQuery(server, `CREATE DATABASE "${name}"`);
      try {
        expect(await withClient(server.url(name), (client) => checkDatabase(client, "postgresql"))).toEqual({
          provider: "postgresql",
          state: "not-migrated",
          pendingMigrations: MIGRATIONS.length,
        });
      } finally {
        await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    });

    test("a database that does not exist yet lacks every migration (`prisma migrate deploy` creates it)", async () => {
      const url = server.url(`health_missing_${crypto.randomUUID().replaceAll("-", "")}`);
      expect(await withClient(url, (client) => checkDatabase(client, "postgresql"))).toEqual({
        provider: "postgresql",
        state: "not-migrated",
        pendingMigrations: MIGRATIONS.length,
      });
    });
  });
});
