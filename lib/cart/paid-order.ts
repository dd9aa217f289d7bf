import type { Prisma } from "../generated/prisma/client.ts";

// The cart survives checkout: the shopper may go back to it ("Change order", or an order that expired) until the
// order is paid. Once it is paid, what it bought leaves the cart that placed it.

/**
 * Takes a paid order's items out of the cart that placed it (`order`: its cartId and items, as the caller read them),
 * inside the transaction that moved the order to PAID: each line loses the quantity the order bought, and goes when
 * nothing is left. What the shopper added after checking out (more of a product, another product) stays. Only the
 * order's products are touched, in the order's own cart; an order no cart placed (a product's SEQR code) changes no
 * cart.
 *
 * Not idempotent by itself (a second call would take the units again): the caller runs it once per order, under
 * the conditional update that claims the order's fulfilment (fulfil-order.ts).
 */
export async function takePaidOrderOutOfCart(
  tx: Prisma.TransactionClient,
  order: { cartId: string | null; items: readonly { productId: string | null; quantity: number }[] },
): Promise<{ linesChanged: number }> {
  const cartId = order.cartId;
  if (cartId === null) return { linesChanged: 0 };
  let linesChanged = 0;
  // In product id order, as every transaction that touches several products' rows takes them (lib/db-locks.ts).
  const items = order.items
    .flatMap((item) => (item.productId === null ? [] : [{ productId: item.productId, quantity: item.quantity }]))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  for (const { productId, quantity } of items) {
    // Two conditional writes, each decided by the line's quantity in the database: a line that holds no more than
    // was bought goes, a line that holds more keeps the rest.
    const removed = await tx.cartItem.deleteMany({ where: { cartId, productId, quantity: { lte: quantity } } });
    const reduced = await tx.cartItem.updateMany({
      where: { cartId, productId, quantity: { gt: quantity } },
      data: { quantity: { decrement: quantity } },
    });
    linesChanged += removed.count + reduced.count;
  }
  return { linesChanged };
}
