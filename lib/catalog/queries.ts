import { cache } from "react";

import { db } from "../db.ts";
import { skuSchema } from "./product-schema.ts";

// The shop's view of the catalog. Every query reads the database as it is now: the cart, checkout and Add to cart
// use them so; the home page and product pages use them through the catalog cache (cached.ts), at most
// CATALOG_CACHE_SECONDS old. What the shop sells: on sale (Product.active) and not retired. Retiring also switches
// `active` off (lib/admin/catalog.ts); both are checked, so that neither alone can put a retired product back in the
// shop.

const productFields = {
  id: true,
  sku: true,
  name: true,
  description: true,
  imagePath: true,
  priceMinor: true,
  currency: true,
  taxRateBps: true,
  stock: true,
} as const;

const forSale = { active: true, retiredAt: null } as const;

export async function listProducts() {
  return db.product.findMany({ where: forSale, select: productFields, orderBy: { name: "asc" } });
}

/**
 * The product for sale with this SKU, or null. Anything that is not a well-formed SKU (a typo, a probe, a
 * percent-encoded oddity from the URL) is simply not found. Cached per request: metadata and page share it.
 */
export const findProductBySku = cache(async (sku: string) => {
  const parsed = skuSchema.safeParse(sku);
  if (!parsed.success) return null;
  return db.product.findFirst({ where: { sku: parsed.data, ...forSale }, select: productFields });
});

/**
 * A product the shop knows but does not sell (retired for good, or off sale for a while), for its page to say so
 * instead of "not found"; null for a SKU the shop never had, or one it sells.
 */
export const findProductNotForSale = cache(async (sku: string): Promise<{ sku: string; name: string; retired: boolean } | null> => {
  const parsed = skuSchema.safeParse(sku);
  if (!parsed.success) return null;
  const product = await db.product.findUnique({ where: { sku: parsed.data }, select: { sku: true, name: true, active: true, retiredAt: true } });
  if (!product || (product.active && product.retiredAt === null)) return null;
  return { sku: product.sku, name: product.name, retired: product.retiredAt !== null };
});
