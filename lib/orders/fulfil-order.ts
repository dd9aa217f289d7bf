import type { Prisma } from "../generated/prisma/client.ts";
import { formatMoney } from "../money.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import { takeStockForPaidOrder } from "./stock-reservation.ts";

type Tx = Prisma.TransactionClient;

export const ORDER_CONFIRMATION = "ORDER_CONFIRMATION";

/**
 * Fulfilment, run inside the transaction that moved the order to PAID, so that it happens exactly when that
 * transition does: once. Keeps the units the order reserved when its invoice was sent (stock-reservation.ts), marks
 * the order fulfilled and queues the confirmation message in the outbox. An order paid without a reservation (SEQR
 * took the money after the shop had released it) takes its units now; if they are gone, the order is flagged for
 * the merchant instead: the shopper has paid, so the order is kept, never dropped.
 */
export async function fulfilOrder(
  tx: Tx,
  orderId: string,
  context: { trigger: string; paymentReference: string | null; now: Date },
): Promise<{ fulfilled: boolean }> {
  // Write first (lib/db.ts): claiming fulfilment is the conditional update that makes it happen once.
  const claimed = await tx.order.updateMany({
    where: { id: orderId, fulfilledAt: null },
    data: { fulfilledAt: context.now },
  });
  if (claimed.count === 0) return { fulfilled: false };

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

  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, include: { items: true } });
  const needed = order.items.filter((item) => item.productId !== null);
  const total = formatMoney({ amountMinor: order.totalMinor, currency: order.currency });
  await tx.outboxMessage.create({
    data: {
      orderId,
      kind: ORDER_CONFIRMATION,
      dedupeKey: `${ORDER_CONFIRMATION}:${orderId}`,
      recipient: order.customerMsisdn,
      payload: {
        orderNumber: order.clientInvoiceId,
        total,
        paymentReference: context.paymentReference,
        text: `${SHOP_NAME}: thank you! We have received ${total} for order ${order.clientInvoiceId}.`,
      },
    },
  });
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
