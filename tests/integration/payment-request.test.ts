import "./support/shop-address";

import { describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createOrder } from "@/lib/orders/create-order";
import { notificationUrlFor } from "@/lib/orders/notification-url";
import { requestPayment } from "@/lib/orders/request-payment";
import { syncPaymentStatus } from "@/lib/orders/sync-payment-status";
import { seqr } from "@/lib/seqr";

import { eventsOfType, giveDeliveryDetails, orderFor, orderState, rejectionOf, stockOf, serveShopForThisFile } from "./support/shop-flow";

// requestPayment, the Pay button: one live SEQR invoice per order however often and from however many screens
// it is pressed; a new invoice only once SEQR says the previous one can no longer be paid.

const shop = serveShopForThisFile();

/** Every invoice SEQR (the sandbox, same database) holds for this order. */
async function seqrInvoicesFor(clientInvoiceId: string) {
  return db.sandboxInvoice.findMany({ where: { clientInvoiceId }, orderBy: { createdAt: "asc" } });
}

describe("one live invoice per order", () => {
  test("three concurrent Pays: one invoice, one PaymentAttempt, the same reference for all", async () => {
    const { order, product } = await orderFor("LINGON-JAM-400");

    const results = await Promise.all([requestPayment(order.id), requestPayment(order.id), requestPayment(order.id)]);

    const references = new Set(results.map((result) => result.invoiceReference));
    expect(references.size).toBe(1);
    expect(results.filter((result) => !result.reused)).toHaveLength(1);
    const state = await orderState(order.id);
    expect(state.status).toBe("INVOICED");
    expect(state.invoicingUntil).toBeNull();
    expect(state.attempts).toHaveLength(1);
    expect(state.attempts[0]).toMatchObject({
      invoiceReference: results[0]?.invoiceReference,
      seqrStatus: "ISSUED",
      amountMinor: product.priceMinor,
      currency: "SEK",
    });
    expect(eventsOfType(state, "INVOICE_SENT")).toHaveLength(1);
    expect(eventsOfType(state, "STATUS_CHANGED")).toEqual([
      expect.objectContaining({ fromStatus: "PENDING", toStatus: "INVOICED", source: "order-page" }),
    ]);
    // SEQR was asked for one invoice, not three.
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
  });

  test("a later Pay reuses the live invoice after checking it with SEQR", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    expect(first.reused).toBe(false);

    const second = await requestPayment(order.id);

    expect(second).toEqual({ invoiceReference: first.invoiceReference, reused: true });
    const state = await orderState(order.id);
    expect(state.attempts).toHaveLength(1);
    expect(eventsOfType(state, "STATUS_QUERIED").at(-1)).toMatchObject({ source: "order-page", detail: { status: "ISSUED" } });
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
  });

  test("after the shopper cancels in the app, Pay issues a new invoice: CANCELED → INVOICED", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await shop.sandbox.cancel(first.invoiceReference);

    const second = await requestPayment(order.id);

    expect(second.reused).toBe(false);
    expect(second.invoiceReference).not.toBe(first.invoiceReference);
    const state = await orderState(order.id);
    expect(state.status).toBe("INVOICED");
    expect(state.attempts.map((attempt) => [attempt.invoiceReference, attempt.seqrStatus])).toEqual([
      [first.invoiceReference, "CANCELED"],
      [second.invoiceReference, "ISSUED"],
    ]);
    expect(eventsOfType(state, "STATUS_CHANGED").map((event) => [event.fromStatus, event.toStatus])).toEqual([
      ["PENDING", "INVOICED"],
      ["INVOICED", "CANCELED"],
      ["CANCELED", "INVOICED"],
    ]);
    expect((await shop.sandbox.invoice(first.invoiceReference)).status).toBe("CANCELED");
    expect((await shop.sandbox.invoice(second.invoiceReference)).status).toBe("ISSUED");
  });

  test("after a decline, trying again pays: a new invoice, paid, PAID and fulfilled once", async () => {
    const { order, product } = await orderFor("KOKKAFFE-500", 3);
    const stockBefore = await stockOf(product.id);
    const first = await requestPayment(order.id);
    await shop.sandbox.decline(first.invoiceReference);
    expect(await syncPaymentStatus(order.id, { trigger: "outcome-page" })).toMatchObject({ status: "FAILED" });

    const retry = await requestPayment(order.id);
    expect(retry.reused).toBe(false);
    expect(retry.invoiceReference).not.toBe(first.invoiceReference);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("INVOICED");
    await shop.sandbox.pay(retry.invoiceReference);

    const state = await orderState(order.id);
    expect(state.status).toBe("PAID");
    expect(state.attempts.map((attempt) => attempt.seqrStatus)).toEqual(["FAILED", "PAID"]);
    expect(eventsOfType(state, "STATUS_CHANGED").map((event) => event.toStatus)).toEqual(["INVOICED", "FAILED", "INVOICED", "PAID"]);
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(1);
    expect(state.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(await stockOf(product.id)).toBe(stockBefore - 3);
  });
});

