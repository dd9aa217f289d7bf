import type { Locator, Page } from "@playwright/test";

import { formatMoney } from "@/lib/money";
import { formatOrderNumber } from "@/lib/orders/order-number";

import { adminOrderPath, buyWithProductCode, expect, formStatus, signInAsAdmin, submitConfirmed, test } from "./support/admin";
import { buyPlanted, plantRefundProduct, shopStock } from "./support/refunds";
import { openShopDatabase } from "./support/shop-db";
import { catalogProduct } from "./support/shop";

// Refunds as the merchant makes them on the order page, on a desktop and on a 390 px phone: by line, with the items
// going back into stock (the shop's product page shows them again once SEQR confirms), and "Refund everything",
// each asked first with a question that names the amount and the customer. Orders are paid through the real
// journey as Astrid (070-064 39 33 in the admin's writing). The line refund buys a product of its own
// (support/refunds.ts), so that the stock the shop shows moves for this test alone.

test.describe.configure({ timeout: 90_000 });

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

const kr = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });
const ASTRID_WRITTEN = "070-064 39 33";

function refundRegion(page: Page): Locator {
  return page.getByRole("region", { name: /^Refund payment \d+$/ });
}

/** Nothing in the refund card is wider than the card: nothing to scroll sideways at 390 px. */
async function expectFitsWidth(region: Locator): Promise<void> {
  const overflow = await region.evaluate((element) => element.scrollWidth - element.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test("a line refund with the items back in stock: the amount follows the quantity, the question names it and the customer, the shop's stock goes up once SEQR confirms", async ({
  page,
  context,
}, testInfo) => {
  const product = await plantRefundProduct(db, testInfo.project.name);
  const shopper = await context.newPage();
  const order = await buyPlanted(shopper, product, 3);
  const stockBefore = await shopStock(shopper, product.sku);
  expect(stockBefore).toBe(product.stock - 3);
  const placed = await db.order.findUniqueOrThrow({ where: { clientInvoiceId: order.clientInvoiceId }, include: { items: true } });

  await signInAsAdmin(page);
  await page.goto(adminOrderPath(order.clientInvoiceId));
  const region = refundRegion(page);
  await expect(region.getByTestId("refundable")).toHaveText(kr(3 * product.priceMinor));
  const form = region.getByRole("form", { name: "Refund items" });
  const quantity = form.getByLabel(product.name);
  // A row's own locators are relative to the row: the label alone.
  const line = form.getByRole("row").filter({ has: page.getByLabel(product.name) });
  await expect(line).toContainText(`${kr(product.priceMinor)} each · 3 of 3 refundable`);
  // Not yet sent: the items are still on the shelf, so they go back into stock unless the merchant says otherwise.
  await expect(form.getByLabel("Put the items back into stock")).toBeChecked();
  await expectFitsWidth(region);

  await quantity.fill("2");
  await expect(form.getByTestId("refund-lines-total")).toHaveText(kr(2 * product.priceMinor));
  await form.getByRole("button", { name: "Refund items", exact: true }).click();
  await expect(form.getByRole("group", { name: "Confirm" })).toContainText(
    `Refund ${kr(2 * product.priceMinor)} to ${ASTRID_WRITTEN}? The 2 items go back into stock once SEQR confirms the refund.`,
  );
  await expectFitsWidth(region);
  await form.getByRole("group", { name: "Confirm" }).getByRole("button", { name: "Yes, refund items" }).click();
  await expect(formStatus(form)).toHaveText(new RegExp(`^Refunded ${kr(2 * product.priceMinor)}\\. SEQR's refund reference: \\d{25}\\.$`), {
    timeout: 20_000,
  });

  // What is left: one unit, and the money for it.
  await expect(region.getByTestId("refundable")).toHaveText(kr(product.priceMinor));
  await expect(line).toContainText("1 of 3 refundable");
  await expect(quantity).toHaveValue("");

  // The shop shows the two back on the shelf.
  expect(await shopStock(shopper, product.sku)).toBe(stockBefore + 2);

  // Recorded once: the refund's line restocked, one stock change naming the owner and the order.
  const refund = await db.refund.findFirstOrThrow({ where: { orderId: placed.id }, include: { lines: true } });
  expect(refund).toMatchObject({ status: "SUCCEEDED", amountMinor: 2 * product.priceMinor });
  expect(refund.lines).toEqual([expect.objectContaining({ orderItemId: placed.items[0]?.id, quantity: 2, restock: true, restockedAt: expect.any(Date) })]);
  const changes = await db.catalogChange.findMany({ where: { reason: `Refund of order ${formatOrderNumber(placed.number)}` } });
  expect(changes).toEqual([expect.objectContaining({ kind: "STOCK_ADJUSTED", after: { stock: (changes[0]?.before as { stock: number }).stock + 2 } })]);
  expect((await db.orderItem.findUniqueOrThrow({ where: { id: placed.items[0]?.id ?? "" } })).refundedQuantity).toBe(2);
  await shopper.close();
});

test("Refund everything: the field starts empty, the button fills in exactly what is left, and the question names amount and customer", async ({
  page,
  context,
}) => {
  const towel = catalogProduct("LINEN-TOWEL-RED");
  const shopper = await context.newPage();
  const order = await buyWithProductCode(shopper, towel.sku);
  await shopper.close();

  await signInAsAdmin(page);
  await page.goto(adminOrderPath(order.clientInvoiceId));
  const region = refundRegion(page);
  const form = region.getByRole("form", { name: "Refund", exact: true });
  const amount = form.getByLabel(`Amount (SEK)`);
  await expect(amount).toHaveValue("");
  await expect(form.getByRole("button", { name: `Refund everything (${kr(towel.priceMinor)})` })).toBeVisible();

  // A part first, typed: the question names what was typed, in the shop's writing.
  await amount.fill("49,5");
  await form.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(form.getByRole("group", { name: "Confirm" })).toContainText(`Refund ${kr(4950)} to ${ASTRID_WRITTEN}?`);
  // Changing the amount takes the question back: it named the old one.
  await amount.fill("50");
  await expect(form.getByRole("group", { name: "Confirm" })).toHaveCount(0);
  await amount.fill("49,50");
  await submitConfirmed(form, "Refund");
  await expect(formStatus(form)).toHaveText(new RegExp(`^Refunded ${kr(4950)}\\.`), { timeout: 20_000 });
  await expect(amount).toHaveValue("");
  await expect(region.getByTestId("refundable")).toHaveText(kr(towel.priceMinor - 4950));
  await expectFitsWidth(region);

  // Everything that is left, to the öre.
  const left = towel.priceMinor - 4950;
  await form.getByRole("button", { name: `Refund everything (${kr(left)})` }).click();
  await expect(amount).toHaveValue(kr(left).replace(/\s*kr$/, "").replace(/\s/g, ""));
  await expect(form.getByRole("group", { name: "Confirm" })).toContainText(`Refund ${kr(left)} to ${ASTRID_WRITTEN}?`);
  await form.getByRole("group", { name: "Confirm" }).getByRole("button", { name: "Yes, refund" }).click();
  await expect(formStatus(form)).toHaveText(new RegExp(`^Refunded ${kr(left)}\\.`), { timeout: 20_000 });
  await expect(region.getByTestId("refundable")).toHaveText(kr(0));
  await expect(form.getByRole("button", { name: "Refund", exact: true })).toBeDisabled();

  const placed = await db.order.findUniqueOrThrow({ where: { clientInvoiceId: order.clientInvoiceId }, include: { refunds: { orderBy: { createdAt: "asc" } } } });
  expect(placed).toMatchObject({ status: "REFUNDED", refundedMinor: towel.priceMinor, fulfilmentStatus: "NOT_TO_SHIP" });
  expect(placed.refunds.map((refund) => [refund.status, refund.amountMinor])).toEqual([
    ["SUCCEEDED", 4950],
    ["SUCCEEDED", left],
  ]);
  expect((await db.sandboxRefund.findMany({ where: { invoiceReference: order.invoiceReference } })).reduce((sum, refund) => sum + refund.amountMinor, 0)).toBe(
    towel.priceMinor,
  );
});

test("an amount the shop cannot read is refused before any question is asked, and nothing is sent", async ({ page, context }) => {
  const towel = catalogProduct("LINEN-TOWEL-RED");
  const shopper = await context.newPage();
  const order = await buyWithProductCode(shopper, towel.sku);
  await shopper.close();

  await signInAsAdmin(page);
  await page.goto(adminOrderPath(order.clientInvoiceId));
  const form = refundRegion(page).getByRole("form", { name: "Refund", exact: true });
  for (const [typed, message] of [
    ["", "Enter an amount such as 120,50 (SEK)."],
    ["12,345", "SEK has 2 decimals: 12,345 has more."],
    ["-5", "Enter an amount such as 120,50 (SEK)."],
  ] as const) {
    await form.getByLabel("Amount (SEK)").fill(typed);
    await form.getByRole("button", { name: "Refund", exact: true }).click();
    await expect(form.getByRole("alert")).toHaveText(message);
    await expect(form.getByRole("group", { name: "Confirm" })).toHaveCount(0);
  }
  const placed = await db.order.findUniqueOrThrow({ where: { clientInvoiceId: order.clientInvoiceId } });
  expect(await db.refund.count({ where: { orderId: placed.id } })).toBe(0);
});
