import { z } from "zod";

import { AppError } from "../errors.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { FulfilmentStatus } from "../generated/prisma/enums.ts";
import { formatOrderNumber } from "../orders/order-number.ts";
import { clientInvoiceIdSchema } from "../orders/schemas.ts";
import type { actorFields } from "./actor.ts";

// Refunds by line: the merchant picks items and quantities, the amount follows from the order's own lines (unit
// price × quantity, never from the browser), and the units may go back into stock.
//
// - Reserved with the refund: OrderItem.refundedQuantity goes up in the transaction that writes the Refund row,
//   by a conditional update (refundedQuantity + q <= quantity), so two line refunds at once never refund one
//   unit twice.
// - Restocked once, when SEQR confirms the refund (its answer, or a report settling it as done): RefundLine.
//   restockedAt is claimed by a conditional update before Product.stock moves, and a CatalogChange records it.
// - Given back when SEQR refuses the refund, or a report shows it never happened: refundedQuantity goes down again.

export type RequestedLine = { orderItemId: string; quantity: string | number };

/** An order line as a refund sees it. */
export type RefundableItem = {
  id: string;
  name: string;
  sku: string;
  unitPriceMinor: number;
  quantity: number;
  /** Units refunded, or held by refunds SEQR has not answered. */
  refundedQuantity: number;
};

export type PricedRefundLine = { orderItemId: string; name: string; sku: string; quantity: number; amountMinor: number };

export type PricedLines = { ok: true; lines: PricedRefundLine[]; amountMinor: number } | { ok: false; error: string };

/** Units of the line that can still be refunded. */
export function refundableQuantity(item: Pick<RefundableItem, "quantity" | "refundedQuantity">): number {
  return Math.max(0, item.quantity - item.refundedQuantity);
}

/**
 * The lines the merchant asked for, priced from the order's own lines: unit price × quantity each, in minor units.
 * Pure. Lines of quantity 0 are left out; at least one must remain. Quantities are checked against what is left
 * of each line here for a plain answer; the conditional update in reserveRefundLines is the guarantee.
 */
export function priceRefundLines(items: readonly RefundableItem[], requested: readonly RequestedLine[]): PricedLines {
  const byId = new Map(items.map((item) => [item.id, item]));
  const seen = new Set<string>();
  const lines: PricedRefundLine[] = [];
  for (const line of requested) {
    const text = String(line.quantity).trim();
    if (!/^\d{1,6}$/.test(text)) return { ok: false, error: "Enter how many of each item to refund as a whole number, such as 2." };
    const quantity = Number(text);
    const item = byId.get(line.orderItemId);
    if (!item || seen.has(line.orderItemId)) return { ok: false, error: "That item is not part of this order. Reload the page and choose again." };
    seen.add(line.orderItemId);
    if (quantity === 0) continue;
    const left = refundableQuantity(item);
    if (quantity > left) return { ok: false, error: tooManyUnits(item, left) };
    const amountMinor = item.unitPriceMinor * quantity;
    lines.push({ orderItemId: item.id, name: item.name, sku: item.sku, quantity, amountMinor });
  }
  if (lines.length === 0) return { ok: false, error: "Choose how many of at least one item to refund." };
  const amountMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
  if (!Number.isSafeInteger(amountMinor)) return { ok: false, error: "That amount is too large." };
  // Lines in a fixed order (by id): reservations then lock order items in the same order in every transaction.
  lines.sort((a, b) => (a.orderItemId < b.orderItemId ? -1 : a.orderItemId > b.orderItemId ? 1 : 0));
  return { ok: true, lines, amountMinor };
}

function tooManyUnits(item: Pick<RefundableItem, "name" | "quantity">, left: number): string {
  if (left === 0) return `${item.name}: all ${item.quantity} are refunded already, or being refunded; nothing was refunded.`;
  return `${item.name}: only ${left} of ${item.quantity} can still be refunded; nothing was refunded.`;
}

