import { expect, test, type Locator, type Page } from "@playwright/test";

import { openShopDatabase } from "./support/shop-db";
import {
  ASTRIDS_DETAILS,
  catalogProduct,
  checkoutFromProductPage,
  chooseInApp,
  deliveryForm,
  expectReceipt,
  fillDeliveryForm,
  payOnOrderPage,
  priceOf,
  scanInApp,
  serviceCode,
} from "./support/shop";

// Delivery details before Pay (issue 15, item 1): the desktop checkout asks for them before it shows the SEQR code;
// an order started from a product's own code asks for them in the app's web view (320 px), in a form that is sent
// without a script. A refused field carries its own message, the values come back as typed, and once paid the
// pages say which messages go where.

// A product no other spec counts the stock of (catalog.spec.ts checks the mug's "40 in stock" while these run).
const THROW = catalogProduct("MERINO-THROW");
const SOCKS = catalogProduct("WOOL-SOCKS-GREY");
const SWEDISH_POSTCODE = "Enter a Swedish postcode of five digits, such as 111 22.";

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

/** The form's fields that carry a message (aria-invalid), by label. */
async function invalidFields(form: Locator): Promise<string[]> {
  return form.locator('[aria-invalid="true"]').evaluateAll((fields) =>
    fields.map((field) => document.querySelector(`label[for="${field.id}"]`)?.textContent ?? field.id),
  );
}

async function deliveryColumns(clientInvoiceId: string) {
  return db.order.findUniqueOrThrow({
    where: { clientInvoiceId },
    select: { customerEmail: true, deliveryName: true, deliveryMethod: true, deliveryStreet: true, deliveryPostcode: true, deliveryCity: true, deliveryCountry: true },
  });
}

/** The paid pages name where the order confirmation goes and where the receipt is: nothing else. */
async function expectPaidMessages(page: Page, email: string): Promise<void> {
  const messages = page.getByTestId("paid-messages");
  await expect(messages.getByTestId("confirmation-message")).toHaveText(
    new RegExp(`^An order confirmation (is on its way to|has been sent to) ${email.replace(/[.+]/g, "\\$&")}\\.$`),
  );
  await expect(messages.getByTestId("seqr-receipt-message")).toHaveText(/^Your receipt (is in|is on its way to) the SEQR app\.$/);
  await expect(page.getByRole("main")).not.toContainText("on its way to your phone");
}

