import { AppError } from "../errors.ts";
import type { Prisma } from "../generated/prisma/client.ts";

// Stock is reserved when an invoice is sent, not when it is paid: the units leave Product.stock the moment the
// shopper can pay for them, so ten shoppers can never pay for eight units. Order.stockReservation says where the
// order's units are (NONE: on the shelf; HELD: taken off it while an invoice is out; TAKEN: paid for, for good).
// Every move between those states is one conditional update on the order, so each happens once however many
// triggers race; the stock moves in the same transaction. Each decrement is conditional on the stock it needs
// (`stock >= quantity` in the UPDATE itself), which PostgreSQL re-checks on the newest row after waiting for a
// concurrent one: two orders can never both take the last unit. Products are updated in id order, whatever the
// order's lines say, so that two orders of the same products never each hold one and wait for the other's.

type Tx = Prisma.TransactionClient;

type ReservedLine = { productId: string | null; sku: string; name: string; quantity: number };

/**
 * Takes the order's units off the shelf (NONE → HELD). Each decrement refuses to go below zero, so a short item
 * throws OUT_OF_STOCK naming every item that is short, and the caller's transaction rolls the others back. An order
 * that already holds its units (a second invoice for the same order) reserves nothing more.
 */
export async function reserveStock(tx: Tx, orderId: string): Promise<{ reserved: boolean }> {
  const claimed = await tx.order.updateMany({
    where: { id: orderId, stockReservation: "NONE" },
    data: { stockReservation: "HELD" },
  });
  if (claimed.count === 0) return { reserved: false };

  const lines = await linesOf(tx, orderId);
  const short = new Set<ReservedLine>();
  for (const line of inLockOrder(lines)) {
    if (line.productId === null) {
      short.add(line);
      continue;
    }
    const taken = await tx.product.updateMany({
      where: { id: line.productId, stock: { gte: line.quantity } },
      data: { stock: { decrement: line.quantity } },
    });
    if (taken.count === 0) short.add(line);
  }
  if (short.size > 0) throw outOfStock(lines.filter((line) => short.has(line)));
  return { reserved: true };
}

/** Puts a HELD order's units back on the shelf (HELD → NONE): its invoice ended unpaid, or the order did. */
export async function releaseStock(tx: Tx, orderId: string, context: { trigger: string }): Promise<{ released: boolean }> {
  const released = await tx.order.updateMany({
    where: { id: orderId, stockReservation: "HELD" },
    data: { stockReservation: "NONE" },
  });
  if (released.count === 0) return { released: false };
  const lines = await linesOf(tx, orderId);
  for (const line of inLockOrder(lines)) {
    if (line.productId === null) continue; // the product was deleted: there is no shelf to put it back on
    await tx.product.updateMany({ where: { id: line.productId }, data: { stock: { increment: line.quantity } } });
  }
  await tx.paymentEvent.create({
    data: {
      orderId,
      type: "STOCK_RELEASED",
      source: context.trigger,
      detail: { items: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })) },
    },
  });
  return { released: true };
}

/**
 * At PAID: a HELD order keeps its units for good (HELD → TAKEN). An order paid without a reservation (SEQR took
 * the money after the shop had expired or ended the order and released its units) takes them now if they are
 * there; `short` lists the items that are not, for the merchant.
 */
export async function takeStockForPaidOrder(tx: Tx, orderId: string): Promise<{ short: ReservedLine[] }> {
  const kept = await tx.order.updateMany({
    where: { id: orderId, stockReservation: "HELD" },
    data: { stockReservation: "TAKEN" },
  });
  if (kept.count > 0) return { short: [] };
  const claimed = await tx.order.updateMany({
    where: { id: orderId, stockReservation: "NONE" },
    data: { stockReservation: "TAKEN" },
  });
  if (claimed.count === 0) return { short: [] }; // TAKEN already
  const lines = await linesOf(tx, orderId);
  const short = new Set<ReservedLine>();
  for (const line of inLockOrder(lines)) {
    const taken =
      line.productId === null
        ? { count: 0 }
        : await tx.product.updateMany({
            where: { id: line.productId, stock: { gte: line.quantity } },
            data: { stock: { decrement: line.quantity } },
          });
    if (taken.count === 0) short.add(line);
  }
  return { short: lines.filter((line) => short.has(line)) };
}

/** The lines by product id: every transaction that moves stock locks the product rows in this one order. */
function inLockOrder(lines: readonly ReservedLine[]): ReservedLine[] {
  const key = (line: ReservedLine) => line.productId ?? "";
  return [...lines].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

async function linesOf(tx: Tx, orderId: string): Promise<ReservedLine[]> {
  return tx.orderItem.findMany({
    where: { orderId },
    select: { productId: true, sku: true, name: true, quantity: true },
    orderBy: { id: "asc" },
  });
}

function outOfStock(short: readonly ReservedLine[]): AppError {
  const names = short.map((line) => line.name);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return new AppError(
    "OUT_OF_STOCK",
    409,
    `Sorry, ${list} ${names.length === 1 ? "is" : "are"} sold out, so this order cannot be paid. Nothing was charged.`,
  );
}
