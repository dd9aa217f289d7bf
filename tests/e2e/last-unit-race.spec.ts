import { devices, expect, test as base, type Page } from "@playwright/test";

import { switchAppSubscriber } from "./support/admin";
import { loadOrder, openShopDatabase, plantSubscriber, setProductStock, type LoadedOrder } from "./support/shop-db";
import { catalogProduct, chooseInApp, expectReceipt, orderStatus, priceOf, scanInApp, serviceCode, type CatalogProduct } from "./support/shop";

// Two phones race for the last unit of a product (issue 11, item 3). Stock is reserved when Pay sends the invoice,
// so the phone that presses Pay second is told the product is sold out before SEQR is asked for anything: it gets
// no invoice, pays nothing, and the product is never sold twice.
//
// Each test sets its own product's stock to 1, and no other spec buys these products (the sandbox app spec opens
// an order for the Dala horse, so that one is left alone). Both phones are Pixel 7s in browser contexts of their
// own, each signed in to the simulated SEQR app as a subscriber planted for the test. The phone project runs the
// spec alone: run by the desktop project as well, the two runs would race for the same units.

const KETTLE = catalogProduct("ENAMEL-KETTLE");
const BOARD = catalogProduct("BIRCH-BOARD-L");

const db = openShopDatabase();

type Phone = { page: Page; msisdn: string; clientInvoiceId: string };