describe("what Pay refuses", () => {
  test("Pay again after paying while the notification was lost: SEQR is asked first, the order is PAID, 409", async () => {
    const { order, product } = await orderFor("LINGON-JAM-400");
    const stockBefore = await stockOf(product.id);
    const { invoiceReference } = await requestPayment(order.id);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(invoiceReference);

    const error = await rejectionOf(requestPayment(order.id));

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "ORDER_NOT_PAYABLE", status: 409 });
    const state = await orderState(order.id);
    expect(state.status).toBe("PAID");
    expect(eventsOfType(state, "STATUS_CHANGED").at(-1)).toMatchObject({ source: "order-page", toStatus: "PAID" });
    expect(state.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(await stockOf(product.id)).toBe(stockBefore - 1);
    expect(state.attempts).toHaveLength(1);
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
  });

  test("SEQR busy while the current invoice is checked: 503, no second invoice", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await shop.sandbox.arm({ kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 20 });

    const error = await rejectionOf(requestPayment(order.id));

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "SEQR_UNAVAILABLE", status: 503 });
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "INVOICED", invoicingUntil: null });
    expect(state.attempts.map((attempt) => attempt.invoiceReference)).toEqual([first.invoiceReference]);
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
  });

  test("concurrent Pays while SEQR fails one sendInvoice: never two invoices, the lease never left behind", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await shop.sandbox.arm({ kind: "soap-result", operation: "sendInvoice", resultCode: 93, count: 1 });

    const outcomes = await Promise.allSettled([requestPayment(order.id), requestPayment(order.id), requestPayment(order.id)]);

    const failures = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
    expect(failures.length).toBeGreaterThanOrEqual(1);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(AppError);
      expect(["SEQR_UNAVAILABLE", "PAYMENT_BUSY"]).toContain((failure as AppError).code);
    }
    const references = new Set(outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value.invoiceReference] : [])));
    expect(references.size).toBeLessThanOrEqual(1);
    const state = await orderState(order.id);
    expect(state.invoicingUntil).toBeNull();
    // The refused call left a REFUSED attempt, never an invoice; at most one attempt got one.
    const sent = state.attempts.filter((attempt) => attempt.state === "SENT");
    expect(sent.length).toBeLessThanOrEqual(1);
    expect(state.attempts.filter((attempt) => attempt.state !== "SENT").map((attempt) => attempt.state)).toEqual(["REFUSED"]);
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(sent.length);
    // Whatever happened, the next Pay gets the one invoice.
    const next = await requestPayment(order.id);
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toEqual([expect.objectContaining({ reference: next.invoiceReference })]);
  });

  test("sendInvoice answering 93: AppError 503, a REFUSED attempt, the lease released, an ERROR event; Pay works again", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await shop.sandbox.arm({ kind: "soap-result", operation: "sendInvoice", resultCode: 93, count: 1 });

    const error = await rejectionOf(requestPayment(order.id));

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "SEQR_UNAVAILABLE", status: 503 });
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "PENDING", invoicingUntil: null, stockReservation: "NONE" });
    expect(state.attempts).toEqual([expect.objectContaining({ state: "REFUSED", invoiceReference: null, seqrStatus: null })]);
    expect(eventsOfType(state, "ERROR")).toEqual([
      expect.objectContaining({
        source: "order-page",
        seqrResultCode: 93,
        detail: { operation: "sendInvoice", error: "SYSTEM_BUSY", attemptState: "REFUSED" },
      }),
    ]);
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(0);
    // sendInvoice is never retried by itself: one use of the fault, one answer.
    expect(await shop.sandbox.armedFaults()).toEqual([]);

    // Nothing is left holding the order: the next Pay issues the invoice at once.
    const again = await requestPayment(order.id);
    expect(again.reused).toBe(false);
    expect((await orderState(order.id)).attempts.map((attempt) => attempt.state)).toEqual(["REFUSED", "SENT"]);
  });

  test("a PAID order: 409, no new invoice", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const { invoiceReference } = await requestPayment(order.id);
    await shop.sandbox.pay(invoiceReference);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");

    const error = await rejectionOf(requestPayment(order.id));

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "ORDER_NOT_PAYABLE", status: 409 });
    expect((await orderState(order.id)).attempts).toHaveLength(1);
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
  });

  test("an EXPIRED order (its invoice canceled by the shop after the timeout): 409, no new invoice", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const { invoiceReference } = await requestPayment(order.id);
    // What the reconciler does to an invoice left unpaid past the timeout (lib/orders/reconciler.ts).
    await db.paymentAttempt.update({ where: { invoiceReference }, data: { cancelReason: "EXPIRED" } });
    await seqr.cancelInvoice(invoiceReference);
    expect(await syncPaymentStatus(order.id, { trigger: "reconciler" })).toMatchObject({ status: "EXPIRED" });

    const error = await rejectionOf(requestPayment(order.id));

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "ORDER_NOT_PAYABLE", status: 409 });
    const state = await orderState(order.id);
    expect(state.status).toBe("EXPIRED");
    expect(state.attempts).toHaveLength(1);
    expect(state.invoicingUntil).toBeNull();
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
  });
});

