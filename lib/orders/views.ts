import { createHash, timingSafeEqual } from "node:crypto";

import { db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { OrderStatus } from "../generated/prisma/enums.ts";
import { formatMoney } from "../money.ts";
import { formatShopDateTime } from "../shop/format.ts";
import { formatOrderNumber } from "./order-number.ts";
import type { OrderView, RefundView } from "./order-view.ts";
import { clientInvoiceIdSchema } from "./schemas.ts";
import { readStoredReceipt } from "./stored-receipt.ts";

export { stageOf, type OrderStage, type OrderView } from "./order-view.ts";

// What a shopper may see of an order, with every amount formatted on the server from the database.

export async function loadOrderView(where: { id: string } | { clientInvoiceId: string }): Promise<OrderView | null> {
  const order = await db.order.findUnique({
    where,
    include: {
      items: { orderBy: { id: "asc" } },
      attempts: {
        where: { OR: [{ seqrStatus: "PAID" }, { seqrStatus: "CANCELED" }] },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { seqrStatus: true, ersReference: true, amountMinor: true, currency: true, receipt: true, cancelReason: true },
      },
      refunds: {
        where: { status: { in: [...CONFIRMED_REFUND, ...UNCONFIRMED_REFUND] } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        include: { lines: { include: { orderItem: { select: { name: true } } }, orderBy: { id: "asc" } } },
      },
    },
  });
  if (!order) return null;
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: order.currency });
  const paidAttempts = order.attempts.filter((attempt) => attempt.seqrStatus === "PAID");
  const newestCanceled = order.attempts.find((attempt) => attempt.seqrStatus === "CANCELED");
  return {
    clientInvoiceId: order.clientInvoiceId,
    number: formatOrderNumber(order.number),
    status: order.status,
    canceledBy: order.status === "CANCELED" ? (newestCanceled?.cancelReason === "MERCHANT" ? "shop" : "shopper") : null,
    lines: order.items.map((item) => ({
      name: item.name,
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: money(item.unitPriceMinor),
      lineTotal: money(item.lineTotalMinor),
    })),
    total: money(order.totalMinor),
    vat: money(order.taxMinor),
    paymentReference: paidAttempts[0]?.ersReference ?? null,
    paidAt: order.paidAt?.toISOString() ?? null,
    paidAtText: order.paidAt ? formatShopDateTime(order.paidAt) : null,
    ...refundsOf(order.refunds, paidAttempts, order.totalMinor, money),
  };
}

/** A refund SEQR confirmed: money given back. */
const CONFIRMED_REFUND = ["SUCCEEDED"];
/** Asked for and not yet confirmed (UNKNOWN: no answer, until the merchant settles it from SEQR's report). */
const UNCONFIRMED_REFUND = ["PENDING", "UNKNOWN"];

type RefundRow = {
  status: string;
  amountMinor: number;
  createdAt: Date;
  completedAt: Date | null;
  lines: { quantity: number; amountMinor: number; orderItem: { name: string } }[];
};

/**
 * The receipt's refunds and sums. What was paid is what SEQR took (the receipt's total, which may differ from the
 * invoice on an order flagged for a mismatch); only confirmed refunds count as given back.
 */
function refundsOf(
  rows: RefundRow[],
  paidAttempts: { amountMinor: number; currency: string; receipt: Prisma.JsonValue }[],
  totalMinor: number,
  money: (amountMinor: number) => string,
): Pick<OrderView, "refunds" | "refundSums"> {
  if (rows.length === 0) return { refunds: [], refundSums: null };
  const refunds: RefundView[] = rows.map((row) => {
    const confirmed = CONFIRMED_REFUND.includes(row.status);
    const at = (confirmed ? row.completedAt : null) ?? row.createdAt;
    return {
      state: confirmed ? "refunded" : "being-refunded",
      at: at.toISOString(),
      atText: formatShopDateTime(at),
      amount: money(row.amountMinor),
      lines: row.lines.map((line) => ({ name: line.orderItem.name, quantity: line.quantity, amount: money(line.amountMinor) })),
    };
  });
  const sum = (confirmed: boolean) =>
    rows.filter((row) => CONFIRMED_REFUND.includes(row.status) === confirmed).reduce((total, row) => total + row.amountMinor, 0);
  const paidMinor =
    paidAttempts.length === 0
      ? totalMinor
      : paidAttempts.reduce((total, attempt) => total + (readStoredReceipt(attempt.receipt).total?.amountMinor ?? attempt.amountMinor), 0);
  const refundedMinor = sum(true);
  const beingRefundedMinor = sum(false);
  return {
    refunds,
    refundSums: {
      paid: money(paidMinor),
      refunded: money(refundedMinor),
      beingRefunded: beingRefundedMinor > 0 ? money(beingRefundedMinor) : null,
      net: money(Math.max(0, paidMinor - refundedMinor)),
    },
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
