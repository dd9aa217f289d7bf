import { expect, type Page } from "@playwright/test";

import type { PrismaClient } from "@/lib/db";
import { formatMoney } from "@/lib/money";

import { plantProduct, type PlantedProduct } from "./shop-db";
import { chooseInApp, expectReceipt, giveDeliveryDetails, payOnOrderPage, scanInApp, serviceCode } from "./shop";

// Refund specs count stock on the shop's own product page, so each test buys a product of its own that no other
// spec (nor the same spec in the other project) buys or counts: planted here, on sale like any other.

/** A product on sale with `stock` units, an awkward price (whole öre) and a name and SKU no other test uses. */
export function plantRefundProduct(db: PrismaClient, label: string, stock = 20): Promise<PlantedProduct> {
  return plantProduct(db, {
    skuPrefix: "REFUND",
    name: `Refund test ${label}`,
    description: "A product of the refund specs: only they buy it.",
    priceMinor: 12_345,
    stock,
  });
}

/** The stock the shop's product page shows: "12 in stock", "Only 3 left" or "Sold out". */
export async function shopStock(page: Page, sku: string): Promise<number> {
  await page.goto(`/products/${sku}`);
  const note = page.getByText(/^(\d+ in stock|Only \d+ left|Sold out)$/).first();
  await expect(note).toBeVisible();
  const text = (await note.textContent()) ?? "";
  if (text === "Sold out") return 0;
  return Number(/\d+/.exec(text)?.[0]);
}

export type BoughtOrder = { clientInvoiceId: string; invoiceReference: string; totalMinor: number };

/**
 * `quantity` × the planted product through the shop as a shopper buys: product page → Add to cart → the cart →
 * Checkout → delivery details → the checkout's code scanned in the simulated app → Pay → Pay. Paid as the app's
 * signed-in subscriber (Astrid unless switched).
 */
export async function buyPlanted(page: Page, product: PlantedProduct, quantity: number): Promise<BoughtOrder> {
  const totalMinor = product.priceMinor * quantity;
  const total = formatMoney({ amountMinor: totalMinor, currency: "SEK" });
  await page.goto(`/products/${product.sku}`);
  const addToCart = page.getByRole("form", { name: "Add to cart" });
  await addToCart.getByLabel("Quantity").fill(String(quantity));
  await addToCart.getByRole("button", { name: "Add to cart" }).click();
  // The confirmation names the product (its wording is the cart's to choose).
  await expect(page.getByText(new RegExp(`Added.*${quantity} × ${product.name}`)).first()).toBeVisible();

  await page.goto("/cart");
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  await page.getByRole("button", { name: "Checkout" }).click();
  await page.waitForURL(/\/checkout\/[\w-]+$/);
  const clientInvoiceId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  await giveDeliveryDetails(page);

  const session = await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  expect(session.clientInvoiceId).toBe(clientInvoiceId);
  const invoiceReference = await payOnOrderPage(page, total);
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total });
  return { clientInvoiceId, invoiceReference, totalMinor };
}