/**
 * Reserves the refund's units on the order lines and writes its RefundLine rows, inside the transaction that writes
 * the Refund row (after its lock). Each line's update is conditional on the units still being there, so a line
 * refund racing another for the last unit finds it gone and the whole refund rolls back.
 */
export async function reserveRefundLines(
  tx: Prisma.TransactionClient,
  refund: { refundId: string; orderId: string; restock: boolean; lines: readonly PricedRefundLine[]; items: readonly RefundableItem[] },
): Promise<void> {
  for (const line of refund.lines) {
    const item = refund.items.find((candidate) => candidate.id === line.orderItemId);
    if (!item) throw new AppError("ITEMS_NOT_REFUNDABLE", 409, "That item is not part of this order. Reload the page and choose again.");
    // OrderItem.quantity never changes once the order is placed: "refundedQuantity <= quantity - q" is
    // "refundedQuantity + q <= quantity", evaluated by the database on the row as it is now.
    const reserved = await tx.orderItem.updateMany({
      where: { id: item.id, orderId: refund.orderId, refundedQuantity: { lte: item.quantity - line.quantity } },
      data: { refundedQuantity: { increment: line.quantity } },
    });
    if (reserved.count === 0) {
      const now = await tx.orderItem.findUnique({ where: { id: item.id }, select: { quantity: true, refundedQuantity: true } });
      throw new AppError("ITEMS_NOT_REFUNDABLE", 409, tooManyUnits(item, now ? refundableQuantity(now) : 0));
    }
  }
  await tx.refundLine.createMany({
    data: refund.lines.map((line) => ({
      refundId: refund.refundId,
      orderItemId: line.orderItemId,
      quantity: line.quantity,
      amountMinor: line.amountMinor,
      restock: refund.restock,
    })),
  });
}

/** Who changed the stock, as CatalogChange names them (actorFields of the person). */
type ActorFields = ReturnType<typeof actorFields>;

export type RestockedLine = { sku: string; quantity: number; stockAfter: number };

/**
 * The refund's units back into stock, in the transaction that records SEQR's confirmation. Each line is claimed
 * by setting restockedAt where it is still null, so a confirmation applied twice restocks once. Products are
 * written last and in id order (lib/db-locks.ts). A line whose product no longer exists is claimed and skipped.
 */
export async function restockRefundLines(
  tx: Prisma.TransactionClient,
  refund: { refundId: string; orderNumber: number; actor: ActorFields; now: Date },
): Promise<RestockedLine[]> {
  const lines = await tx.refundLine.findMany({
    where: { refundId: refund.refundId, restock: true, restockedAt: null },
    select: { id: true, quantity: true, orderItem: { select: { productId: true, sku: true } } },
  });
  const ordered = lines.sort((a, b) => compare(a.orderItem.productId ?? "", b.orderItem.productId ?? "") || compare(a.id, b.id));
  const restocked: RestockedLine[] = [];
  for (const line of ordered) {
    const claimed = await tx.refundLine.updateMany({ where: { id: line.id, restockedAt: null }, data: { restockedAt: refund.now } });
    const productId = line.orderItem.productId;
    if (claimed.count === 0 || !productId) continue;
    const product = await tx.product.update({
      where: { id: productId },
      data: { stock: { increment: line.quantity } },
      select: { stock: true },
    });
    await tx.catalogChange.create({
      data: {
        productId,
        kind: "STOCK_ADJUSTED",
        ...refund.actor,
        before: { stock: product.stock - line.quantity },
        after: { stock: product.stock },
        reason: `Refund of order ${formatOrderNumber(refund.orderNumber)}`,
      },
    });
    restocked.push({ sku: line.orderItem.sku, quantity: line.quantity, stockAfter: product.stock });
  }
  return restocked;
}

/**
 * A refund that did not happen (SEQR refused it, or a report showed it never did) gives its units back to the
 * order lines, in the transaction that records that (itself conditional on the refund's status: once).
 */
