import { db } from "../db.ts";
import { formatMoney } from "../money.ts";
import type { OrderView } from "./order-view.ts";

export { stageOf, type OrderStage, type OrderView } from "./order-view.ts";

// What a shopper may see of an order, with every amount formatted on the server from the database.

export async function loadOrderView(where: { id: string } | { clientInvoiceId: string }): Promise<OrderView | null> {
  const order = await db.order.findUnique({
    where,
    include: {
      items: { orderBy: { id: "asc" } },
      attempts: { where: { seqrStatus: "PAID" }, orderBy: { createdAt: "desc" }, take: 1 },
    },
  });
  if (!order) return null;
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: order.currency });
  return {
    clientInvoiceId: order.clientInvoiceId,
    status: order.status,
    lines: order.items.map((item) => ({
      name: item.name,
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: money(item.unitPriceMinor),
      lineTotal: money(item.lineTotalMinor),
    })),
    total: money(order.totalMinor),
    vat: money(order.taxMinor),
    paymentReference: order.attempts[0]?.ersReference ?? null,
    paidAt: order.paidAt?.toISOString() ?? null,
  };
}
