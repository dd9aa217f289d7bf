import "./support/shop-address";

import { beforeEach, describe, expect, test } from "vitest";

import { addToCart, readCart } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { checkoutCart, MAX_OPEN_ORDERS_PER_CART } from "@/lib/cart/checkout-cart";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { syncPaymentStatus } from "@/lib/orders/sync-payment-status";
import { wasWithdrawn, withdrawOrder } from "@/lib/orders/withdraw-order";
import { serviceQrText } from "@/lib/seqr/links";

import { expectAppError, giveDeliveryDetails, serveShopForThisFile, shopSnapshot } from "./support/shop-flow";
import { armFault, effectsOf, parkLiveInvoices, sandboxInvoice, stockOf } from "./support/shop-orders";

// "Change order" (lib/orders/withdraw-order.ts) and the cart that survives checkout, against the sandbox over real
// SOAP and HTTP: an open order is withdrawn for good (EXPIRED) and what it held goes back on sale, once; a live
// invoice is canceled at SEQR first; a paid order is never withdrawn; the cart keeps its lines until the order is
// paid, and the payment takes them out once, however many triggers confirm it.

const shop = serveShopForThisFile();
const SHOPPER = { sourceAddress: "203.0.113.16" };

beforeEach(async () => {
  await parkLiveInvoices();
  expect((await shop.server.api("PUT", "/config", { commitWindowMs: 20_000, invoiceInProgressMs: 30_000 })).status).toBe(200);
});

/** A cart with `quantity` of the product, checked out: a PENDING order the cart placed, its delivery details given. */
async function placedOrder(sku: string, quantity: number) {
  const cartId = newCartId();
  await addToCart(cartId, sku, quantity);
  const created = await checkoutCart(cartId);
  await giveDeliveryDetails(created.id);
  const product = await db.product.findUniqueOrThrow({ where: { sku } });
  return { cartId, orderId: created.id, clientInvoiceId: created.clientInvoiceId, number: created.number, product };
}

/** The same, then the app scans its code and Pay sends the invoice: INVOICED, its units held. */
async function invoicedOrder(sku: string, quantity: number) {
  const placed = await placedOrder(sku, quantity);
  const scanned = await shop.server.api("POST", "/app/scan", { url: serviceQrText(env.seqr.serviceId, { order: placed.clientInvoiceId }) });
  expect(scanned.status).toBe(200);
  const sessionToken: string = scanned.body.sessionToken;
  await openOrderSession(sessionToken);
  const { invoiceReference } = await requestPayment(placed.orderId);
  expect((await db.order.findUniqueOrThrow({ where: { id: placed.orderId } })).status).toBe("INVOICED");
  return { ...placed, sessionToken, invoiceReference };
}

const cartQuantities = async (cartId: string) =>
  Object.fromEntries((await readCart(cartId)).lines.map((line) => [line.sku, line.quantity]));

const statusChanges = async (orderId: string) => (await effectsOf(orderId)).events.filter((event) => event.type === "STATUS_CHANGED");
const stockReleases = async (orderId: string) => (await effectsOf(orderId)).events.filter((event) => event.type === "STOCK_RELEASED");

