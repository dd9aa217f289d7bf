import fs from "node:fs";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { CATALOG } from "@/lib/catalog/catalog-data";
import { catalogProductSchema, skuSchema } from "@/lib/catalog/product-schema";

describe("the demo catalog", () => {
  test("has 8 to 12 products, each valid", () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(8);
    expect(CATALOG.length).toBeLessThanOrEqual(12);
    for (const product of CATALOG) expect(catalogProductSchema.parse(product)).toEqual(product);
  });

  test("uses each SKU once", () => {
    expect(new Set(CATALOG.map((product) => product.sku)).size).toBe(CATALOG.length);
  });

  test("prices everything in SEK, in whole öre, with Swedish VAT", () => {
    for (const product of CATALOG) {
      expect(product.currency).toBe("SEK");
      expect(Number.isInteger(product.priceMinor)).toBe(true);
      expect([600, 1200, 2500]).toContain(product.taxRateBps);
    }
  });

  test("has an image in public/ for every product", () => {
    for (const product of CATALOG) {
      expect(fs.existsSync(path.join("public", product.imagePath)), product.imagePath).toBe(true);
    }
  });
});

describe("skuSchema", () => {
  test.each(["DALA-HORSE-RED", "A", "MUG-35"])("accepts %s", (sku) => {
    expect(skuSchema.safeParse(sku).success).toBe(true);
  });

  test.each(["", "-LEADING", "lower", "WITH SPACE", "A".repeat(41), "%E0%A4"])("refuses %j", (sku) => {
    expect(skuSchema.safeParse(sku).success).toBe(false);
  });
});
