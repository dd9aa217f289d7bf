import "./support/shop-address";

import { beforeEach, describe, expect, test } from "vitest";

import { cancelOrderInvoice, endOrder, receiptText, refreshOrder, sendOrderReceipt } from "@/lib/admin/order-actions";
import { db } from "@/lib/db";

import { ADMIN, adminActionsOf, paidOrder } from "./support/admin-orders";
import { expectAppError, orderFor, serveShopForThisFile } from "./support/shop-flow";
import {
  effectsOf,
  invoicedOrder,
  openInvoiceInApp,
  paidButUnnotifiedOrder,
  parkLiveInvoices,
  payInApp,
  sandboxInvoice,
} from "./support/shop-orders";

// The merchant's order actions besides refunds (lib/admin/order-actions.ts), through the shop's own code and the
// sandbox over real SOAP and HTTP: cancel the invoice, refresh from SEQR, send the receipt. Each asks SEQR, lets its
// answer decide, and leaves an ADMIN_ACTION event naming the admin's address and the outcome.

const shop = serveShopForThisFile();

beforeEach(async () => {
  // Nobody runs a reconciler here, but keep earlier tests' live invoices out of any pass anyway.
  await parkLiveInvoices();
  expect((await shop.server.api("PUT", "/config", { commitWindowMs: 20_000, invoiceInProgressMs: 30_000 })).status).toBe(200);
});


// What the merchant is told, written out here rather than read from CANCEL_EXPLANATIONS: a changed or swapped
// explanation must fail these tests.
const CANCELED_TEXT = "SEQR canceled the invoice; the customer can no longer pay it.";

