import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createPrismaClient, keepCompiledStatements } from "@/lib/db";
import { env } from "@/lib/env";

import { onSqlite } from "./support/test-database";

// lib/db.ts keeps each SQL text's compiled statement on the shop's SQLite connection (Prisma's adapter would
// compile it anew on every query). What must hold: each text is compiled once while it is kept, every run gets its
// own arguments, the answers are what a fresh statement gives, and the cache stays bounded.

describe.runIf(onSqlite)("the shop's SQLite client", () => {
  const compile = vi.spyOn(Database.prototype, "prepare");
  // A client of its own, connected after the spy is in place (Prisma connects on the first query).
  const client = createPrismaClient(env.databaseUrl);
  beforeAll(async () => {
    await seedCatalog(client);
  });
  afterAll(async () => {
    await client.$disconnect();
    compile.mockRestore();
  });

  test("compiles a query's SQL once, and runs it with each call's own arguments", async () => {
    const products = await client.product.findMany({ orderBy: { sku: "asc" }, take: 3, select: { sku: true, stock: true } });
    expect(products).toHaveLength(3);
    compile.mockClear();

    for (const product of products) {
      await expect(client.product.findUnique({ where: { sku: product.sku }, select: { sku: true, stock: true } })).resolves.toEqual(product);
    }
    await expect(client.product.findUnique({ where: { sku: "NO-SUCH-SKU" }, select: { sku: true } })).resolves.toBeNull();
    const first = products[0] as { sku: string; stock: number };
    for (const stock of [first.stock + 5, first.stock]) {
      await client.product.update({ where: { sku: first.sku }, data: { stock } });
      await expect(client.product.findUnique({ where: { sku: first.sku }, select: { stock: true } })).resolves.toEqual({ stock });
    }

    const compiled = compile.mock.calls.map(([sql]) => sql);
    const lookUps = compiled.filter((sql) => /^SELECT .*FROM `main`\.`Product` WHERE/.test(sql));
    const updates = compiled.filter((sql) => /^UPDATE `main`\.`Product`/.test(sql));
    // Six look-ups in three shapes (sku and stock, sku only, stock only) and two updates: each compiled once.
    expect(lookUps).toHaveLength(3);
    expect(updates).toHaveLength(1);
  });

  test("a transaction's statements are kept too, and what it rolls back is gone", async () => {
    const product = await client.product.findFirstOrThrow({ orderBy: { sku: "asc" }, select: { id: true, stock: true } });
    const rollBack = () =>
      client.$transaction(async (tx) => {
        await tx.product.update({ where: { id: product.id }, data: { stock: { increment: 1 } } });
        throw new Error("roll back");
      });
    await expect(rollBack()).rejects.toThrow("roll back");
    compile.mockClear();
    await expect(rollBack()).rejects.toThrow("roll back");
    expect(compile.mock.calls.map(([sql]) => sql).filter((sql) => /^UPDATE `main`\.`Product`/.test(sql))).toEqual([]);
    await expect(client.product.findUniqueOrThrow({ where: { id: product.id }, select: { stock: true } })).resolves.toEqual({ stock: product.stock });
  });
});

describe("keepCompiledStatements", () => {
  function connection(limit: number) {
    const sqlite = new Database(":memory:");
    sqlite.defaultSafeIntegers(true);
    sqlite.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
    const compile = vi.spyOn(sqlite, "prepare");
    keepCompiledStatements(sqlite, limit);
    const compiledTexts = () => compile.mock.calls.map(([sql]) => sql);
    // As Prisma's adapter uses it: prepare(sql).bind(args), then run(), or columns() and raw().all().
    const write = (sql: string, args: unknown[]) => sqlite.prepare(sql).bind(args).run();
    const read = (sql: string, args: unknown[]) => {
      const statement = sqlite.prepare(sql).bind(args);
      return { reader: statement.reader, columns: statement.columns().map((column) => column.name), rows: statement.raw().all() };
    };
    return { sqlite, compiledTexts, write, read };
  }

  test("forgets the least recently used text past its limit, and compiles it again when it comes back", () => {
    const { compiledTexts, write, read } = connection(2);
    const insert = "INSERT INTO t (name) VALUES (?)";
    const byId = "SELECT name FROM t WHERE id = ?";
    const count = "SELECT COUNT(*) AS n FROM t";
    write(insert, ["a"]);
    write(insert, ["b"]);
    expect(read(byId, [2n]).rows).toEqual([["b"]]);
    expect(write(insert, ["c"]).changes).toBe(1); // insert is used more recently than byId now
    expect(read(count, []).rows).toEqual([[3n]]); // a third text: byId is forgotten, insert kept
    write(insert, ["d"]);
    expect(read(byId, [1n])).toEqual({ reader: true, columns: ["name"], rows: [["a"]] });
    expect(compiledTexts()).toEqual([insert, byId, count, byId]);
  });

  test("a kept statement still runs after its table changed (SQLite compiles it again by itself)", () => {
    // The shop's queries name their columns (Prisma's do; lib/ has no `SELECT *`): a kept `SELECT *` would keep
    // the columns it was first compiled with.
    const { sqlite, compiledTexts, write, read } = connection(10);
    const named = "SELECT id, name FROM t ORDER BY id";
    write("INSERT INTO t (name) VALUES (?)", ["a"]);
    expect(read(named, [])).toMatchObject({ columns: ["id", "name"], rows: [[1n, "a"]] });
    sqlite.exec("ALTER TABLE t ADD COLUMN size INTEGER NOT NULL DEFAULT 7; CREATE INDEX t_name ON t (name)");
    write("INSERT INTO t (name, size) VALUES (?, ?)", ["b", 8n]);
    expect(read(named, [])).toMatchObject({ columns: ["id", "name"], rows: [[1n, "a"], [2n, "b"]] });
    expect(compiledTexts().filter((sql) => sql === named)).toHaveLength(1);
  });
});