describe("an open order with no invoice out (PENDING)", () => {
  test("is withdrawn at once: EXPIRED, recorded as the shopper's, never payable again, and the cart keeps its items", async () => {
    const order = await placedOrder("LINGON-JAM-400", 2);
    const at = new Date("2026-12-01T09:30:00.000Z");

    expect(await withdrawOrder(order.clientInvoiceId, order.cartId, { ...SHOPPER, now: () => at })).toEqual({
      outcome: "withdrawn",
      number: order.number,
    });

    const effects = await effectsOf(order.orderId);
    expect(effects.order).toMatchObject({ status: "EXPIRED", expiredAt: at, stockReservation: "NONE", canceledAt: null });
    expect(await statusChanges(order.orderId)).toEqual([
      expect.objectContaining({
        source: "checkout",
        sourceAddress: SHOPPER.sourceAddress,
        fromStatus: "PENDING",
        toStatus: "EXPIRED",
        detail: { reason: "WITHDRAWN", invoiceOut: false },
      }),
    ]);
    expect(await wasWithdrawn({ id: order.orderId })).toBe(true);
    expect(await cartQuantities(order.cartId)).toEqual({ "LINGON-JAM-400": 2 });
    await expectAppError(requestPayment(order.orderId), "ORDER_NOT_PAYABLE", 409);
  });

  test("an order that merely expired is not taken for a withdrawn one", async () => {
    const order = await placedOrder("LINGON-JAM-400", 1);
    await db.order.update({ where: { id: order.orderId }, data: { status: "EXPIRED" } });
    expect(await wasWithdrawn({ id: order.orderId })).toBe(false);
  });

  test("twice at once: applied once, the other answers already-ended; a third press too", async () => {
    const order = await placedOrder("LINGON-JAM-400", 1);

    const results = await Promise.all([
      withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER),
      withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER),
    ]);
    const again = await withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER);

    expect(results.map((result) => result.outcome).sort()).toEqual(["already-ended", "withdrawn"]);
    expect(again.outcome).toBe("already-ended");
    expect(await statusChanges(order.orderId)).toHaveLength(1);
  });

  test("a withdrawn order does not count against the cart's open orders: checking out again works at the cap", async () => {
    const cartId = newCartId();
    const placed: { clientInvoiceId: string }[] = [];
    for (let index = 0; index < MAX_OPEN_ORDERS_PER_CART; index += 1) {
      await addToCart(cartId, "KOKKAFFE-500", 1);
      placed.push(await checkoutCart(cartId));
    }
    await expectAppError(checkoutCart(cartId), "TOO_MANY_OPEN_ORDERS", 409);

    await withdrawOrder(placed[0]?.clientInvoiceId ?? "", cartId, SHOPPER);

    const again = await checkoutCart(cartId);
    expect((await db.order.findUniqueOrThrow({ where: { id: again.id } })).status).toBe("PENDING");
  });

  test("another browser's cart (or none) is told there is no such order, and nothing changes", async () => {
    const order = await placedOrder("LINGON-JAM-400", 1);
    const before = await shopSnapshot();

    for (const cartId of [newCartId(), null]) {
      await expectAppError(withdrawOrder(order.clientInvoiceId, cartId, SHOPPER), "ORDER_NOT_FOUND", 404);
    }
    await expectAppError(withdrawOrder("not an order id", order.cartId, SHOPPER), "ORDER_NOT_FOUND", 404);

    expect(await shopSnapshot()).toEqual(before);
  });

  test("a Pay holding the order's lease (sending an invoice this moment): refused, nothing changed", async () => {
    const order = await placedOrder("LINGON-JAM-400", 1);
    await db.order.update({ where: { id: order.orderId }, data: { invoicingUntil: new Date(Date.now() + 60_000) } });
    const before = await shopSnapshot();

    await expectAppError(withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER), "PAY_IN_PROGRESS", 409);

    expect(await shopSnapshot()).toEqual(before);
  });
});

describe("an order with a live invoice (INVOICED)", () => {
  test("SEQR cancels the invoice first; the order is withdrawn and its held units go back on sale once", async () => {
    const stockBefore = await stockOf((await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } })).id);
    const order = await invoicedOrder("LINGON-JAM-400", 3);
    expect(await stockOf(order.product.id)).toBe(stockBefore - 3);

    expect(await withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER)).toEqual({ outcome: "withdrawn", number: order.number });

    expect(await stockOf(order.product.id)).toBe(stockBefore);
    const effects = await effectsOf(order.orderId);
    expect(effects.order).toMatchObject({ status: "EXPIRED", stockReservation: "NONE" });
    expect(effects.attempt).toMatchObject({ seqrStatus: "CANCELED", cancelReason: "WITHDRAWN" });
    expect(effects.canceled).toEqual([
      expect.objectContaining({ source: "checkout", sourceAddress: SHOPPER.sourceAddress, detail: { reason: "WITHDRAWN", alreadyCanceled: false } }),
    ]);
    expect((await statusChanges(order.orderId)).at(-1)).toMatchObject({ fromStatus: "INVOICED", toStatus: "EXPIRED", source: "checkout" });
    expect(await stockReleases(order.orderId)).toHaveLength(1);
    expect(await wasWithdrawn({ id: order.orderId })).toBe(true);
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "CANCELED" });
    // Nothing can pay it any more: not the old invoice, not a new Pay.
    const late = await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    expect(late.status).toBe(409);
    await expectAppError(requestPayment(order.orderId), "ORDER_NOT_PAYABLE", 409);

    // Pressed again: nothing more goes back on the shelf.
    expect((await withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER)).outcome).toBe("already-ended");
    expect(await stockOf(order.product.id)).toBe(stockBefore);
    expect(await stockReleases(order.orderId)).toHaveLength(1);
  });

  test("two withdrawals at once: one move to EXPIRED, the units released once", async () => {
    const stockBefore = await stockOf((await db.product.findUniqueOrThrow({ where: { sku: "WOOL-SOCKS-GREY" } })).id);
    const order = await invoicedOrder("WOOL-SOCKS-GREY", 2);

    const results = await Promise.allSettled([
      withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER),
      withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER),
    ]);

    expect(results.every((result) => result.status === "fulfilled")).toBe(true);
    expect(results.map((result) => (result.status === "fulfilled" ? result.value.outcome : "refused"))).toContain("withdrawn");
    expect((await statusChanges(order.orderId)).filter((event) => event.toStatus === "EXPIRED")).toHaveLength(1);
    expect(await stockReleases(order.orderId)).toHaveLength(1);
    expect(await stockOf(order.product.id)).toBe(stockBefore);
  });

  test("paid already (SEQR answers 50 to the cancel): refused, and the payment is recorded", async () => {
    const order = await invoicedOrder("LINGON-JAM-400", 1);
    await armFault(shop.server, { kind: "drop-notifications", count: 1 });
    const paid = await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    expect(paid.status).toBe(200);

    await expectAppError(withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER), "ORDER_PAID", 409);

    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("PAID");
    expect(effects.fulfilled).toHaveLength(1);
    expect(await wasWithdrawn({ id: order.orderId })).toBe(false);
    // And a paid order stays refused, without asking SEQR anything.
    const before = await shopSnapshot();
    await expectAppError(withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER), "ORDER_PAID", 409);
    expect(await shopSnapshot()).toEqual(before);
  });

  test("being paid right now (SEQR answers 51): refused, the order and its invoice as they were", async () => {
    const order = await invoicedOrder("LINGON-JAM-400", 1);
    const opened = await shop.server.api("POST", "/app/scan", { url: `SEQR://SEQR.SE/R${order.invoiceReference}`, sessionToken: order.sessionToken });
    expect(opened.status).toBe(200);
    const stock = await stockOf(order.product.id);

    await expectAppError(withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER), "CUSTOMER_PAYING", 409);

    const effects = await effectsOf(order.orderId);
    expect(effects.order).toMatchObject({ status: "INVOICED", stockReservation: "HELD" });
    expect(effects.attempt?.cancelReason).toBeNull();
    expect(await stockOf(order.product.id)).toBe(stock);
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "ISSUED" });
  });

  test("a payment declined in the app (FAILED) leaves an order that is withdrawn without asking SEQR", async () => {
    const order = await invoicedOrder("LINGON-JAM-400", 1);
    await shop.sandbox.decline(order.invoiceReference, { sessionToken: order.sessionToken });
    expect((await syncPaymentStatus(order.orderId, { trigger: "reconciler", fresh: true })).status).toBe("FAILED");

    expect((await withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER)).outcome).toBe("withdrawn");

    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("EXPIRED");
    expect(effects.canceled).toEqual([]);
    expect((await statusChanges(order.orderId)).at(-1)).toMatchObject({ fromStatus: "FAILED", toStatus: "EXPIRED", detail: { reason: "WITHDRAWN", invoiceOut: false } });
  });
});

