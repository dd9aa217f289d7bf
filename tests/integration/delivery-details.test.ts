import "./support/shop-address";

import { describe, expect, test, vi } from "vitest";

import { openOrderAction, payOrderAction, readOutcomeAction, saveOrderDeliveryAction } from "@/app/(seqr)/actions";
import { saveCheckoutDeliveryAction } from "@/app/(shop)/checkout/[clientInvoiceId]/actions";
import { addToCart } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { checkoutCart } from "@/lib/cart/checkout-cart";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import {
  deliveryDetailsComplete,
  deliveryDetailsSchema,
  deliveryFieldErrors,
  InvalidDeliveryDetails,
  saveDeliveryDetails,
} from "@/lib/orders/delivery";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { serviceQrText } from "@/lib/seqr/links";

import { paidOrder } from "./support/admin-orders";
import { fakeRequest, formData, nextHeadersMock, outcomeOf } from "./support/admin-request";
import {
  ASTRID,
  ASTRIDS_DETAILS,
  BERTIL,
  expectAppError,
  giveDeliveryDetails,
  orderFor,
  rejectionOf,
  serveShopForThisFile,
  shopSnapshot,
} from "./support/shop-flow";

// The delivery details (lib/orders/delivery.ts): what the shopper gives before paying, on the checkout's form or,
// for a product's own SEQR code, on the order page in the app. Checked field by field, kept on the order, refused
// once the order is paid; and Pay refuses an order without them before SEQR hears of it.

// The Server Actions read the cart cookie and the caller's address (rate limits): a request context for them.
vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);
// The checkout page marks itself dynamic with connection(), which needs a Next request; there is none here.
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<object>()), connection: async () => {} }));

const shop = serveShopForThisFile();

const SWEDISH_POSTCODE = "Enter a Swedish postcode of five digits, such as 111 22.";
const NO_PICKUP = "The shop does not offer store pickup: please give a delivery address.";
const MISSING = "Please give your e-mail address and where the order should go before paying. Nothing was charged.";

/** The form's fields as the browser sends them: every field, as strings. */
const shipping = (overrides: Record<string, string> = {}) => ({ ...ASTRIDS_DETAILS, method: "SHIP", ...overrides });

function errorsOf(input: Record<string, unknown>, options: { storePickup?: boolean } = {}) {
  const parsed = deliveryDetailsSchema(options).safeParse(input);
  return parsed.success ? null : deliveryFieldErrors(parsed.error);
}

function deliveryColumns(orderId: string) {
  return db.order.findUniqueOrThrow({
    where: { id: orderId },
    select: {
      customerEmail: true,
      deliveryMethod: true,
      deliveryName: true,
      deliveryStreet: true,
      deliveryPostcode: true,
      deliveryCity: true,
      deliveryCountry: true,
    },
  });
}

/** Invoices SEQR (the sandbox) holds: Pay's only way to reach SEQR is sendInvoice. */
const seqrInvoiceCount = () => db.sandboxInvoice.count();

/** A browser with this cart cookie (or none). */
async function browserWithCart(cartId: string | null): Promise<void> {
  fakeRequest({ host: "127.0.0.1:3000" });
  if (cartId) (await nextHeadersMock.cookies()).set("cart", cartId);
}

/** An order placed by a cart's checkout, as the shop places it. */
async function placedByCart() {
  const cartId = newCartId();
  await addToCart(cartId, "LINGON-JAM-400", 1);
  const { clientInvoiceId } = await checkoutCart(cartId);
  const order = await db.order.findUniqueOrThrow({ where: { clientInvoiceId } });
  return { cartId, clientInvoiceId, orderId: order.id };
}

/** The app scans a SEQR code as `msisdn`; the order page opens the session. Returns the TOKEN and the order. */
async function openedInApp(parameters: { order: string } | { product: string }, msisdn = ASTRID) {
  const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, parameters), { msisdn });
  const token: string = scanned.sessionToken;
  const opened = await openOrderSession(token);
  return { token, orderId: opened.orderId, clientInvoiceId: opened.clientInvoiceId };
}

