import { takePaidOrderOutOfCart } from "../cart/paid-order.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { enqueueOrderPaidMessages } from "../outbox/enqueue.ts";
import { takeStockForPaidOrder } from "./stock-reservation.ts";

type Tx = Prisma.TransactionClient;

export { ORDER_CONFIRMATION } from "../outbox/payloads.ts";

/**
 * Fulfilment, run inside the transaction that moved the order to PAID, so that it happens exactly when that
 * transition does: once. Keeps the units the order reserved when its invoice was sent (stock-reservation.ts), marks
 * the order fulfilled and queues the messages a payment owes in the outbox (lib/outbox/enqueue.ts: the customer's
 * confirmation, the merchant's new-order e-mail, the receipt for the SEQR app), which the outbox worker delivers
 * after the commit. An order paid without a reservation (SEQR took the money after the shop had released it) takes
 * its units now; if they are gone, the order is flagged for the merchant instead: the shopper has paid, so the
 * order is kept, never dropped (and nothing is queued: it is not fulfilled).
 */
export async function fulfilOrder(
  tx: Tx,
  orderId: string,
  context: { trigger: string; paymentReference: string | null; now: Date },
): Promise<{ fulfilled: boolean }> {
  // Claiming fulfilment first: the conditional update is what makes it happen once.
  const claimed = await tx.order.updateMany({
    where: { id: orderId, fulfilledAt: null },
    data: { fulfilledAt: context.now },
  });
  if (claimed.count === 0) return { fulfilled: false };

  // The cart kept the items until now, so that the shopper could go back to it (lib/cart/checkout-cart.ts); paid,
  // they leave it. Here, under the claim, it happens once per order (the order enters PAID once: state-machine.ts),
  // however many triggers confirm the payment; also when the units turn out to be short below: the shopper has paid.
  // Read once for the cart, the event and the messages below (each statement here holds up every other request on
  // SQLite's one connection): what the order bought and whom to tell.
  const order = await tx.order.findUniqueOrThrow({
    where: { id: orderId },
    select: {
      cartId: true,
      customerEmail: true,
      customerMsisdn: true,
      items: { select: { sku: true, quantity: true, productId: true }, orderBy: { id: "asc" } },
    },
  });
  await takePaidOrderOutOfCart(tx, order);

  const { short } = await takeStockForPaidOrder(tx, orderId);
  if (short.length > 0) {
    await tx.order.update({
      where: { id: orderId },
      data: { fulfilledAt: null, attentionReason: "OUT_OF_STOCK_AT_PAYMENT" },
    });
    await tx.paymentEvent.create({
      data: {
        orderId,
        type: "ERROR",
        source: context.trigger,
        detail: { reason: "OUT_OF_STOCK_AT_PAYMENT", skus: short.map((item) => item.sku) },
      },
    });
    return { fulfilled: false };
  }

  const needed = order.items.filter((item) => item.productId !== null);
  await enqueueOrderPaidMessages(tx, orderId, order);
  await tx.paymentEvent.create({
    data: {
      orderId,
      type: "FULFILLED",
      source: context.trigger,
      detail: { items: needed.map((item) => ({ sku: item.sku, quantity: item.quantity })) },
    },
  });
  return { fulfilled: true };
}
