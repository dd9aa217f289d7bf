import "./support/shop-address";

import { describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { hashSessionToken, newClientInvoiceId } from "@/lib/orders/ids";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { TEST_SUBSCRIBERS } from "@/lib/sandbox/registry";
import { invoiceQrText, serviceQrText, WIZARD_CANCEL_ACTION } from "@/lib/seqr/links";

import { paidOrder } from "./support/admin-orders";
import { ASTRID, BERTIL, eventsOfType, expectAppError, orderFor, orderState, serveShopForThisFile, shopSnapshot } from "./support/shop-flow";

// openOrderSession, the Order URL's back end: the External Service TOKEN from the app is exchanged for the
// customer and the QR code's parameters (getClientSessionInfo against the sandbox), which say what to pay for.

const shop = serveShopForThisFile();

const bertil = TEST_SUBSCRIBERS.find((subscriber) => subscriber.msisdn === BERTIL);

/** Scans the shop's service QR code with these parameters in the simulated app; returns the session TOKEN. */
async function scanServiceCode(parameters: Record<string, string>, msisdn = BERTIL): Promise<string> {
  const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, parameters), { msisdn });
  expect(scanned.open).toBe(`${env.publicBaseUrl}/order#${scanned.sessionToken}`);
  return scanned.sessionToken as string;
}


describe("order=<clientInvoiceId>", () => {
  test("resolves the order and records the customer and a SESSION_OPENED event; only a hash of the TOKEN is kept", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const token = await scanServiceCode({ order: order.clientInvoiceId });

    const opened = await openOrderSession(token);

    expect(opened).toEqual({ orderId: order.id, clientInvoiceId: order.clientInvoiceId, created: false });
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "PENDING", customerMsisdn: BERTIL, customerSubscriberKey: bertil?.subscriberKey });
    expect(state.sessions).toEqual([
      expect.objectContaining({ tokenHash: hashSessionToken(token), msisdn: BERTIL, subscriberKey: bertil?.subscriberKey }),
    ]);
    expect(JSON.stringify(state.sessions)).not.toContain(token);
    expect(eventsOfType(state, "SESSION_OPENED")).toEqual([
      expect.objectContaining({ source: "order-page", detail: { msisdn: BERTIL, customer: "recorded" } }),
    ]);
  });

  test("opening the same TOKEN again, or three times at once, is idempotent: one session, one event", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const token = await scanServiceCode({ order: order.clientInvoiceId });

    const concurrent = await Promise.all([openOrderSession(token), openOrderSession(token), openOrderSession(token)]);
    const later = await openOrderSession(token);

    for (const opened of [...concurrent, later]) expect(opened).toEqual({ orderId: order.id, clientInvoiceId: order.clientInvoiceId, created: false });
    const state = await orderState(order.id);
    expect(state.sessions).toHaveLength(1);
    expect(eventsOfType(state, "SESSION_OPENED")).toHaveLength(1);
  });

  test("the first session sets the customer of record; a second subscriber's session is recorded and changes nothing else", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await scanServiceCode({ order: order.clientInvoiceId }, BERTIL);
    await openOrderSession(first);
    const before = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    const second = await scanServiceCode({ order: order.clientInvoiceId }, ASTRID);

    expect(await openOrderSession(second)).toEqual({ orderId: order.id, clientInvoiceId: order.clientInvoiceId, created: false });

    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "PENDING", customerMsisdn: BERTIL, customerSubscriberKey: bertil?.subscriberKey });
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toEqual(before);
    expect(state.sessions.map((session) => session.msisdn).sort()).toEqual([ASTRID, BERTIL].sort());
    expect(eventsOfType(state, "SESSION_OPENED").map((event) => event.detail)).toEqual([
      { msisdn: BERTIL, customer: "recorded" },
      { msisdn: ASTRID, customer: "unchanged", note: expect.stringMatching(/already had its customer/) },
    ]);
  });

  test("two subscribers opening the order at the same moment: exactly one becomes the customer, the timeline says which", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const tokens = [
      await scanServiceCode({ order: order.clientInvoiceId }, BERTIL),
      await scanServiceCode({ order: order.clientInvoiceId }, ASTRID),
    ];

    await Promise.all(tokens.map((token) => openOrderSession(token)));

    const state = await orderState(order.id);
    const opened = eventsOfType(state, "SESSION_OPENED").map((event) => event.detail as { msisdn: string; customer: string });
    const recorded = opened.filter((detail) => detail.customer === "recorded");
    expect(recorded).toHaveLength(1);
    expect(opened.filter((detail) => detail.customer === "unchanged")).toHaveLength(1);
    expect(state.customerMsisdn).toBe(recorded[0]?.msisdn);
    const customer = TEST_SUBSCRIBERS.find((subscriber) => subscriber.msisdn === state.customerMsisdn);
    expect(state.customerSubscriberKey).toBe(customer?.subscriberKey);
  });

  test("a session opened on a paid order leaves its customer (the payer) and everything else as it was", async () => {
    const paid = await paidOrder(shop.server);
    const before = await db.order.findUniqueOrThrow({ where: { id: paid.orderId } });
    expect(before).toMatchObject({ status: "PAID", customerMsisdn: ASTRID });
    const later = await scanServiceCode({ order: paid.clientInvoiceId }, BERTIL);

    await openOrderSession(later);

    expect(await db.order.findUniqueOrThrow({ where: { id: paid.orderId } })).toEqual(before);
    const state = await orderState(paid.orderId);
    expect(state.sessions).toHaveLength(2);
    expect(eventsOfType(state, "SESSION_OPENED").at(-1)).toMatchObject({
      source: "order-page",
      detail: { msisdn: BERTIL, customer: "unchanged" },
    });
  });

  test("an order id the shop does not know, or a malformed one: 404 AppError, nothing recorded", async () => {
    const unknown = await scanServiceCode({ order: newClientInvoiceId() });
    const malformed = await scanServiceCode({ order: "../../etc/passwd" });
    const before = await shopSnapshot();

    await expectAppError(openOrderSession(unknown), "ORDER_NOT_FOUND", 404);
    await expectAppError(openOrderSession(malformed), "ORDER_NOT_FOUND", 404);

    expect(await shopSnapshot()).toEqual(before);
  });
});

