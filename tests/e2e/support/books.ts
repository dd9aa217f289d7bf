import { randomBytes, randomInt } from "node:crypto";

import type { PrismaClient } from "@/lib/db";
import { nextOrderNumber } from "@/lib/orders/order-number";
import { priceLines, type PricedLineInput } from "@/lib/orders/pricing";

// The books spec's orders (admin-books.spec.ts): paid on a day long past that belongs to one Playwright project
// alone, so that the day's figures are this spec's and can be worked out by hand whatever else runs meanwhile, and
// under a phone number of its own (4679…, which no seeded subscriber has). Planted, then removed.

export type PlantedBooksOrder = { id: string; number: number; clientInvoiceId: string; invoiceReference: string; ersReference: string };

/** A Swedish mobile number (SEQR's form: 4679 and seven digits, 079-… at home) no one else's orders carry. */
export function newBooksMsisdn(): string {
  return `4679${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
}

/** Removes every order paid in [start, end) and what hangs off it (the day is the spec's own). */
export async function removeBooksOrders(db: PrismaClient, period: { start: Date; end: Date }): Promise<void> {
  const orders = await db.order.findMany({ where: { paidAt: { gte: period.start, lt: period.end } }, select: { id: true } });
  const orderIds = orders.map((order) => order.id);
  if (orderIds.length === 0) return;
  const refunds = await db.refund.findMany({ where: { orderId: { in: orderIds } }, select: { id: true } });
  await db.refundLine.deleteMany({ where: { refundId: { in: refunds.map((refund) => refund.id) } } });
  await db.refund.deleteMany({ where: { orderId: { in: orderIds } } });
  await db.orderItem.deleteMany({ where: { orderId: { in: orderIds } } });
  await db.paymentAttempt.deleteMany({ where: { orderId: { in: orderIds } } });
  await db.order.deleteMany({ where: { id: { in: orderIds } } });
}

/** A paid order priced as the shop prices one, with its SEQR invoice and payment reference. */
export async function plantPaidOrder(
  db: PrismaClient,
  spec: {
    paidAt: Date;
    lines: PricedLineInput[];
    msisdn: string;
    email: string;
    name: string;
    refundedMinor?: number;
  },
): Promise<PlantedBooksOrder> {
  const priced = priceLines(spec.lines);
  const invoiceReference = `8${String(randomInt(0, 1_000_000)).padStart(6, "0")}${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
  const ersReference = `${randomInt(1, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, "0")}`;
  const order = await db.order.create({
    data: {
      number: await nextOrderNumber(db),
      // The shop's shape of id (22 URL-safe characters), never starting with "-" (escaped in the CSV).
      clientInvoiceId: `B${randomBytes(16).toString("base64url").slice(1)}`,
      status: spec.refundedMinor ? "PARTIALLY_REFUNDED" : "PAID",
      currency: "SEK",
      totalMinor: priced.totalMinor,
      taxMinor: priced.taxMinor,
      refundedMinor: spec.refundedMinor ?? 0,
      customerMsisdn: spec.msisdn,
      customerEmail: spec.email,
      deliveryName: spec.name,
      deliveryMethod: "SHIP",
      createdAt: new Date(spec.paidAt.getTime() - 60_000),
      paidAt: spec.paidAt,
      items: {
        create: priced.lines.map((line, index) => ({
          sku: `BOOKS-${index + 1}`,
          name: `Books test item ${index + 1}`,
          unitPriceMinor: line.unitPriceMinor,
          quantity: line.quantity,
          taxRateBps: line.taxRateBps,
          lineTotalMinor: line.lineTotalMinor,
        })),
      },
      attempts: { create: [{ invoiceReference, seqrStatus: "PAID", ersReference, amountMinor: priced.totalMinor, currency: "SEK" }] },
    },
    include: { attempts: true },
  });
  return { id: order.id, number: order.number, clientInvoiceId: order.clientInvoiceId, invoiceReference, ersReference };
}

/** A refund SEQR confirmed, of an amount (no lines). */
export async function plantConfirmedRefund(db: PrismaClient, order: PlantedBooksOrder, amountMinor: number, completedAt: Date): Promise<void> {
  const attempt = await db.paymentAttempt.findFirstOrThrow({ where: { orderId: order.id } });
  await db.refund.create({
    data: {
      orderId: order.id,
      paymentAttemptId: attempt.id,
      requestKey: `books-${randomBytes(12).toString("hex")}`,
      amountMinor,
      currency: "SEK",
      status: "SUCCEEDED",
      ersReference: `${randomInt(1, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, "0")}`,
      completedAt,
    },
  });
}
