import { describe, expect, test } from "vitest";

import { CATALOG } from "@/lib/catalog/catalog-data";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";

describe("the catalog seed", () => {
  test("creates every product once, however often it runs", async () => {
    const first = await seedCatalog(db);
    expect(first.created).toHaveLength(CATALOG.length);
    const second = await seedCatalog(db);
    expect(second.created).toEqual([]);
    expect(await db.product.count()).toBe(CATALOG.length);
  });

  test("leaves the merchant's changes to a product alone", async () => {
    await seedCatalog(db);
    await db.product.update({ where: { sku: "DALA-HORSE-RED" }, data: { stock: 3, priceMinor: 29900 } });
    await seedCatalog(db);
    expect(await db.product.findUniqueOrThrow({ where: { sku: "DALA-HORSE-RED" } })).toMatchObject({
      stock: 3,
      priceMinor: 29900,
    });
  });

  test("re-creates a product that is missing", async () => {
    await seedCatalog(db);
    await db.product.delete({ where: { sku: "KOKKAFFE-500" } });
    expect((await seedCatalog(db)).created).toEqual(["KOKKAFFE-500"]);
  });

  test("refuses a malformed catalog entry before writing anything", async () => {
    const before = await db.product.count();
    const [first, second] = CATALOG;
    if (!first || !second) throw new Error("the catalog needs two products for this test");
    const bad = [{ ...first, sku: "NEW-ONE" }, { ...second, sku: "BAD-PRICE", priceMinor: 12.5 }];
    await expect(seedCatalog(db, bad)).rejects.toThrow();
    expect(await db.product.count()).toBe(before);
  });
});
