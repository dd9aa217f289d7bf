import type { Page } from "@playwright/test";

import { adminAddress, adminOrderPath, expect, formStatus, signInAsAdmin, submitConfirmed, test } from "./support/admin";
import { expectNoAxeViolations } from "./support/outcome-pages";
import { openShopDatabase } from "./support/shop-db";
import {
  addToCartFromProductPage,
  appLink,
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

// Issue 16, the cart and the checkout, on a desktop and a 390 px phone (320 px where said), through the real journey
// against the sandbox: the cart survives checkout and "Change order" leads back to it; a quantity typed is the
// quantity ordered, with or without JavaScript; "Add to cart" says what happened and what next; the phone's
// checkout reads as a phone's; the time to pay is shown; an order the shop canceled says so.
//
// Only jam and socks are ever invoiced here (cheap, plenty in stock, and no spec of the same projects counts their
// stock); the Dala horse is only put in carts, never invoiced (refund-lines.spec.ts counts its stock).

test.describe.configure({ timeout: 90_000 });

const JAM = catalogProduct("LINGON-JAM-400");
const SOCKS = catalogProduct("WOOL-SOCKS-GREY");
const HORSE = catalogProduct("DALA-HORSE-RED");
const COFFEE = catalogProduct("KOKKAFFE-500");

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

/** "#1042": the order's short number, as the shopper's pages show it. */
async function orderNumberOf(clientInvoiceId: string): Promise<string> {
  return `#${(await db.order.findUniqueOrThrow({ where: { clientInvoiceId } })).number}`;
}

function cartLine(page: Page, name: string) {
  return page.getByRole("list", { name: "Cart" }).getByRole("listitem").filter({ hasText: name });
}

/** The header's cart link: "Cart (3)", named "Cart, 3 items". */
function headerCart(page: Page, items: number) {
  return page.getByRole("link", { name: `Cart, ${items} ${items === 1 ? "item" : "items"}`, exact: true });
}

function clientInvoiceIdOf(page: Page): string {
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
}

test.describe("the cart survives checkout", () => {
  test("Change order withdraws the open order and leads back to the cart with its items; checking out again places a new order", async ({
    page,
    request,
  }) => {
    const first = await checkoutFromProductPage(page, JAM.sku, 1);
    await giveDeliveryDetails(page);
    const number = await orderNumberOf(first);
    await expect(page.getByTestId("checkout-order-number")).toHaveText(number);
    // The cart is kept while the order waits for payment.
    await expect(headerCart(page, 1)).toBeVisible();

    await page.getByRole("form", { name: "Change order" }).getByRole("button", { name: "Change order" }).click();

    await page.waitForURL((url) => url.pathname === "/cart");
    await expect(page.getByTestId("order-changed")).toHaveText(
      `Order ${number} is withdrawn and nothing was charged. Change your cart, then check out again.`,
    );
    await expect(cartLine(page, JAM.name).getByRole("spinbutton")).toHaveValue("1");
    expect(await orderStatus(request, first)).toBe("EXPIRED");
    await expectNoAxeViolations(page, "the cart after Change order");

    // The withdrawn order does not stand in the way of the next one.
    await cartLine(page, JAM.name).getByRole("spinbutton").fill("2");
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/checkout/") && !url.pathname.endsWith(first));
    const second = clientInvoiceIdOf(page);
    await expect(page.getByRole("table", { name: "Your order" }).getByRole("row").filter({ hasText: JAM.name })).toContainText(priceOf(JAM, 2));
    expect(await orderNumberOf(second)).not.toBe(number);

    // The withdrawn order's own page says what happened, and offers no way to pay it.
    await page.goto(`/checkout/${first}`);
    await expect(page.getByRole("heading", { level: 1, name: `Order ${number} is withdrawn` })).toBeVisible();
    await expect(page.getByRole("main")).toContainText("You changed this order, so it can no longer be paid. Nothing was charged.");
    await expect(page.getByRole("link", { name: "Open in SEQR" })).toHaveCount(0);
  });

  test("Change order with an invoice out: SEQR cancels it first, then the cart opens @desktop-only", async ({ page, context, request }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 1);
    await giveDeliveryDetails(page);
    const phone = await context.newPage();
    await scanInApp(phone, serviceCode({ order: clientInvoiceId }));
    // Pay sends the invoice; the shopper does not open it in the app (that would count as paying it: 51, below).
    await phone.route(
      (url) => url.pathname === "/sandbox/app" && (url.searchParams.get("url") ?? "").startsWith("SEQR://SEQR.SE/R"),
      (route) => route.abort(),
    );
    await phone.getByRole("button", { name: `Pay ${priceOf(JAM)}` }).click();
    // The checkout sees the invoice go out, and says until when it can be paid.
    await expect(page.getByTestId("payment-deadline")).toContainText(/Pay within \d+ seconds?, by \d{2}:\d{2}\./);
    await phone.close();
    const { invoiceReference } = await db.paymentAttempt.findFirstOrThrow({ where: { order: { clientInvoiceId }, state: "SENT" } });

    await page.getByRole("button", { name: "Change order" }).click();

    await page.waitForURL((url) => url.pathname === "/cart");
    await expect(cartLine(page, JAM.name)).toBeVisible();
    expect(await orderStatus(request, clientInvoiceId)).toBe("EXPIRED");
    const atSeqr = await (await request.get(`/sandbox/api/invoices/${invoiceReference}`)).json();
    expect(atSeqr.status).toBe("CANCELED");
  });

  test("Change order while the invoice is open in the SEQR app is refused: it may be being paid @desktop-only", async ({
    page,
    context,
    request,
  }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 1);
    await giveDeliveryDetails(page);
    const phone = await context.newPage();
    await scanInApp(phone, serviceCode({ order: clientInvoiceId }));
    await payOnOrderPage(phone, priceOf(JAM));
    await expect(page.getByTestId("payment-deadline")).toContainText(/Pay within/);

    await page.getByRole("button", { name: "Change order" }).click();

    await expect(page.getByRole("form", { name: "Change order" }).getByRole("alert")).toHaveText(
      "This order is being paid in the SEQR app right now, so it cannot be changed. Finish or cancel the payment in the app first.",
      { timeout: 20_000 },
    );
    expect(new URL(page.url()).pathname).toBe(`/checkout/${clientInvoiceId}`);
    expect(await orderStatus(request, clientInvoiceId)).toBe("INVOICED");
    // The shopper cancels in the app: nothing is charged, and the order is theirs to pay again or change.
    await chooseInApp(phone, "Cancel");
  });

  test("the cart holds the items until the order is paid; the payment empties it @desktop-only", async ({ page, context }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 2);
    await giveDeliveryDetails(page);
    await expect(headerCart(page, 2)).toBeVisible();

    const phone = await context.newPage();
    await scanInApp(phone, serviceCode({ order: clientInvoiceId }));
    await payOnOrderPage(phone, priceOf(JAM, 2));
    await chooseInApp(phone, "Pay");
    await phone.close();

    await expect(page.getByRole("heading", { level: 1, name: "Thank you! Your order is paid" })).toBeVisible({ timeout: 30_000 });
    await expect(headerCart(page, 0)).toBeVisible();
    await expect(page.getByRole("button", { name: "Change order" })).toHaveCount(0);
    await page.goto("/cart");
    await expect(page.getByText("Your cart is empty.")).toBeVisible();
    await expectNoAxeViolations(page, "the empty cart");
  });
});

