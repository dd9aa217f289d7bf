// The orders the benchmark's rows work on: one placed and invoiced through the shop's own code (createOrder, the
// delivery details, requestPayment: a real sendInvoice to the sandbox), then as many copies of it as a row needs,
// written by the database itself (sql-copy.ts), each with an order, its items, its SENT attempt and SEQR's invoice.
//
// Import this module only once the shop's settings are in process.env (DATABASE_URL, SEQR_SOAP_URL, …): the
// shop's modules read them when they load.

import { newCartId } from "../../../lib/cart/cart-id.ts";
import { databaseProvider, db } from "../../../lib/db.ts";
import { env } from "../../../lib/env.ts";
import { saveDeliveryDetails } from "../../../lib/orders/delivery.ts";
import { createOrder } from "../../../lib/orders/create-order.ts";
import { notificationUrlFor } from "../../../lib/orders/notification-url.ts";
import { requestPayment } from "../../../lib/orders/request-payment.ts";
import { scanCode } from "../../../lib/sandbox/app-flow.ts";
import { DEFAULT_SUBSCRIBER_MSISDN } from "../../../lib/sandbox/registry.ts";
import { serviceQrText } from "../../../lib/seqr/links.ts";
import { asText, copyRows } from "./sql-copy.ts";

export type Template = { orderId: string; attemptId: string; invoiceReference: string; clientInvoiceId: string };
export type InvoicedOrder = { orderId: string; clientInvoiceId: string; invoiceReference: string };

const DELIVERY = { email: "bench@example.se", name: "Bench Marker", street: "Storgatan 1", postcode: "111 22", city: "Stockholm", country: "SE" };

/** Orders are counted in batches of this many ids. */
const BATCH = 500;

/** Order numbers for `count` new orders, taken from the shop's counter as createOrder takes one. */
async function takeOrderNumbers(count: number): Promise<number> {
  const counter = await db.orderNumberCounter.update({ where: { id: 1 }, data: { lastNumber: { increment: count } } });
  return counter.lastNumber - count + 1;
}

/** An order of one unit of `sku`, with delivery details, invoiced in the sandbox through the shop's own code. */
export async function placeInvoicedOrder(sku: string): Promise<Template> {
  const product = await db.product.findUniqueOrThrow({ where: { sku } });
  const order = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
  await saveDeliveryDetails(order.id, DELIVERY);
  const { invoiceReference } = await requestPayment(order.id);
  const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference } });
  return { orderId: order.id, attemptId: attempt.id, invoiceReference, clientInvoiceId: order.clientInvoiceId };
}

/**
 * An order placed from a cart, with its delivery details, not yet invoiced: its checkout page, as the shopper's
 * browser (the cart cookie `cart=<cartId>`) sees it, shows the SEQR code to pay with.
 */
export async function placeCheckoutOrder(sku: string): Promise<{ clientInvoiceId: string; cartId: string }> {
  const product = await db.product.findUniqueOrThrow({ where: { sku } });
  const order = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
  await saveDeliveryDetails(order.id, DELIVERY);
  const cartId = newCartId();
  await db.order.update({ where: { id: order.id }, data: { cartId } });
  return { clientInvoiceId: order.clientInvoiceId, cartId };
}

/** The SEQR app (the sandbox's) scans the order's code: the session TOKEN it then opens the shop's pages with. */
export async function scanOrderCode(clientInvoiceId: string): Promise<string> {
  const scanned = await scanCode(serviceQrText(env.seqr.serviceId, { order: clientInvoiceId }), { msisdn: DEFAULT_SUBSCRIBER_MSISDN });
  if (!scanned.sessionToken) throw new Error("the sandbox app opened no session for the order's code");
  return scanned.sessionToken;
}

export type CopyOptions = {
  /** SEQR's invoice already PAID by the default subscriber (its commit window open), or still ISSUED. */
  paid: boolean;
  /** How long SEQR waits for a getPaymentStatus that sees a paid invoice before reversing it. */
  commitWindowMs?: number;
  /**
   * When each invoice was issued (its age) and when the reconciler is to look at it next. Unset: issued as the
   * template was, and never looked at by the reconciler (the row's own requests are the only ones to ask SEQR).
   * Written row by row: for a few dozen copies.
   */
  schedule?: (index: number) => { issuedAt: Date; nextCheckAt: Date };
};

let copyRun = 0;
const digits = (value: number, width: number) => String(value).padStart(width, "0");

/**
 * `count` copies of the template's order, INVOICED with a SENT attempt whose invoice SEQR holds, each with its own
 * ids, number and invoice reference. The sandbox never sends a notification for them (no notificationUrl): a row
 * sends its own, or none ("notification dropped").
 */
