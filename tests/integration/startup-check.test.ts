import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import { afterAll, beforeEach, describe, expect, inject, test } from "vitest";

import { findStartupProblem } from "@/lib/startup-check";

// `npm start` / `npm run dev` before `npm run setup`: one line saying what to run, instead of a server that fails
// every request. The migrated database is the one `prisma migrate deploy` made for this run (global-setup.ts).

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-startup-check-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const MIGRATIONS = fs
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

const check = (command: "start" | "dev") => findStartupProblem({ projectDir, databaseFile, command });

describe("npm start before npm run setup", () => {
  test("with no database and no build: one line naming both and `npm run setup`; no database file is made", () => {
    expect(check("start")).toBe(
      "The shop is not set up yet (no database at data/shop.db, no production build in .next): " +
        "run `npm run setup` first, then `npm start` again.",
    );
    expect(fs.existsSync(databaseFile)).toBe(false);
  });

  test("with a database file that has no tables: `npm run setup`", () => {
    fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
    new Database(databaseFile).close();
    build();
    expect(check("start")).toBe(
      "The shop is not set up yet (the database data/shop.db has no tables yet): " +
        "run `npm run setup` first, then `npm start` again.",
    );
  });

  test("with a migrated database but no build: `npm run build`", () => {
    migratedDatabase();
    expect(check("start")).toBe(
      "No production build in .next: run `npm run build` first (it is part of `npm run setup`), then `npm start` again.",
    );
  });

  test("with a database that lacks the newest migration: `npm run db:migrate`, naming it", () => {
    migratedDatabase();
    build();
    const newest = MIGRATIONS.at(-1) ?? "";
    const connection = new Database(databaseFile);
    connection.prepare(`DELETE FROM "_prisma_migrations" WHERE migration_name = ?`).run(newest);
    connection.close();
    expect(check("start")).toBe(
      `The database data/shop.db lacks 1 migration (${newest}): run \`npm run db:migrate\` first, then \`npm start\` again.`,
    );
  });

  test("with a file that is not a database: says it cannot be read", () => {
    fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
    fs.writeFileSync(databaseFile, "this is not SQLite, but it is long enough to have a header of sorts ".repeat(10));
    build();
    expect(check("start")).toMatch(/^The database data\/shop\.db \(DATABASE_URL\) cannot be read: .+\. Check DATABASE_URL/);
  });

  test("set up and built: starts", () => {
    migratedDatabase();
    build();
    expect(check("start")).toBeNull();
  });
});

describe("npm run dev", () => {
  test("needs the database, not a production build", () => {
    expect(check("dev")).toBe(
      "The shop is not set up yet (no database at data/shop.db): run `npm run setup` first, then `npm run dev` again.",
    );
    migratedDatabase();
    expect(check("dev")).toBeNull();
  });
});

describe("the prestart script", () => {
  test("`npm start` on a missing database prints the one line and exits 1 without starting a server", () => {
    const missing = path.join(scratch, "never-set-up", "shop.db");
    const result = spawnSync("npm", ["start", "--silent"], {
      env: { ...process.env, DATABASE_URL: `file:${missing}` },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^The shop is not set up yet \\(no database at ${missing.replace(/[.]/g, "\\.")}(, no production build in \\.next)?\\): run \`npm run setup\` first, then \`npm start\` again\\.$`),
      ),
    ]);
    expect(result.stdout).not.toMatch(/next start|Ready/);
    expect(fs.existsSync(missing)).toBe(false);
  });
});