test.describe("a quantity typed in the cart is the quantity checked out", () => {
  test("with JavaScript a change applies at once; one typed just before Checkout is the one ordered", async ({ page }) => {
    await addToCartFromProductPage(page, COFFEE.sku, 1);
    await page.goto("/cart");
    const quantity = cartLine(page, COFFEE.name).getByRole("spinbutton");
    // Once the page's script runs, changes apply by themselves and Update is not offered.
    await expect(cartLine(page, COFFEE.name).getByRole("button", { name: /^Update/ })).toHaveCount(0);
    await expectNoAxeViolations(page, "the cart");

    await quantity.fill("4");
    await expect(page.getByRole("status").filter({ hasText: `${COFFEE.name}: 4 in your cart.` })).toBeVisible();
    await expect(headerCart(page, 4)).toBeVisible();
    await expect(cartLine(page, COFFEE.name)).toContainText(priceOf(COFFEE, 4));
    await page.reload();
    await expect(quantity).toHaveValue("4");

    // Typed, and Checkout pressed at once: no pause, no Update.
    await quantity.fill("3");
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.waitForURL(/\/checkout\/[\w-]+$/);
    await expect(page.getByRole("table", { name: "Your order" }).getByRole("row").filter({ hasText: COFFEE.name })).toContainText(priceOf(COFFEE, 3));
    await expect(page.getByTestId("order-total")).toHaveText(priceOf(COFFEE, 3));
  });

  test("a quantity the stock cannot cover is said next to its line, and no order is placed", async ({ page }) => {
    await addToCartFromProductPage(page, COFFEE.sku, 1);
    await page.goto("/cart");
    const line = cartLine(page, COFFEE.name);
    await expect(line.getByRole("button", { name: /^Update/ })).toHaveCount(0);

    await line.getByRole("spinbutton").fill("95");
    await expect(line).toContainText(/Only \d+ of Kokkaffe, medium roast, 500 g (is|are) left\./);
    await expect(line.getByRole("spinbutton")).toHaveAttribute("aria-invalid", "true");
    await expect(headerCart(page, 1)).toBeVisible();
  });

  test("without JavaScript, Checkout sends the quantities the form shows @desktop-only", async ({ browser }, testInfo) => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      extraHTTPHeaders: { "x-forwarded-for": adminAddress(testInfo, "no-script") },
    });
    try {
      const page = await context.newPage();
      await page.goto(`/products/${SOCKS.sku}`);
      await page.getByRole("form", { name: "Add to cart" }).getByRole("button", { name: "Add to cart" }).click();
      await expect(page.getByRole("heading", { name: `Added 1 × ${SOCKS.name} to your cart` })).toBeVisible();
      await page.getByRole("link", { name: "View cart" }).click();
      await page.waitForURL((url) => url.pathname === "/cart");

      // No script: Update is there, and the shown quantity is what Checkout sends, Update pressed or not.
      await expect(cartLine(page, SOCKS.name).getByRole("button", { name: `Update ${SOCKS.name}` })).toBeVisible();
      await cartLine(page, SOCKS.name).getByRole("spinbutton").fill("3");
      await page.getByRole("button", { name: "Checkout" }).click();
      await page.waitForURL(/\/checkout\/[\w-]+$/);
      await expect(page.getByRole("table", { name: "Your order" }).getByRole("row").filter({ hasText: SOCKS.name })).toContainText(
        priceOf(SOCKS, 3),
      );

      // Update alone, too.
      await page.goto("/cart");
      await cartLine(page, SOCKS.name).getByRole("spinbutton").fill("2");
      await cartLine(page, SOCKS.name).getByRole("button", { name: `Update ${SOCKS.name}` }).click();
      await expect(cartLine(page, SOCKS.name).getByRole("spinbutton")).toHaveValue("2");
      await expect(headerCart(page, 2)).toBeVisible();
    } finally {
      await context.close();
    }
  });
});

