import { cacheLife, cacheTag, revalidateTag } from "next/cache";

import { env } from "../env.ts";
import { skuSchema } from "./product-schema.ts";
import { findProductBySku, findProductNotForSale, listProducts } from "./queries.ts";

// The catalog as the shop's pages show it (the home page, a product page), served from Next.js's `'use cache'`
// store instead of the database on every request (issue 18). What bounds how old it can be:
//
// - Each server process keeps its own entries, in memory (Next's default cache handler), for at most
//   CATALOG_CACHE_SECONDS (the setting, 2 s unless set): the cacheLife's `revalidate`, which that handler treats as
//   the entry's end in production (it serves nothing older: next/dist/server/lib/cache-handlers/default.js). With
//   several app servers, a change made through one shows on the others within that time.
// - The Server Actions that change products or give stock back (the admin's catalog forms, refunds, Cancel invoice,
//   Cancel order and Refresh, the shopper's Change order) call catalogChanged(): the process that made the change
//   drops the tag's entries at once, so the person who made it sees it on their next page.
// - Stock that changes outside those (held when the app pays, given back when the reconciler or a notification ends
//   an order) shows within CATALOG_CACHE_SECONDS.
//
// Only what is shown is cached. Adding to the cart, the cart, checkout and every stock reservation read the
// database itself (lib/catalog/queries.ts, lib/orders/stock-reservation.ts), so a stale page can never sell what is
// not there: the conditional update on Product.stock decides.

export const CATALOG_TAG = "catalog";

/**
 * How long an entry lives: `revalidate` is CATALOG_CACHE_SECONDS (the setting, 2 s unless set); `expire` must exceed
 * it; `stale` 0: nothing for the browser's router to keep (the pages that show it are rendered per request).
 */
function catalogLife() {
  const seconds = env.catalogCacheSeconds;
  return { stale: 0, revalidate: seconds, expire: seconds + 1 };
}

export async function cachedProducts() {
  "use cache";
  cacheTag(CATALOG_TAG);
  cacheLife(catalogLife());
  return listProducts();
}

/**
 * The product page's product: for sale, not sold (retired or off sale, for the page to say so), or null. Only a
 * well-formed SKU gets an entry of its own (anything else is not found without a cache entry), and the store is an
 * LRU of bounded size (Next's cacheMaxMemorySize), so probing URLs cannot grow it without end.
 */
export async function cachedProductPage(sku: string) {
  if (!skuSchema.safeParse(sku).success) return null;
  return productPage(sku);
}

async function productPage(sku: string) {
  "use cache";
  cacheTag(CATALOG_TAG);
  cacheLife(catalogLife());
  const forSale = await findProductBySku(sku);
  if (forSale) return { forSale, notForSale: null };
  const notForSale = await findProductNotForSale(sku);
  return notForSale ? { forSale: null, notForSale } : null;
}

/**
 * After a Server Action changed products or stock: this process's catalog entries end now (the next page waits for
 * the database), and a page the action re-renders shows the change. `expire: 0` is updateTag's immediate end, which
 * updateTag itself would give only in Server Actions; this works in Route Handlers too.
 */
export function catalogChanged(): void {
  revalidateTag(CATALOG_TAG, { expire: 0 });
}
