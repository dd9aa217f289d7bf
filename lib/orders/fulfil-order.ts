import type { Prisma } from "../generated/prisma/client.ts";
import { formatMoney } from "../money.ts";
import { SHOP_NAME } from "../shop/brand.ts";

type Tx = Prisma.TransactionClient;

export const ORDER_CONFIRMATION = "ORDER_CONFIRMATION";

/**
 * Fulfilment, run inside the transaction that moved the order to PAID, so that it happens exactly when that
 * transition does: once. Takes the stock, marks the order fulfilled and queues the confirmation message in the
 * outbox. If the stock is no longer there (stock is taken at payment, not at checkout), nothing is taken and the
 * order is flagged for the merchant instead: the shopper has paid, so the order is kept, never dropped.
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

  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, include: { items: true } });
  const needed = order.items.filter((item) => item.productId !== null);
  const products = await tx.product.findMany({ where: { id: { in: needed.map((item) => item.productId ?? "") } } });
  const stockById = new Map(products.map((product) => [product.id, product.stock]));
  const short = needed.filter((item) => (stockById.get(item.productId ?? "") ?? 0) < item.quantity);

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

  for (const item of needed) {
    await tx.product.updateMany({
      where: { id: item.productId ?? "", stock: { gte: item.quantity } },
      data: { stock: { decrement: item.quantity } },
    });
  }
  const total = formatMoney({ amountMinor: order.totalMinor, currency: order.currency });
  await tx.outboxMessage.create({
    data: {
      orderId,
      kind: ORDER_CONFIRMATION,
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