const test = base.extend<{ phoneAtOrderPage: (name: string, product: CatalogProduct) => Promise<Phone> }>({
  // A phone of its own (cookies, and so the app's subscriber and session), opened on the product's own SEQR code.
  phoneAtOrderPage: async ({ browser }, provide) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await provide(async (name, product) => {
      const context = await browser.newContext({ ...devices["Pixel 7"] });
      contexts.push(context);
      const page = await context.newPage();
      const { msisdn } = await plantSubscriber(db, name);
      await switchAppSubscriber(page, msisdn);
      const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: product.sku }));
      await expect(page.getByRole("table", { name: "Your order" })).toContainText(product.name);
      await expect(payButton(page, product)).toBeEnabled();
      return { page, msisdn, clientInvoiceId };
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

test.afterAll(() => db.$disconnect());

function payButton(page: Page, product: CatalogProduct) {
  return page.getByRole("button", { name: `Pay ${priceOf(product)}` });
}

/** What the order page says when Pay is refused because the product went to the other phone. */
function soldOutMessage(product: CatalogProduct): string {
  return `Sorry, ${product.name} is sold out, so this order cannot be paid. Nothing was charged.`;
}

function refusal(page: Page) {
  return page.getByRole("main").getByRole("alert");
}

const INVOICE_PAGE = /\/sandbox\/app\/invoices\/\d+$/;

/** Where a phone is after Pay: the app's invoice, the sold-out message, or neither yet. */
async function afterPay(page: Page, product: CatalogProduct): Promise<"invoice" | "sold out" | "waiting"> {
  if (INVOICE_PAGE.test(page.url())) return "invoice";
  const text = await refusal(page)
    .textContent({ timeout: 100 })
    .catch(() => null);
  return text === soldOutMessage(product) ? "sold out" : "waiting";
}

/** The winner pays its invoice in the app and sees the receipt. */
async function payInApp(phone: Phone, product: CatalogProduct): Promise<void> {
  await expect(phone.page.getByTestId("invoice-status")).toHaveText("ISSUED");
  await expect(phone.page.getByTestId("invoice-total")).toHaveText(priceOf(product));
  await chooseInApp(phone.page, "Pay");
  await expect(phone.page.getByRole("heading", { name: "Thank you! Your payment is complete" })).toBeVisible();
  await expectReceipt(phone.page, { clientInvoiceId: phone.clientInvoiceId, total: priceOf(product) });
}

/** Nothing was sent to SEQR for the loser's order: no attempt, no invoice in the sandbox, no units held. */
async function expectNoInvoiceSent(clientInvoiceId: string): Promise<LoadedOrder> {
  const order = await loadOrder(db, clientInvoiceId);
  // No attempt at all, SENT or any other: Pay was refused before the attempt is written.
  expect(order.attempts).toEqual([]);
  expect(order.events.map((event) => event.type)).not.toContain("INVOICE_SENT");
  expect(order.events.map((event) => event.type)).not.toContain("STOCK_RESERVED");
  expect(order.stockReservation).toBe("NONE");
  expect(order.status).toBe("PENDING");
  expect(await db.sandboxInvoice.count({ where: { clientInvoiceId } })).toBe(0);
  return order;
}

/** The winner's order is PAID, holds the unit for good, and the shelf is empty. */
async function expectSoldOnce(winner: Phone, product: CatalogProduct): Promise<void> {
  await expect.poll(() => orderStatus(winner.page.request, winner.clientInvoiceId)).toBe("PAID");
  const order = await loadOrder(db, winner.clientInvoiceId);
  expect(order.status).toBe("PAID");
  expect(order.stockReservation).toBe("TAKEN");
  expect(order.customerMsisdn).toBe(winner.msisdn);
  expect(order.events.filter((event) => event.type === "STOCK_RESERVED")).toHaveLength(1);
  expect(await db.sandboxInvoice.count({ where: { clientInvoiceId: winner.clientInvoiceId, status: "PAID" } })).toBe(1);
  expect((await db.product.findUniqueOrThrow({ where: { sku: product.sku } })).stock).toBe(0);
}

test.describe("two phones, one unit left", { tag: "@phone-only" }, () => {
  test("the phone that presses Pay first pays; the second is told it is sold out before any invoice is sent", async ({
    phoneAtOrderPage,
  }) => {
    await setProductStock(db, KETTLE.sku, 1);
    // Both orders are created while the unit is on the shelf: stock is only checked, not taken, when an order is made.
    const first = await phoneAtOrderPage("Race: first phone", KETTLE);
    const second = await phoneAtOrderPage("Race: second phone", KETTLE);
    expect(second.clientInvoiceId).not.toBe(first.clientInvoiceId);

    await payButton(first.page, KETTLE).click();
    await first.page.waitForURL(INVOICE_PAGE);
    // The unit is held by the first phone's invoice from the moment it is sent, before anyone has paid.
    expect((await db.product.findUniqueOrThrow({ where: { sku: KETTLE.sku } })).stock).toBe(0);

    await payButton(second.page, KETTLE).click();
    await expect(refusal(second.page)).toHaveText(soldOutMessage(KETTLE));
    expect(new URL(second.page.url()).pathname).toBe("/order");
    await expectNoInvoiceSent(second.clientInvoiceId);

    await payInApp(first, KETTLE);
    await expectSoldOnce(first, KETTLE);

    // Pressing Pay again changes nothing: the unit is sold.
    await payButton(second.page, KETTLE).click();
    await expect(refusal(second.page)).toHaveText(soldOutMessage(KETTLE));
    await expect(payButton(second.page, KETTLE)).toBeEnabled();
    await expectNoInvoiceSent(second.clientInvoiceId);
  });

  test("both phones press Pay at the same moment: exactly one gets the invoice and pays, the other is told it is sold out", async ({
    phoneAtOrderPage,
  }) => {
    await setProductStock(db, BOARD.sku, 1);
    const phones = [await phoneAtOrderPage("Race: phone A", BOARD), await phoneAtOrderPage("Race: phone B", BOARD)] as const;

    await Promise.all(phones.map((phone) => payButton(phone.page, BOARD).click()));
    // Whichever reserved the unit first wins; the database decides, so there is always exactly one winner.
    let outcomes: string[] = [];
    await expect
      .poll(async () => {
        outcomes = await Promise.all(phones.map((phone) => afterPay(phone.page, BOARD)));
        return [...outcomes].sort();
      })
      .toEqual(["invoice", "sold out"]);
    const winner = phones[outcomes.indexOf("invoice")];
    const loser = phones[outcomes.indexOf("sold out")];
    if (!winner || !loser) throw new Error(`no winner and loser in ${outcomes.join(", ")}`);

    await expect(refusal(loser.page)).toHaveText(soldOutMessage(BOARD));
    await expectNoInvoiceSent(loser.clientInvoiceId);
    await payInApp(winner, BOARD);
    await expectSoldOnce(winner, BOARD);
    await expectNoInvoiceSent(loser.clientInvoiceId);
  });
});
