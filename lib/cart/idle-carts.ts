import { db } from "../db.ts";
import { log } from "../log.ts";

// Carts are created by anyone's first add, for free, so the shop must forget the ones nobody uses. A cart lives
// as long as its cookie: 30 days from its last add (lib/cart/cart-cookie.ts sets the cookie again on every add,
// and addToCart touches Cart.updatedAt). After that the browser has forgotten its id, so nobody can reach it:
// the reconciler's sweep deletes it, with its lines. Orders keep their cartId (a plain column, no relation).

/** How long a cart lives after its last add: its cookie's lifetime, and when the sweep deletes it. */
export const CART_IDLE_LIFETIME_MS = 30 * 24 * 3_600_000;

/** Carts deleted per call at most: a sweep is short; the next one, seconds later, goes on. */
const DEFAULT_LIMIT = 500;

/**
 * Deletes carts idle for CART_IDLE_LIFETIME_MS (their lines go with them: ON DELETE CASCADE), at most `limit`
 * per call, oldest first. A cart added to between the look and the delete is kept: the delete repeats the
 * condition.
 */
export async function deleteIdleCarts(options: { now?: () => Date; limit?: number } = {}): Promise<{ deleted: number }> {
  const now = (options.now ?? (() => new Date()))();
  const idle = { updatedAt: { lt: new Date(now.getTime() - CART_IDLE_LIFETIME_MS) } };
  const carts = await db.cart.findMany({
    where: idle,
    select: { id: true },
    orderBy: { updatedAt: "asc" },
    take: options.limit ?? DEFAULT_LIMIT,
  });
  if (carts.length === 0) return { deleted: 0 };
  const { count } = await db.cart.deleteMany({ where: { id: { in: carts.map((cart) => cart.id) }, ...idle } });
  if (count > 0) log.info({ component: "cart", deleted: count }, "idle carts deleted");
  return { deleted: count };
}