describe("cancel invoice", () => {
  test("a live invoice: SEQR cancels it, the order becomes CANCELED (not EXPIRED) and the timeline says who did it", async () => {
    const order = await invoicedOrder(shop.server);

    const outcome = await cancelOrderInvoice(order.orderId, ADMIN);

    expect(outcome).toEqual({ message: CANCELED_TEXT });
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("CANCELED");
    expect(effects.order.expiredAt).toBeNull();
    expect(effects.toExpired).toHaveLength(0);
    expect(effects.attempt).toMatchObject({ seqrStatus: "CANCELED", cancelReason: "MERCHANT", nextCheckAt: null });
    expect(effects.canceled).toEqual([
      expect.objectContaining({
        source: "admin",
        sourceAddress: ADMIN.address,
        seqrResultCode: 0,
        detail: { reason: "MERCHANT", alreadyCanceled: false },
      }),
    ]);
    const toCanceled = effects.events.filter((event) => event.type === "STATUS_CHANGED" && event.toStatus === "CANCELED");
    expect(toCanceled).toEqual([expect.objectContaining({ fromStatus: "INVOICED", source: "admin", sourceAddress: ADMIN.address })]);

    const actions = await adminActionsOf(order.orderId);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      source: "admin",
      sourceAddress: ADMIN.address,
      paymentAttemptId: effects.attempt?.id,
      seqrResultCode: null,
      detail: { action: "cancel-invoice", invoiceReference: order.invoiceReference, outcome: "canceled", status: "CANCELED", error: null },
    });

    // SEQR has it canceled: the shopper can no longer pay it.
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "CANCELED" });
    const late = await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    expect(late.status).toBe(409);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("CANCELED");
  });

  test("50, the customer has already paid: outcome already-paid, and the sync records the payment (PAID, fulfilled once)", async () => {
    const order = await paidButUnnotifiedOrder(shop.server);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("INVOICED");

    const outcome = await cancelOrderInvoice(order.orderId, ADMIN);

    expect(outcome).toEqual({ message: "The customer has already paid this invoice, so it cannot be canceled. The payment is now recorded; refund it if the customer should get the money back." });
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("PAID");
    expect(effects.toPaid).toEqual([expect.objectContaining({ fromStatus: "INVOICED", source: "admin" })]);
    expect(effects.fulfilled).toHaveLength(1);
    expect(effects.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(effects.canceled).toHaveLength(0);
    expect(effects.errors).toEqual([
      expect.objectContaining({ seqrResultCode: 50, source: "admin", sourceAddress: ADMIN.address, detail: expect.objectContaining({ operation: "cancelInvoice" }) }),
    ]);
    expect(effects.attempt).toMatchObject({ seqrStatus: "PAID", cancelReason: null });
    // SEQR's answer is on the admin's record too, not only on the separate ERROR event.
    expect(await adminActionsOf(order.orderId)).toEqual([
      expect.objectContaining({
        seqrResultCode: 50,
        detail: expect.objectContaining({ action: "cancel-invoice", outcome: "already-paid", status: "PAID", error: "CANNOT_CANCEL_PAID_INVOICE" }),
      }),
    ]);
    // The shop's question inside the commit window confirmed the payment at SEQR.
    const invoice = await sandboxInvoice(shop.server, order.invoiceReference);
    expect(invoice).toMatchObject({ status: "PAID", reversedAt: null });
    expect(invoice.committedAt).not.toBeNull();
  });

  test("51, the customer is paying right now: outcome being-paid, the order unchanged and the cancel reason cleared", async () => {
    const order = await invoicedOrder(shop.server);
    await openInvoiceInApp(shop.server, order);

    const outcome = await cancelOrderInvoice(order.orderId, ADMIN);

    expect(outcome).toEqual({ message: "The customer is paying this invoice right now, so it cannot be canceled. Press Refresh from SEQR in a moment to see how it ended." });
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("INVOICED");
    expect(effects.attempt).toMatchObject({ seqrStatus: "ISSUED", cancelReason: null });
    expect(effects.canceled).toHaveLength(0);
    expect(effects.errors).toEqual([expect.objectContaining({ seqrResultCode: 51, source: "admin" })]);
    const [action] = await adminActionsOf(order.orderId);
    expect(action?.detail).toMatchObject({ action: "cancel-invoice", outcome: "being-paid", status: "INVOICED" });
    expect(action?.seqrResultCode).toBe(51);
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "ISSUED" });

    // The payment goes through as an ordinary one, not as a payment after a cancel.
    await payInApp(shop.server, order);
    const paid = await effectsOf(order.orderId);
    expect(paid.order).toMatchObject({ status: "PAID", attentionReason: null });
  });

  test("95, the shopper canceled in the app and the shop missed it: outcome already-canceled and the order shows CANCELED", async () => {
    const order = await invoicedOrder(shop.server);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.cancel(order.invoiceReference, { sessionToken: order.sessionToken });
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "CANCELED" });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("INVOICED");

    const outcome = await cancelOrderInvoice(order.orderId, ADMIN);

    expect(outcome).toEqual({ message: "SEQR had already canceled this invoice; the order now shows that." });
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("CANCELED");
    expect(effects.canceled).toEqual([
      expect.objectContaining({ source: "admin", seqrResultCode: 95, detail: { reason: "MERCHANT", alreadyCanceled: true } }),
    ]);
    expect(effects.attempt).toMatchObject({ seqrStatus: "CANCELED" });
    expect((await adminActionsOf(order.orderId))[0]?.detail).toMatchObject({ outcome: "already-canceled", status: "CANCELED" });
  });

  test("95 for an invoice SEQR still reports ISSUED: the order stays INVOICED and the cancel reason is cleared", async () => {
    const order = await invoicedOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-result", operation: "cancelInvoice", resultCode: 95, count: 1 });

    const outcome = await cancelOrderInvoice(order.orderId, ADMIN);

    // Not "the order now shows that": the merchant must know the customer can still pay.
    expect(outcome.message).toMatch(/still reports the invoice as open/);
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("INVOICED");
    expect(effects.attempt).toMatchObject({ seqrStatus: "ISSUED", cancelReason: null });
    expect((await adminActionsOf(order.orderId))[0]?.detail).toMatchObject({ outcome: "already-canceled", status: "INVOICED" });
  });

  test("any other answer: outcome failed, SEQR's answer named, the order unchanged", async () => {
    const order = await invoicedOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-result", operation: "cancelInvoice", resultCode: 93, count: 1 });

    const outcome = await cancelOrderInvoice(order.orderId, ADMIN);

    expect(outcome.message).toBe("SEQR did not cancel the invoice. SEQR answered: SEQR is busy (SEQR's code 93). The invoice may still be paid; try again in a moment.");
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("INVOICED");
    expect(effects.attempt).toMatchObject({ seqrStatus: "ISSUED", cancelReason: null });
    const actions = await adminActionsOf(order.orderId);
    expect(actions).toEqual([
      expect.objectContaining({ seqrResultCode: 93, detail: expect.objectContaining({ outcome: "failed", error: "SYSTEM_BUSY", status: "INVOICED" }) }),
    ]);
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "ISSUED" });

    // Asked again, SEQR cancels it.
    expect(await cancelOrderInvoice(order.orderId, ADMIN)).toEqual({ message: CANCELED_TEXT });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("CANCELED");
  });

  test("an order without a live invoice: 409, nothing asked and nothing recorded", async () => {
    const { order: pending } = await orderFor("LINGON-JAM-400");
    const paid = await paidOrder(shop.server);
    const canceled = await invoicedOrder(shop.server);
    await cancelOrderInvoice(canceled.orderId, ADMIN);

    for (const orderId of [pending.id, paid.orderId, canceled.orderId]) {
      const eventsBefore = await db.paymentEvent.count({ where: { orderId } });
      const statusBefore = (await db.order.findUniqueOrThrow({ where: { id: orderId } })).status;
      const error = await expectAppError(cancelOrderInvoice(orderId, ADMIN), "NO_LIVE_INVOICE", 409);
      expect(error.message).toBe("This order has no invoice waiting for payment, so there is nothing to cancel.");
      expect(await db.paymentEvent.count({ where: { orderId } })).toBe(eventsBefore);
      expect((await db.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe(statusBefore);
    }
    expect(await sandboxInvoice(shop.server, paid.invoiceReference)).toMatchObject({ status: "PAID" });
    await expectAppError(cancelOrderInvoice("no-such-order", ADMIN), "ORDER_NOT_FOUND", 404);
  });
});

