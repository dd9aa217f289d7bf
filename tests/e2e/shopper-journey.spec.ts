import { expect, test } from "@playwright/test";

import { expectNoAxeViolations } from "./support/outcome-pages";
import {
  appLink,
  catalogProduct,
  checkoutFromProductPage,
  chooseInApp,
  decodeQrCode,
  expectReceipt,
  giveDeliveryDetails,
  orderStatus,
  payOnOrderPage,
  priceOf,
  scanInApp,
  serviceCode,
} from "./support/shop";

// The shopper's whole journey through the shop, its SEQR code and the simulated SEQR app, on the production
// build against the sandbox: every order here is created by the test that pays it. Lingonberry jam is cheap and
// plentiful, so the wallet and the stock outlast the suite; the mug is left alone (catalog.spec.ts reads its stock).

const JAM = catalogProduct("LINGON-JAM-400");
const SOCKS = catalogProduct("WOOL-SOCKS-GREY");
const COFFEE = catalogProduct("KOKKAFFE-500");

// Each device has its own journey: the projects pick theirs by tag (playwright.config.ts).
test.describe("on a desktop", { tag: "@desktop-only" }, () => {

  test("the checkout's QR code, scanned with the SEQR app, pays the order, and the checkout turns paid by itself", async ({
    page,
    context,
    request,
  }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 2);
    await giveDeliveryDetails(page);
    const total = priceOf(JAM, 2);
    await expect(page.getByRole("table", { name: "Your order" })).toContainText(JAM.name);
    await expect(page.getByTestId("order-total")).toHaveText(total);

    // What the camera reads is what is printed under the code, and it names this order.
    const printed = page.getByTestId("seqr-code-text");
    await expect(printed).toHaveText(serviceCode({ order: clientInvoiceId }));
    const decoded = await decodeQrCode(page.getByTestId("seqr-qr"));
    expect(decoded).toBe(await printed.textContent());
    const checkoutStatus = page.getByRole("region", { name: "Pay with SEQR" }).getByRole("status").first();
    await expect(page.getByText("Scan the code with the SEQR app to pay.")).toBeVisible();
    // Marks this document: a reload or a navigation would lose the mark.
    await page.evaluate(() => ((window as unknown as { checkoutMark?: string }).checkoutMark = "still here"));

    // The phone: the SEQR app scans the code and opens the shop's order page.
    const phone = await context.newPage();
    const session = await scanInApp(phone, decoded ?? "");
    expect(session.clientInvoiceId).toBe(clientInvoiceId);
    await expect(phone.getByRole("table", { name: "Your order" })).toContainText(JAM.name);
    await expect(phone.getByRole("link", { name: "Cancel" })).toBeVisible();
    const invoiceReference = await payOnOrderPage(phone, total);
    await expect(phone.getByTestId("invoice-total")).toHaveText(total);

    // The checkout follows: the invoice is out, then the payment lands.
    await expect(checkoutStatus).toHaveText("Waiting for your payment in the SEQR app…");
    await chooseInApp(phone, "Pay");
    expect(new URL(phone.url()).hash).toBe(`#${session.token}_${invoiceReference}`);
    await expect(phone.getByRole("heading", { name: "Thank you! Your payment is complete" })).toBeVisible();
    await expectReceipt(phone, { clientInvoiceId, total });

    await expect(page.getByRole("heading", { level: 1, name: "Thank you! Your order is paid" })).toBeVisible();
    await expectReceipt(page, { clientInvoiceId, total });
    await expect(page.getByTestId("payment-reference")).toHaveText((await phone.getByTestId("payment-reference").textContent()) ?? "");
    expect(await page.evaluate(() => (window as unknown as { checkoutMark?: string }).checkoutMark)).toBe("still here");
    expect(await orderStatus(request, clientInvoiceId)).toBe("PAID");
    // The cart kept the jars until now; paid, they have left it.
    await expect(page.getByRole("link", { name: "Cart, 0 items", exact: true })).toBeVisible();
  });
});

