"use server";

import { revalidatePath } from "next/cache";

import {
  adjustStock,
  adjustStockInput,
  createProduct,
  productFormInput,
  retireInput,
  retireProduct,
  setStock,
  setStockInput,
  updateProduct,
  type CatalogFormOutcome,
} from "@/lib/admin/catalog";
import { adminAction } from "@/lib/admin/guard";
import { catalogChanged } from "@/lib/catalog/cached";

// The merchant's catalog forms. Each is built with adminAction (origin and session first, then the form's shape);
// lib/admin/catalog.ts checks every field, records who changed what, and keeps stock changes from losing others'.
// A saved change ends the shop's catalog cache in this process (catalogChanged: the merchant sees it on the shop's
// next page; other app servers within CATALOG_CACHE_SECONDS, lib/catalog/cached.ts); the admin's own pages are
// revalidated so that the form's page shows the new values.

function refresh(outcome: CatalogFormOutcome): CatalogFormOutcome {
  if (outcome.saved) {
    catalogChanged();
    revalidatePath("/admin/products");
    revalidatePath(`/admin/products/${outcome.sku}`);
  }
  return outcome;
}

export const createProductAction = adminAction(productFormInput, async (input, admin) => refresh(await createProduct(input, admin)));

export const updateProductAction = adminAction(productFormInput, async (input, admin) => refresh(await updateProduct(input, admin)));

export const setStockAction = adminAction(setStockInput, async (input, admin) => refresh(await setStock(input, admin)));

export const adjustStockAction = adminAction(adjustStockInput, async (input, admin) => refresh(await adjustStock(input, admin)));

/** Retire: never delete. A product with orders keeps its row; none is deleted, so that no SKU is ever reused. */
export const retireProductAction = adminAction(retireInput, async ({ productId }, admin) => {
  const outcome = await retireProduct(productId, admin);
  catalogChanged();
  revalidatePath("/admin/products");
  revalidatePath("/admin/products/[sku]", "page");
  return outcome;
});