describe("cancel order (end it for good)", () => {
  test("an invoiced order: its invoice canceled at SEQR, the order CANCELED_BY_MERCHANT, the merchant's action in the timeline", async () => {
    const order = await invoicedOrder(shop.server);

    const outcome = await endOrder(order.orderId, ADMIN);

    expect(outcome.message).toMatch(/canceled for good.*nothing was charged/);
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("CANCELED_BY_MERCHANT");
    expect(effects.attempt).toMatchObject({ seqrStatus: "CANCELED", cancelReason: "ORDER_ENDED" });
    expect(await adminActionsOf(order.orderId)).toEqual([
      expect.objectContaining({
        source: "admin",
        sourceAddress: ADMIN.address,
        detail: {
          action: "end-order",
          outcome: "ended",
          status: "CANCELED_BY_MERCHANT",
          invoiceReference: order.invoiceReference,
          invoiceOutcome: "canceled",
        },
      }),
    ]);
    expect(await sandboxInvoice(shop.server, order.invoiceReference)).toMatchObject({ status: "CANCELED" });
  });

  test("refused (the customer is paying right now): the refusal is recorded and the merchant told why", async () => {
    const order = await invoicedOrder(shop.server);
    await openInvoiceInApp(shop.server, order);

    const error = await expectAppError(endOrder(order.orderId, ADMIN), "CUSTOMER_PAYING", 409);

    expect(error.message).toMatch(/try again in a minute/i);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("INVOICED");
    expect(await adminActionsOf(order.orderId)).toEqual([
      expect.objectContaining({ detail: { action: "end-order", outcome: "refused", status: "INVOICED", code: "CUSTOMER_PAYING" } }),
    ]);
  });

  test("a paid order is refunded, not ended: 409, the order unchanged", async () => {
    const paid = await paidOrder(shop.server);

    const error = await expectAppError(endOrder(paid.orderId, ADMIN), "ORDER_NOT_ENDABLE", 409);

    expect(error.message).toMatch(/refund/);
    expect((await db.order.findUniqueOrThrow({ where: { id: paid.orderId } })).status).toBe("PAID");
    await expectAppError(endOrder("no-such-order", ADMIN), "ORDER_NOT_FOUND", 404);
  });
});

