import type { Page } from "@playwright/test";

import { axeViolations, expectAccessible, sidewaysScroll } from "./support/accessibility";
import { expect, test } from "./support/admin";
import { cancelOrderAsMerchant, refundAsMerchant } from "./support/merchant";
import { openShopDatabase } from "./support/shop-db";
import {
  addToCartFromProductPage,
  appLink,
  catalogProduct,
  checkoutFromProductPage,
  chooseInApp,
  deliveryForm,
  giveDeliveryDetails,
  payOnOrderPage,
  priceOf,
  scanInApp,
  serviceCode,
} from "./support/shop";

// Every shopper page in every state the journey reaches, checked with axe-core for WCAG 2.2 A/AA (and axe's best
// practices: landmarks, heading order) and for sideways scrolling: on a desktop, on a 390 px phone, and (on the phone
// project) narrowed to 320 px as well (support/accessibility.ts). Each test collects every page's findings and fails
// at its end, naming each violation's rule, what it asks and the elements it found.
//
// Only jam, socks and coffee are bought (cheap, plenty in stock, and no spec counts their stock).

test.describe.configure({ timeout: 120_000 });

const JAM = catalogProduct("LINGON-JAM-400");
const SOCKS = catalogProduct("WOOL-SOCKS-GREY");
const COFFEE = catalogProduct("KOKKAFFE-500");

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

async function heading(page: Page, name: string | RegExp): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible({ timeout: 20_000 });
}

test("the catalog, the legal pages, the order page opened without an order, and the 404 pages", async ({ page }) => {
  await page.goto("/");
  await heading(page, "Our products");
  await expectAccessible(page, "the home page");

  await page.goto(`/products/${JAM.sku}`);
  await heading(page, JAM.name);
  await expectAccessible(page, "a product page");

  for (const [path, title] of [
    ["/contact", "Contact"],
    ["/terms", "Terms of purchase"],
    ["/withdrawal", /^Right of withdrawal/],
    ["/privacy", "Privacy and cookies"],
  ] as const) {
    await page.goto(path);
    await heading(page, title);
    await expectAccessible(page, path);
  }

  await page.goto("/order");
  await expect(page.getByRole("heading", { name: "We could not open this order" })).toBeVisible();
  await expectAccessible(page, "the order page without an order");

  for (const path of ["/no-such-page", "/products/NO-SUCH-PRODUCT"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await heading(page, "We couldn't find that page");
    await expectAccessible(page, `the 404 page (${path})`);
  }
});

test("the cart: empty, the product page with Add to cart's confirmation, full", async ({ page }) => {
  await page.goto("/cart");
  await expect(page.getByText("Your cart is empty.")).toBeVisible();
  await expectAccessible(page, "the empty cart");

  await addToCartFromProductPage(page, JAM.sku, 2);
  await expect(page.getByRole("link", { name: "View cart" })).toBeVisible();
  await expectAccessible(page, "the product page after Add to cart");

  await addToCartFromProductPage(page, SOCKS.sku, 1);
  await page.getByRole("link", { name: "View cart" }).click();
  await heading(page, "Your cart");
  await expect(page.getByRole("list", { name: "Cart" }).getByRole("listitem")).toHaveCount(2);
  await expectAccessible(page, "the full cart");

  // A quantity the stock cannot cover: the line says so.
  const socks = page.getByRole("list", { name: "Cart" }).getByRole("listitem").filter({ hasText: SOCKS.name });
  await socks.getByRole("spinbutton").fill("99");
  await expect(socks.getByRole("spinbutton")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "the cart with a quantity refused");
});

test("checkout: the delivery step (also refused), the pay step, the order page in the app, the receipt", async ({ page }) => {
  const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 1);
  await expect(deliveryForm(page)).toBeVisible();
  await expectAccessible(page, "the checkout's delivery step");

  // Sent empty: each field says what is missing.
  await deliveryForm(page).getByRole("button", { name: "Continue to payment" }).click();
  await expect(deliveryForm(page).getByRole("alert")).toBeVisible();
  await expectAccessible(page, "the checkout's delivery step with the details refused");

  await giveDeliveryDetails(page);
  await expectAccessible(page, "the checkout's pay step");

  await page.getByRole("link", { name: "Change the delivery details" }).click();
  await expect(deliveryForm(page)).toBeVisible();
  await expectAccessible(page, "the checkout's delivery details, changed");

  // The SEQR app opens the order page; Pay; Pay in the app; the success page's receipt.
  await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  await expectAccessible(page, "the order page in the SEQR app");
  await payOnOrderPage(page, priceOf(JAM));
  await chooseInApp(page, "Pay");
  await heading(page, "Thank you! Your payment is complete");
  await expect(page.getByRole("region", { name: "Receipt" })).toBeVisible();
  await expectAccessible(page, "the success page");

  // The checkout, paid: its confirmation.
  await page.goto(`/checkout/${clientInvoiceId}`);
  await heading(page, "Thank you! Your order is paid");
  await expectAccessible(page, "the paid checkout");
});