describe("the details, field by field", () => {
  test("Swedish postcodes: '11122' and '111 22' are accepted and kept as '111 22'; anything else is refused on the postcode", () => {
    for (const postcode of ["11122", "111 22", " 111  22 "]) {
      const parsed = deliveryDetailsSchema().parse(shipping({ postcode }));
      expect(parsed).toMatchObject({ method: "SHIP", postcode: "111 22" });
    }
    for (const postcode of ["", "1112", "111222", "111 2", "11 122", "abcde", "111-22"]) {
      expect(errorsOf(shipping({ postcode })), postcode).toEqual({ postcode: SWEDISH_POSTCODE });
    }
  });

  test("other countries: a sane, non-empty postcode, as typed (upper case)", () => {
    expect(deliveryDetailsSchema().parse(shipping({ country: "NO", postcode: "0150" }))).toMatchObject({ country: "NO", postcode: "0150" });
    expect(deliveryDetailsSchema().parse(shipping({ country: "DE", postcode: "10115" }))).toMatchObject({ country: "DE", postcode: "10115" });
    for (const postcode of ["", " ", "!", "1", "0150 #", "x".repeat(11)]) {
      expect(errorsOf(shipping({ country: "NO", postcode })), postcode).toEqual({ postcode: "Enter the postcode." });
    }
  });

  test("every field refused at once, each with its own message", () => {
    expect(errorsOf({ email: "astrid@", name: " ", street: "", postcode: "", city: "", country: "XX" })).toEqual({
      email: "Enter your e-mail address, such as name@example.se: the order confirmation goes there.",
      name: "Enter your name.",
      street: "Enter the street address, such as Storgatan 1.",
      postcode: "Enter the postcode.",
      city: "Enter the town or city.",
      country: "Choose a country the shop sends to.",
    });
    expect(errorsOf({})).toEqual({
      email: expect.any(String),
      name: expect.any(String),
      street: expect.any(String),
      postcode: SWEDISH_POSTCODE,
      city: expect.any(String),
    });
    expect(errorsOf(shipping({ method: "POST" }))).toEqual({ method: "Choose how you want your order: sent to you, or collected at the shop." });
  });

  test("store pickup only where the merchant offers it; it needs no address", () => {
    const pickup = { email: "bertil@example.se", name: "Bertil Berg", method: "PICKUP" };
    expect(errorsOf(pickup, { storePickup: false })).toEqual({ method: NO_PICKUP });
    expect(deliveryDetailsSchema({ storePickup: true }).parse({ ...pickup, street: "ignored" })).toEqual({
      email: "bertil@example.se",
      name: "Bertil Berg",
      method: "PICKUP",
    });
    // The shop's own setting decides when none is given (STORE_PICKUP is off in the tests).
    expect(env.fulfilment.storePickup).toBe(false);
    expect(errorsOf(pickup)).toEqual({ method: NO_PICKUP });
  });

  test("complete means an e-mail address, a name, and a whole address or pickup", () => {
    const base = {
      customerEmail: "a@example.se",
      deliveryName: "A",
      deliveryMethod: "SHIP" as const,
      deliveryStreet: "Storgatan 1",
      deliveryPostcode: "111 22",
      deliveryCity: "Stockholm",
      deliveryCountry: "SE",
    };
    expect(deliveryDetailsComplete(base)).toBe(true);
    for (const missing of Object.keys(base) as (keyof typeof base)[]) {
      expect(deliveryDetailsComplete({ ...base, [missing]: null }), missing).toBe(false);
    }
    const pickup = { ...base, deliveryMethod: "PICKUP" as const, deliveryStreet: null, deliveryPostcode: null, deliveryCity: null, deliveryCountry: null };
    expect(deliveryDetailsComplete(pickup)).toBe(true);
  });
});

