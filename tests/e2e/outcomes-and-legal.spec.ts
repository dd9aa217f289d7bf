import type { Page } from "@playwright/test";

import { SANDBOX_DEFAULTS } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { SHOP_NAME } from "@/lib/shop/brand";

import { adminOrderPath, expect, formStatus, signInAsAdmin, submitConfirmed, test } from "./support/admin";
import { contrast, expectNoAxeViolations, receiptOf, shadowColor } from "./support/outcome-pages";
import { openShopDatabase } from "./support/shop-db";
import {
  catalogProduct,
  checkoutFromProductPage,
  chooseInApp,
  giveDeliveryDetails,
  orderStatus,
  payOnOrderPage,
  priceOf,
  scanInApp,
  serviceCode,
} from "./support/shop";

// What the shopper is told after the merchant acted (an order the shop canceled, a refund), the way back to an order
// that can still be paid, the pages every Swedish shop must have, and the focus ring a keyboard user follows. On a
// desktop and on a 390 px phone (and 320 px where said), through the real journey against the sandbox. Lingonberry
// jam is cheap and plentiful, and no spec counts its stock.

test.describe.configure({ timeout: 90_000 });

const JAM = catalogProduct("LINGON-JAM-400");
const kr = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

/** "#1042": the order's short number, as the shopper's pages show it. */
async function orderNumberOf(clientInvoiceId: string): Promise<string> {
  return `#${(await db.order.findUniqueOrThrow({ where: { clientInvoiceId } })).number}`;
}

/** The merchant's "Cancel order" on the admin's order page, in a page of its own. */
async function cancelOrderAsMerchant(page: Page, clientInvoiceId: string): Promise<void> {
  await signInAsAdmin(page);
  await page.goto(adminOrderPath(clientInvoiceId));
  const form = page.getByRole("form", { name: "Cancel order" });
  await submitConfirmed(form, "Cancel order");
  await expect(formStatus(form)).not.toBeEmpty({ timeout: 20_000 });
}

