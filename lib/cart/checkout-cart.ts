import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { createOrder, type CreatedOrder } from "../orders/create-order.ts";

/**
 * How many orders one cart may have placed and nobody has invoiced yet, at once. A shopper places one, maybe a
 * second after changing their mind; more is someone placing orders to fill the shop's tables. They stop counting
 * once invoiced (Pay), once withdrawn ("Change order", lib/orders/withdraw-order.ts), and expire after
 * PENDING_ORDER_TIMEOUT_MS.
 */
export const MAX_OPEN_ORDERS_PER_CART = 5;

/**
 * Turns the cart into a PENDING order. createOrder prices the lines from the products and refuses what is not in
 * stock or no longer sold, or when the cart already has MAX_OPEN_ORDERS_PER_CART open orders; the order records
 * its cart (only that browser sees its receipt).
 *
 * The cart keeps its lines: until the order is paid the shopper may go back to them ("Change order" on the
 * checkout page, or an order that expired unpaid). The payment takes the order's items out of the cart, in the
 * transaction that records it (lib/cart/paid-order.ts).
 */
export async function checkoutCart(cartId: string | null): Promise<CreatedOrder> {
  const items = cartId
    ? await db.cartItem.findMany({
        where: { cartId },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { productId: true, quantity: true },
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
  log.info({ orderId: order.id, lines: items.length }, "cart checked out");
  return order;
}
