import { createHash, timingSafeEqual } from "node:crypto";

import { db } from "../db.ts";
import type { OrderStatus } from "../generated/prisma/enums.ts";
import { formatMoney } from "../money.ts";
import type { OrderView } from "./order-view.ts";
import { clientInvoiceIdSchema } from "./schemas.ts";

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

/**
 * Whether `cartId` (the browser's cart cookie) is the cart that placed an order (Order.cartId). An order no cart
 * placed (a product QR code scanned in the SEQR app) belongs to no browser. Compared in constant time: the cart id
 * is the key to the cart.
 */
export function isPlacingCart(orderCartId: string | null, cartId: string | null): boolean {
  if (orderCartId === null || cartId === null) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(orderCartId), digest(cartId));
}

/**
 * What /checkout/<id> shows. The order's id travels in URLs, QR codes and shared screenshots, so knowing it is not
 * enough to see what was bought: the items and the receipt go only to the browser whose cart placed the order;
 * anyone else gets its status alone, as the status route answers it.
 */
export type CheckoutView =
  | { kind: "placed-here"; order: OrderView }
  | { kind: "status-only"; clientInvoiceId: string; status: OrderStatus };

export async function loadCheckoutView(clientInvoiceId: string, cartId: string | null): Promise<CheckoutView | null> {
  const id = clientInvoiceIdSchema.safeParse(clientInvoiceId);
  if (!id.success) return null;
  const placed = await db.order.findUnique({ where: { clientInvoiceId: id.data }, select: { status: true, cartId: true } });
  if (!placed) return null;
  if (!isPlacingCart(placed.cartId, cartId)) {
    return { kind: "status-only", clientInvoiceId: id.data, status: placed.status };
  }
  const order = await loadOrderView({ clientInvoiceId: id.data });
  return order ? { kind: "placed-here", order } : null;
}
