import "./support/shop-address";

import { describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { installClientAddressStamp } from "@/lib/http/client-address";
import { ORDER_CONFIRMATION } from "@/lib/orders/fulfil-order";
import { newClientInvoiceId } from "@/lib/orders/ids";
import { notificationUrlFor, signOrderId } from "@/lib/orders/notification-url";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { TEST_SUBSCRIBERS } from "@/lib/sandbox/registry";
import { serviceQrText } from "@/lib/seqr/links";

import { shopBaseUrl } from "./support/shop-address";
import {
  ASTRID,
  BERTIL,
  eventsOfType,
  expectNoInternals,
  orderFor,
  orderState,
  shopSnapshot,
  stockOf,
  serveShopForThisFile,
} from "./support/shop-flow";

// POST /api/seqr/notification over real HTTP: SEQR's unsigned "something happened" is only a reason to ask
// getPaymentStatus; the shop's own signature on the URL and the body's invoice must check out first, and a
// refused notification changes nothing at all, not even by asking SEQR.

// Requests are stamped with their socket's address, as instrumentation.ts does in the Next.js server.
installClientAddressStamp();
const shop = serveShopForThisFile();

const FORM = "application/x-www-form-urlencoded";

function notificationUrl(clientInvoiceId: string, sig = signOrderId(clientInvoiceId)): string {
  return `${shopBaseUrl}/api/seqr/notification?${new URLSearchParams({ order: clientInvoiceId, sig }).toString()}`;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** POSTs a notification as SEQR does; every answer, whatever its status, must be free of internals. */
async function postNotification(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": FORM, ...headers }, body });
  const text = await response.text();
  expectNoInternals(text);
  return { status: response.status, text, json: text ? (JSON.parse(text) as unknown) : null };
}

async function invoicedOrder(sku = "LINGON-JAM-400", quantity = 1) {
  const { order, product } = await orderFor(sku, quantity);
  const { invoiceReference } = await requestPayment(order.id);
  return { order, product, invoiceReference };
}

/**
 * Paid in the app while SEQR's notification was lost on the way: SEQR has the money, the shop does not know yet.
 * Returns the notification exactly as SEQR would have sent it (the sandbox records the dropped one).
 */
async function paidButNotNotified(sku = "LINGON-JAM-400", quantity = 1) {
  const invoiced = await invoicedOrder(sku, quantity);
  await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
  await shop.sandbox.pay(invoiced.invoiceReference);
  const seqrSide = await shop.sandbox.invoice(invoiced.invoiceReference);
  expect(seqrSide).toMatchObject({ status: "PAID", committedAt: null });
  expect(seqrSide.notifications).toEqual([expect.objectContaining({ outcome: "DROPPED" })]);
  expect((await db.order.findUniqueOrThrow({ where: { id: invoiced.order.id } })).status).toBe("INVOICED");
  const dropped: { url: string; body: string } = seqrSide.notifications[0];
  return { ...invoiced, url: dropped.url, body: dropped.body, ersReference: seqrSide.ersReference as string };
}

describe("a genuine notification", () => {
  test("after payment: 200, the order is PAID and fulfilled once, every step recorded with the sender's address", async () => {
    // The sender's address is the socket's (no trusted proxy): what X-Forwarded-For claims is not believed.
    const { order, product, invoiceReference, url, body, ersReference } = await paidButNotNotified("WOOL-SOCKS-GREY", 2);
    expect(url).toBe(notificationUrlFor(order.clientInvoiceId));
    const stockBefore = await stockOf(product.id);

    const response = await postNotification(url, body, { "X-Forwarded-For": "203.0.113.7, 10.0.0.1" });

    expect(response.status).toBe(200);
    expect(response.text).toBe("");
    const state = await orderState(order.id);
    expect(state.status).toBe("PAID");
    expect(state.paidAt).not.toBeNull();
    expect(state.fulfilledAt).not.toBeNull();
    expect(state.attentionReason).toBeNull();
    const [attempt] = state.attempts;
    expect(state.attempts).toHaveLength(1);
    expect(attempt).toMatchObject({ invoiceReference, seqrStatus: "PAID", ersReference, nextCheckAt: null });
    expect(attempt?.finalizedAt).not.toBeNull();

    const fromNotification = state.events.filter((event) => event.source === "notification");
    expect(fromNotification.map((event) => event.type)).toEqual([
      "NOTIFICATION_RECEIVED",
      "STATUS_QUERIED",
      "STATUS_CHANGED",
      "FULFILLED",
    ]);
    const [received, queried, changed, fulfilled] = fromNotification;
    expect(received).toMatchObject({
      paymentAttemptId: attempt?.id,
      sourceAddress: "127.0.0.1",
      detail: { invoiceReference, msisdn: ASTRID },
    });
    expect(queried).toMatchObject({
      paymentAttemptId: attempt?.id,
      sourceAddress: "127.0.0.1",
      seqrResultCode: 0,
      detail: { status: "PAID", ersReference },
    });
    expect(changed).toMatchObject({ fromStatus: "INVOICED", toStatus: "PAID", paymentAttemptId: attempt?.id });
    expect(fulfilled?.detail).toEqual({ items: [{ sku: "WOOL-SOCKS-GREY", quantity: 2 }] });

    // The units left the shelf when the invoice was sent; the payment keeps them and takes no more.
    expect(state.stockReservation).toBe("TAKEN");
    expect(await stockOf(product.id)).toBe(stockBefore);
    // The payment's messages, queued in its transaction for the outbox worker (none runs here): each once.
    expect(state.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", ORDER_CONFIRMATION, "SEQR_RECEIPT"]);
    expect(state.outbox.find((message) => message.kind === ORDER_CONFIRMATION)).toMatchObject({
      status: "PENDING",
      channel: "EMAIL",
      recipient: state.customerEmail,
      dedupeKey: `${ORDER_CONFIRMATION}:${order.id}`,
    });
    // The shop's query inside the handler is what commits the payment at SEQR (the commit rule).
    const seqrSide = await shop.sandbox.invoice(invoiceReference);
    expect(seqrSide.committedAt).not.toBeNull();
    expect(seqrSide.reversedAt).toBeNull();
  });

  test("delivered 5 times at once: one PAID transition, one fulfilment, its outbox messages once, stock taken once", async () => {
    const { order, product, invoiceReference } = await invoicedOrder("MUG-FJORD-35", 2);
    const stockBefore = await stockOf(product.id);
    await shop.sandbox.arm({ kind: "repeat-notification", copies: 5 });

    await shop.sandbox.pay(invoiceReference);

    const seqrSide = await shop.sandbox.invoice(invoiceReference);
    expect(seqrSide.notifications).toHaveLength(5);
    // Every copy was answered 200: the duplicates are absorbed, not failed.
    for (const notification of seqrSide.notifications) {
      expect(notification).toMatchObject({ outcome: "DELIVERED", httpStatus: 200, forged: false });
    }
    const state = await orderState(order.id);
    expect(state.status).toBe("PAID");
    expect(eventsOfType(state, "NOTIFICATION_RECEIVED")).toHaveLength(5);
    const toPaid = eventsOfType(state, "STATUS_CHANGED").filter((event) => event.toStatus === "PAID");
    expect(toPaid).toHaveLength(1);
    expect(toPaid[0]).toMatchObject({ fromStatus: "INVOICED", source: "notification" });
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(1);
    const queries = eventsOfType(state, "STATUS_QUERIED");
    expect(queries.length).toBeGreaterThanOrEqual(1);
    expect(queries.length).toBeLessThanOrEqual(5);
    for (const query of queries) expect(query.seqrResultCode).toBe(0);
    expect(eventsOfType(state, "ERROR")).toHaveLength(0);
    expect(state.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    // Reserved once when the invoice was sent, kept once at PAID: five copies take nothing more.
    expect(state.stockReservation).toBe("TAKEN");
    expect(await stockOf(product.id)).toBe(stockBefore);
    expect(eventsOfType(state, "STOCK_RESERVED")).toHaveLength(1);
    expect(seqrSide.committedAt).not.toBeNull();
  });

  test("a forged notification for an unpaid invoice is checked with SEQR and changes nothing: ISSUED", async () => {
    const { order, product, invoiceReference } = await invoicedOrder();
    const stockBefore = await stockOf(product.id);

    const forged = await shop.server.api("POST", `/invoices/${invoiceReference}/forge-notification`);

    expect(forged.status).toBe(200);
    expect(forged.body.notifications).toEqual([
      expect.objectContaining({ forged: true, outcome: "DELIVERED", httpStatus: 200 }),
    ]);
    const state = await orderState(order.id);
    expect(state.status).toBe("INVOICED");
    expect(state.paidAt).toBeNull();
    expect(state.fulfilledAt).toBeNull();
    const fromNotification = state.events.filter((event) => event.source === "notification");
    expect(fromNotification.map((event) => event.type)).toEqual(["NOTIFICATION_RECEIVED", "STATUS_QUERIED"]);
    expect(fromNotification[1]).toMatchObject({ seqrResultCode: 0, detail: { status: "ISSUED", ersReference: null } });
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(0);
    expect(state.attempts[0]).toMatchObject({ seqrStatus: "ISSUED", ersReference: null, finalizedAt: null });
    expect(state.attempts[0]?.lastCheckedAt).not.toBeNull();
    expect(state.outbox).toHaveLength(0);
    expect(await stockOf(product.id)).toBe(stockBefore);
    expect((await shop.sandbox.invoice(invoiceReference)).status).toBe("ISSUED");
  });

  test("paid from another SEQR account than the customer's: the payer becomes the customer as the order becomes PAID, once", async () => {
    // Bertil opened the order in his app (the customer of record); Astrid, who scanned it too, pays.
    const { order } = await orderFor("LINGON-JAM-400");
    for (const msisdn of [BERTIL, ASTRID]) {
      const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }), { msisdn });
      await openOrderSession(scanned.sessionToken as string);
    }
    expect(await orderState(order.id)).toMatchObject({ customerMsisdn: BERTIL });
    const { invoiceReference } = await requestPayment(order.id);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(invoiceReference, { msisdn: ASTRID });
    const dropped: { url: string; body: string } = (await shop.sandbox.invoice(invoiceReference)).notifications[0];

    const response = await postNotification(dropped.url, dropped.body);
    const again = await postNotification(dropped.url, dropped.body);

    expect([response.status, again.status]).toEqual([200, 200]);
    const state = await orderState(order.id);
    const astrid = TEST_SUBSCRIBERS.find((subscriber) => subscriber.msisdn === ASTRID);
    expect(state).toMatchObject({ status: "PAID", customerMsisdn: ASTRID, customerSubscriberKey: astrid?.subscriberKey });
    expect(eventsOfType(state, "CUSTOMER_CHANGED")).toEqual([
      expect.objectContaining({ source: "notification", detail: { payer: ASTRID, previousMsisdn: BERTIL } }),
    ]);
    expect(eventsOfType(state, "STATUS_CHANGED").filter((event) => event.toStatus === "PAID")).toEqual([
      expect.objectContaining({ fromStatus: "INVOICED", source: "notification" }),
    ]);
    // Fulfilment, in the same transaction, already saw the payer: the receipt goes to the app that paid.
    expect(state.outbox.find((message) => message.kind === "SEQR_RECEIPT")).toMatchObject({ recipient: ASTRID });
  });
});

describe("a refused notification changes nothing and does not even ask SEQR", () => {
  test("a bad or missing signature: 4xx, no PaymentEvent, nothing changed", async () => {
    const { order, invoiceReference, body } = await paidButNotNotified();
    const other = newClientInvoiceId();
    const before = await shopSnapshot();

    const cases: { url: string; status: number; code: string }[] = [
      // Our HMAC, but of another order id.
      { url: notificationUrl(order.clientInvoiceId, signOrderId(other)), status: 403, code: "BAD_SIGNATURE" },
      // The right order id signed under another secret.
      {
        url: notificationUrl(order.clientInvoiceId, signOrderId(order.clientInvoiceId, "x".repeat(48))),
        status: 403,
        code: "BAD_SIGNATURE",
      },
      // One hex digit changed.
      {
        url: notificationUrl(order.clientInvoiceId, flipLastHexDigit(signOrderId(order.clientInvoiceId))),
        status: 403,
        code: "BAD_SIGNATURE",
      },
      // Not a signature at all, or none.
      { url: notificationUrl(order.clientInvoiceId, "not-a-signature"), status: 400, code: "INVALID_NOTIFICATION" },
      { url: notificationUrl(order.clientInvoiceId, signOrderId(order.clientInvoiceId).slice(0, 32)), status: 400, code: "INVALID_NOTIFICATION" },
      {
        url: `${shopBaseUrl}/api/seqr/notification?${new URLSearchParams({ order: order.clientInvoiceId }).toString()}`,
        status: 400,
        code: "INVALID_NOTIFICATION",
      },
    ];
    for (const refused of cases) {
      const response = await postNotification(refused.url, body, { "X-Forwarded-For": "198.51.100.9" });
      expect({ url: refused.url, status: response.status }).toEqual({ url: refused.url, status: refused.status });
      expect(response.json).toEqual({ error: { code: refused.code, message: expect.any(String) } });
    }

    expect(await shopSnapshot()).toEqual(before);
    expect(await db.paymentEvent.count({ where: { orderId: order.id, type: "NOTIFICATION_RECEIVED" } })).toBe(0);
    expect((await shop.sandbox.invoice(invoiceReference)).committedAt).toBeNull();
  });

  test("a validly signed id that is no order: 404, nothing changed", async () => {
    const { invoiceReference } = await paidButNotNotified();
    const stranger = newClientInvoiceId();
    const before = await shopSnapshot();

    const response = await postNotification(
      notificationUrl(stranger),
      form({ invoiceReference, clientInvoiceId: stranger, msisdn: ASTRID, subscriberKey: "k" }),
    );

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: { code: "ORDER_NOT_FOUND", message: expect.any(String) } });
    expect(await shopSnapshot()).toEqual(before);
    expect((await shop.sandbox.invoice(invoiceReference)).committedAt).toBeNull();
  });

  test("a malformed body, another order's id or invoice: 400 (413 when too large), nothing changed", async () => {
    const paid = await paidButNotNotified();
    const otherOrder = await invoicedOrder("CANDLE-PINE");
    const url = notificationUrl(paid.order.clientInvoiceId);
    const own = { clientInvoiceId: paid.order.clientInvoiceId, msisdn: ASTRID, subscriberKey: "c5b1e0a4" };
    const before = await shopSnapshot();

    const cases: { what: string; body: string; status: number; code: string }[] = [
      { what: "empty body", body: "", status: 400, code: "INVALID_NOTIFICATION" },
      { what: "no invoiceReference", body: form(own), status: 400, code: "INVALID_NOTIFICATION" },
      { what: "empty invoiceReference", body: form({ ...own, invoiceReference: "" }), status: 400, code: "INVALID_NOTIFICATION" },
      { what: "non-digit reference", body: form({ ...own, invoiceReference: `${paid.invoiceReference}x` }), status: 400, code: "INVALID_NOTIFICATION" },
      { what: "reference of 33 digits", body: form({ ...own, invoiceReference: "1".repeat(33) }), status: 400, code: "INVALID_NOTIFICATION" },
      { what: "msisdn not digits", body: form({ ...own, invoiceReference: paid.invoiceReference, msisdn: "+46 70" }), status: 400, code: "INVALID_NOTIFICATION" },
      {
        what: "clientInvoiceId differs from the URL's",
        body: form({ ...own, invoiceReference: paid.invoiceReference, clientInvoiceId: otherOrder.order.clientInvoiceId }),
        status: 400,
        code: "INVALID_NOTIFICATION",
      },
      {
        what: "an invoice of another order",
        body: form({ ...own, invoiceReference: otherOrder.invoiceReference }),
        status: 400,
        code: "UNKNOWN_INVOICE",
      },
      { what: "an invoice nobody issued", body: form({ ...own, invoiceReference: "99999999999" }), status: 400, code: "UNKNOWN_INVOICE" },
      {
        what: "larger than 4 KiB",
        body: form({ ...own, invoiceReference: paid.invoiceReference, subscriberKey: "k".repeat(5_000) }),
        status: 413,
        code: "TOO_LARGE",
      },
    ];
    for (const refused of cases) {
      const response = await postNotification(url, refused.body);
      expect({ what: refused.what, status: response.status }).toEqual({ what: refused.what, status: refused.status });
      expect(response.json).toEqual({ error: { code: refused.code, message: expect.any(String) } });
    }

    expect(await shopSnapshot()).toEqual(before);
    expect((await shop.sandbox.invoice(paid.invoiceReference)).committedAt).toBeNull();
    expect((await shop.sandbox.invoice(otherOrder.invoiceReference)).status).toBe("ISSUED");

    // The same order accepts its genuine notification: the refusals above were about the requests, not the order.
    const genuine = await postNotification(paid.url, paid.body);
    expect(genuine.status).toBe(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: paid.order.id } })).status).toBe("PAID");
  });
});

function flipLastHexDigit(hex: string): string {
  const last = hex.at(-1) === "0" ? "1" : "0";
  return `${hex.slice(0, -1)}${last}`;
}