test("a product's own code: the order page asks for the details; declined, tried again, canceled", async ({ page }) => {
  await scanInApp(page, serviceCode({ product: COFFEE.sku }), { deliveryDetails: false });
  await expect(deliveryForm(page)).toBeVisible();
  await expectAccessible(page, "the order page asking for delivery details");
  await deliveryForm(page).getByRole("button", { name: "Continue to payment" }).click();
  await expect(deliveryForm(page).getByRole("alert")).toBeVisible();
  await expectAccessible(page, "the order page with the details refused");

  await scanInApp(page, serviceCode({ product: COFFEE.sku }));
  await payOnOrderPage(page, priceOf(COFFEE));
  await chooseInApp(page, "Decline");
  await heading(page, "The payment did not go through");
  await expectAccessible(page, "the failure page");

  await page.getByRole("link", { name: "Try again" }).click();
  await expect(page.getByText("The last payment did not go through. You can try again.")).toBeVisible();
  await expectAccessible(page, "the order page after a declined payment");

  await payOnOrderPage(page, priceOf(COFFEE));
  await chooseInApp(page, "Cancel");
  await heading(page, "The payment was canceled");
  await expectAccessible(page, "the cancel page");
});

test("an order the shop canceled: the cancel page, the checkout and the order page say so", async ({ page, context }) => {
  const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 1);
  await giveDeliveryDetails(page);
  await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  await payOnOrderPage(page, priceOf(JAM));
  await chooseInApp(page, "Cancel");
  await heading(page, "The payment was canceled");

  const merchant = await context.newPage();
  await cancelOrderAsMerchant(merchant, clientInvoiceId);
  await merchant.close();

  await page.reload();
  await heading(page, "The shop has canceled this order");
  await expectAccessible(page, "the cancel page of an order the shop canceled");

  await page.goto(`/checkout/${clientInvoiceId}`);
  await heading(page, "The shop has canceled this order");
  await expectAccessible(page, "the checkout of an order the shop canceled");

  await page.goto(appLink(serviceCode({ order: clientInvoiceId })));
  await page.waitForURL(/\/order#/);
  await heading(page, "The shop has canceled this order");
  await expectAccessible(page, "the order page of an order the shop canceled");
});

test("an expired order: its checkout says so and leads back to the cart, or puts the items back", async ({ page }) => {
  const clientInvoiceId = await checkoutFromProductPage(page, SOCKS.sku, 1);
  await giveDeliveryDetails(page);
  // Placed a day and an hour ago and never invoiced: the server's reconciler expires it at its next sweep (every
  // 5 s; PENDING_ORDER_TIMEOUT_MS is a day). The order is this test's alone.
  await db.order.update({ where: { clientInvoiceId }, data: { createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000) } });
  await heading(page, "This order has expired");
  await expectAccessible(page, "the checkout of an expired order");

  // The cart emptied since: the expired order offers to put its items back.
  await page.goto("/cart");
  await page.getByRole("button", { name: `Remove ${SOCKS.name}` }).click();
  await expect(page.getByText("Your cart is empty.")).toBeVisible();
  await page.goto(`/checkout/${clientInvoiceId}`);
  await expect(page.getByRole("button", { name: "Put these items back in my cart" })).toBeVisible();
  await expectAccessible(page, "the checkout of an expired order whose items left the cart");
});

test("the receipt after a refund", async ({ page, context }) => {
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: JAM.sku }));
  await payOnOrderPage(page, priceOf(JAM));
  await chooseInApp(page, "Pay");
  await heading(page, "Thank you! Your payment is complete");

  const merchant = await context.newPage();
  await refundAsMerchant(merchant, clientInvoiceId, 2_000);
  await merchant.close();

  await page.reload();
  await expect(page.getByRole("region", { name: "Receipt" }).getByRole("list", { name: "Refunds" })).toBeVisible();
  await expectAccessible(page, "the receipt after a refund");
});

test("the checks see what they look for: an unnamed button, pale text and a too-wide block fail them", async ({ page }) => {
  await page.goto("/contact");
  await heading(page, "Contact");
  await page.getByRole("main").evaluate((main) => {
    main.insertAdjacentHTML(
      "beforeend",
      '<button type="button"></button><p style="color:#c8c8c8;background:#fff">pale</p><div style="width:2000px">wide</div>',
    );
  });
  const violations = await axeViolations(page);
  expect(violations.map((violation) => violation.split(" ")[0])).toEqual(expect.arrayContaining(["button-name", "color-contrast"]));
  expect(violations.join("\n")).toContain("Buttons must have discernible text");
  expect(await sidewaysScroll(page)).toBeGreaterThan(0);
});
