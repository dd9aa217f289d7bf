import { beforeAll, describe, expect, test } from "vitest";

import type { AdminActor } from "@/lib/admin/actor";
import { adjustStock, createProduct, editVersion, priceInputValue, retireProduct, updateProduct } from "@/lib/admin/catalog";
import { CATALOG } from "@/lib/catalog/catalog-data";
import { findProductBySku, findProductNotForSale, listProducts } from "@/lib/catalog/queries";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";

import { solidPng } from "../support/test-pictures";

beforeAll(async () => {
  await seedCatalog(db);
});

describe("catalog queries", () => {
  test("list the active products by name", async () => {
    const products = (await listProducts()).filter((product) => CATALOG.some((listed) => listed.sku === product.sku));
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

// The merchant's changes (lib/admin/catalog.ts) as the shop's queries see them: at once, with no cache in between.
describe("catalog changes show in the shop at once", () => {
  const admin: { actor: AdminActor } = { actor: { accountId: "acct-queries", name: "Dagny Owner", email: null, role: "OWNER" } };

  async function editFields(sku: string) {
    const product = await db.product.findUniqueOrThrow({ where: { sku } });
    return {
      productId: product.id,
      version: editVersion(product),
      name: product.name,
      description: product.description,
      price: priceInputValue(product.priceMinor),
      taxRate: String(product.taxRateBps / 100),
      active: product.active ? "on" : undefined,
    };
  }

  test("a new product, a price, off sale and back, a stock adjustment, then retired", async () => {
    const picture = solidPng(8, 8);
    const created = await createProduct(
      {
        sku: "QUERY-LAMP",
        name: "Query lamp",
        description: "A lamp for the queries' test.",
        price: "99",
        taxRate: "25",
        stock: "3",
        active: "on",
        picture: new File([picture], "lamp.png", { type: "image/png" }),
      },
      admin,
    );
    expect(created.saved).toBe(true);
    expect(await findProductBySku("QUERY-LAMP")).toMatchObject({ name: "Query lamp", priceMinor: 9900, stock: 3, imagePath: expect.stringMatching(/^\/product-images\//) });
    expect((await listProducts()).map((product) => product.sku)).toContain("QUERY-LAMP");

    expect((await updateProduct({ ...(await editFields("QUERY-LAMP")), price: "119,50" }, admin)).saved).toBe(true);
    expect(await findProductBySku("QUERY-LAMP")).toMatchObject({ priceMinor: 11950 });

    expect((await updateProduct({ ...(await editFields("QUERY-LAMP")), active: undefined }, admin)).saved).toBe(true);
    expect(await findProductBySku("QUERY-LAMP")).toBeNull();
    expect((await listProducts()).map((product) => product.sku)).not.toContain("QUERY-LAMP");
    expect(await findProductNotForSale("QUERY-LAMP")).toEqual({ sku: "QUERY-LAMP", name: "Query lamp", retired: false });

    expect((await updateProduct({ ...(await editFields("QUERY-LAMP")), active: "on" }, admin)).saved).toBe(true);
    const { id } = await db.product.findUniqueOrThrow({ where: { sku: "QUERY-LAMP" } });
    expect((await adjustStock({ productId: id, change: "4", reason: "Delivery" }, admin)).saved).toBe(true);
    expect(await findProductBySku("QUERY-LAMP")).toMatchObject({ stock: 7 });
    expect(await findProductNotForSale("QUERY-LAMP")).toBeNull();

    await retireProduct(id, admin);
    expect(await findProductBySku("QUERY-LAMP")).toBeNull();
    expect((await listProducts()).map((product) => product.sku)).not.toContain("QUERY-LAMP");
    expect(await findProductNotForSale("QUERY-LAMP")).toEqual({ sku: "QUERY-LAMP", name: "Query lamp", retired: true });
  });

  test("a retired product stays out of the shop even if its row says on sale (both are checked)", async () => {
    await db.product.update({ where: { sku: "BIRCH-BOARD-L" }, data: { retiredAt: new Date(), active: true } });
    expect(await findProductBySku("BIRCH-BOARD-L")).toBeNull();
    expect((await listProducts()).map((product) => product.sku)).not.toContain("BIRCH-BOARD-L");
    expect(await findProductNotForSale("BIRCH-BOARD-L")).toMatchObject({ retired: true });
  });

  test.each(["NO-SUCH-LAMP", "mug-fjord-35", "' OR 1=1 --"])("a SKU the shop never had (%j) is not 'no longer sold' but not found", async (sku) => {
    expect(await findProductNotForSale(sku)).toBeNull();
  });
});
