import type { Page } from "@playwright/test";

import { adminOrderPath, expect, formStatus, signInAsAdmin, submitConfirmed, test } from "./support/admin";
import { openShopDatabase } from "./support/shop-db";
import { catalogProduct, checkoutFromProductPage, chooseInApp, expectReceipt, payOnOrderPage, priceOf, scanInApp, serviceCode } from "./support/shop";

// The merchant's fulfilment on the production build: a shopper buys with a delivery address, the merchant finds the
// order under "To ship", prints its packing slip and marks it shipped; the outbox worker then delivers the shipped
// e-mail, which a newcomer reads in the sandbox's mailbox (/sandbox/mail).

const TOWEL = catalogProduct("LINEN-TOWEL-RED");

test.describe.configure({ timeout: 90_000 });

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

/** Cart → Checkout → the delivery details → the checkout's code scanned in the app → Pay → Pay: a PAID order. */
async function buyWithAddress(page: Page, email: string): Promise<string> {
  const total = priceOf(TOWEL, 2);
  const clientInvoiceId = await checkoutFromProductPage(page, TOWEL.sku, 2);
  const details = page.getByRole("form", { name: "Delivery details" });
  await details.getByLabel("E-mail address").fill(email);
  await details.getByLabel("Name").fill("Astrid Andersson");
  await details.getByLabel("Street address").fill("Storgatan 12");
  await details.getByLabel("Postcode").fill("114 55");
  await details.getByLabel("Town or city").fill("Stockholm");
  await details.getByRole("button", { name: "Continue to payment" }).click();
  await expect(details).toBeHidden();
  await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  await payOnOrderPage(page, total);
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total });
  return clientInvoiceId;
}

test("the merchant marks a paid order shipped: the shipped e-mail with the tracking link arrives in the sandbox's mailbox", async ({ page }, testInfo) => {
  const email = `ship-${testInfo.project.name}-${Date.now()}@example.se`;
  const clientInvoiceId = await buyWithAddress(page, email);

  await signInAsAdmin(page);

  // The order waits under "To ship".
  await page.goto("/admin/orders");
  await page.getByRole("link", { name: "To ship", exact: true }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get("fulfilment") === "to-ship");
  const row = page.getByRole("table", { name: "Orders" }).locator(`tr[data-order="${clientInvoiceId}"]`);
  await expect(row.getByTestId("row-fulfilment")).toHaveText("To ship");
  await row.getByRole("link", { name: /^Order #\d+$/ }).click();

  // The order page: where it goes, to whom, and that it is still to be sent.
  await expect(page).toHaveURL((url) => url.pathname === adminOrderPath(clientInvoiceId));
  const delivery = page.getByRole("region", { name: "Delivery" });
  await expect(delivery.getByTestId("fulfilment-status")).toHaveText("To ship");
  await expect(delivery.getByTestId("customer-email")).toHaveText(email);
  await expect(delivery.getByTestId("delivery-address")).toContainText("Astrid Andersson");
  await expect(delivery.getByTestId("delivery-address")).toContainText("114 55 Stockholm");

  // Its packing slip: items and the address; the print view leaves out the admin's chrome and the buttons.
  await delivery.getByRole("link", { name: "Packing slip" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Packing slip" })).toBeVisible();
  const slip = page.getByRole("article", { name: "Packing slip" });
  await expect(slip.getByRole("table", { name: "Items" })).toContainText(TOWEL.name);
  await expect(slip.getByTestId("packing-slip-address")).toContainText("Storgatan 12");
  await expect(slip.getByTestId("packing-slip-sender")).toContainText("Fjällbo");
  await expect(page.getByRole("button", { name: "Print" })).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Admin" })).toBeHidden();
  await expect(slip).toBeVisible();
  await page.emulateMedia({ media: "screen" });
  await page.goBack();

  // Mark shipped.
  const ship = page.getByRole("form", { name: "Mark shipped" });
  await ship.getByLabel("Carrier").selectOption("PostNord");
  await ship.getByLabel("Tracking number").fill("00370712345");
  await submitConfirmed(ship, "Mark shipped");
  await expect(formStatus(ship)).toContainText(`Marked shipped with PostNord (00370712345). The shipped e-mail with the tracking link is on its way to ${email}.`);
  const trackingUrl = "https://www.postnord.se/vara-verktyg/spara-brev-paket-och-pall?shipmentId=00370712345";
  await expect(delivery.getByTestId("fulfilment-status")).toHaveText("Shipped");
  await expect(delivery.getByTestId("tracking-link")).toHaveAttribute("href", trackingUrl);

  // The order's one shipped e-mail is queued for the customer…
  const order = await db.order.findUniqueOrThrow({ where: { clientInvoiceId } });
  const queued = await db.outboxMessage.findMany({ where: { orderId: order.id, kind: "SHIPPED" } });
  expect(queued).toMatchObject([{ recipient: email, channel: "EMAIL", dedupeKey: `SHIPPED:${order.id}` }]);

  // …and the worker delivers it to the sandbox's mailbox.
  await expect
    .poll(async () => (await db.outboxMessage.findUniqueOrThrow({ where: { id: queued[0]?.id ?? "" } })).status, { timeout: 30_000 })
    .toBe("SENT");
  await page.goto("/sandbox/mail");
  const mail = page.getByRole("table", { name: "Messages" }).getByRole("row").filter({ hasText: email }).filter({ hasText: "is on its way" });
  await expect(mail).toHaveCount(1);
  await mail.getByRole("link").click();
  await expect(page.getByTestId("mail-to")).toContainText(email);
  await expect(page.getByTestId("mail-text")).toContainText("00370712345");
  await expect(page.getByTestId("mail-text")).toContainText(trackingUrl);

  // A second press changes nothing: the form is disabled, and the order keeps one shipped e-mail.
  await page.goto(adminOrderPath(clientInvoiceId));
  await expect(page.getByRole("form", { name: "Mark shipped" }).getByRole("button", { name: "Mark shipped" })).toBeDisabled();
  expect(await db.outboxMessage.count({ where: { orderId: order.id, kind: "SHIPPED" } })).toBe(1);
});