test.describe("Add to cart says what happened and what next", () => {
  test("a confirmation announced and focused, with View cart and Checkout; the header counts items, by keyboard alone", async ({ page }) => {
    await page.goto(`/products/${HORSE.sku}`);
    const form = page.getByRole("form", { name: "Add to cart" });
    const quantity = form.getByLabel("Quantity");
    await quantity.focus();
    await quantity.press("Control+a");
    await page.keyboard.type("2");
    await page.keyboard.press("Tab");
    await expect(form.getByRole("button", { name: "Add to cart" })).toBeFocused();
    await page.keyboard.press("Enter");

    const confirmation = page.getByRole("heading", { name: `Added 2 × ${HORSE.name} to your cart` });
    await expect(confirmation).toBeVisible();
    // Announced: it is written into a polite live region…
    await expect(page.getByRole("status").filter({ has: confirmation })).toBeVisible();
    // …and the keyboard is on it, just before the next steps.
    await expect(confirmation).toBeFocused();
    await expect(headerCart(page, 2)).toHaveText("Cart (2)");
    await expectNoAxeViolations(page, "the product page after Add to cart");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "View cart" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Checkout" })).toBeFocused();

    // A second product: the header counts items, not lines.
    await page.goto(`/products/${JAM.sku}`);
    await page.getByRole("form", { name: "Add to cart" }).getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("heading", { name: `Added 1 × ${JAM.name} to your cart` })).toBeFocused();
    await expect(headerCart(page, 3)).toHaveText("Cart (3)");
    await page.goto(`/products/${HORSE.sku}`);
    await page.getByRole("form", { name: "Add to cart" }).getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Added 1 × ${HORSE.name} to your cart` })).toContainText(
      `Your cart now holds 3 × ${HORSE.name}.`,
    );
    await expect(headerCart(page, 4)).toBeVisible();

    // Checkout from the confirmation, by keyboard.
    await page.getByRole("button", { name: "Checkout" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/checkout\/[\w-]+$/);
    await expect(page.getByRole("table", { name: "Your order" })).toContainText(HORSE.name);
    await expect(page.getByRole("table", { name: "Your order" })).toContainText(JAM.name);
  });
});

test.describe("the phone's checkout reads as a phone's", () => {
  test("on a phone: Tap Open in SEQR to pay the total, the button, then the code for another phone @phone-only", async ({ page }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 2);
    await giveDeliveryDetails(page);
    const tap = page.getByTestId("tap-to-pay");
    await expect(tap).toHaveText(`Tap Open in SEQR to pay ${priceOf(JAM, 2)}`);
    await expect(page.getByText("Scan the code with the SEQR app to pay.")).toBeHidden();
    const [tapBox, buttonBox, codeBox] = await Promise.all([
      tap.boundingBox(),
      page.getByRole("link", { name: "Open in SEQR" }).boundingBox(),
      page.getByTestId("seqr-qr").boundingBox(),
    ]);
    expect(tapBox && buttonBox && codeBox && tapBox.y < buttonBox.y && buttonBox.y < codeBox.y).toBe(true);
    await expect(page.getByText("Paying with another phone? Scan this code with its SEQR app, or type:")).toBeVisible();
    // The short number, and the terms the payment accepts, near the pay step.
    await expect(page.getByTestId("checkout-order-number")).toHaveText(await orderNumberOf(clientInvoiceId));
    await expect(page.getByRole("link", { name: "terms of purchase", exact: true })).toHaveAttribute("href", "/terms");
    await expectNoAxeViolations(page, "the phone's checkout");
  });

  test.describe("at 320 px", () => {
    test.use({ viewport: { width: 320, height: 640 } });

    test("the checkout fits without scrolling sideways @phone-only", async ({ page }) => {
      await checkoutFromProductPage(page, JAM.sku, 1);
      await giveDeliveryDetails(page);
      await expect(page.getByTestId("tap-to-pay")).toBeVisible();
      const button = await page.getByRole("link", { name: "Open in SEQR" }).boundingBox();
      expect(button && button.x >= 0 && button.x + button.width <= 320).toBe(true);
      expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(320);
      await page.goto("/cart");
      await expect(cartLine(page, JAM.name)).toBeVisible();
      expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(320);
      await expectNoAxeViolations(page, "the cart at 320 px");
    });
  });

  test("on a desktop: the code first, to scan with the phone @desktop-only", async ({ page }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 1);
    await giveDeliveryDetails(page);
    await expect(page.getByText("Scan the code with the SEQR app to pay.")).toBeVisible();
    await expect(page.getByTestId("tap-to-pay")).toBeHidden();
    const [codeBox, buttonBox] = await Promise.all([
      page.getByTestId("seqr-qr").boundingBox(),
      page.getByRole("link", { name: "Open in SEQR" }).boundingBox(),
    ]);
    expect(codeBox && buttonBox && codeBox.y < buttonBox.y).toBe(true);
    await expect(page.getByTestId("checkout-order-number")).toHaveText(await orderNumberOf(clientInvoiceId));
    await expect(page.getByText("By paying you accept our terms of purchase.")).toBeVisible();
    await expect(page.getByRole("link", { name: "terms of purchase", exact: true })).toHaveAttribute("href", "/terms");
    // Before Pay, the time the invoice will give.
    await expect(page.getByTestId("payment-deadline")).toContainText("Once you press Pay in the SEQR app, you have 45 seconds to pay.");
    await expectNoAxeViolations(page, "the desktop checkout");
  });
});

test.describe("an order the shop canceled", () => {
  test("the checkout and the order page say the shop canceled it and nothing was charged, with no Pay or Try again", async ({
    page,
    context,
    request,
  }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 1);
    await giveDeliveryDetails(page);
    const number = await orderNumberOf(clientInvoiceId);

    const merchant = await context.newPage();
    await signInAsAdmin(merchant);
    await merchant.goto(adminOrderPath(clientInvoiceId));
    const cancel = merchant.getByRole("form", { name: "Cancel order" });
    await submitConfirmed(cancel, "Cancel order");
    await expect(formStatus(cancel)).not.toBeEmpty({ timeout: 20_000 });
    await merchant.close();
    expect(await orderStatus(request, clientInvoiceId)).toBe("CANCELED_BY_MERCHANT");

    // The checkout follows by itself.
    await expect(page.getByRole("heading", { level: 1, name: "The shop has canceled this order" })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole("main")).toContainText("The shop canceled this order. Nothing was charged.");
    await expect(page.getByTestId("checkout-order-number")).toHaveText(number);
    for (const name of ["Try again", "Change order", "Put these items back in my cart"]) {
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    }
    await expect(page.getByRole("link", { name: "Open in SEQR" })).toHaveCount(0);
    await expectNoAxeViolations(page, "the checkout of an order the shop canceled");

    // The SEQR app, scanning the order's code again.
    const phone = await context.newPage();
    await phone.goto(appLink(serviceCode({ order: clientInvoiceId })));
    await phone.waitForURL(/\/order#/);
    await expect(phone.getByRole("heading", { level: 1, name: "The shop has canceled this order" })).toBeVisible();
    await expect(phone.getByRole("main")).toContainText(`Order ${number}. The shop canceled this order. Nothing was charged.`);
    await expect(phone.getByRole("button", { name: /^Pay/ })).toHaveCount(0);
    await expect(phone.getByRole("link", { name: "Try again" })).toHaveCount(0);
    await expectNoAxeViolations(phone, "the order page of an order the shop canceled");
  });
});