describe("saveDeliveryDetails", () => {
  test("keeps the values on the order, tidied; a change to pickup clears the address", async () => {
    const { order } = await orderFor("LINGON-JAM-400", 1, { deliveryDetails: false });
    expect(deliveryDetailsComplete(await deliveryColumns(order.id))).toBe(false);

    const saved = await saveDeliveryDetails(order.id, shipping({ email: " astrid@example.se ", name: " Astrid   Andersson ", postcode: "12345" }));

    expect(saved).toMatchObject({ complete: true, email: "astrid@example.se", name: "Astrid Andersson", postcode: "123 45", countryName: "Sweden" });
    expect(await deliveryColumns(order.id)).toEqual({
      customerEmail: "astrid@example.se",
      deliveryMethod: "SHIP",
      deliveryName: "Astrid Andersson",
      deliveryStreet: "Storgatan 12",
      deliveryPostcode: "123 45",
      deliveryCity: "Ystad",
      deliveryCountry: "SE",
    });

    await saveDeliveryDetails(order.id, { email: "astrid@example.se", name: "Astrid Andersson", method: "PICKUP" }, { storePickup: true });
    expect(await deliveryColumns(order.id)).toEqual({
      customerEmail: "astrid@example.se",
      deliveryMethod: "PICKUP",
      deliveryName: "Astrid Andersson",
      deliveryStreet: null,
      deliveryPostcode: null,
      deliveryCity: null,
      deliveryCountry: null,
    });
  });

  test("refused details change nothing and say what is wrong with each field", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const before = await deliveryColumns(order.id);

    const error = await rejectionOf(saveDeliveryDetails(order.id, shipping({ postcode: "1234", city: "" })));

    expect(error).toBeInstanceOf(InvalidDeliveryDetails);
    expect(error).toMatchObject({ status: 400, fieldErrors: { postcode: SWEDISH_POSTCODE, city: "Enter the town or city." } });
    expect(await deliveryColumns(order.id)).toEqual(before);
  });

  test("an order already paid refuses, with a clear message, and nothing changes", async () => {
    const paid = await paidOrder(shop.server);
    const before = await shopSnapshot();

    const error = await expectAppError(saveDeliveryDetails(paid.orderId, shipping({ street: "Elsewhere 1" })), "ORDER_ALREADY_PAID", 409);

    expect(error.message).toBe(
      "This order is already paid, so its delivery details can no longer be changed here. Please contact the shop to change them.",
    );
    expect(await shopSnapshot()).toEqual(before);
  });

  test("an order that can no longer be paid (expired) refuses too", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await db.order.update({ where: { id: order.id }, data: { status: "EXPIRED" } });
    const before = await deliveryColumns(order.id);
    await expectAppError(saveDeliveryDetails(order.id, shipping({ street: "Elsewhere 1" })), "ORDER_NOT_PAYABLE", 409);
    expect(await deliveryColumns(order.id)).toEqual(before);
  });

  test("an invoiced order (the shopper has not paid yet) still takes a change", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await openedInApp({ order: order.clientInvoiceId });
    await requestPayment(order.id);
    await saveDeliveryDetails(order.id, shipping({ street: "Lillgatan 3" }));
    expect(await deliveryColumns(order.id)).toMatchObject({ deliveryStreet: "Lillgatan 3" });
  });
});

describe("Pay", () => {
  test("is refused until the details are complete: no invoice at SEQR, nothing written; then it goes through", async () => {
    const { order } = await orderFor("LINGON-JAM-400", 1, { deliveryDetails: false });
    await openedInApp({ order: order.clientInvoiceId });
    const invoicesBefore = await seqrInvoiceCount();
    const before = await shopSnapshot();

    const refused = await expectAppError(requestPayment(order.id), "DELIVERY_DETAILS_MISSING", 409);
    expect(refused.message).toBe(MISSING);
    expect(await seqrInvoiceCount()).toBe(invoicesBefore);
    expect(await shopSnapshot()).toEqual(before);

    // Half the details are not enough: an e-mail address and a name, but no address.
    await db.order.update({ where: { id: order.id }, data: { customerEmail: "astrid@example.se", deliveryName: "Astrid", deliveryMethod: "SHIP" } });
    await expectAppError(requestPayment(order.id), "DELIVERY_DETAILS_MISSING", 409);
    expect(await seqrInvoiceCount()).toBe(invoicesBefore);
    expect(await db.paymentAttempt.count({ where: { orderId: order.id } })).toBe(0);

    await giveDeliveryDetails(order.id);
    const { invoiceReference } = await requestPayment(order.id);
    expect(await seqrInvoiceCount()).toBe(invoicesBefore + 1);
    expect((await shop.sandbox.invoice(invoiceReference)).clientInvoiceId).toBe(order.clientInvoiceId);
  });

  test("the app's Pay button says what is missing, and sends nothing", async () => {
    const { token } = await openedInApp({ product: "LINGON-JAM-400" });
    const invoicesBefore = await seqrInvoiceCount();
    fakeRequest({ host: "127.0.0.1:3000" });

    expect(await payOrderAction(null, formData({ token }))).toEqual({ ok: false, error: MISSING });
    expect(await seqrInvoiceCount()).toBe(invoicesBefore);
  });
});

