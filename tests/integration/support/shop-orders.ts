import { setTimeout as sleep } from "node:timers/promises";

import { expect } from "vitest";

import { db } from "@/lib/db";
import { LIVE_INVOICE_STATUSES } from "@/lib/orders/state-machine";
import { env } from "@/lib/env";
import { createOrder } from "@/lib/orders/create-order";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { invoiceQrText, serviceQrText } from "@/lib/seqr/links";

import type { ApiBody, SandboxServer } from "./sandbox-server";
import { giveDeliveryDetails } from "./shop-flow";

// The shop's own flow up to an invoice, and what tests of the reconciler then look at. Import after
// ./shop-address (the test file's first import), like everything that reads settings.

/** Cheap and plentiful in the seeded catalog (stock 120), so that many orders fit in one test file. */
export const TEST_SKU = "LINGON-JAM-400";

export type InvoicedOrder = {
  orderId: string;
  clientInvoiceId: string;
  invoiceReference: string;
  sessionToken: string;
  productId: string;
};

/** createOrder → delivery details → the app scans the service code → the Order page opens the session → Pay: an INVOICED order. */
export async function invoicedOrder(server: SandboxServer, sku = TEST_SKU): Promise<InvoicedOrder> {
  const product = await db.product.findUniqueOrThrow({ where: { sku } });
  const order = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
  await giveDeliveryDetails(order.id);
  const scanned = await server.api("POST", "/app/scan", { url: serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }) });
  expect(scanned.status).toBe(200);
  const sessionToken: string = scanned.body.sessionToken;
  await openOrderSession(sessionToken);
  const { invoiceReference, reused } = await requestPayment(order.id);
  expect(reused).toBe(false);
  expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("INVOICED");
  return { orderId: order.id, clientInvoiceId: order.clientInvoiceId, invoiceReference, sessionToken, productId: product.id };
}

export async function armFault(server: SandboxServer, fault: Record<string, unknown>): Promise<void> {
  const armed = await server.api("POST", "/faults", fault);
  expect(armed.status, JSON.stringify(armed.body)).toBe(201);
}

/** The shopper pays in the (simulated) app; resolves once SEQR has sent (or dropped) its notification. */
export async function payInApp(server: SandboxServer, order: InvoicedOrder): Promise<void> {
  const paid = await server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
}

/** The shopper opens the invoice in the app (scans its code): SEQR now counts it as being paid (cancelInvoice: 51). */
export async function openInvoiceInApp(server: SandboxServer, order: InvoicedOrder): Promise<void> {
  const opened = await server.api("POST", "/app/scan", { url: invoiceQrText(order.invoiceReference), sessionToken: order.sessionToken });
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
}

/** An INVOICED order the shopper has paid in the app, whose notification SEQR lost on the way. */
export async function paidButUnnotifiedOrder(server: SandboxServer): Promise<InvoicedOrder> {
  const order = await invoicedOrder(server);
  await armFault(server, { kind: "drop-notifications", count: 1 });
  await payInApp(server, order);
  const invoice = await sandboxInvoice(server, order.invoiceReference);
  expect(invoice.status).toBe("PAID");
  expect(invoice.notifications.map((notification: { outcome: string }) => notification.outcome)).toEqual(["DROPPED"]);
  // The shop heard nothing (a reconciler running in the background may already be at it, hence no status check).
  expect(await db.paymentEvent.count({ where: { orderId: order.orderId, type: "NOTIFICATION_RECEIVED" } })).toBe(0);
  return order;
}

/** The invoice as SEQR (the sandbox) sees it. */
export async function sandboxInvoice(server: SandboxServer, invoiceReference: string): Promise<ApiBody> {
  const { status, body } = await server.api("GET", `/invoices/${invoiceReference}`);
  expect(status).toBe(200);
  return body;
}

/** Everything the shop recorded about an order that must happen once: transitions, fulfilment, messages, stock. */
export async function effectsOf(orderId: string) {
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, include: { attempts: true, outbox: true } });
  const events = await db.paymentEvent.findMany({ where: { orderId }, orderBy: { createdAt: "asc" } });
  return {
    order,
    attempt: order.attempts[0],
    events,
    toPaid: events.filter((event) => event.type === "STATUS_CHANGED" && event.toStatus === "PAID"),
    toExpired: events.filter((event) => event.type === "STATUS_CHANGED" && event.toStatus === "EXPIRED"),
    fulfilled: events.filter((event) => event.type === "FULFILLED"),
    canceled: events.filter((event) => event.type === "INVOICE_CANCELED"),
    errors: events.filter((event) => event.type === "ERROR"),
    queried: events.filter((event) => event.type === "STATUS_QUERIED"),
    outbox: order.outbox,
  };
}

export async function stockOf(productId: string): Promise<number> {
  return (await db.product.findUniqueOrThrow({ where: { id: productId } })).stock;
}

/** A clock `offsetMs` ahead of the real one: the reconciler sees invoices as due without the test waiting. */
export function clockAhead(offsetMs: number): () => Date {
  return () => new Date(Date.now() + offsetMs);
}

/**
 * Takes every invoice earlier tests left live out of the reconciler's sight (nextCheckAt null is never due),
 * so that each test's passes work on that test's invoices only.
 */
export async function parkLiveInvoices(): Promise<void> {
  await db.paymentAttempt.updateMany({
    where: { seqrStatus: { in: LIVE_INVOICE_STATUSES } },
    data: { nextCheckAt: null },
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails with `what` after the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(options.intervalMs ?? 50);
  }
}
