import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import jsQR from "jsqr";

import { CATALOG } from "@/lib/catalog/catalog-data";
import { SANDBOX_DEFAULTS } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { serviceQrText } from "@/lib/seqr/links";

// A shopper's steps through the shop and the simulated SEQR app, as the journey and fault specs take them.
// Every step waits for what the shopper would see before the next one.

export type CatalogProduct = (typeof CATALOG)[number];

export function catalogProduct(sku: string): CatalogProduct {
  const product = CATALOG.find((candidate) => candidate.sku === sku);
  if (!product) throw new Error(`the catalog has no ${sku}`);
  return product;
}

/** A price as the shop prints it, e.g. "138,00 kr" for two jars of jam. */
export function priceOf(product: CatalogProduct, quantity = 1): string {
  return formatMoney({ amountMinor: product.priceMinor * quantity, currency: product.currency });
}

/** `HTTP://SEQR.SE/000/SEQRSHOP?order=…` or `?product=…`: the shop's External Service code. */
export function serviceCode(parameters: { order: string } | { product: string }): string {
  return serviceQrText(SANDBOX_DEFAULTS.serviceId, parameters);
}

/** What the shop's "Open in SEQR" links do in sandbox mode: hand a SEQR code to the simulated app. */
export function appLink(seqrCode: string): string {
  return `/sandbox/app?url=${encodeURIComponent(seqrCode)}`;
}

/**
 * Product page → "Add to cart" (waits for its confirmation) → "View cart". The cart keeps its lines until an order
 * of them is paid: a second add in the same browser adds to what is there.
 */
export async function addToCartFromProductPage(page: Page, sku: string, quantity = 1): Promise<void> {
  const product = catalogProduct(sku);
  await page.goto(`/products/${sku}`);
  const addToCart = page.getByRole("form", { name: "Add to cart" });
  await addToCart.getByLabel("Quantity").fill(String(quantity));
  await addToCart.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("heading", { name: `Added ${quantity} × ${product.name} to your cart` })).toBeVisible();
}

/**
 * Product page → "Add to cart" → the header's cart link → "Checkout". Ends on the new order's checkout page and
 * returns its order id (clientInvoiceId).
 */
