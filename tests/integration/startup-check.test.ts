import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, inject, test } from "vitest";

import { findStartupProblem } from "@/lib/startup-check";
import { adminQuery } from "@/tests/support/postgres-server";

import { copyTemplateDatabase, onPostgres, onSqlite } from "./support/test-database";

// `npm start` / `npm run dev` before `npm run setup`: one line saying what to run, instead of a server that fails
// every request. The migrated database is a copy of the one `prisma migrate deploy` made for this run
// (global-setup.ts): a SQLite file, or with TEST_DATABASE=postgresql a database on the run's PostgreSQL server.

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-startup-check-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const SQLITE_MIGRATIONS = fs
  .readdirSync("prisma/sqlite/migrations", { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let projectDir: string;
let databaseFile: string;

/** A project folder with the real migrations, and no build until a test makes one. */
beforeEach(() => {
  projectDir = fs.mkdtempSync(path.join(scratch, "project-"));
  fs.symlinkSync(path.resolve("prisma"), path.join(projectDir, "prisma"));
  databaseFile = path.join(projectDir, "data", "shop.db");
});

function build(): void {
  fs.mkdirSync(path.join(projectDir, ".next"), { recursive: true });
  fs.writeFileSync(path.join(projectDir, ".next", "BUILD_ID"), "test-build");
}

function migratedDatabase(): void {
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  fs.copyFileSync(inject("templateDatabaseUrl").slice("file:".length), databaseFile);
}

const check = (command: "start" | "dev") => findStartupProblem({ projectDir, databaseUrl: `file:${databaseFile}`, command });

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

/** `npm start` as a person types it, with DATABASE_URL set: its exit code and output. */
function npmStart(databaseUrl: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["start", "--silent"], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const linesOf = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

describe.runIf(onSqlite)("npm start before npm run setup", () => {
  test("with no database and no build: one line naming both and `npm run setup`; no database file is made", async () => {
    expect(await check("start")).toBe(
      "The shop is not set up yet (no database at data/shop.db, no production build in .next): " +
        "run `npm run setup` first, then `npm start` again.",
    );
    expect(fs.existsSync(databaseFile)).toBe(false);
  });

  test("with a database file that has no tables: `npm run setup`", async () => {
    fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
    new Database(databaseFile).close();
    build();
    expect(await check("start")).toBe(
      "The shop is not set up yet (the database data/shop.db has no tables yet): " +
        "run `npm run setup` first, then `npm start` again.",
    );
  });

  test("with a migrated database but no build: `npm run build`", async () => {
    migratedDatabase();
    expect(await check("start")).toBe(
      "No production build in .next: run `npm run build` first (it is part of `npm run setup`), then `npm start` again.",
    );
  });

  test("with a database that lacks the newest migration: `npm run db:migrate`, naming it", async () => {
    migratedDatabase();
    build();
    const newest = SQLITE_MIGRATIONS.at(-1) ?? "";
    const connection = new Database(databaseFile);
    connection.prepare(`DELETE FROM "_prisma_migrations" WHERE migration_name = ?`).run(newest);
    connection.close();
    expect(await check("start")).toBe(
      `The database data/shop.db lacks 1 migration (${newest}): run \`npm run db:migrate\` first, then \`npm start\` again.`,
    );
  });

  test("with a file that is not a database: says it cannot be read", async () => {
    fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
    fs.writeFileSync(databaseFile, "this is not SQLite, but it is long enough to have a header of sorts ".repeat(10));
    build();
    expect(await check("start")).toMatch(/^The database data\/shop\.db \(DATABASE_URL\) cannot be read: .+\. Check DATABASE_URL/);
  });

  test("set up and built: starts", async () => {
    migratedDatabase();
    build();
    expect(await check("start")).toBeNull();
  });
});

describe.runIf(onSqlite)("npm run dev", () => {
  test("needs the database, not a production build", async () => {
    expect(await check("dev")).toBe(
      "The shop is not set up yet (no database at data/shop.db): run `npm run setup` first, then `npm run dev` again.",
    );
    migratedDatabase();
    expect(await check("dev")).toBeNull();
  });
});

describe.runIf(onSqlite)("the prestart script", () => {
  test("`npm start` on a missing database prints the one line and exits 1 without starting a server", async () => {
    const missing = path.join(scratch, "never-set-up", "shop.db");
    const result = await npmStart(`file:${missing}`);
    expect(result.status).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^The shop is not set up yet \\(no database at ${missing.replace(/[.]/g, "\\.")}(, no production build in \\.next)?\\): run \`npm run setup\` first, then \`npm start\` again\\.$`),
      ),
    ]);
    expect(result.stdout).not.toMatch(/next start|Ready/);
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe.runIf(onPostgres)("with DATABASE_URL=postgresql://…", () => {
  const templateUrl = inject("templateDatabaseUrl");
  const server = { url: (database: string) => templateUrl.replace(/\/[^/]+$/, `/${database}`) };
  const uniqueName = (what: string) => `startup_${what}_${crypto.randomUUID().replaceAll("-", "")}`;
  /** What the line shows of a URL: no user, no password. */
  const shown = (url: string) => `postgresql://${new URL(url).host}${new URL(url).pathname}`;

  let cleanUp: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanUp?.();
    cleanUp = undefined;
  });

  async function migratedDatabaseUrl(): Promise<string> {
    const copy = await copyTemplateDatabase(templateUrl);
    cleanUp = copy.remove;
    return copy.url;
  }

  async function emptyDatabaseUrl(): Promise<string> {
    const name = uniqueName("empty");
    await adminQuery(server, `CREATE DATABASE "${name}"`);
    cleanUp = () => adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return server.url(name);
  }

  async function databaseExists(name: string): Promise<boolean> {
    const client = new pg.Client({ connectionString: server.url("postgres") });
    await client.connect();
    try {
      return (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
    } finally {
      await client.end();
    }
  }

  const checkUrl = (databaseUrl: string, command: "start" | "dev" = "start") =>
    findStartupProblem({ projectDir, databaseUrl, command });

  test("with no database of that name and no build: `npm run setup`; the check creates nothing", async () => {
    const name = uniqueName("missing");
    const url = server.url(name);
    expect(await checkUrl(url)).toBe(
      `The shop is not set up yet (no database at ${shown(url)}, no production build in .next): ` +
        "run `npm run setup` first, then `npm start` again.",
    );
    expect(await databaseExists(name)).toBe(false);
  });

  test("with an empty database: `npm run setup`", async () => {
    const url = await emptyDatabaseUrl();
    build();
    expect(await checkUrl(url)).toBe(
      `The shop is not set up yet (the database ${shown(url)} has no tables yet): run \`npm run setup\` first, then \`npm start\` again.`,
    );
  });

  test("with a migrated database but no build: `npm run build`", async () => {
    const url = await migratedDatabaseUrl();
    expect(await checkUrl(url)).toBe(
      "No production build in .next: run `npm run build` first (it is part of `npm run setup`), then `npm start` again.",
    );
  });

  test("after an update that brought a migration the database lacks: `npm run db:migrate`, naming it", async () => {
    // This project folder holds PostgreSQL's migrations and one newer than any the database has.
    fs.rmSync(path.join(projectDir, "prisma"));
    const migrations = path.join(projectDir, "prisma", "postgresql", "migrations");
    fs.mkdirSync(migrations, { recursive: true });
    for (const name of fs.readdirSync("prisma/postgresql/migrations")) {
      fs.symlinkSync(path.resolve("prisma/postgresql/migrations", name), path.join(migrations, name));
    }
    fs.mkdirSync(path.join(migrations, "29991231000000_newer"));
    fs.writeFileSync(path.join(migrations, "29991231000000_newer", "migration.sql"), 'ALTER TABLE "Product" ADD COLUMN "x" TEXT\n');
    const url = await migratedDatabaseUrl();
    build();
    expect(await checkUrl(url)).toBe(
      `The database ${shown(url)} lacks 1 migration (29991231000000_newer): run \`npm run db:migrate\` first, then \`npm start\` again.`,
    );
  });

  test("with a server nothing listens on: one line naming DATABASE_URL, never the password", async () => {
    const url = `postgresql://shop:not-for-your-eyes@127.0.0.1:${await closedPort()}/shop`;
    build();
    const problem = await checkUrl(url);
    expect(problem).toMatch(
      new RegExp(
        `^The database ${shown(url).replace(/[.]/g, "\\.")} \\(DATABASE_URL\\) cannot be reached: connect ECONNREFUSED [^ ]+\\. ` +
          "Check DATABASE_URL and that PostgreSQL is running, then `npm start` again\\.$",
      ),
    );
    expect(problem).not.toContain("not-for-your-eyes");
  });

  test("with a server that accepts the connection and never answers: gives up within seconds", async () => {
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const started = Date.now();
    try {
      expect(await checkUrl(`postgresql://shop@127.0.0.1:${port}/shop`)).toMatch(/\(DATABASE_URL\) cannot be reached: .*timeout/);
    } finally {
      for (const socket of accepted) socket.destroy();
      silent.close();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("set up and built: starts", async () => {
    const url = await migratedDatabaseUrl();
    build();
    expect(await checkUrl(url)).toBeNull();
  });

  test("`npm run dev` needs the database, not a production build", async () => {
    const url = await migratedDatabaseUrl();
    expect(await checkUrl(url, "dev")).toBeNull();
  });

  test("`npm start` with an unreachable server prints the one line and exits 1 without starting a server", async () => {
    const url = `postgresql://shop:not-for-your-eyes@127.0.0.1:${await closedPort()}/shop`;
    const result = await npmStart(url);
    expect(result.status).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringMatching(/^The database postgresql:\/\/127\.0\.0\.1:\d+\/shop \(DATABASE_URL\) cannot be reached: /)]);
    expect(result.stderr).not.toContain("not-for-your-eyes");
    expect(result.stdout).not.toMatch(/next start|Ready/);
  });
});