export async function releaseRefundLines(tx: Prisma.TransactionClient, refundId: string): Promise<{ sku: string; quantity: number }[]> {
  const lines = await tx.refundLine.findMany({
    where: { refundId },
    select: { quantity: true, orderItemId: true, orderItem: { select: { sku: true } } },
    orderBy: { orderItemId: "asc" },
  });
  for (const line of lines) {
    await tx.orderItem.updateMany({
      where: { id: line.orderItemId, refundedQuantity: { gte: line.quantity } },
      data: { refundedQuantity: { decrement: line.quantity } },
    });
  }
  return lines.map((line) => ({ sku: line.orderItem.sku, quantity: line.quantity }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The refund form

/** The prefix of a line's quantity field: `line:<orderItemId>`. */
export const LINE_FIELD_PREFIX = "line:";

/**
 * The refund form as the order page sends it: an amount (mode "amount"), or quantities per order line (mode
 * "lines"), whose amount the server works out itself: an `amount` sent along with lines is ignored.
 */
export const refundFormInput = z.preprocess(
  (raw) => {
    if (!raw || typeof raw !== "object") return raw;
    const fields = raw as Record<string, unknown>;
    const lines = Object.entries(fields)
      .filter(([name]) => name.startsWith(LINE_FIELD_PREFIX))
      .map(([name, quantity]) => ({ orderItemId: name.slice(LINE_FIELD_PREFIX.length), quantity }));
    return { ...fields, lines };
  },
  z.object({
    clientInvoiceId: clientInvoiceIdSchema,
    paymentAttemptId: z.string().min(1).max(40),
    mode: z.enum(["amount", "lines"]).default("amount"),
    amount: z.string().trim().max(20, "is too long").optional(),
    requestKey: z.uuid("is not a refund form's key: reload the page"),
    reason: z.preprocess((value) => (value === "" ? undefined : value), z.string().trim().max(200, "must be at most 200 characters").optional()),
    // A checkbox: sent as "on" when ticked, absent otherwise.
    restock: z.preprocess((value) => value === "on" || value === "true", z.boolean()),
    lines: z
      .array(z.object({ orderItemId: z.string().min(1).max(40), quantity: z.string().max(12) }))
      .max(200, "lists more items than an order has"),
  }),
);

export type RefundFormInput = z.output<typeof refundFormInput>;

// ---------------------------------------------------------------------------------------------------------------
// What the order page shows

/**
 * Whether the refunded units go back into stock unless the merchant says otherwise: yes while the order has not
 * left the shop (the units are still on the shelf, so leaving them out of stock would lose them); no once it was
 * shipped or collected (the units are with the customer; they go back into stock only when they come back in a
 * state to be sold again, which the merchant decides by ticking the box).
 */
export function restockByDefault(fulfilmentStatus: FulfilmentStatus): boolean {
  return fulfilmentStatus === "UNFULFILLED" || fulfilmentStatus === "NOT_TO_SHIP";
}

/**
 * A Swedish msisdn as people write it: 46700643933 → "070-064 39 33" (mobile numbers, 07X-XXX XX XX). Other
 * numbers keep their international form with a plus: "+4581234567".
 */
export function formatMsisdn(msisdn: string): string {
  const mobile = /^46(7\d)(\d{3})(\d{2})(\d{2})$/.exec(msisdn);
  if (mobile) return `0${mobile[1]}-${mobile[2]} ${mobile[3]} ${mobile[4]}`;
  return /^\d+$/.test(msisdn) ? `+${msisdn}` : msisdn;
}

/** Who the money goes back to, as the refund's confirmation names them: the phone, else the e-mail. */
export function refundRecipient(order: { customerMsisdn: string | null; customerEmail: string | null }): string {
  if (order.customerMsisdn) return formatMsisdn(order.customerMsisdn);
  return order.customerEmail ?? "the customer";
}