describe("the cart that placed an order, when the order is paid", () => {
  test("loses what the order bought, once, although the notification and the reconciler both confirm the payment", async () => {
    const order = await invoicedOrder("DALA-HORSE-RED", 2);
    // After checking out, the shopper put one more horse and a jar of jam in the same cart.
    await addToCart(order.cartId, "DALA-HORSE-RED", 1);
    await addToCart(order.cartId, "LINGON-JAM-400", 1);
    expect(await cartQuantities(order.cartId)).toEqual({ "DALA-HORSE-RED": 3, "LINGON-JAM-400": 1 });

    await armFault(shop.server, { kind: "drop-notifications", count: 1 });
    const paid = await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    expect(paid.status).toBe(200);
    // Both triggers ask SEQR, each after the other's look: both see PAID.
    const [notification, reconciler] = await Promise.all([
      syncPaymentStatus(order.orderId, { trigger: "notification", fresh: true }),
      syncPaymentStatus(order.orderId, { trigger: "reconciler", fresh: true }),
    ]);

    expect([notification.status, reconciler.status]).toEqual(["PAID", "PAID"]);
    const effects = await effectsOf(order.orderId);
    expect(effects.toPaid).toHaveLength(1);
    expect(effects.fulfilled).toHaveLength(1);
    // Two horses left with the order; the third and the jam stay for the shopper.
    expect(await cartQuantities(order.cartId)).toEqual({ "DALA-HORSE-RED": 1, "LINGON-JAM-400": 1 });
    // A later look changes nothing more.
    await syncPaymentStatus(order.orderId, { trigger: "reconciler", fresh: true });
    expect(await cartQuantities(order.cartId)).toEqual({ "DALA-HORSE-RED": 1, "LINGON-JAM-400": 1 });
  });

  test("a cart that held exactly the order is empty once it is paid; another cart is untouched", async () => {
    const order = await invoicedOrder("LINGON-JAM-400", 2);
    const other = newCartId();
    await addToCart(other, "LINGON-JAM-400", 2);

    const paid = await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    expect(paid.status).toBe(200);
    // The notification reaches the shop on its own; the page's sync is how this test waits for it.
    expect((await syncPaymentStatus(order.orderId, { trigger: "status-route", fresh: true })).status).toBe("PAID");

    expect(await cartQuantities(order.cartId)).toEqual({});
    expect(await cartQuantities(other)).toEqual({ "LINGON-JAM-400": 2 });
  });

  test("a withdrawn order changes nothing in the cart: its items stay for the next checkout", async () => {
    const order = await invoicedOrder("LINGON-JAM-400", 2);
    await withdrawOrder(order.clientInvoiceId, order.cartId, SHOPPER);
    expect(await cartQuantities(order.cartId)).toEqual({ "LINGON-JAM-400": 2 });
    const again = await checkoutCart(order.cartId);
    expect(again.id).not.toBe(order.orderId);
  });
});
