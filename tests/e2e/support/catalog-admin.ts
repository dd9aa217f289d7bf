import { randomBytes } from "node:crypto";

import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

// The merchant's catalog pages as catalog-admin.spec.ts drives them: a product of the test's own (a SKU no other
// spec knows, so that no other spec's counts or stock change), the product form, the shop's view of it.

export type NewProduct = { sku: string; name: string; description: string; price: string; stock: number };

/** A product only this test (in this project) touches. */
export function ownProduct(testInfo: Pick<TestInfo, "project">): NewProduct {
  const id = randomBytes(3).toString("hex").toUpperCase();
  return {
    sku: `E2E-${testInfo.project.name.toUpperCase()}-${id}`,
    name: `Brass reading lamp ${id}`,
    description: "A small brass lamp for the bedside table, with a linen shade.",
    price: "149,00",
    stock: 12,
  };
}

export function productForm(page: Page, name: "New product" | "Edit product" = "New product"): Locator {
  return page.getByRole("form", { name });
}

/** Fills the New product form (VAT 25 %, on sale) and picks the picture. */
export async function fillNewProduct(page: Page, product: NewProduct, picture: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const form = productForm(page);
  await form.getByLabel("SKU (article number)").fill(product.sku);
  await form.getByLabel("Name", { exact: true }).fill(product.name);
  await form.getByLabel("Description").fill(product.description);
  await form.getByLabel("Price (kr, VAT included)").fill(product.price);
  await form.getByLabel("VAT", { exact: true }).selectOption("25");
  await form.getByLabel("Stock", { exact: true }).fill(String(product.stock));
  await form.getByLabel("Picture", { exact: true }).setInputFiles(picture);
  await expect(form.getByLabel("On sale in the shop")).toBeChecked();
}

/** The product's card on the shop's home page. */
export function shopCard(page: Page, name: string): Locator {
  return page
    .getByRole("list", { name: "Products" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name, exact: true }) });
}

/** The picture has loaded (a broken one has no natural width). */
export async function expectPictureLoaded(picture: Locator): Promise<void> {
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
}

/** Nothing on the page is wider than the window: no sideways scrolling on a phone. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

/** axe-core finds no WCAG 2.2 A/AA violation on the page's main content. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).include("main").withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);
}
