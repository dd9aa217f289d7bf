import "./support/shop-address";

import type { IncomingMessage } from "node:http";

import { beforeEach, describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { endOrderByMerchant } from "@/lib/orders/merchant-cancel";
import { stageOf } from "@/lib/orders/order-view";
import { requestPayment } from "@/lib/orders/request-payment";
import { reserveStock } from "@/lib/orders/stock-reservation";
import { syncPaymentStatus } from "@/lib/orders/sync-payment-status";
import { loadOrderView } from "@/lib/orders/views";

import { ADMIN, paidOrder } from "./support/admin-orders";
import { shopHttpServer } from "./support/shop-address";
import { expectAppError, orderFor, serveShopForThisFile, shopSnapshot } from "./support/shop-flow";
import {
  effectsOf,
  invoicedOrder,
  openInvoiceInApp,
  paidButUnnotifiedOrder,
  parkLiveInvoices,
  payInApp,
  sandboxInvoice,
  stockOf,
} from "./support/shop-orders";

// The merchant ends an unpaid order for good (lib/orders/merchant-cancel.ts), against the sandbox over real SOAP
// and HTTP: a live invoice is canceled at SEQR first and SEQR's answer decides; the order becomes
// CANCELED_BY_MERCHANT, is never payable again, and what it held of the stock goes back on sale.

const shop = serveShopForThisFile();
const BY_ADMIN = { sourceAddress: ADMIN.address };

beforeEach(async () => {
  await parkLiveInvoices();
  expect((await shop.server.api("PUT", "/config", { commitWindowMs: 20_000, invoiceInProgressMs: 30_000 })).status).toBe(200);
});

/** SOAP requests SEQR (the sandbox on this file's server) has received, to show that a refusal asked SEQR nothing. */
let soapRequests = 0;
shopHttpServer.on("request", (request: IncomingMessage) => {
  if (request.url?.startsWith("/sandbox/soap")) soapRequests += 1;
});
async function soapCalls(): Promise<number> {
  return soapRequests;
}

describe("an order with no invoice out", () => {
  test("PENDING: ended at once, with canceledAt, a STATUS_CHANGED event from the admin's address, and never payable again", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const at = new Date("2026-11-29T20:00:00.000Z");
    const calls = await soapCalls();

    const result = await endOrderByMerchant(order.id, { ...BY_ADMIN, now: () => at });

    expect(result).toEqual({ outcome: "ended", status: "CANCELED_BY_MERCHANT" });
    expect(await soapCalls()).toBe(calls);
    const effects = await effectsOf(order.id);
    expect(effects.order).toMatchObject({ status: "CANCELED_BY_MERCHANT", canceledAt: at, stockReservation: "NONE" });
    expect(effects.events.filter((event) => event.type === "STATUS_CHANGED")).toEqual([
      expect.objectContaining({
        source: "admin",
        sourceAddress: ADMIN.address,
        fromStatus: "PENDING",
        toStatus: "CANCELED_BY_MERCHANT",
        detail: { reason: "ORDER_ENDED", invoiceOut: false },
      }),
    ]);

    // The shopper's pages show the shop's cancel, and Pay sends nothing to SEQR.
    const view = await loadOrderView({ id: order.id });
    expect(view?.status).toBe("CANCELED_BY_MERCHANT");
    expect(stageOf("CANCELED_BY_MERCHANT")).toBe("canceled-by-shop");
    const before = await shopSnapshot();
    await expectAppError(requestPayment(order.id), "ORDER_NOT_PAYABLE", 409);
    expect((await shopSnapshot()).attempts).toEqual(before.attempts);
    expect(await soapCalls()).toBe(calls);
  });

  test("ending it again, or twice at once, changes it once: one STATUS_CHANGED, the others answer already-ended", async () => {
    const { order } = await orderFor("LINGON-JAM-400");

    const results = await Promise.all([endOrderByMerchant(order.id, BY_ADMIN), endOrderByMerchant(order.id, BY_ADMIN)]);
    const again = await endOrderByMerchant(order.id, BY_ADMIN);

    expect(results.map((result) => result.outcome).sort()).toEqual(["already-ended", "ended"]);
    expect(again).toEqual({ outcome: "already-ended", status: "CANCELED_BY_MERCHANT" });
    const effects = await effectsOf(order.id);
    expect(effects.events.filter((event) => event.type === "STATUS_CHANGED")).toHaveLength(1);
  });

  test("units the order held go back on sale in the same step (HELD → NONE, STOCK_RELEASED)", async () => {
    const { order, product } = await orderFor("LINGON-JAM-400", 3);
    const stockBefore = await stockOf(product.id);
    await db.$transaction(async (tx) => reserveStock(tx, order.id));
    expect(await stockOf(product.id)).toBe(stockBefore - 3);

    await endOrderByMerchant(order.id, BY_ADMIN);

    expect(await stockOf(product.id)).toBe(stockBefore);
    const effects = await effectsOf(order.id);
    expect(effects.order).toMatchObject({ status: "CANCELED_BY_MERCHANT", stockReservation: "NONE" });
    expect(effects.events.filter((event) => event.type === "STOCK_RELEASED")).toEqual([
      expect.objectContaining({ source: "admin", detail: { items: [{ sku: product.sku, quantity: 3 }] } }),
    ]);
    // Ending it again puts nothing back twice.
    await endOrderByMerchant(order.id, BY_ADMIN);
    expect(await stockOf(product.id)).toBe(stockBefore);
  });

  test("a Pay holding the order's lease (sending an invoice this moment): refused, nothing changed", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await db.order.update({ where: { id: order.id }, data: { invoicingUntil: new Date(Date.now() + 60_000) } });
    const before = await shopSnapshot();

    await expectAppError(endOrderByMerchant(order.id, BY_ADMIN), "PAY_IN_PROGRESS", 409);

    expect(await shopSnapshot()).toEqual(before);
  });

  test("the shopper canceled the invoice in the app (CANCELED): ended from CANCELED, never payable again", async () => {
    const order = await invoicedOrder(shop.server);
    await shop.sandbox.cancel(order.invoiceReference, { sessionToken: order.sessionToken });
    // The shop hears of it at its next look (a reconciler's, here called directly).
    expect((await syncPaymentStatus(order.orderId, { trigger: "reconciler" })).status).toBe("CANCELED");

    expect(await endOrderByMerchant(order.orderId, BY_ADMIN)).toEqual({ outcome: "ended", status: "CANCELED_BY_MERCHANT" });

    const effects = await effectsOf(order.orderId);
    expect(effects.order.canceledAt).not.toBeNull();
    expect(effects.events.filter((event) => event.type === "STATUS_CHANGED").at(-1)).toMatchObject({
      fromStatus: "CANCELED",
      toStatus: "CANCELED_BY_MERCHANT",
      source: "admin",
    });
    await expectAppError(requestPayment(order.orderId), "ORDER_NOT_PAYABLE", 409);
  });
});

