import type { PrismaClient } from "../generated/prisma/client.ts";
import { CATALOG } from "./catalog-data.ts";
import { catalogProductSchema, type CatalogProduct } from "./product-schema.ts";

/**
 * Creates the catalog's products that are missing. Products already in the database are left exactly as they
 * are (the merchant may have changed their stock or price), so running the seed again is always safe.
 */
export async function seedCatalog(
  db: PrismaClient,
  catalog: readonly CatalogProduct[] = CATALOG,
): Promise<{ created: string[]; kept: string[] }> {
  const products = catalog.map((product) => catalogProductSchema.parse(product));
  const present = await db.product.findMany({
    where: { sku: { in: products.map((product) => product.sku) } },
    select: { sku: true },
  });
  const kept = new Set(present.map((product) => product.sku));
  const created: string[] = [];
  for (const product of products) {
    if (kept.has(product.sku)) continue;
    // upsert, not create: a seed running at the same moment elsewhere must not make this one fail.
    await db.product.upsert({ where: { sku: product.sku }, create: product, update: {} });
    created.push(product.sku);
  }
  return { created, kept: [...kept] };
}