describe("refresh from SEQR", () => {
  test("SEQR has moved on (paid, notification lost): the order becomes PAID and the refresh is in the timeline", async () => {
    const order = await paidButUnnotifiedOrder(shop.server);

    const outcome = await refreshOrder(order.orderId, ADMIN);

    expect(outcome).toEqual({ message: "SEQR's answer changed the order from waiting for payment to paid." });
    const effects = await effectsOf(order.orderId);
    expect(effects.order.status).toBe("PAID");
    expect(effects.toPaid).toEqual([expect.objectContaining({ fromStatus: "INVOICED", source: "admin" })]);
    expect(effects.queried.at(-1)).toMatchObject({ source: "admin", sourceAddress: ADMIN.address, seqrResultCode: 0 });
    expect(effects.fulfilled).toHaveLength(1);
    expect(await adminActionsOf(order.orderId)).toEqual([
      expect.objectContaining({
        sourceAddress: ADMIN.address,
        detail: { action: "refresh", queried: true, status: "PAID", error: null },
      }),
    ]);
    expect((await sandboxInvoice(shop.server, order.invoiceReference)).committedAt).not.toBeNull();
  });

  test("SEQR agrees, a settled order, and SEQR unreachable: each answered in words and recorded; only SEQR's answer changes anything", async () => {
    const order = await invoicedOrder(shop.server);
    expect(await refreshOrder(order.orderId, ADMIN)).toEqual({ message: "SEQR's answer agrees with the shop: the order is waiting for payment." });

    // getPaymentStatus is a read: the client asks 3 times before giving up.
    await shop.sandbox.arm({ kind: "soap-http-status", operation: "getPaymentStatus", httpStatus: 503, count: 3 });
    expect(await refreshOrder(order.orderId, ADMIN)).toEqual({
      message: "SEQR could not be asked: SEQR's server answered with an error (HTTP 503). The order is unchanged; try again in a moment.",
    });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status).toBe("INVOICED");

    await payInApp(shop.server, order);
    expect(await refreshOrder(order.orderId, ADMIN)).toEqual({
      message: "Nothing to ask SEQR: the order is paid, and SEQR's answer cannot change that.",
    });

    expect((await adminActionsOf(order.orderId)).map((event) => event.detail)).toEqual([
      { action: "refresh", queried: true, status: "INVOICED", error: null },
      { action: "refresh", queried: false, status: "INVOICED", error: "HTTP_503" },
      { action: "refresh", queried: false, status: "PAID", error: null },
    ]);
  });
});

describe("send receipt", () => {
  test("a paid order: SEQR stores the shop's text receipt for the payment, and the timeline says it was sent", async () => {
    const order = await paidOrder(shop.server);
    const receiptsBefore = await db.sandboxReceiptDocument.count({ where: { ersReference: order.ersReference } });

    const outcome = await sendOrderReceipt(order.orderId, ADMIN);

    expect(outcome).toEqual({ message: "The receipt was sent to SEQR; the customer sees it with the payment in the SEQR app." });
    const stored = await db.sandboxReceiptDocument.findMany({ where: { ersReference: order.ersReference } });
    expect(stored).toHaveLength(receiptsBefore + 1);
    expect(stored.at(-1)).toMatchObject({ mimeType: "text/plain", receiptType: "PAYMENT_RECEIPT" });
    const text = Buffer.from(stored.at(-1)?.data ?? "", "base64").toString("utf8");
    const full = await db.order.findUniqueOrThrow({ where: { id: order.orderId }, include: { items: true } });
    expect(text).toBe(receiptText(full, order.ersReference));
    expect(text).toContain(`Order #${full.number}`);
    expect(text).toContain(`SEQR payment ${order.ersReference}`);

    expect(await adminActionsOf(order.orderId)).toEqual([
      expect.objectContaining({
        sourceAddress: ADMIN.address,
        paymentAttemptId: order.paymentAttemptId,
        seqrResultCode: 0,
        detail: expect.objectContaining({ action: "send-receipt", ersReference: order.ersReference, outcome: "sent" }),
      }),
    ]);
  });

  test("SEQR does not take it: the merchant is told, the failure is recorded with SEQR's answer", async () => {
    const order = await paidOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-result", operation: "submitPaymentReceipt", resultCode: 90, count: 1 });

    const outcome = await sendOrderReceipt(order.orderId, ADMIN);

    expect(outcome).toEqual({ message: "SEQR did not take the receipt: SEQR system error (SEQR's code 90). Try again in a moment." });
    expect(await db.sandboxReceiptDocument.count({ where: { ersReference: order.ersReference } })).toBe(0);
    expect(await adminActionsOf(order.orderId)).toEqual([
      expect.objectContaining({ seqrResultCode: 90, detail: expect.objectContaining({ action: "send-receipt", outcome: "failed", error: "SYSTEM_ERROR" }) }),
    ]);
  });

  test("an unpaid order has no receipt to send: 409, nothing sent or recorded", async () => {
    const order = await invoicedOrder(shop.server);
    const eventsBefore = await db.paymentEvent.count({ where: { orderId: order.orderId } });
    const receiptsBefore = await db.sandboxReceiptDocument.count();

    const error = await expectAppError(sendOrderReceipt(order.orderId, ADMIN), "NOT_PAID", 409);

    expect(error.message).toBe("Only a paid order has a receipt to send.");
    expect(await db.paymentEvent.count({ where: { orderId: order.orderId } })).toBe(eventsBefore);
    expect(await db.sandboxReceiptDocument.count()).toBe(receiptsBefore);
  });
});
