import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { createOrder, type CreatedOrder } from "../orders/create-order.ts";

/**
 * How many orders one cart may have placed and nobody has invoiced yet, at once. A shopper places one, maybe a
 * second after changing their mind; more is someone placing orders to fill the shop's tables. They stop counting
 * once invoiced (Pay), and expire after PENDING_ORDER_TIMEOUT_MS.
 */
export const MAX_OPEN_ORDERS_PER_CART = 5;

/**
 * Turns the cart into a PENDING order and empties it. createOrder prices the lines from the products and
 * refuses what is not in stock or no longer sold, or when the cart already has MAX_OPEN_ORDERS_PER_CART open
 * orders; the order records its cart (only that browser sees its receipt); the cart is emptied only once the
 * order exists.
 */
export async function checkoutCart(cartId: string | null): Promise<CreatedOrder> {
  const items = cartId
    ? await db.cartItem.findMany({
        where: { cartId },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, productId: true, quantity: true },
      })
    : [];
  if (!cartId || items.length === 0) {
    throw new AppError("EMPTY_CART", 400, "Your cart is empty. Add a product to it before you check out.");
  }

  const order = await createOrder({
    lines: items.map(({ productId, quantity }) => ({ productId, quantity })),
    source: "CART",
    trigger: "checkout",
    cart: { id: cartId, maxOpenOrders: MAX_OPEN_ORDERS_PER_CART },
  });
  // Only the lines just ordered, as they were ordered: a line added or changed in another tab meanwhile stays.
  await db.cartItem.deleteMany({ where: { cartId, OR: items.map(({ id, quantity }) => ({ id, quantity })) } });
  log.info({ orderId: order.id, lines: items.length }, "cart checked out");
  return order;
}
