import { devices, type Browser, type BrowserContextOptions, type Page, type TestInfo } from "@playwright/test";

import { adminAddress, expect, test } from "./support/admin";
import { refundAsMerchant } from "./support/merchant";
import { addToCartFromProductPage, catalogProduct, checkoutFromProductPage, chooseInApp, giveDeliveryDetails, payOnOrderPage, priceOf, scanInApp, serviceCode } from "./support/shop";

// The README's pictures, taken from the real journey: the checkout on a desktop and on a 390 px phone, and the receipt
// after a refund. Only when asked, so that no ordinary run rewrites files:
//
//   UPDATE_DOCS_IMAGES=1 npx playwright test tests/e2e/readme-screenshots.spec.ts --project desktop
//
// Each picture is the same every time: fixed products and viewports at 1 device pixel per CSS pixel, no animation or
// caret, and what differs from run to run (the order's number and id, the payment reference, clock times, the end-to-end
// server's 45 s payment window) written over with fixed sample values first. The one exception is the SEQR code on the
// checkout, which is the order's own, with its text printed under it.

test.skip(process.env.UPDATE_DOCS_IMAGES !== "1", "writes docs/images/*.png only with UPDATE_DOCS_IMAGES=1");
test.describe.configure({ timeout: 120_000 });

const HORSE = catalogProduct("DALA-HORSE-RED");
const JAM = catalogProduct("LINGON-JAM-400");

const DESKTOP: BrowserContextOptions = { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const PHONE: BrowserContextOptions = { ...devices["Pixel 7"], viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 };

/** Sample values for what changes from order to order (the e-mail sample's, tests/e2e/support/confirmation-email-screenshot.ts). */
const SAMPLE = {
  orderNumber: "#1042",
  orderReference: "pxThLQMMdLkIn2ut-ehYOQ",
  paymentReference: "4815162342108000123456789",
  paidAt: "1 December 2026 at 10:41",
  refundedAt: "1 December 2026 at 11:05",
  // INVOICE_TIMEOUT_MS's default (the README's settings), where the end-to-end server runs with 45 s.
  paymentWindow: "10 minutes",
};

async function openPage(browser: Browser, testInfo: TestInfo, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext({ ...options, extraHTTPHeaders: { "x-forwarded-for": adminAddress(testInfo) } });
  return context.newPage();
}

/** Sets the text of every element matching `selector` (within the page's main content) to `text`. */
async function writeOver(page: Page, selector: string, text: string | ((current: string) => string)): Promise<void> {
  const elements = page.getByRole("main").locator(selector);
  await expect(elements.first()).toBeVisible();
  for (const element of await elements.all()) {
    const current = (await element.textContent()) ?? "";
    await element.evaluate((node, value) => (node.textContent = value), typeof text === "string" ? text : text(current));
  }
}

async function checkoutOf(page: Page): Promise<void> {
  await addToCartFromProductPage(page, HORSE.sku, 1);
  await checkoutFromProductPage(page, JAM.sku, 2);
  await giveDeliveryDetails(page);
  await expect(page.getByTestId("payment-deadline")).toContainText("Once you press Pay in the SEQR app");
  await writeOver(page, '[data-testid="checkout-order-number"]', SAMPLE.orderNumber);
  await writeOver(page, '[data-testid="payment-deadline"] p:first-child', (text) => text.replace(/\d+ seconds?/, SAMPLE.paymentWindow));
}

test("the checkout on a desktop @desktop-only", async ({ browser }, testInfo) => {
  const page = await openPage(browser, testInfo, DESKTOP);
  await checkoutOf(page);
  await page.screenshot({ path: "docs/images/checkout-desktop.png", fullPage: true, animations: "disabled", caret: "hide" });
  await page.context().close();
});

test("the checkout on a 390 px phone @desktop-only", async ({ browser }, testInfo) => {
  const page = await openPage(browser, testInfo, PHONE);
  await checkoutOf(page);
  // The top of the page, as the phone shows it first: what to tap and for how much, the button, then the code for
  // another phone.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: "docs/images/checkout-phone.png", animations: "disabled", caret: "hide" });
  await page.context().close();
});

test("the receipt after a refund @desktop-only", async ({ browser }, testInfo) => {
  const page = await openPage(browser, testInfo, DESKTOP);
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: JAM.sku }));
  await payOnOrderPage(page, priceOf(JAM));
  await chooseInApp(page, "Pay");
  const merchant = await page.context().newPage();
  await refundAsMerchant(merchant, clientInvoiceId, 2_000);
  await merchant.close();

  // Once the confirmation e-mail and the SEQR receipt have gone out (the server's outbox), so that the page says
  // "sent" every time.
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(async () => {
    await page.reload();
    await expect(receipt.getByTestId("refund")).toHaveCount(1);
    await expect(page.getByTestId("confirmation-message")).toContainText("has been sent to", { timeout: 1_000 });
    await expect(page.getByTestId("seqr-receipt-message")).toHaveText("Your receipt is in the SEQR app.", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await writeOver(page, '[data-testid="order-number"]', SAMPLE.orderNumber);
  await writeOver(page, '[data-testid="order-reference"]', SAMPLE.orderReference);
  await writeOver(page, '[data-testid="payment-reference"]', SAMPLE.paymentReference);
  await writeOver(page, ".receipt > .facts time", SAMPLE.paidAt);
  await writeOver(page, '[data-testid="refund"] time', SAMPLE.refundedAt);
  await page.getByRole("main").screenshot({ path: "docs/images/receipt-after-refund.png", animations: "disabled", caret: "hide" });
  await page.context().close();
});