describe("the checkout's form (saveCheckoutDeliveryAction)", () => {
  test("saved for the browser whose cart placed the order, which then sees the SEQR code", async () => {
    const { cartId, clientInvoiceId, orderId } = await placedByCart();
    await browserWithCart(cartId);

    const outcome = await outcomeOf(() => saveCheckoutDeliveryAction(null, formData({ order: clientInvoiceId, ...shipping({ postcode: "12345" }) })));

    expect(outcome).toEqual({ kind: "redirect", url: `/checkout/${clientInvoiceId}` });
    expect(await deliveryColumns(orderId)).toMatchObject({ customerEmail: "astrid@example.se", deliveryPostcode: "123 45" });
  });

  test("a bad postcode comes back with its message on the field and every value as it was typed", async () => {
    const { cartId, clientInvoiceId, orderId } = await placedByCart();
    await browserWithCart(cartId);
    const typed = shipping({ postcode: "1234", name: "Astrid  Andersson" });

    const outcome = await outcomeOf(() => saveCheckoutDeliveryAction(null, formData({ order: clientInvoiceId, ...typed })));

    expect(outcome).toEqual({
      kind: "returned",
      value: {
        ok: false,
        error: "Please correct the details marked below.",
        fieldErrors: { postcode: SWEDISH_POSTCODE },
        values: { ...typed },
      },
    });
    expect(deliveryDetailsComplete(await deliveryColumns(orderId))).toBe(false);
  });

  test("pickup is refused on its field while the shop does not offer it", async () => {
    const { cartId, clientInvoiceId } = await placedByCart();
    await browserWithCart(cartId);
    const outcome = await outcomeOf(() =>
      saveCheckoutDeliveryAction(null, formData({ order: clientInvoiceId, email: "bertil@example.se", name: "Bertil", method: "PICKUP" })),
    );
    expect(outcome).toMatchObject({ kind: "returned", value: { ok: false, fieldErrors: { method: NO_PICKUP } } });
  });

  test("another browser (another cart, or none) is refused and the order is untouched", async () => {
    const { clientInvoiceId, orderId } = await placedByCart();
    for (const cartId of [newCartId(), null]) {
      await browserWithCart(cartId);
      const outcome = await outcomeOf(() => saveCheckoutDeliveryAction(null, formData({ order: clientInvoiceId, ...shipping() })));
      expect(outcome).toMatchObject({
        kind: "returned",
        value: { ok: false, error: "Only the browser this order was placed from can give its delivery details.", fieldErrors: {} },
      });
    }
    expect(deliveryDetailsComplete(await deliveryColumns(orderId))).toBe(false);
  });

  test("the checkout shows the form, and no SEQR code, until the details are complete", async () => {
    const { default: CheckoutPage } = await import("@/app/(shop)/checkout/[clientInvoiceId]/page");
    const { cartId, clientInvoiceId, orderId } = await placedByCart();
    await browserWithCart(cartId);
    const render = async (change?: string) =>
      valuesIn(await CheckoutPage({ params: Promise.resolve({ clientInvoiceId }), searchParams: Promise.resolve({ change }) })).join("\n");

    const before = await render();
    expect(before).toContain("Where should we send your order?");
    expect(before).not.toContain(serviceQrText(env.seqr.serviceId, { order: clientInvoiceId }));

    await giveDeliveryDetails(orderId);
    const after = await render();
    expect(after).toContain(serviceQrText(env.seqr.serviceId, { order: clientInvoiceId }));
    expect(after).toContain(`/checkout/${clientInvoiceId}?change=delivery`);

    const changing = await render("delivery");
    expect(changing).toContain("Change your delivery details");
    expect(changing).not.toContain(serviceQrText(env.seqr.serviceId, { order: clientInvoiceId }));
  });
});

/** Every text and prop value in a page's element tree (what the server would render from). */
function valuesIn(node: unknown, seen = new WeakSet<object>()): string[] {
  if (typeof node === "string" || typeof node === "number") return [String(node)];
  if (typeof node !== "object" || node === null || seen.has(node)) return [];
  seen.add(node);
  return Object.entries(node)
    .filter(([key]) => !key.startsWith("_"))
    .flatMap(([key, value]) => (key === "key" || key === "ref" ? [] : valuesIn(value, seen)));
}