describe("an order with a live invoice", () => {
  test("SEQR cancels the invoice first, then the order is CANCELED_BY_MERCHANT: the customer can no longer pay", async () => {
    const stockBefore = await stockOf((await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } })).id);
    const order = await invoicedOrder(shop.server);

    const result = await endOrderByMerchant(order.orderId, BY_ADMIN);

    expect(result).toEqual({
      outcome: "ended",
      status: "CANCELED_BY_MERCHANT",
      invoice: { invoiceReference: order.invoiceReference, outcome: "canceled" },
    });
    const effects = await effectsOf(order.orderId);
    expect(effects.order).toMatchObject({ status: "CANCELED_BY_MERCHANT", stockReservation: "NONE" });
    expect(effects.order.canceledAt).not.toBeNull();
    expect(effects.attempt).toMatchObject({ seqrStatus: "CANCELED", cancelReason: "ORDER_ENDED" });
    expect(effects.canceled).toEqual([
      expect.objectContaining({ source: "admin", sourceAddress: ADMIN.address, seqrResultCode: 0, detail: { reason: "ORDER_ENDED", alreadyCanceled: false } }),
    ]);
    expect(effects.events.filter((event) => event.type === "STATUS_CHANGED").at(-1)).toMatchObject({
      fromStatus: "INVOICED",
      toStatus: "CANCELED_BY_MERCHANT",
      source: "admin",
      sourceAddress: ADMIN.address,
    });
    // Whatever the invoice held is back on the shelf.
    expect(await stockOf(order.productId)).toBe(stockBefore);

    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "CANCELED" });
    const late = await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    expect(late.status).toBe(409);
    await expectAppError(requestPayment(order.orderId), "ORDER_NOT_PAYABLE", 409);
    expect(await db.paymentAttempt.count({ where: { orderId: order.orderId } })).toBe(1);
  });

  test("50, the customer has just paid: refused, and the payment is recorded (PAID, fulfilled once)", async () => {
    const order = await paidButUnnotifiedOrder(shop.server);

    const error = await expectAppError(endOrderByMerchant(order.orderId, BY_ADMIN), "CUSTOMER_PAID", 409);

    expect(error.message).toMatch(/has just paid/);
    const effects = await effectsOf(order.orderId);
    expect(effects.order).toMatchObject({ status: "PAID", canceledAt: null, attentionReason: null });
    expect(effects.fulfilled).toHaveLength(1);
    expect(effects.attempt).toMatchObject({ seqrStatus: "PAID", cancelReason: null });
    const invoice = await sandboxInvoice(shop.server, order.invoiceReference);
    expect(invoice).toMatchObject({ status: "PAID", reversedAt: null });
    expect(invoice.committedAt).not.toBeNull();
  });

  test("51, the customer is paying right now: refused (try again in a minute), the order and invoice as they were", async () => {
    const order = await invoicedOrder(shop.server);
    await openInvoiceInApp(shop.server, order);

    const error = await expectAppError(endOrderByMerchant(order.orderId, BY_ADMIN), "CUSTOMER_PAYING", 409);

    expect(error.message).toMatch(/paying this order right now.*try again in a minute/i);
    const effects = await effectsOf(order.orderId);
    expect(effects.order).toMatchObject({ status: "INVOICED", canceledAt: null });
    expect(effects.attempt).toMatchObject({ seqrStatus: "ISSUED", cancelReason: null });
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "ISSUED" });

    // The payment goes through as an ordinary one, not as a payment after the merchant's cancel.
    await payInApp(shop.server, order);
    expect((await effectsOf(order.orderId)).order).toMatchObject({ status: "PAID", attentionReason: null });
  });

  test("SEQR does not cancel (93): refused as SEQR unavailable, nothing ended; asked again, it is", async () => {
    const order = await invoicedOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-result", operation: "cancelInvoice", resultCode: 93, count: 1 });

    const error = await expectAppError(endOrderByMerchant(order.orderId, BY_ADMIN), "SEQR_UNAVAILABLE", 503);

    expect(error.message).toMatch(/could still pay it/);
    const effects = await effectsOf(order.orderId);
    expect(effects.order).toMatchObject({ status: "INVOICED", canceledAt: null });
    expect(effects.attempt).toMatchObject({ seqrStatus: "ISSUED", cancelReason: null });
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "ISSUED" });

    expect((await endOrderByMerchant(order.orderId, BY_ADMIN)).outcome).toBe("ended");
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("CANCELED_BY_MERCHANT");
  });

  test("SEQR cancels but cannot be asked afterwards: confirming, and the next look ends the order (not merely CANCELED)", async () => {
    const order = await invoicedOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 50 });

    const result = await endOrderByMerchant(order.orderId, BY_ADMIN);

    expect(result).toEqual({
      outcome: "confirming",
      status: "INVOICED",
      invoice: { invoiceReference: order.invoiceReference, outcome: "canceled" },
    });
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "CANCELED" });
    expect((await effectsOf(order.orderId)).attempt).toMatchObject({ cancelReason: "ORDER_ENDED" });

    await shop.sandbox.clearFaults();
    // The next look (at most one per invoice per 2 s: this one waits for its slot).
    expect(await syncPaymentStatus(order.orderId, { trigger: "reconciler", fresh: true })).toMatchObject({ queried: true });

    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("CANCELED_BY_MERCHANT");
    expect(stageOf(effects.order.status)).toBe("canceled-by-shop");
  });
});

describe("orders that cannot be ended", () => {
  test("paid, expired, unknown: refused with a clear reason, nothing changed, SEQR not asked", async () => {
    const paid = await paidOrder(shop.server);
    const { order: expired } = await orderFor("LINGON-JAM-400");
    await db.order.update({ where: { id: expired.id }, data: { status: "EXPIRED", expiredAt: new Date() } });
    const before = await shopSnapshot();
    const calls = await soapCalls();

    const refused = await expectAppError(endOrderByMerchant(paid.orderId, BY_ADMIN), "ORDER_NOT_ENDABLE", 409);
    expect(refused.message).toMatch(/paid.*refund/);
    await expectAppError(endOrderByMerchant(expired.id, BY_ADMIN), "ORDER_NOT_ENDABLE", 409);
    await expectAppError(endOrderByMerchant("no-such-order", BY_ADMIN), "ORDER_NOT_FOUND", 404);

    expect(await shopSnapshot()).toEqual(before);
    expect(await soapCalls()).toBe(calls);
  });
});