test("the shop cancels an order the shopper had canceled in the app: the page then says the shop canceled it, nothing was charged, and offers no Try again", async ({
  page,
  context,
  request,
}) => {
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: JAM.sku }));
  await payOnOrderPage(page, priceOf(JAM));
  await chooseInApp(page, "Cancel");
  const number = await orderNumberOf(clientInvoiceId);
  const outcome = page.getByRole("main").getByRole("alert");
  // The shopper's own cancel is told as theirs, with the way back to the order.
  await expect(page.getByRole("heading", { level: 1, name: "The payment was canceled" })).toBeVisible();
  await expect(outcome).toContainText(`You canceled the payment in the SEQR app. Nothing was charged, and your order ${number} is kept.`);
  await expect(page.getByRole("link", { name: "Try again" })).toBeVisible();

  const merchant = await context.newPage();
  await cancelOrderAsMerchant(merchant, clientInvoiceId);
  await merchant.close();
  expect(await orderStatus(request, clientInvoiceId)).toBe("CANCELED_BY_MERCHANT");

  // The same Cancel URL, opened again: what the shop did, in the shop's words.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "The shop has canceled this order" })).toBeVisible();
  await expect(outcome).toContainText(`${SHOP_NAME} canceled order ${number}, so it can no longer be paid. Nothing was charged.`);
  await expect(outcome).not.toContainText("You canceled");
  await expect(outcome).not.toContainText("SEQR app");
  await expect(page.getByRole("link", { name: "Try again" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Back to your order" })).toHaveCount(0);
  await expect(outcome.getByRole("link", { name: "Contact us" })).toHaveAttribute("href", "/contact");
  await expect(page.getByRole("link", { name: "Back to the shop" })).toBeVisible();
  await expectNoAxeViolations(page, "the cancel page of an order the shop canceled");
});

test("a payment declined in the browser whose cart placed the order: the failure page leads back to the order's checkout", async ({ page }) => {
  const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku);
  await giveDeliveryDetails(page);
  // The simulated app runs in the same browser: the phone that checked out and then tapped "Open in SEQR".
  await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  await payOnOrderPage(page, priceOf(JAM));
  await chooseInApp(page, "Decline");

  await expect(page.getByRole("heading", { level: 1, name: "The payment did not go through" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(`The payment for order ${await orderNumberOf(clientInvoiceId)} was declined`);
  await expect(page.getByRole("link", { name: "Try again" })).toHaveCount(0);
  const back = page.getByRole("link", { name: "Back to your order" });
  await expect(back).toHaveAttribute("href", `/checkout/${clientInvoiceId}`);
  await expectNoAxeViolations(page, "the failure page");
  await back.click();
  await page.waitForURL((url) => url.pathname === `/checkout/${clientInvoiceId}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});

test("after a refund the receipt lists it: date, amount, what was paid, what was given back and the net", async ({ page, context }) => {
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: JAM.sku }));
  await payOnOrderPage(page, priceOf(JAM));
  await chooseInApp(page, "Pay");
  const number = await orderNumberOf(clientInvoiceId);
  const receipt = receiptOf(page);
  await expect(receipt.getByTestId("order-number")).toHaveText(number);
  await expect(receipt.getByTestId("order-reference")).toHaveText(clientInvoiceId);
  await expect(receipt.getByRole("heading", { name: "Refunds" })).toHaveCount(0);

  // The merchant gives 20,00 kr back.
  const merchant = await context.newPage();
  await signInAsAdmin(merchant);
  await merchant.goto(adminOrderPath(clientInvoiceId));
  const refundForm = merchant.getByRole("region", { name: /^Refund payment \d+$/ }).getByRole("form", { name: "Refund" });
  await refundForm.getByLabel("Amount (SEK)").fill("20,00");
  await submitConfirmed(refundForm, "Refund");
  await expect(formStatus(refundForm)).toHaveText(new RegExp(`^Refunded ${kr(2_000)}\\.`), { timeout: 20_000 });
  await merchant.close();

  // The Success URL, opened again: the receipt now tells the whole story.
  await page.reload();
  await expect(receipt.getByTestId("order-number")).toHaveText(number);
  const refunds = receipt.getByRole("list", { name: "Refunds" }).getByTestId("refund");
  await expect(refunds).toHaveCount(1);
  await expect(refunds.first().getByTestId("refund-amount")).toHaveText(kr(2_000));
  await expect(refunds.first().getByTestId("refund-state")).toHaveText("Refunded");
  await expect(refunds.first().locator("time")).toHaveText(/^\d{1,2} \w+ \d{4} at \d\d:\d\d$/);
  await expect(receipt.getByTestId("sum-paid")).toHaveText(priceOf(JAM));
  await expect(receipt.getByTestId("sum-refunded")).toHaveText(kr(2_000));
  await expect(receipt.getByTestId("sum-being-refunded")).toHaveCount(0);
  await expect(receipt.getByTestId("sum-net")).toHaveText(kr(JAM.priceMinor - 2_000));
  await expectNoAxeViolations(page, "the success page with a refunded receipt");
});

test("the legal pages are linked from every shopper page's footer and filled from the shop's settings", async ({ page }) => {
  const footerLinks = () => page.getByRole("navigation", { name: "Shop information" });
  const companyLine = `${SANDBOX_DEFAULTS.companyName} · Org. no. ${SANDBOX_DEFAULTS.orgNumber}`;

  // The shop's pages and the pages the SEQR app opens carry the same footer.
  for (const path of ["/", `/products/${JAM.sku}`, "/cart", "/cancel"]) {
    await page.goto(path);
    await expect(footerLinks().getByRole("link")).toHaveText(["Contact", "Terms of purchase", "Right of withdrawal", "Privacy and cookies"]);
    await expect(page.getByTestId("company-line")).toHaveText(companyLine);
  }

  await page.goto("/");
  await footerLinks().getByRole("link", { name: "Contact" }).click();
  await page.waitForURL("**/contact");
  await expect(page.getByRole("heading", { level: 1, name: "Contact" })).toBeVisible();
  await expect(page.getByTestId("legal-company")).toHaveText(SANDBOX_DEFAULTS.companyName);
  await expect(page.getByTestId("legal-org-number")).toHaveText(SANDBOX_DEFAULTS.orgNumber);
  await expect(page.getByTestId("legal-address")).toHaveText(SANDBOX_DEFAULTS.shopAddress);
  await expect(page.getByTestId("legal-email")).toHaveAttribute("href", `mailto:${SANDBOX_DEFAULTS.contactEmail}`);
  await expect(page.getByTestId("legal-phone")).toHaveText(SANDBOX_DEFAULTS.contactPhone);
  await expectNoAxeViolations(page, "/contact");

  await footerLinks().getByRole("link", { name: "Terms of purchase" }).click();
  await page.waitForURL("**/terms");
  const main = page.getByRole("main");
  await expect(page.getByRole("heading", { level: 1, name: "Terms of purchase" })).toBeVisible();
  await expect(main).toContainText("Swedish kronor (SEK) and include VAT");
  await expect(main).toContainText("You pay with the SEQR app");
  // SHOP_DELIVERY_TIME, unset in the end-to-end run: its default.
  await expect(page.getByTestId("terms-delivery-time")).toHaveText("2–5 working days");
  await expect(main).toContainText("you may complain for 3 years");
  await expect(main).toContainText("within 14 days of the day you receive the goods");
  await expect(main.getByRole("link", { name: "right of withdrawal" })).toHaveAttribute("href", "/withdrawal");
  await expectNoAxeViolations(page, "/terms");

  await footerLinks().getByRole("link", { name: "Right of withdrawal" }).click();
  await page.waitForURL("**/withdrawal");
  await expect(page.getByRole("heading", { level: 1, name: "Right of withdrawal (ångerrätt)" })).toBeVisible();
  await expect(main).toContainText("within 14 days without giving any reason");
  await expect(main.getByRole("link", { name: SANDBOX_DEFAULTS.contactEmail }).first()).toHaveAttribute("href", `mailto:${SANDBOX_DEFAULTS.contactEmail}`);
  await expect(main).toContainText("You pay the cost of sending them back.");
  await expect(main).toContainText("We pay back everything you paid for the order within 14 days");
  const form = page.getByTestId("model-withdrawal-form");
  await expect(form).toContainText(`To ${SANDBOX_DEFAULTS.companyName}, ${SANDBOX_DEFAULTS.shopAddress}, ${SANDBOX_DEFAULTS.contactEmail}:`);
  await expect(form).toContainText("I/We (*) hereby give notice that I/We (*) withdraw from my/our (*) contract of sale of the following goods");
  await expect(form).toContainText("Ordered on (*)/received on (*)");
  await expectNoAxeViolations(page, "/withdrawal");

  await footerLinks().getByRole("link", { name: "Privacy and cookies" }).click();
  await page.waitForURL("**/privacy");
  await expect(page.getByRole("heading", { level: 1, name: "Privacy and cookies" })).toBeVisible();
  await expect(main).toContainText(`${SANDBOX_DEFAULTS.companyName} is responsible`);
  await expect(main).toContainText("your e-mail address, your name and your postal address");
  await expect(main).toContainText("7 years after the end of the year you bought");
  await expect(page.getByRole("list", { name: "Cookies" }).getByRole("heading")).toHaveText(["cart", "admin_session"]);
  await expect(main).toContainText("no cookie banner");
  await expect(main.getByRole("link", { name: "www.imy.se" })).toHaveAttribute("href", "https://www.imy.se");
  await expectNoAxeViolations(page, "/privacy");
});

test.describe("on a 320 px phone", { tag: "@phone-only" }, () => {
  test.use({ viewport: { width: 320, height: 640 } });

  test("the legal pages and the footer fit: nothing scrolls sideways, and axe finds nothing", async ({ page }) => {
    for (const path of ["/contact", "/terms", "/withdrawal", "/privacy"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} is wider than the screen`).toBeLessThanOrEqual(320);
      await expectNoAxeViolations(page, `${path} at 320 px`);
    }
  });
});

