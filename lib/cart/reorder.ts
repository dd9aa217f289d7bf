import { findProductBySku } from "../catalog/queries.ts";
import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { clientInvoiceIdSchema } from "../orders/schemas.ts";
import { isPlacingCart } from "../orders/views.ts";
import { addToCart } from "./cart.ts";

export type Reordered = { added: string[]; skipped: string[] };

/**
 * "Put these items back in my cart" for an order that expired (or was withdrawn): the cart holds at least what the
 * order did again, priced afresh when the cart is shown, as many as are in stock now. The cart usually still holds
 * them (it is kept until an order is paid), so a line that already holds the order's quantity is left as it is:
 * pressing it twice never doubles a line. Items no longer sold or out of stock are named, not silently dropped.
 *
 * Only the cart that placed the order may take its items back (Order.cartId), and only once it has expired
 * unpaid: the order's id is no key to its contents (lib/orders/views.ts, loadCheckoutView). Someone else's order
 * is "no such order", the same answer as an unknown id, so that the answer tells a stranger nothing.
 */
export async function reorderIntoCart(cartId: string, clientInvoiceId: string): Promise<Reordered> {
  const id = clientInvoiceIdSchema.safeParse(clientInvoiceId);
  const order = id.success
    ? await db.order.findUnique({ where: { clientInvoiceId: id.data }, include: { items: { orderBy: { id: "asc" } } } })
    : null;
  if (!order || !isPlacingCart(order.cartId, cartId)) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  if (order.status !== "EXPIRED") {
    throw new AppError("ORDER_NOT_EXPIRED", 409, "Only an order that expired unpaid can be put back in your cart.");
  }

  const result: Reordered = { added: [], skipped: [] };
  for (const item of order.items) {
    const product = await findProductBySku(item.sku);
    const quantity = Math.min(item.quantity, product?.stock ?? 0);
    if (!product || quantity <= 0) {
      result.skipped.push(item.name);
      continue;
    }
    const inCart = await db.cartItem.findUnique({
      where: { cartId_productId: { cartId, productId: product.id } },
      select: { quantity: true },
    });
    const missing = quantity - (inCart?.quantity ?? 0);
    if (missing <= 0) {
      result.added.push(item.name);
      continue;
    }
    try {
      await addToCart(cartId, item.sku, missing);
      result.added.push(item.name);
    } catch (error) {
      // The cart already holds as many as the stock allows: nothing to add.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      result.skipped.push(item.name);
    }
  }
  return result;
}