// On both devices: the time to pay is shown and said before it runs out, and an expired order says what to do.
test("an invoice left unpaid: the checkout shows until when, warns before the end, then says the order expired and leads back to the cart", async ({
  page,
  context,
  request,
}) => {
  // The server's INVOICE_TIMEOUT_MS is 45 s here (playwright.config.ts); its own reconciler does the rest. The
  // warning comes a third of that before the end (15 s).
  test.setTimeout(120_000);
  const clientInvoiceId = await checkoutFromProductPage(page, SOCKS.sku, 2);
  await giveDeliveryDetails(page);
  const deadline = page.getByTestId("payment-deadline");
  await expect(deadline).toContainText("Once you press Pay in the SEQR app, you have 45 seconds to pay.");
  const phone = await context.newPage();
  await scanInApp(phone, serviceCode({ order: clientInvoiceId }));
  // The order page in the app says it too, before Pay.
  await expect(phone.getByTestId("payment-deadline")).toContainText("Once you press Pay in the SEQR app, you have 45 seconds to pay.");
  const invoiceReference = await payOnOrderPage(phone);
  await phone.close(); // the shopper walks away without paying

  // The checkout sees the invoice go out and says until when it can be paid; shortly before the end, it warns, once.
  await expect(deadline).toContainText(/Pay within \d+ seconds?, by \d{2}:\d{2}\./);
  const warning = page.getByTestId("payment-deadline-warning");
  await expect(warning).toHaveAttribute("aria-live", "polite");
  await expect(warning).toBeEmpty();
  await expect(warning).toHaveText(/^Less than 15 seconds left: pay by \d{2}:\d{2}, or the order expires and nothing is charged\.$/, {
    timeout: 45_000,
  });

  await expect(page.getByRole("heading", { level: 1, name: "This order has expired" })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole("main")).toContainText("This order expired before it was paid. Nothing was charged. Go back to your cart to order again.");
  expect(await orderStatus(request, clientInvoiceId)).toBe("EXPIRED");
  const atSeqr = await (await request.get(`/sandbox/api/invoices/${invoiceReference}`)).json();
  expect(atSeqr.status).toBe("CANCELED");
  await expectNoAxeViolations(page, "the checkout of an expired order");

  // Scanned again in the app, the order page says the same, and offers no Pay.
  const again = await context.newPage();
  await again.goto(appLink(serviceCode({ order: clientInvoiceId })));
  await again.waitForURL(/\/order#/);
  await expect(again.getByRole("heading", { level: 1, name: "This order has expired" })).toBeVisible();
  await expect(again.getByRole("main")).toContainText(
    "This order expired before it was paid. Nothing was charged. Go back to your cart to order again.",
  );
  await expect(again.getByRole("link", { name: "Go back to your cart" })).toHaveAttribute("href", "/cart");
  await expect(again.getByRole("button", { name: /^Pay/ })).toHaveCount(0);
  await expectNoAxeViolations(again, "the order page of an expired order");
  await again.close();

  // The cart kept the items: the way back is a link.
  await page.getByRole("link", { name: "Go back to your cart" }).click();
  await page.waitForURL(/\/cart$/);
  const cartLine = page.getByRole("list", { name: "Cart" }).getByRole("listitem").filter({ hasText: SOCKS.name });
  await expect(cartLine.getByRole("spinbutton")).toHaveValue("2");
});

test.describe("on a phone", { tag: "@phone-only" }, () => {

  test("cart, checkout, Open in SEQR, Pay, Pay: the success page shows the receipt", async ({ page, request }) => {
    const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku);
    await giveDeliveryDetails(page);
    const total = priceOf(JAM);
    // A phone's checkout: what to tap, and for how much.
    await expect(page.getByTestId("tap-to-pay")).toHaveText(`Tap Open in SEQR to pay ${total}`);

    await page.getByRole("link", { name: "Open in SEQR" }).tap();
    await page.waitForURL(/\/order#\d{10}-\d{8}$/);
    await expect(page.getByText(`Order ${clientInvoiceId}`)).toBeVisible();
    await expect(page.getByTestId("order-total")).toHaveText(total);

    await payOnOrderPage(page, total);
    await chooseInApp(page, "Pay");
    await expect(page.getByRole("heading", { name: "Thank you! Your payment is complete" })).toBeVisible();
    await expectReceipt(page, { clientInvoiceId, total });
    expect(await orderStatus(request, clientInvoiceId)).toBe("PAID");
  });
});

test("a product's own SEQR code buys that one product: the order page shows it, Pay, Pay, receipt", async ({ page, request }) => {
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: SOCKS.sku }));
  const order = page.getByRole("table", { name: "Your order" });
  await expect(order.getByRole("row")).toHaveCount(1 + 1 + 2); // header, one product, total and VAT
  await expect(order).toContainText(SOCKS.name);
  await expect(page.getByTestId("order-total")).toHaveText(priceOf(SOCKS));

  await payOnOrderPage(page, priceOf(SOCKS));
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total: priceOf(SOCKS) });
  await expect(page.getByRole("region", { name: "Receipt" }).getByRole("table", { name: "Items" })).toContainText(SOCKS.name);
  expect(await orderStatus(request, clientInvoiceId)).toBe("PAID");
});

