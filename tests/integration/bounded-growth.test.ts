import { beforeAll, describe, expect, test } from "vitest";

import { addToCart } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { checkoutCart } from "@/lib/cart/checkout-cart";
import { CART_IDLE_LIFETIME_MS, deleteIdleCarts } from "@/lib/cart/idle-carts";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { sweepOnce } from "@/lib/orders/reconciler";

// Carts are anyone's for the asking, so the shop forgets the ones nobody can reach: 30 days after a cart's last
// add (its cookie's lifetime) the reconciler's sweep deletes it with its lines. Orders it placed stay.

beforeAll(async () => {
  await seedCatalog(db);
});

const DAY = 24 * 3_600_000;

/** A cart with a line, last added to `ageMs` before `now`. */
async function cartLastUsed(now: Date, ageMs: number): Promise<string> {
  const cartId = newCartId();
  await addToCart(cartId, "MUG-FJORD-35", 1);
  await db.cart.update({ where: { id: cartId }, data: { updatedAt: new Date(now.getTime() - ageMs) } });
  return cartId;
}

const exists = async (cartId: string) => ({
  cart: (await db.cart.count({ where: { id: cartId } })) === 1,
  lines: await db.cartItem.count({ where: { cartId } }),
});

describe("idle carts", () => {
  test("the sweep deletes carts idle for 30 days, with their lines, and keeps younger ones and the orders they placed", async () => {
    const now = new Date();
    const idle = await cartLastUsed(now, 30 * DAY + 1_000);
    const young = await cartLastUsed(now, 30 * DAY - 60_000);
    const fresh = await cartLastUsed(now, 0);
    // A cart that placed an order and was then left: the order outlives it.
    const ordered = newCartId();
    await addToCart(ordered, "LINGON-JAM-400", 1);
    const order = await checkoutCart(ordered);
    await addToCart(ordered, "LINGON-JAM-400", 1);
    await db.cart.update({ where: { id: ordered }, data: { updatedAt: new Date(now.getTime() - 31 * DAY) } });

    await sweepOnce({ now: () => now });

    expect(await exists(idle)).toEqual({ cart: false, lines: 0 });
    expect(await exists(ordered)).toEqual({ cart: false, lines: 0 });
    expect(await exists(young)).toEqual({ cart: true, lines: 1 });
    expect(await exists(fresh)).toEqual({ cart: true, lines: 1 });
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ cartId: ordered, status: "PENDING" });
  });

  test("an add keeps a cart alive for another 30 days", async () => {
    const now = new Date();
    const cartId = await cartLastUsed(now, 29 * DAY);
    await addToCart(cartId, "LINGON-JAM-400", 1);

    // 29 days on, the cart would have been idle for 58 days but for the add.
    await deleteIdleCarts({ now: () => new Date(now.getTime() + 29 * DAY) });
    expect(await exists(cartId)).toEqual({ cart: true, lines: 2 });
    await deleteIdleCarts({ now: () => new Date(now.getTime() + CART_IDLE_LIFETIME_MS + 1_000) });
    expect(await exists(cartId)).toEqual({ cart: false, lines: 0 });
  });

  test("a sweep deletes a bounded number, oldest first; the next ones go on", async () => {
    await db.cart.deleteMany();
    const now = new Date();
    const carts: string[] = [];
    for (let index = 0; index < 5; index += 1) carts.push(await cartLastUsed(now, 31 * DAY + index * 1_000));
    const left = async () => db.cart.count({ where: { id: { in: carts } } });

    expect(await deleteIdleCarts({ now: () => now, limit: 2 })).toEqual({ deleted: 2 });
    expect(await db.cart.count({ where: { id: { in: carts.slice(3) } } })).toBe(0);
    expect(await left()).toBe(3);
    expect(await deleteIdleCarts({ now: () => now, limit: 2 })).toEqual({ deleted: 2 });
    expect(await deleteIdleCarts({ now: () => now, limit: 2 })).toEqual({ deleted: 1 });
    expect(await left()).toBe(0);
    expect(await deleteIdleCarts({ now: () => now })).toEqual({ deleted: 0 });
  });
});
