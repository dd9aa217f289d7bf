import { beforeAll, describe, expect, test } from "vitest";

import { newCartId } from "@/lib/cart/cart-id";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createOrder, type CreatedOrder } from "@/lib/orders/create-order";
import { formatOrderNumber } from "@/lib/orders/order-number";

// The short order numbers people read out (#1042): each order gets its own, and they follow each other without
// gaps, however many orders are placed at the same moment. createOrder takes the number inside the order's own
// transaction (lib/orders/order-number.ts), so on PostgreSQL ten checkouts at once really race for the counter's
// row, and on SQLite for its write lock.

const AT_ONCE = 10;

let jamId: string;

beforeAll(async () => {
  await seedCatalog(db);
  jamId = (await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } })).id;
});

const orderJam = (cart?: { id: string; maxOpenOrders: number }) =>
  createOrder({ lines: [{ productId: jamId, quantity: 1 }], source: cart ? "CART" : "PRODUCT_QR", trigger: "test", ...(cart ? { cart } : {}) });

async function lastNumber(): Promise<number> {
  return (await db.orderNumberCounter.findUniqueOrThrow({ where: { id: 1 } })).lastNumber;
}

/** The numbers, checked against what the database stored for each order, in ascending order. */
async function storedNumbers(orders: CreatedOrder[]): Promise<number[]> {
  const rows = await db.order.findMany({ where: { id: { in: orders.map((order) => order.id) } }, select: { id: true, number: true } });
  expect(rows).toHaveLength(orders.length);
  for (const order of orders) expect(rows.find((row) => row.id === order.id)?.number).toBe(order.number);
  return orders.map((order) => order.number).sort((a, b) => a - b);
}

function consecutiveFrom(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => first + index);
}

describe("order numbers", () => {
  test(`${AT_ONCE} orders created at the same moment get ${AT_ONCE} different, consecutive numbers`, async () => {
    const before = await lastNumber();

    const orders = await Promise.all(Array.from({ length: AT_ONCE }, () => orderJam()));

    expect(await storedNumbers(orders)).toEqual(consecutiveFrom(before + 1, AT_ONCE));
    expect(await lastNumber()).toBe(before + AT_ONCE);
  });

  test(`${AT_ONCE} checkouts from ${AT_ONCE} carts at the same moment: ${AT_ONCE} different, consecutive numbers`, async () => {
    const carts = await Promise.all(Array.from({ length: AT_ONCE }, () => db.cart.create({ data: { id: newCartId() } })));
    const before = await lastNumber();

    const orders = await Promise.all(carts.map((cart) => orderJam({ id: cart.id, maxOpenOrders: 5 })));

    expect(await storedNumbers(orders)).toEqual(consecutiveFrom(before + 1, AT_ONCE));
  });

  test("an order refused after it took its number gives the number back: the next order gets it, no gap", async () => {
    // A cart allowed no open order at all: createOrder writes the order (and takes its number), counts, and rolls
    // the whole transaction back.
    const cart = await db.cart.create({ data: { id: newCartId() } });
    const before = await lastNumber();

    const refused = await orderJam({ id: cart.id, maxOpenOrders: 0 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("TOO_MANY_OPEN_ORDERS");
    expect(await lastNumber()).toBe(before);

    const next = await orderJam();
    expect(next.number).toBe(before + 1);
  });

  test("people see it as #<number>", async () => {
    const order = await orderJam();
    expect(formatOrderNumber(order.number)).toBe(`#${order.number}`);
    expect(order.number).toBeGreaterThanOrEqual(1001);
  });
});
