import { beforeAll, describe, expect, test } from "vitest";

import { CATALOG } from "@/lib/catalog/catalog-data";
import { findProductBySku, listProducts } from "@/lib/catalog/queries";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";

beforeAll(async () => {
  await seedCatalog(db);
});

describe("catalog queries", () => {
  test("list the active products by name", async () => {
    const products = await listProducts();
    expect(products.map((product) => product.sku).sort()).toEqual(CATALOG.map((product) => product.sku).sort());
    const names = products.map((product) => product.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  test("hide a product the merchant has taken off sale", async () => {
    await db.product.update({ where: { sku: "CANDLE-PINE" }, data: { active: false } });
    expect((await listProducts()).some((product) => product.sku === "CANDLE-PINE")).toBe(false);
    expect(await findProductBySku("CANDLE-PINE")).toBeNull();
  });

  test("find a product by SKU with its price and stock", async () => {
    expect(await findProductBySku("MUG-FJORD-35")).toMatchObject({
      name: "Stoneware mug, fjord blue",
      priceMinor: 22900,
      currency: "SEK",
      stock: 40,
    });
  });

  test.each(["NOPE", "mug-fjord-35", "' OR 1=1 --", "%E0%A4%A"])("find nothing for %j", async (sku) => {
    expect(await findProductBySku(sku)).toBeNull();
  });
});
