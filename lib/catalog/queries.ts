import { cache } from "react";

import { db } from "../db.ts";
import { skuSchema } from "./product-schema.ts";

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

export async function listProducts() {
  return db.product.findMany({ where: { active: true }, select: productFields, orderBy: { name: "asc" } });
}

/**
 * The active product with this SKU, or null. Anything that is not a well-formed SKU (a typo, a probe, a
 * percent-encoded oddity from the URL) is simply not found. Cached per request: metadata and page share it.
 */
export const findProductBySku = cache(async (sku: string) => {
  const parsed = skuSchema.safeParse(sku);
  if (!parsed.success) return null;
  return db.product.findFirst({ where: { sku: parsed.data, active: true }, select: productFields });
});