export async function checkoutFromProductPage(page: Page, sku: string, quantity = 1): Promise<string> {
  const product = catalogProduct(sku);
  await addToCartFromProductPage(page, sku, quantity);

  await page.getByRole("link", { name: /^Cart, \d+ items?$/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Cart" })).toContainText(product.name);
  await page.getByRole("button", { name: "Checkout" }).click();

  await page.waitForURL(/\/checkout\/[\w-]+$/);
  await expect(page.getByRole("heading", { level: 1, name: "Pay with SEQR" })).toBeVisible();
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
}

/** Delivery details as a shopper types them into the form (Country: the option's value). */
export type DeliveryDetails = { email: string; name: string; street: string; postcode: string; city: string; country?: string };

export const ASTRIDS_DETAILS: DeliveryDetails = {
  email: "astrid@example.se",
  name: "Astrid Andersson",
  street: "Storgatan 12",
  postcode: "123 45",
  city: "Ystad",
  country: "SE",
};

/** The delivery details form on the checkout or the order page. */
export function deliveryForm(page: Page): Locator {
  return page.getByRole("form", { name: "Delivery details" });
}

/** Types the details into the form's fields (without sending it). */
export async function fillDeliveryForm(form: Locator, details: Partial<DeliveryDetails>): Promise<void> {
  if (details.email !== undefined) await form.getByLabel("E-mail address").fill(details.email);
  if (details.name !== undefined) await form.getByLabel("Name").fill(details.name);
  if (details.street !== undefined) await form.getByLabel("Street address").fill(details.street);
  if (details.postcode !== undefined) await form.getByLabel("Postcode").fill(details.postcode);
  if (details.city !== undefined) await form.getByLabel("Town or city").fill(details.city);
  if (details.country !== undefined) await form.getByLabel("Country").selectOption(details.country);
}

/**
 * The checkout's delivery details, given before the SEQR code shows (Pay refuses an order without them): fills the
 * form, sends it, and waits for the code.
 */
export async function giveDeliveryDetails(page: Page, details: DeliveryDetails = ASTRIDS_DETAILS): Promise<void> {
  const form = deliveryForm(page);
  await fillDeliveryForm(form, details);
  await form.getByRole("button", { name: "Continue to payment" }).click();
  await expect(form).toBeHidden();
  await expect(page.getByTestId("seqr-qr")).toBeVisible();
}

/**
 * The simulated app scans a SEQR service code and opens the shop's order page (`/order#TOKEN`); waits until the
 * page shows the order and returns the TOKEN and the order number it shows. An order started from a product's own
 * code asks for the delivery details first: they are given (unless `deliveryDetails: false`), so that Pay shows.
 */
export async function scanInApp(
  page: Page,
  seqrCode: string,
  options: { deliveryDetails?: DeliveryDetails | false } = {},
): Promise<{ token: string; clientInvoiceId: string }> {
  await page.goto(appLink(seqrCode));
  await page.waitForURL(/\/order#\d{10}-\d{8}$/);
  const token = new URL(page.url()).hash.slice(1);
  await expect(page.getByRole("heading", { level: 1, name: "Pay with SEQR" })).toBeVisible();
  const orderLine = (await page.getByText(/^Order [\w-]+$/).textContent()) ?? "";
  const form = deliveryForm(page);
  if (options.deliveryDetails !== false && (await form.isVisible())) {
    await fillDeliveryForm(form, options.deliveryDetails ?? ASTRIDS_DETAILS);
    await form.getByRole("button", { name: "Continue to payment" }).click();
    await expect(form).toBeHidden();
    await expect(page.getByRole("button", { name: /^Pay / })).toBeVisible();
  }
  return { token, clientInvoiceId: orderLine.replace(/^Order /, "") };
}

/** "Pay <amount>" on the order page: the shop sends an invoice and the app opens it. Returns its reference. */
export async function payOnOrderPage(page: Page, total?: string): Promise<string> {
  await page.getByRole("button", { name: total ? `Pay ${total}` : /^Pay / }).click();
  await page.waitForURL(/\/sandbox\/app\/invoices\/\d+$/);
  await expect(page.getByTestId("invoice-status")).toHaveText("ISSUED");
  return new URL(page.url()).pathname.split("/").pop() ?? "";
}

/** The subscriber's choice on the invoice in the app; waits for the shop's page the app opens next. */
export async function chooseInApp(page: Page, choice: "Pay" | "Decline" | "Cancel"): Promise<void> {
  const choices = page.getByRole("form", { name: "Pay this invoice" });
  await choices.getByRole("button", { name: choice === "Pay" ? /^Pay / : choice, exact: choice !== "Pay" }).click();
  const next = { Pay: "/success", Decline: "/failure", Cancel: "/cancel" }[choice];
  await page.waitForURL((url) => url.pathname === next);
}

/** The receipt on the success page or the paid checkout page. */
export async function expectReceipt(page: Page, order: { clientInvoiceId: string; total: string }): Promise<void> {
  const receipt = page.getByRole("region", { name: "Receipt" });
  // The short number people read out (#1042), and the order's id that URLs and SEQR use.
  await expect(receipt.getByTestId("order-number")).toHaveText(/^#\d+$/);
  await expect(receipt.getByTestId("order-reference")).toHaveText(order.clientInvoiceId);
  await expect(receipt.getByTestId("amount-paid")).toHaveText(order.total);
  // SEQR's payment reference (ersReference): 25 digits.
  await expect(receipt.getByTestId("payment-reference")).toHaveText(/^\d{25}$/);
}

/**
 * Request options for calls from the test itself: a fresh connection each time. Reusing a kept-alive socket the
 * server is just closing fails now and then with ECONNRESET, which says nothing about the shop.
 */
export const FRESH_CONNECTION = { headers: { connection: "close" } } as const;

/** GET /api/orders/<id>/status: what the checkout page's poller sees. */
export async function orderStatus(request: APIRequestContext, clientInvoiceId: string): Promise<string> {
  const response = await request.get(`/api/orders/${encodeURIComponent(clientInvoiceId)}/status`, FRESH_CONNECTION);
  expect(response.status(), `status of order ${clientInvoiceId}`).toBe(200);
  return ((await response.json()) as { status: string }).status;
}

/**
 * Reads a QR code the way a phone camera would: from the pixels on screen. The element's screenshot (a PNG) is
 * turned into RGBA pixels by the browser's own image decoder, and jsQR decodes them.
 */
export async function decodeQrCode(code: Locator): Promise<string | null> {
  const png = await code.screenshot();
  const image = await code.page().evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2d canvas");
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data: Array.from(data), width, height };
  }, png.toString("base64"));
  return jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data ?? null;
}

/**
 * The stock note of a product's page as a server sends it ("12 in stock", "Only 3 left", "Sold out"), read from the
 * HTML without a browser: a look that fills or reads the server's catalog cache and nothing else.
 */
export async function productStockNote(request: APIRequestContext, productUrl: string): Promise<string> {
  const response = await request.get(productUrl, FRESH_CONNECTION);
  expect(response.status(), productUrl).toBe(200);
  // React separates a text's parts with <!-- --> in server-rendered HTML ("Only <!-- -->3<!-- --> left").
  const note = /<span class="stock[^"]*">(.*?)<\/span>/.exec(await response.text());
  if (!note) throw new Error(`${productUrl} has no stock note`);
  return (note[1] ?? "").replaceAll("<!-- -->", "");
}

type StockNoteLook = { startedAt: number; note: string };

/** Timers and the processes' clocks (one machine) agree to within this. */
const CLOCK_SLACK_MS = 100;

/**
 * A server's catalog cache keeps its bound: once a cache entry filled before `cachedAt` has ended (it lives
 * `cacheSeconds`), the product page shows `expected`. Looks at the page every 100 ms until it does (the bound and
 * 10 s at most), and fails on any look that started after the entry's end and still showed something else, however
 * long the server then took to answer.
 */
export async function expectStockNoteWithinCacheBound(
  request: APIRequestContext,
  productUrl: string,
  expected: string,
  entry: { cachedAt: number; cacheSeconds: number },
): Promise<void> {
  const looks: StockNoteLook[] = [];
  const until = Date.now() + entry.cacheSeconds * 1000 + 10_000;
  while (looks.at(-1)?.note !== expected) {
    if (Date.now() >= until) {
      throw new Error(`${productUrl} did not show "${expected}" in time: ${looks.map((look) => look.note).join(", ")}`);
    }
    if (looks.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const startedAt = Date.now();
    looks.push({ startedAt, note: await productStockNote(request, productUrl) });
  }
  const entryEnd = entry.cachedAt + entry.cacheSeconds * 1000;
  expect(looks.filter((look) => look.note !== expected && look.startedAt > entryEnd + CLOCK_SLACK_MS)).toEqual([]);
}