test("a declined payment shows the failure and the order FAILED; Try again pays it", async ({ page, request }) => {
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: JAM.sku }));
  await payOnOrderPage(page);
  await chooseInApp(page, "Decline");

  await expect(page.getByRole("heading", { name: "The payment did not go through" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Nothing was charged.");
  await expect(page.getByRole("link", { name: "Back to the shop" })).toBeVisible();
  expect(await orderStatus(request, clientInvoiceId)).toBe("FAILED");

  await page.getByRole("link", { name: "Try again" }).click();
  await page.waitForURL(/\/order#\d{10}-\d{8}$/);
  await expect(page.getByText(`Order ${clientInvoiceId}`)).toBeVisible();
  await expect(page.getByText("The last payment did not go through. You can try again.")).toBeVisible();
  await payOnOrderPage(page);
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total: priceOf(JAM) });
  expect(await orderStatus(request, clientInvoiceId)).toBe("PAID");
});

test("a payment canceled in the app shows the cancel page and the order CANCELED; Try again pays it", async ({ page, request }) => {
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: JAM.sku }));
  await payOnOrderPage(page);
  await chooseInApp(page, "Cancel");

  await expect(page.getByRole("heading", { name: "The payment was canceled" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(/your order #\d+ is kept/);
  await expect(page.getByRole("link", { name: "Back to the shop" })).toBeVisible();
  expect(await orderStatus(request, clientInvoiceId)).toBe("CANCELED");

  await page.getByRole("link", { name: "Try again" }).click();
  await page.waitForURL(/\/order#\d{10}-\d{8}$/);
  await expect(page.getByText(`Order ${clientInvoiceId}`)).toBeVisible();
  await expect(page.getByText("The last payment was canceled. You can try again.")).toBeVisible();
  await payOnOrderPage(page);
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total: priceOf(JAM) });
  expect(await orderStatus(request, clientInvoiceId)).toBe("PAID");
});

test("the order page says what is wrong when opened without a TOKEN or with one SEQR does not know", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const problem = page.getByRole("main").getByRole("alert");

  await page.goto("/order");
  await expect(problem.getByRole("heading", { name: "We could not open this order" })).toBeVisible();
  await expect(problem).toContainText("This page opens from the SEQR app. Scan the shop's SEQR code with the app to pay.");
  await expect(problem.getByRole("link", { name: "Back to the shop" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Pay/ })).toHaveCount(0);

  await page.goto("/order#0000000000-00000000");
  await expect(problem.getByRole("heading", { name: "We could not open this order" })).toBeVisible();
  await expect(problem).toContainText("SEQR does not know this session.");
  await expect(problem.getByRole("link", { name: "Back to the SEQR app" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Pay/ })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("the order page fits a 320 px wide phone without scrolling sideways", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await scanInApp(page, serviceCode({ product: COFFEE.sku }));
  await expect(page.getByRole("table", { name: "Your order" })).toContainText(COFFEE.name);

  const pay = page.getByRole("button", { name: `Pay ${priceOf(COFFEE)}` });
  await expect(pay).toBeVisible();
  const box = await pay.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 320).toBe(true);
  expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(320);
});