test("a desktop purchase: the delivery details come first, a bad postcode is marked on its field with every value kept, then the code, Change, and the payment @desktop-only", async ({
  page,
  context,
}, testInfo) => {
  test.setTimeout(60_000);
  const email = `astrid-${testInfo.project.name}-${Date.now()}@example.se`;
  const clientInvoiceId = await checkoutFromProductPage(page, THROW.sku);
  const form = deliveryForm(page);

  // Before the details: no code to scan and nothing to open in SEQR.
  await expect(form).toBeVisible();
  await expect(page.getByTestId("seqr-qr")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Open in SEQR" })).toHaveCount(0);
  await expect(form.getByLabel("Country")).toHaveValue("SE");

  // A postcode that is not Swedish, and no town: each field says what is wrong; what was typed stays.
  await fillDeliveryForm(form, { ...ASTRIDS_DETAILS, email, postcode: "1234", city: "" });
  await form.getByRole("button", { name: "Continue to payment" }).click();
  await expect(form.getByRole("alert")).toHaveText("Please correct the details marked below.");
  await expect(form.getByLabel("Postcode")).toHaveAccessibleDescription(SWEDISH_POSTCODE);
  await expect(form.getByLabel("Town or city")).toHaveAccessibleDescription("Enter the town or city.");
  expect(await invalidFields(form)).toEqual(["Postcode", "Town or city"]);
  await expect(form.getByLabel("E-mail address")).toHaveValue(email);
  await expect(form.getByLabel("Name")).toHaveValue(ASTRIDS_DETAILS.name);
  await expect(form.getByLabel("Street address")).toHaveValue(ASTRIDS_DETAILS.street);
  await expect(form.getByLabel("Postcode")).toHaveValue("1234");
  await expect(page.getByTestId("seqr-qr")).toHaveCount(0);
  expect((await deliveryColumns(clientInvoiceId)).customerEmail).toBeNull();

  // Fixed ("11122" is read as "111 22"): the code shows, with the details beside it.
  await form.getByLabel("Postcode").fill("11122");
  await form.getByLabel("Town or city").fill("Stockholm");
  await form.getByRole("button", { name: "Continue to payment" }).click();
  await expect(page.getByTestId("seqr-qr")).toBeVisible();
  const summary = page.getByRole("region", { name: "Delivery details" });
  await expect(summary).toContainText("111 22 Stockholm");
  await expect(summary).toContainText(email);

  // Change: the form again, filled in with what the order has.
  await summary.getByRole("link", { name: "Change the delivery details" }).click();
  await expect(form.getByLabel("Postcode")).toHaveValue("111 22");
  await expect(page.getByTestId("seqr-qr")).toHaveCount(0);
  await form.getByLabel("Street address").fill("Lillgatan 3");
  await form.getByRole("button", { name: "Save and show the SEQR code" }).click();
  await expect(page.getByTestId("seqr-qr")).toBeVisible();
  await expect(summary).toContainText("Lillgatan 3");
  expect(await deliveryColumns(clientInvoiceId)).toEqual({
    customerEmail: email,
    deliveryName: ASTRIDS_DETAILS.name,
    deliveryMethod: "SHIP",
    deliveryStreet: "Lillgatan 3",
    deliveryPostcode: "111 22",
    deliveryCity: "Stockholm",
    deliveryCountry: "SE",
  });

  // Paid with the phone: the checkout and the success page say where the confirmation and the receipt go.
  const phone = await context.newPage();
  await scanInApp(phone, serviceCode({ order: clientInvoiceId }));
  await payOnOrderPage(phone, priceOf(THROW));
  await chooseInApp(phone, "Pay");
  await expectReceipt(phone, { clientInvoiceId, total: priceOf(THROW) });
  await expectPaidMessages(phone, email);
  await expect(page.getByRole("heading", { level: 1, name: "Thank you! Your order is paid" })).toBeVisible();
  await expectPaidMessages(page, email);

  // What the pages promise arrives: the confirmation in the sandbox's mailbox (the outbox worker sends it within a
  // second or two of the payment)…
  // E-mails name the order by its short number (#1042).
  const orderNumber = `#${(await db.order.findUniqueOrThrow({ where: { clientInvoiceId } })).number}`;
  await expect(async () => {
    await page.goto("/sandbox/mail");
    const row = page.getByRole("table", { name: "Messages" }).getByRole("row").filter({ hasText: email }).filter({ hasText: `${orderNumber} ` });
    await expect(row).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page
    .getByRole("table", { name: "Messages" })
    .getByRole("row")
    .filter({ hasText: email })
    .getByRole("link", { name: `Your order ${orderNumber} is confirmed` })
    .click();
  await expect(page.getByTestId("mail-to")).toContainText(email);
  await expect(page.getByTestId("mail-text")).toContainText("Lillgatan 3");
  await expect(page.getByTestId("mail-text")).toContainText(priceOf(THROW));
  // …and the shop's receipt with the payment in the SEQR app's history.
  const paid = await db.paymentAttempt.findFirstOrThrow({ where: { order: { clientInvoiceId }, seqrStatus: "PAID" } });
  await phone.goto("/sandbox/app");
  await phone
    .getByRole("region", { name: "Payment history" })
    .locator(`a[href="/sandbox/app/invoices/${paid.invoiceReference}"]`)
    .click();
  await phone.waitForURL(`**/sandbox/app/invoices/${paid.invoiceReference}`);
  await expect(async () => {
    await phone.reload();
    await expect(phone.getByTestId("shop-receipt").first()).toContainText(`Order ${orderNumber}`, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
});

test("the checkout's delivery form works without JavaScript @desktop-only", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`/products/${SOCKS.sku}`);
    await page.getByRole("form", { name: "Add to cart" }).getByRole("button", { name: "Add to cart" }).click();
    await page.goto("/cart");
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.waitForURL(/\/checkout\/[\w-]+$/);
    const clientInvoiceId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    const form = deliveryForm(page);

    await fillDeliveryForm(form, { ...ASTRIDS_DETAILS, postcode: "12 345" });
    await form.getByRole("button", { name: "Continue to payment" }).click();
    // The server's answer, as a new page: the message on the field, the values as typed.
    await expect(form.getByLabel("Postcode")).toHaveAccessibleDescription(SWEDISH_POSTCODE);
    await expect(form.getByLabel("Postcode")).toHaveValue("12 345");
    await expect(form.getByLabel("Street address")).toHaveValue(ASTRIDS_DETAILS.street);
    await expect(form.getByLabel("E-mail address")).toHaveValue(ASTRIDS_DETAILS.email);

    await form.getByLabel("Postcode").fill("123 45");
    await form.getByRole("button", { name: "Continue to payment" }).click();
    await expect(page.getByTestId("seqr-qr")).toBeVisible();
    expect(await deliveryColumns(clientInvoiceId)).toMatchObject({ deliveryPostcode: "123 45", customerEmail: ASTRIDS_DETAILS.email });
  } finally {
    await context.close();
  }
});

test("a product's own code asks for the address in the app at 320 px; the form is sent without a script; then Pay", async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 320, height: 640 });
  const email = `bertil-${testInfo.project.name}-${Date.now()}@example.se`;
  const { token, clientInvoiceId } = await scanInApp(page, serviceCode({ product: SOCKS.sku }), { deliveryDetails: false });
  const form = deliveryForm(page);

  // The details before Pay, in a column that fits the app's web view.
  await expect(form).toBeVisible();
  await expect(page.getByRole("button", { name: /^Pay / })).toHaveCount(0);
  expect(await page.evaluate(() => document.scrollingElement?.scrollWidth)).toBeLessThanOrEqual(320);
  const submit = form.getByRole("button", { name: "Continue to payment" });
  const box = await submit.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 320).toBe(true);

  // A refusal, with the script: the message on the field and the values kept.
  await fillDeliveryForm(form, { ...ASTRIDS_DETAILS, email, postcode: "999" });
  await submit.click();
  await expect(form.getByLabel("Postcode")).toHaveAccessibleDescription(SWEDISH_POSTCODE);
  await expect(form.getByLabel("E-mail address")).toHaveValue(email);
  await expect(form.getByLabel("Postcode")).toHaveValue("999");

  // The same form sent with scripts off: a plain form post (the server rendered it), answered by a new page.
  expect(await form.getAttribute("method")).toMatch(/^post$/i);
  expect(await form.getAttribute("action")).not.toMatch(/^javascript:/i);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
  await form.getByLabel("Postcode").fill("111 22");
  await Promise.all([page.waitForEvent("load"), submit.click()]);
  await expect(page.getByRole("heading", { level: 1, name: "Your delivery details are saved" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Delivery details" })).toContainText("111 22");
  expect(await deliveryColumns(clientInvoiceId)).toMatchObject({ customerEmail: email, deliveryPostcode: "111 22", deliveryMethod: "SHIP" });
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: false });
  await cdp.detach();

  // Back in the order (the app opens it again, scripts on): the details, Change, and Pay.
  await page.goto("about:blank");
  await page.goto(`/order#${token}`);
  await expect(page.getByRole("region", { name: "Delivery details" })).toContainText(email);
  await expect(page.getByRole("button", { name: "Change" })).toBeVisible();
  await payOnOrderPage(page, priceOf(SOCKS));
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total: priceOf(SOCKS) });
  await expectPaidMessages(page, email);
});