test("the invoice sent to SEQR: one row per line with description, sku, quantity, unit price and VAT, summing to the total", async () => {
  const jam = await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } });
  const socks = await db.product.findUniqueOrThrow({ where: { sku: "WOOL-SOCKS-GREY" } });
  const order = await createOrder({
    lines: [
      { productId: jam.id, quantity: 3 },
      { productId: socks.id, quantity: 1 },
    ],
    source: "CART",
    trigger: "checkout",
  });
  const stored = await db.order.findUniqueOrThrow({ where: { id: order.id } });
  expect(stored.totalMinor).toBe(3 * jam.priceMinor + socks.priceMinor);
  await giveDeliveryDetails(order.id);

  const { invoiceReference } = await requestPayment(order.id);
  const invoice = await shop.sandbox.invoice(invoiceReference);

  expect(invoice).toMatchObject({
    clientInvoiceId: order.clientInvoiceId,
    status: "ISSUED",
    currency: "SEK",
    totalMinor: stored.totalMinor,
    notificationUrl: notificationUrlFor(order.clientInvoiceId),
  });
  expect(invoice.title).toContain(order.clientInvoiceId);
  const rows = (invoice.rows as { description: string; sku: string; quantity: string; unitPriceMinor: number; taxRate: string; totalMinor: number }[]).map(
    (row) => ({ ...row, quantity: Number(row.quantity), taxRate: Number(row.taxRate) }),
  );
  expect(rows).toEqual([
    expect.objectContaining({ description: jam.name, sku: jam.sku, quantity: 3, unitPriceMinor: jam.priceMinor, taxRate: 12, totalMinor: 3 * jam.priceMinor }),
    expect.objectContaining({ description: socks.name, sku: socks.sku, quantity: 1, unitPriceMinor: socks.priceMinor, taxRate: 25, totalMinor: socks.priceMinor }),
  ]);
  expect(rows.reduce((sum, row) => sum + row.totalMinor, 0)).toBe(invoice.totalMinor);
  expect((await orderState(order.id)).attempts[0]).toMatchObject({ amountMinor: stored.totalMinor, currency: "SEK" });
});