test("the keyboard's focus on a dark primary button shows a 3 px ring, offset, that contrasts with the page and the button", async ({ page }) => {
  await page.goto(`/products/${JAM.sku}`);
  const addToCart = page.getByRole("form", { name: "Add to cart" }).getByRole("button", { name: "Add to cart" });
  await expect(addToCart).toBeVisible();
  // Tab through the page until the keyboard reaches the button, as a keyboard user would.
  for (let presses = 0; presses < 40 && !(await addToCart.evaluate((button) => button === document.activeElement)); presses += 1) {
    await page.keyboard.press("Tab");
  }
  await expect(addToCart).toBeFocused();

  const ring = await addToCart.evaluate((button) => {
    const style = getComputedStyle(button);
    return {
      focusVisible: button.matches(":focus-visible"),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
      outlineOffset: style.outlineOffset,
      outlineColor: style.outlineColor,
      boxShadow: style.boxShadow,
      buttonColor: style.backgroundColor,
      pageColor: getComputedStyle(document.body).backgroundColor,
    };
  });
  expect(ring).toMatchObject({ focusVisible: true, outlineStyle: "solid", outlineWidth: "3px", outlineOffset: "2px" });
  // The button is a dark one, and the ring reads against it (the white gap) and against the page (the outline).
  expect(contrast(ring.buttonColor, ring.pageColor)).toBeGreaterThanOrEqual(3);
  expect(contrast(ring.outlineColor, ring.pageColor)).toBeGreaterThanOrEqual(3);
  expect(contrast(shadowColor(ring.boxShadow), ring.buttonColor)).toBeGreaterThanOrEqual(3);
  expect(contrast(shadowColor(ring.boxShadow), ring.outlineColor)).toBeGreaterThanOrEqual(3);

  // A link gets the same ring.
  const contactLink = page.getByRole("navigation", { name: "Shop information" }).getByRole("link", { name: "Contact" });
  await contactLink.focus();
  await expect(contactLink).toHaveCSS("outline-width", "3px");
  await expect(contactLink).toHaveCSS("outline-style", "solid");
});
