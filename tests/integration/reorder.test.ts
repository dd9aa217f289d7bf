import { beforeAll, expect, test } from "vitest";

import { addToCart, readCart } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { reorderIntoCart } from "@/lib/cart/reorder";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createOrder } from "@/lib/orders/create-order";
import type { OrderStatus } from "@/lib/orders/state-machine";

// "Try again" for an expired order: its items back in the cart, as far as the shop can still sell them; only for
// the cart that placed the order, and only once it has expired.

beforeAll(async () => {
  await seedCatalog(db);
});

/**
 * An order `cartId` placed (Order.cartId) that expired unpaid: the only kind a cart may take back. Set directly
 * here; the checkout sets cartId itself (lib/cart/checkout-cart.ts), and tests/integration/checkout-receipt.test.ts
 * goes through it.
 */
async function orderOf(lines: [sku: string, quantity: number][], cartId: string, status: OrderStatus = "EXPIRED") {
  const products = await db.product.findMany({ where: { sku: { in: lines.map(([sku]) => sku) } } });
  const idOf = (sku: string) => products.find((product) => product.sku === sku)?.id ?? "";
  const order = await createOrder({ lines: lines.map(([sku, quantity]) => ({ productId: idOf(sku), quantity })), source: "CART", trigger: "checkout" });
  await db.order.update({ where: { id: order.id }, data: { cartId, status } });
  return order;
}

const quantities = async (cartId: string) =>
  Object.fromEntries((await readCart(cartId)).lines.map((line) => [line.sku, line.quantity]));

test("puts the order's items back in the cart with their quantities", async () => {
  const cartId = newCartId();
  const order = await orderOf(
    [
      ["MUG-FJORD-35", 2],
      ["LINGON-JAM-400", 3],
    ],
    cartId,
  );
  const result = await reorderIntoCart(cartId, order.clientInvoiceId);
  expect(result.skipped).toEqual([]);
  expect(result.added).toHaveLength(2);
  expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 2, "LINGON-JAM-400": 3 });
});

test("names what can no longer be sold, and takes no more than the stock", async () => {
  const cartId = newCartId();
  const order = await orderOf(
    [
      ["MERINO-THROW", 3],
      ["LINGON-JAM-400", 1],
    ],
    cartId,
  );
  const stockBefore = (await db.product.findUniqueOrThrow({ where: { sku: "MERINO-THROW" } })).stock;
  const jam = await db.product.update({ where: { sku: "LINGON-JAM-400" }, data: { active: false } });
  const merino = await db.product.update({ where: { sku: "MERINO-THROW" }, data: { stock: 2 } });
  try {
    const result = await reorderIntoCart(cartId, order.clientInvoiceId);
    expect(result).toEqual({ added: [merino.name], skipped: [jam.name] });
    expect(await quantities(cartId)).toEqual({ "MERINO-THROW": 2 });

    // Pressed again: the cart already holds what the order did (as much as there is), so the line is left as it
    // is, never doubled, and still counted as back in the cart; what is no longer sold is still named.
    const again = await reorderIntoCart(cartId, order.clientInvoiceId);
    expect(again).toEqual({ added: [merino.name], skipped: [jam.name] });
    expect(await quantities(cartId)).toEqual({ "MERINO-THROW": 2 });
  } finally {
    await db.product.update({ where: { sku: "LINGON-JAM-400" }, data: { active: true } });
    await db.product.update({ where: { sku: "MERINO-THROW" }, data: { stock: stockBefore } });
  }
});

test("an unknown or malformed order id is refused and the cart is untouched", async () => {
  const cartId = newCartId();
  await addToCart(cartId, "MUG-FJORD-35", 1);
  for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "not an order"]) {
    await expect(reorderIntoCart(cartId, id)).rejects.toSatisfy((error) => error instanceof AppError && error.status === 404);
  }
  expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 1 });
});

test("another cart's expired order is no such order, and that cart is untouched", async () => {
  const order = await orderOf([["MUG-FJORD-35", 2]], newCartId());
  const stranger = newCartId();
  await addToCart(stranger, "LINGON-JAM-400", 1);
  await expect(reorderIntoCart(stranger, order.clientInvoiceId)).rejects.toSatisfy(
    (error) => error instanceof AppError && error.status === 404 && error.message === "There is no such order.",
  );
  expect(await quantities(stranger)).toEqual({ "LINGON-JAM-400": 1 });
});

test("an order no cart placed (a product QR code) goes into no cart", async () => {
  const cartId = newCartId();
  const order = await orderOf([["MUG-FJORD-35", 1]], cartId);
  await db.order.update({ where: { id: order.id }, data: { cartId: null, source: "PRODUCT_QR" } });
  await expect(reorderIntoCart(cartId, order.clientInvoiceId)).rejects.toSatisfy((error) => error instanceof AppError && error.status === 404);
  expect(await quantities(cartId)).toEqual({});
});

test.each(["PENDING", "INVOICED", "PAID", "FAILED", "CANCELED", "CANCELED_BY_MERCHANT", "REFUNDED"] as const)(
  "the cart's own %s order is refused: only an expired order goes back",
  async (status) => {
    const cartId = newCartId();
    const order = await orderOf([["MUG-FJORD-35", 1]], cartId, status);
    await expect(reorderIntoCart(cartId, order.clientInvoiceId)).rejects.toSatisfy(
      (error) => error instanceof AppError && error.status === 409,
    );
    expect(await quantities(cartId)).toEqual({});
  },
);