describe("product=<sku>", () => {
  test("creates one PRODUCT_QR order for the session, even when the page opens three times at once", async () => {
    const product = await db.product.findUniqueOrThrow({ where: { sku: "CANDLE-PINE" } });
    const token = await scanServiceCode({ product: product.sku });
    const ordersBefore = await db.order.count();

    const results = await Promise.all([openOrderSession(token), openOrderSession(token), openOrderSession(token)]);

    expect(new Set(results.map((result) => result.orderId)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await db.order.count()).toBe(ordersBefore + 1);
    const state = await orderState(results[0]?.orderId ?? "");
    expect(state).toMatchObject({
      source: "PRODUCT_QR",
      status: "PENDING",
      clientInvoiceId: results[0]?.clientInvoiceId,
      totalMinor: product.priceMinor,
      currency: product.currency,
      customerMsisdn: BERTIL,
      customerSubscriberKey: bertil?.subscriberKey,
    });
    expect(state.sessions).toEqual([expect.objectContaining({ tokenHash: hashSessionToken(token), msisdn: BERTIL })]);
    expect(eventsOfType(state, "ORDER_CREATED")).toEqual([expect.objectContaining({ source: "order-page" })]);
    const items = await db.orderItem.findMany({ where: { orderId: state.id } });
    expect(items).toEqual([
      expect.objectContaining({ productId: product.id, sku: product.sku, quantity: 1, unitPriceMinor: product.priceMinor }),
    ]);

    // Reopened later (a reload): the same order, not another.
    expect(await openOrderSession(token)).toEqual({ orderId: state.id, clientInvoiceId: state.clientInvoiceId, created: false });
    expect(await db.order.count()).toBe(ordersBefore + 1);
  });

  test("a sku the shop does not sell: 404 AppError, no order", async () => {
    const token = await scanServiceCode({ product: "NO-SUCH-THING" });
    const before = await shopSnapshot();

    await expectAppError(openOrderSession(token), "PRODUCT_NOT_FOUND", 404);

    expect(await shopSnapshot()).toEqual(before);
  });
});

test("a code with neither order nor product: 400 AppError, nothing recorded", async () => {
  const bare = await scanServiceCode({});
  const other = await scanServiceCode({ campaign: "spring" });
  const before = await shopSnapshot();

  await expectAppError(openOrderSession(bare), "NOTHING_TO_PAY", 400);
  await expectAppError(openOrderSession(other), "NOTHING_TO_PAY", 400);

  expect(await shopSnapshot()).toEqual(before);
});

describe("a TOKEN SEQR will not answer for", () => {
  test("60 expired → SESSION_EXPIRED", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const token = await scanServiceCode({ order: order.clientInvoiceId });
    expect((await shop.server.api("POST", `/sessions/${token}`, { action: "expire" })).status).toBe(200);
    const before = await shopSnapshot();

    await expectAppError(openOrderSession(token), "SESSION_EXPIRED", 410);

    expect(await shopSnapshot()).toEqual(before);
  });

  test("61 canceled with SEQR-ACTION://WIZARD/CANCEL → SESSION_CANCELED", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const token = await scanServiceCode({ order: order.clientInvoiceId });
    await shop.sandbox.scan(WIZARD_CANCEL_ACTION, { msisdn: BERTIL, sessionToken: token });
    const before = await shopSnapshot();

    await expectAppError(openOrderSession(token), "SESSION_CANCELED", 410);

    expect(await shopSnapshot()).toEqual(before);
  });

  test("62 in progress (the shopper has the invoice open in the app) → SESSION_IN_PROGRESS", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const token = await scanServiceCode({ order: order.clientInvoiceId });
    await openOrderSession(token);
    const { invoiceReference } = await requestPayment(order.id);
    await shop.sandbox.scan(invoiceQrText(invoiceReference), { msisdn: BERTIL, sessionToken: token });
    const before = await shopSnapshot();

    await expectAppError(openOrderSession(token), "SESSION_IN_PROGRESS", 409);

    expect(await shopSnapshot()).toEqual(before);
  });

  test("63 unknown → SESSION_UNKNOWN", async () => {
    const before = await shopSnapshot();

    await expectAppError(openOrderSession("0000002012-00000000"), "SESSION_UNKNOWN", 404);

    expect(await shopSnapshot()).toEqual(before);
  });

  test("SEQR busy (93) → SEQR_UNAVAILABLE 503, nothing recorded", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const token = await scanServiceCode({ order: order.clientInvoiceId });
    await shop.sandbox.arm({ kind: "soap-result", operation: "getClientSessionInfo", resultCode: 93, count: 20 });
    const before = await shopSnapshot();

    await expectAppError(openOrderSession(token), "SEQR_UNAVAILABLE", 503);

    expect(await shopSnapshot()).toEqual(before);
  });
});