describe("the order page's form (saveOrderDeliveryAction), for a product's own SEQR code", () => {
  test("the page asks for the details (no Pay yet); saved, Pay is offered and goes through", async () => {
    fakeRequest({ host: "127.0.0.1:3000" });
    const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { product: "LINGON-JAM-400" }), { msisdn: ASTRID });
    const token: string = scanned.sessionToken;

    const opened = await openOrderAction(null, formData({ token }));
    expect(opened).toMatchObject({ ok: true, data: { delivery: { complete: false, editable: true } } });

    const refused = await saveOrderDeliveryAction(null, formData({ token, ...shipping({ postcode: "123" }) }));
    expect(refused).toMatchObject({ ok: false, fieldErrors: { postcode: SWEDISH_POSTCODE }, values: { postcode: "123" }, token });

    const saved = await saveOrderDeliveryAction(null, formData({ token, ...shipping() }));
    expect(saved).toMatchObject({ ok: true, delivery: { complete: true, postcode: "123 45", email: "astrid@example.se" } });

    const reopened = await openOrderAction(null, formData({ token }));
    expect(reopened).toMatchObject({ ok: true, data: { delivery: { complete: true, details: { street: "Storgatan 12" } } } });
    const invoicesBefore = await seqrInvoiceCount();
    expect(await payOrderAction(null, formData({ token }))).toMatchObject({ ok: true });
    expect(await seqrInvoiceCount()).toBe(invoicesBefore + 1);
  });

  test("another subscriber's session of the same order neither sees nor changes its details", async () => {
    fakeRequest({ host: "127.0.0.1:3000" });
    const own = await openedInApp({ product: "LINGON-JAM-400" }, ASTRID);
    await giveDeliveryDetails(own.orderId);
    const stranger = await openedInApp({ order: own.clientInvoiceId }, BERTIL);

    const opened = await openOrderAction(null, formData({ token: stranger.token }));
    expect(opened).toMatchObject({ ok: true, data: { delivery: { complete: true, editable: false, details: null } } });
    expect(JSON.stringify(opened)).not.toContain(ASTRIDS_DETAILS.street);

    const refused = await saveOrderDeliveryAction(null, formData({ token: stranger.token, ...shipping({ street: "Bertils väg 1" }) }));
    expect(refused).toMatchObject({ ok: false, error: "Only the customer who opened this order first can give its delivery details." });
    expect(await deliveryColumns(own.orderId)).toMatchObject({ deliveryStreet: ASTRIDS_DETAILS.street });
  });

  test("a cart's order is not given its details in the app: the checkout asks for them", async () => {
    fakeRequest({ host: "127.0.0.1:3000" });
    const { clientInvoiceId, orderId } = await placedByCart();
    const { token } = await openedInApp({ order: clientInvoiceId });

    const opened = await openOrderAction(null, formData({ token }));
    expect(opened).toMatchObject({
      ok: true,
      data: {
        delivery: {
          complete: false,
          editable: false,
          missing: "This order has no delivery details yet. Give them on the shop's checkout page, then scan the code again.",
        },
      },
    });
    const refused = await saveOrderDeliveryAction(null, formData({ token, ...shipping() }));
    expect(refused).toMatchObject({ ok: false, error: "The delivery details of this order are given on the shop's checkout page." });
    expect(deliveryDetailsComplete(await deliveryColumns(orderId))).toBe(false);
  });

  test("an unknown TOKEN is refused without a word about any order", async () => {
    fakeRequest({ host: "127.0.0.1:3000" });
    const refused = await saveOrderDeliveryAction(null, formData({ token: "0000000000-00000000", ...shipping() }));
    expect(refused).toMatchObject({ ok: false, error: "Open this order from the SEQR app again." });
  });
});

describe("after the payment: the pages say which messages go where", () => {
  test("the success page names the confirmation's address to the payer, and the receipt in the SEQR app", async () => {
    fakeRequest({ host: "127.0.0.1:3000" });
    const paid = await paidOrder(shop.server);
    const outcome = await readOutcomeAction(null, formData({ token: paid.sessionToken, invoiceReference: paid.invoiceReference }));
    expect(outcome).toMatchObject({
      ok: true,
      data: { messages: { confirmation: { to: ASTRIDS_DETAILS.email, sent: expect.any(Boolean) }, seqrReceipt: { sent: expect.any(Boolean) }, underReview: false } },
    });
  });
});
