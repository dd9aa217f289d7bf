import { expect, test } from "@playwright/test";

import { CATALOG } from "../../lib/catalog/catalog-data";
import { formatMoney } from "../../lib/money";

import { E2E_ON_POSTGRESQL } from "./support/e2e-database";

// Prices as the shop prints them, e.g. "349,00 kr"; tests/unit/money.test.ts pins the format itself.
const priceText = (product: { priceMinor: number; currency: string }) =>
  formatMoney({ amountMinor: product.priceMinor, currency: product.currency });

/** The demo catalog's names, exactly: catalog-admin.spec.ts adds (and retires) products of its own meanwhile. */
const CATALOG_NAME = new RegExp(`^(?:${CATALOG.map((product) => product.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`);

test("the home page lists every product of the catalog with its price", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Our products" })).toBeVisible();
  const cards = page.getByRole("list", { name: "Products" }).getByRole("listitem");
  await expect(cards.filter({ has: page.getByRole("heading", { name: CATALOG_NAME }) })).toHaveCount(CATALOG.length);
  for (const product of CATALOG) {
    const card = cards.filter({ has: page.getByRole("heading", { name: product.name, exact: true }) });
    await expect(card).toContainText(priceText(product));
  }
});

test("the product list needs no JavaScript to be seen", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");
  const cards = page.getByRole("list", { name: "Products" }).getByRole("listitem");
  await expect(cards.filter({ has: page.getByRole("heading", { name: CATALOG_NAME }) })).toHaveCount(CATALOG.length);
  await context.close();
});

test("a product page opens from the home page with price, stock and picture", async ({ page }) => {
  const mug = CATALOG.find((product) => product.sku === "MUG-FJORD-35");
  if (!mug) throw new Error("the catalog has no MUG-FJORD-35");

  await page.goto("/");
  await page.getByRole("link", { name: new RegExp(mug.name) }).click();

  await expect(page).toHaveURL(/\/products\/MUG-FJORD-35$/);
  await expect(page).toHaveTitle(new RegExp(mug.name));
  await expect(page.getByRole("heading", { level: 1, name: mug.name })).toBeVisible();
  await expect(page.getByText(priceText(mug))).toBeVisible();
  await expect(page.getByText(`${mug.stock} in stock`)).toBeVisible();
  await expect(page.getByText(mug.sku, { exact: true })).toBeVisible();

  const picture = page.getByRole("img", { name: mug.name });
  await expect(picture).toBeVisible();
  expect(await picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  await page.getByRole("link", { name: "← All products" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("an unknown product answers 404 with a way back to the shop", async ({ page }) => {
  const response = await page.goto("/products/NO-SUCH-THING");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the shop" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Our products" })).toBeVisible();
});

test("health reports the database as ok", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const provider = E2E_ON_POSTGRESQL ? "postgresql" : "sqlite";
  expect(await response.json()).toEqual({ status: "ok", provider, database: "ok" });
});
