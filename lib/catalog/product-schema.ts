import { z } from "zod";

import { currencyCode, minorUnits } from "../money.ts";

/** The shop sells in Swedish kronor (SEQR is Swedish); a product the merchant adds is priced in it. */
export const SHOP_CURRENCY = "SEK";

export const skuSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/, "must be 1-40 capital letters, digits or '-'");

/** A product as the catalog defines it, before it is in the database. */
export const catalogProductSchema = z.object({
  sku: skuSchema,
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().min(1).max(2000),
  imagePath: z.string().regex(/^\/products\/[a-z0-9-]+\.(svg|png|jpg|webp)$/, "must be a file under /products/"),
  priceMinor: minorUnits.positive(),
  currency: currencyCode,
  taxRateBps: z.number().int().min(0).max(10_000),
  stock: z.number().int().nonnegative(),
});

export type CatalogProduct = z.infer<typeof catalogProductSchema>;
