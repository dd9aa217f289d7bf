import { randomUUID } from "node:crypto";

import { expect } from "vitest";

import type { AdminContext } from "@/lib/admin/guard";
import { MERCHANT_ACCOUNT_ID } from "@/lib/admin/password";
import { refundPayment } from "@/lib/admin/refunds";
import { db } from "@/lib/db";

import type { SandboxServer } from "./sandbox-server";
import { invoicedOrder, payInApp, TEST_SKU, type InvoicedOrder } from "./shop-orders";

// Orders in the states the merchant admin acts on, reached through the shop's own flow against the sandbox.
// Import after ./shop-address (the test file's first import), like everything that reads settings.

/**
 * The admin as lib/admin sees it: the address its requests came from and the person signed in (the first owner),
 * both recorded on every event it causes.
 */
export const ADMIN = {
  address: "203.0.113.7",
  actor: { accountId: MERCHANT_ACCOUNT_ID, name: "Owner", email: "owner@fjallbo.example", role: "OWNER" },
} as const satisfies Pick<AdminContext, "address" | "actor">;

export type PaidOrder = InvoicedOrder & {
  paymentAttemptId: string;
  /** SEQR's reference for the payment. */
  ersReference: string;
  /** What SEQR took, in minor units. */
  paidMinor: number;
  currency: string;
};

/** createOrder → Pay → the shopper pays in the app → SEQR's notification makes the order PAID. */
export async function paidOrder(server: SandboxServer, sku = TEST_SKU): Promise<PaidOrder> {
  const order = await invoicedOrder(server, sku);
  await payInApp(server, order);
  const attempt = await db.paymentAttempt.findUniqueOrThrow({
    where: { invoiceReference: order.invoiceReference },
    include: { order: true },
  });
  expect(attempt.order.status).toBe("PAID");
  expect(attempt.seqrStatus).toBe("PAID");
  expect(attempt.ersReference).toBeTruthy();
  expect(attempt.amountMinor).toBe(attempt.order.totalMinor);
  return {
    ...order,
    paymentAttemptId: attempt.id,
    ersReference: attempt.ersReference ?? "",
    paidMinor: attempt.order.totalMinor,
    currency: attempt.order.currency,
  };
}

/** Minor units as the merchant types them into the refund form: 4140 → "41,40". */
export function typed(amountMinor: number): string {
  return `${Math.floor(amountMinor / 100)},${String(amountMinor % 100).padStart(2, "0")}`;
}

/** The refund form for this order's payment, submitted once (a fresh requestKey unless one is given). */
export function refund(order: PaidOrder, amount: string, requestKey: string = randomUUID(), reason?: string) {
  return refundPayment({ orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, amount, requestKey, reason }, ADMIN);
}

/** The refunds SEQR (the sandbox) made on this invoice, oldest first. */
export function seqrRefunds(invoiceReference: string) {
  return db.sandboxRefund.findMany({ where: { invoiceReference }, orderBy: { createdAt: "asc" } });
}

/** The shop's side of one order's refunds: the order, its Refund rows and REFUND events, oldest first. */
export async function refundState(orderId: string) {
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId } });
  const refunds = await db.refund.findMany({ where: { orderId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const events = await db.paymentEvent.findMany({
    where: { orderId, type: "REFUND" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { order, refunds, events };
}

/** ADMIN_ACTION events of an order, oldest first. */
export function adminActionsOf(orderId: string) {
  return db.paymentEvent.findMany({
    where: { orderId, type: "ADMIN_ACTION" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}
