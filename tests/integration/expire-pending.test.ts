import "./support/shop-address";

import { describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { expireStalePendingOrders } from "@/lib/orders/expire-pending";
import { requestPayment } from "@/lib/orders/request-payment";
import { reserveStock } from "@/lib/orders/stock-reservation";

import { expectAppError, orderFor, serveShopForThisFile } from "./support/shop-flow";
import { effectsOf, invoicedOrder, stockOf } from "./support/shop-orders";

// PENDING orders that never got an invoice end as EXPIRED after PENDING_ORDER_TIMEOUT_MS
// (lib/orders/expire-pending.ts): called directly here with the orders' createdAt moved back in the database.

const shop = serveShopForThisFile();

const HOUR = 3_600_000;

/** A fresh PENDING order placed `ageMs` ago. */
async function pendingOrderAged(ageMs: number, quantity = 1) {
  const { order, product } = await orderFor("LINGON-JAM-400", quantity);
  await db.order.update({ where: { id: order.id }, data: { createdAt: new Date(Date.now() - ageMs) } });
  return { orderId: order.id, productId: product.id };
}

async function statusOf(orderId: string) {
  return (await db.order.findUniqueOrThrow({ where: { id: orderId } })).status;
}

describe("expireStalePendingOrders", () => {
  test("a PENDING order older than the timeout (24 h by default) becomes EXPIRED; younger or invoiced ones do not", async () => {
    expect(env.orders.pendingTimeoutMs).toBe(24 * HOUR);
    const stale = await pendingOrderAged(25 * HOUR);
    const young = await pendingOrderAged(23 * HOUR);
    const invoiced = await invoicedOrder(shop.server);
    await db.order.update({ where: { id: invoiced.orderId }, data: { createdAt: new Date(Date.now() - 48 * HOUR) } });
    const at = new Date();

    const result = await expireStalePendingOrders({ now: () => at });

    expect(result.expired).toEqual([stale.orderId]);
    const effects = await effectsOf(stale.orderId);
    expect(effects.order).toMatchObject({ status: "EXPIRED", expiredAt: at });
    expect(effects.toExpired).toEqual([
      expect.objectContaining({
        source: "reconciler",
        fromStatus: "PENDING",
        toStatus: "EXPIRED",
        detail: { reason: "NO_INVOICE", pendingTimeoutMs: 24 * HOUR },
      }),
    ]);
    expect(await statusOf(young.orderId)).toBe("PENDING");
    expect(await statusOf(invoiced.orderId)).toBe("INVOICED");

    // Never payable again, and a second pass finds nothing more to do.
    await expectAppError(requestPayment(stale.orderId), "ORDER_NOT_PAYABLE", 409);
    expect((await expireStalePendingOrders({ now: () => at })).expired).toEqual([]);
    expect((await effectsOf(stale.orderId)).toExpired).toHaveLength(1);
  });

  test("an order a Pay is working on (its lease held, or an attempt SENDING) is left alone", async () => {
    const leased = await pendingOrderAged(30 * HOUR);
    await db.order.update({ where: { id: leased.orderId }, data: { invoicingUntil: new Date(Date.now() + 60_000) } });
    const sending = await pendingOrderAged(30 * HOUR);
    await db.paymentAttempt.create({
      data: { orderId: sending.orderId, state: "SENDING", amountMinor: 6900, currency: "SEK" },
    });

    const result = await expireStalePendingOrders();

    expect(result.expired).not.toContain(leased.orderId);
    expect(result.expired).not.toContain(sending.orderId);
    expect(await statusOf(leased.orderId)).toBe("PENDING");
    expect(await statusOf(sending.orderId)).toBe("PENDING");
  });

  test("units the order held go back on sale with the expiry (STOCK_RELEASED)", async () => {
    const stale = await pendingOrderAged(25 * HOUR, 2);
    const stockBefore = await stockOf(stale.productId);
    await db.$transaction(async (tx) => reserveStock(tx, stale.orderId));
    expect(await stockOf(stale.productId)).toBe(stockBefore - 2);

    await expireStalePendingOrders();

    expect(await stockOf(stale.productId)).toBe(stockBefore);
    const effects = await effectsOf(stale.orderId);
    expect(effects.order).toMatchObject({ status: "EXPIRED", stockReservation: "NONE" });
    expect(effects.events.filter((event) => event.type === "STOCK_RELEASED")).toEqual([
      expect.objectContaining({ source: "reconciler", detail: { items: [{ sku: "LINGON-JAM-400", quantity: 2 }] } }),
    ]);
  });

  test("the timeout is a setting (pendingTimeoutMs), and each call does at most `limit` orders, oldest first", async () => {
    // Older than anything the other tests leave behind, so that these come first.
    const orders = [
      await pendingOrderAged(10_000 * HOUR),
      await pendingOrderAged(9_000 * HOUR),
      await pendingOrderAged(8_000 * HOUR),
    ];
    const recent = await pendingOrderAged(2 * HOUR);

    const first = await expireStalePendingOrders({ limit: 2 });
    expect(first).toEqual({ expired: [orders[0]?.orderId, orders[1]?.orderId], found: 2 });
    expect(await statusOf(orders[2]?.orderId ?? "")).toBe("PENDING");

    const second = await expireStalePendingOrders({ limit: 2 });
    expect(second.expired[0]).toBe(orders[2]?.orderId);
    expect(await statusOf(recent.orderId)).toBe("PENDING");

    // With a one-hour timeout, the two-hour-old order is stale too.
    expect((await expireStalePendingOrders({ pendingTimeoutMs: HOUR })).expired).toContain(recent.orderId);
    expect(await statusOf(recent.orderId)).toBe("EXPIRED");
  });

  test("two passes at once expire each order once", async () => {
    const stale = [await pendingOrderAged(26 * HOUR), await pendingOrderAged(27 * HOUR), await pendingOrderAged(28 * HOUR)];

    const [a, b] = await Promise.all([expireStalePendingOrders(), expireStalePendingOrders()]);

    const expired = [...(a?.expired ?? []), ...(b?.expired ?? [])];
    for (const { orderId } of stale) {
      expect(expired.filter((id) => id === orderId)).toHaveLength(1);
      expect((await effectsOf(orderId)).toExpired).toHaveLength(1);
    }
  });
});