export async function copyInvoicedOrders(template: Template, count: number, options: CopyOptions): Promise<InvoicedOrder[]> {
  copyRun += 1;
  const run = `${process.pid % 1000}${digits(copyRun, 5)}`;
  // 22 characters, like newClientInvoiceId's: "bench" and 17 digits. References: 18 digits, far from the sandbox's 13.
  const clientInvoiceBase = `1${digits(Number(run), 8)}00000000`;
  const referenceBase = `91${digits(Number(run), 8)}00000000`;
  const firstNumber = await takeOrderNumbers(count);
  const n = (expression: string) => asText(`${expression} + g.n`);
  const copy = (table: string, where: string, overrides: Record<string, string>) =>
    copyRows(db, databaseProvider, { table, where, count, overrides });

  await copy("SandboxInvoice", `t."reference" = '${template.invoiceReference}'`, {
    reference: n(referenceBase),
    clientInvoiceId: `'bench' || ${n(clientInvoiceBase)}`,
    notificationUrl: "NULL",
    ersReference: options.paid ? `'7' || ${n(referenceBase)} || '000000'` : "NULL",
  });
  await copy("Order", `t."id" = '${template.orderId}'`, {
    id: `'bench-${run}-' || ${asText("g.n")}`,
    clientInvoiceId: `'bench' || ${n(clientInvoiceBase)}`,
    number: `${firstNumber - 1} + g.n`,
    cartId: "NULL",
  });
  await copy("OrderItem", `t."orderId" = '${template.orderId}'`, {
    id: `t."id" || '-${run}-' || ${asText("g.n")}`,
    orderId: `'bench-${run}-' || ${asText("g.n")}`,
  });
  await copy("PaymentAttempt", `t."id" = '${template.attemptId}'`, {
    id: `'bench-a-${run}-' || ${asText("g.n")}`,
    orderId: `'bench-${run}-' || ${asText("g.n")}`,
    invoiceReference: n(referenceBase),
    nextCheckAt: "NULL",
    lastAskedAt: "NULL",
    lastCheckedAt: "NULL",
    leaseOwner: "NULL",
    leaseUntil: "NULL",
  });

  const copies = Array.from({ length: count }, (_unused, index) => ({
    orderId: `bench-${run}-${index + 1}`,
    clientInvoiceId: `bench${(BigInt(clientInvoiceBase) + BigInt(index + 1)).toString()}`,
    invoiceReference: (BigInt(referenceBase) + BigInt(index + 1)).toString(),
  }));
  if (options.paid) {
    const now = new Date();
    await db.sandboxInvoice.updateMany({
      where: { reference: { startsWith: referenceBase.slice(0, 10) }, status: "ISSUED" },
      data: {
        status: "PAID",
        version: { increment: 1 },
        paidAt: now,
        payerMsisdn: DEFAULT_SUBSCRIBER_MSISDN,
        commitDeadline: new Date(now.getTime() + (options.commitWindowMs ?? 20_000)),
      },
    });
  }
  if (options.schedule) {
    for (const [index, order] of copies.entries()) {
      const { issuedAt, nextCheckAt } = options.schedule(index);
      await db.paymentAttempt.update({ where: { invoiceReference: order.invoiceReference }, data: { issuedAt, createdAt: issuedAt, nextCheckAt } });
      await db.order.update({ where: { id: order.orderId }, data: { createdAt: issuedAt } });
      await db.sandboxInvoice.update({ where: { reference: order.invoiceReference }, data: { createdAt: issuedAt } });
    }
  }
  return copies;
}

/** The notification SEQR would send for the order: its signed URL (path and query) and its form. */
export function notificationOf(order: InvoicedOrder, baseUrl: string): { path: string; body: string } {
  const url = new URL(notificationUrlFor(order.clientInvoiceId, baseUrl));
  const body = new URLSearchParams({ invoiceReference: order.invoiceReference, clientInvoiceId: order.clientInvoiceId, msisdn: DEFAULT_SUBSCRIBER_MSISDN });
  return { path: `${url.pathname}${url.search}`, body: body.toString() };
}

/** The subscribers' wallets hold enough for every payment a run makes. */
export async function fillWallets(): Promise<void> {
  await db.sandboxSubscriber.updateMany({ data: { balanceMinor: 1_000_000_000 } });
}

/** How many of these orders are PAID now. */
export async function countPaid(orders: readonly InvoicedOrder[]): Promise<number> {
  let paid = 0;
  for (let start = 0; start < orders.length; start += BATCH) {
    const ids = orders.slice(start, start + BATCH).map((order) => order.orderId);
    paid += await db.order.count({ where: { id: { in: ids }, status: "PAID" } });
  }
  return paid;
}

export { db };
