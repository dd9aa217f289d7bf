import "./support/shop-address";
import { holdNextAnswer, releaseAllAnswers } from "./support/held-answers";

import { afterEach, describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { requestPayment } from "@/lib/orders/request-payment";
import { syncPaymentStatus } from "@/lib/orders/sync-payment-status";
import { SeqrError } from "@/lib/seqr/errors";

import {
  eventsOfType,
  orderFor,
  orderState,
  rejectionOf,
  shopSnapshot,
  stockOf,
  serveShopForThisFile,
} from "./support/shop-flow";

// syncPaymentStatus, the one way an order learns about its payment: it asks SEQR (the sandbox, over SOAP) and
// applies the answer through the state machine, once, however many triggers race.

const shop = serveShopForThisFile();
afterEach(() => releaseAllAnswers());

/** An order with its invoice out; `stockBefore` is the product's stock before the invoice reserved the units. */
async function invoicedOrder(sku = "LINGON-JAM-400", quantity = 1) {
  const { order, product } = await orderFor(sku, quantity);
  const stockBefore = await stockOf(product.id);
  const { invoiceReference } = await requestPayment(order.id);
  return { order, product, invoiceReference, stockBefore };
}

/**
 * As if two seconds had passed since the last look: SEQR is asked about an invoice at most once per 2 s, whatever
 * asks (sync-payment-status.ts); tests that need a second look at once stand for a later one this way.
 */
async function slotFreed(invoiceReference: string) {
  await db.paymentAttempt.update({ where: { invoiceReference }, data: { lastAskedAt: null } });
}

/** Pays in the app with SEQR's notification lost, so that only the test's own calls tell the shop. */
async function payWithoutNotification(invoiceReference: string, device: object = {}) {
  await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
  await shop.sandbox.pay(invoiceReference, device);
}

describe("a paid invoice", () => {
  test("6 concurrent syncs: one asks SEQR and applies PAID once (one transition, one fulfilment, its outbox messages once), the others skip", async () => {
    const { order, product, invoiceReference, stockBefore } = await invoicedOrder("BIRCH-BOARD-L", 2);
    await payWithoutNotification(invoiceReference);

    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => syncPaymentStatus(order.id, { trigger: index % 2 ? "reconciler" : "status-route" })),
    );

    for (const result of results) expect(result.error).toBeUndefined();
    // One look per invoice per 2 s, whatever asks: the first stamps the slot, the five others skip it.
    expect(results.filter((result) => result.queried)).toEqual([
      expect.objectContaining({ status: "PAID", changed: { from: "INVOICED", to: "PAID" }, queried: true }),
    ]);
    expect(results.filter((result) => result.throttled)).toHaveLength(5);
    const state = await orderState(order.id);
    expect(state.status).toBe("PAID");
    expect(state.paidAt).not.toBeNull();
    expect(state.fulfilledAt).not.toBeNull();
    expect(eventsOfType(state, "STATUS_CHANGED").filter((event) => event.toStatus === "PAID")).toHaveLength(1);
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(1);
    expect(eventsOfType(state, "ERROR")).toHaveLength(0);
    expect(state.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(await stockOf(product.id)).toBe(stockBefore - 2);

    const seqrSide = await shop.sandbox.invoice(invoiceReference);
    expect(state.attempts).toHaveLength(1);
    expect(state.attempts[0]).toMatchObject({
      seqrStatus: "PAID",
      seqrVersion: seqrSide.version,
      ersReference: seqrSide.ersReference,
      nextCheckAt: null,
      receipt: expect.objectContaining({ paymentReference: seqrSide.ersReference, clientInvoiceId: order.clientInvoiceId }),
    });
    expect(state.attempts[0]?.finalizedAt).not.toBeNull();
    // Commit rule: the shop's query saw PAID inside the window, so SEQR keeps the money.
    expect(seqrSide.committedAt).not.toBeNull();
    expect(new Date(seqrSide.committedAt).getTime()).toBeLessThan(new Date(seqrSide.commitDeadline).getTime());
  });

  test("an order already PAID is not asked about again (queried: false), and nothing is written", async () => {
    const { order, invoiceReference } = await invoicedOrder();
    await shop.sandbox.pay(invoiceReference); // the notification makes it PAID
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");
    // Were SEQR asked about this invoice, it would answer "busy" and the fault would be used up.
    await shop.sandbox.arm({ kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 5, invoiceReference });
    const before = await shopSnapshot();

    const result = await syncPaymentStatus(order.id, { trigger: "reconciler" });

    expect(result).toEqual({ status: "PAID", queried: false });
    expect(await shopSnapshot()).toEqual(before);
    expect(await shop.sandbox.armedFaults()).toEqual([expect.objectContaining({ operation: "getPaymentStatus", remaining: 5 })]);
  });

  test("the commit rule: the payment is committed at SEQR by the shop's query, not before, and not reversed", async () => {
    const { order, invoiceReference } = await invoicedOrder();
    await payWithoutNotification(invoiceReference);
    expect(await shop.sandbox.invoice(invoiceReference)).toMatchObject({ status: "PAID", committedAt: null });

    await syncPaymentStatus(order.id, { trigger: "reconciler" });

    const seqrSide = await shop.sandbox.invoice(invoiceReference);
    expect(seqrSide).toMatchObject({ status: "PAID", reversedAt: null });
    expect(seqrSide.committedAt).not.toBeNull();
    // A committed payment has no window left to miss.
    expect((await shop.server.api("POST", `/invoices/${invoiceReference}/expire-commit-window`)).status).toBe(409);
    expect((await shop.sandbox.invoice(invoiceReference)).status).toBe("PAID");
  });

  test("a receipt that disagrees with the order's total: NEEDS_ATTENTION (AMOUNT_MISMATCH), nothing fulfilled", async () => {
    const { order, product, invoiceReference, stockBefore } = await invoicedOrder();
    // The order's amount changes after SEQR was asked for the original one.
    await db.order.update({ where: { id: order.id }, data: { totalMinor: { increment: 100 } } });
    await payWithoutNotification(invoiceReference);

    const result = await syncPaymentStatus(order.id, { trigger: "reconciler" });

    expect(result).toMatchObject({ status: "NEEDS_ATTENTION", queried: true, changed: { from: "INVOICED", to: "NEEDS_ATTENTION" } });
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "NEEDS_ATTENTION", attentionReason: "AMOUNT_MISMATCH", fulfilledAt: null });
    expect(eventsOfType(state, "STATUS_CHANGED").at(-1)).toMatchObject({
      fromStatus: "INVOICED",
      toStatus: "NEEDS_ATTENTION",
      detail: { seqrStatus: "PAID", attentionReason: "AMOUNT_MISMATCH" },
    });
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(0);
    expect(state.outbox).toHaveLength(0);
    // The units stay reserved for the merchant to decide: neither sold nor back on the shelf.
    expect(state.stockReservation).toBe("HELD");
    expect(await stockOf(product.id)).toBe(stockBefore - 1);
    // The money is SEQR's record to keep: the payment is still committed, for the merchant to sort out.
    expect((await shop.sandbox.invoice(invoiceReference)).committedAt).not.toBeNull();
    // Settled: later syncs leave it for the merchant.
    expect(await syncPaymentStatus(order.id, { trigger: "reconciler" })).toEqual({ status: "NEEDS_ATTENTION", queried: false });
  });

  test("paid after its units went back on the shelf and were sold: PAID, flagged OUT_OF_STOCK_AT_PAYMENT, nothing taken or sent", async () => {
    const { order, product, invoiceReference, stockBefore } = await invoicedOrder("ENAMEL-KETTLE", 2);
    // The reservation ended (as when the shop gave up on the invoice) and all but one unit were sold meanwhile.
    await db.order.update({ where: { id: order.id }, data: { stockReservation: "NONE" } });
    await db.product.update({ where: { id: product.id }, data: { stock: 1 } });
    try {
      await payWithoutNotification(invoiceReference);

      const result = await syncPaymentStatus(order.id, { trigger: "reconciler" });

      expect(result).toMatchObject({ status: "PAID", changed: { from: "INVOICED", to: "PAID" } });
      const state = await orderState(order.id);
      expect(state).toMatchObject({ status: "PAID", attentionReason: "OUT_OF_STOCK_AT_PAYMENT", fulfilledAt: null });
      expect(eventsOfType(state, "ERROR")).toEqual([
        expect.objectContaining({ detail: { reason: "OUT_OF_STOCK_AT_PAYMENT", skus: ["ENAMEL-KETTLE"] } }),
      ]);
      expect(eventsOfType(state, "FULFILLED")).toHaveLength(0);
      expect(state.outbox).toHaveLength(0);
      expect(await stockOf(product.id)).toBe(1);
    } finally {
      await db.product.update({ where: { id: product.id }, data: { stock: stockBefore } });
    }
  });

  test("paid with its units reserved, though the shelf is empty now: PAID and fulfilled, the reserved units kept", async () => {
    const { order, product, invoiceReference, stockBefore } = await invoicedOrder("ENAMEL-KETTLE", 2);
    await db.product.update({ where: { id: product.id }, data: { stock: 0 } });
    try {
      await payWithoutNotification(invoiceReference);

      await syncPaymentStatus(order.id, { trigger: "reconciler" });

      const state = await orderState(order.id);
      expect(state).toMatchObject({ status: "PAID", attentionReason: null, stockReservation: "TAKEN" });
      expect(state.fulfilledAt).not.toBeNull();
      expect(await stockOf(product.id)).toBe(0);
    } finally {
      await db.product.update({ where: { id: product.id }, data: { stock: stockBefore } });
    }
  });
});

describe("a payment SEQR reversed", () => {
  test("nobody confirmed it inside the commit window: SEQR reports CANCELED, the order is CANCELED, nothing fulfilled", async () => {
    const { order, product, invoiceReference, stockBefore } = await invoicedOrder();
    await payWithoutNotification(invoiceReference);
    const reversed = await shop.server.api("POST", `/invoices/${invoiceReference}/expire-commit-window`);
    expect(reversed.body).toMatchObject({ status: "CANCELED", committedAt: null });

    const result = await syncPaymentStatus(order.id, { trigger: "reconciler" });

    expect(result).toMatchObject({ status: "CANCELED", changed: { from: "INVOICED", to: "CANCELED" } });
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "CANCELED", paidAt: null, fulfilledAt: null });
    expect(state.attempts[0]).toMatchObject({ seqrStatus: "CANCELED", ersReference: null });
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(0);
    expect(state.outbox).toHaveLength(0);
    expect(await stockOf(product.id)).toBe(stockBefore);
  });
});

describe("an unpaid invoice", () => {
  test("declined in the app: FAILED, nothing fulfilled", async () => {
    const { order, product, invoiceReference, stockBefore } = await invoicedOrder();
    await shop.sandbox.decline(invoiceReference);

    const result = await syncPaymentStatus(order.id, { trigger: "outcome-page" });

    expect(result).toMatchObject({ status: "FAILED", queried: true, changed: { from: "INVOICED", to: "FAILED" } });
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "FAILED", paidAt: null, fulfilledAt: null });
    expect(state.attempts[0]).toMatchObject({ seqrStatus: "FAILED", ersReference: null, nextCheckAt: null });
    expect(state.attempts[0]?.finalizedAt).not.toBeNull();
    expect(eventsOfType(state, "STATUS_CHANGED").at(-1)).toMatchObject({
      source: "outcome-page",
      fromStatus: "INVOICED",
      toStatus: "FAILED",
      detail: { seqrStatus: "FAILED" },
    });
    expect(state.outbox).toHaveLength(0);
    expect(await stockOf(product.id)).toBe(stockBefore);
  });

  test("not enough money in the wallet: the payment fails, FAILED", async () => {
    const { order, invoiceReference } = await invoicedOrder("MERINO-THROW");
    // Cecilia's wallet holds 50 SEK; the throw costs 1 295 SEK.
    await shop.sandbox.pay(invoiceReference, { msisdn: "46709876543" });

    expect(await syncPaymentStatus(order.id, { trigger: "outcome-page" })).toMatchObject({ status: "FAILED" });
    expect((await orderState(order.id)).outbox).toHaveLength(0);
  });

  test("canceled in the app: CANCELED", async () => {
    const { order, invoiceReference } = await invoicedOrder();
    await shop.sandbox.cancel(invoiceReference);

    const result = await syncPaymentStatus(order.id, { trigger: "outcome-page" });

    expect(result).toMatchObject({ status: "CANCELED", queried: true, changed: { from: "INVOICED", to: "CANCELED" } });
    const state = await orderState(order.id);
    expect(state.status).toBe("CANCELED");
    expect(state.attempts[0]).toMatchObject({ seqrStatus: "CANCELED", nextCheckAt: null });
    expect(eventsOfType(state, "STATUS_CHANGED").at(-1)).toMatchObject({ fromStatus: "INVOICED", toStatus: "CANCELED" });
  });

  test("still ISSUED: queried, nothing changes", async () => {
    const { order } = await invoicedOrder();

    const result = await syncPaymentStatus(order.id, { trigger: "reconciler" });

    expect(result).toEqual({ status: "INVOICED", queried: true });
    const state = await orderState(order.id);
    expect(state.attempts[0]).toMatchObject({ seqrStatus: "ISSUED", finalizedAt: null });
    expect(state.attempts[0]?.lastCheckedAt).not.toBeNull();
    expect(eventsOfType(state, "STATUS_QUERIED").at(-1)).toMatchObject({ source: "reconciler", detail: { status: "ISSUED" } });
  });
});

describe("when SEQR cannot be asked", () => {
  test("SEQR answers 93 (busy): result.error set, order and attempt unchanged but for when it was asked, the failed query recorded", async () => {
    const { order, invoiceReference } = await invoicedOrder();
    await payWithoutNotification(invoiceReference);
    await shop.sandbox.arm({ kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 20, invoiceReference });
    const attemptBefore = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference } });

    const result = await syncPaymentStatus(order.id, { trigger: "reconciler" });

    expect(result.status).toBe("INVOICED");
    expect(result.queried).toBe(false);
    expect(result.changed).toBeUndefined();
    expect(result.error).toBeInstanceOf(SeqrError);
    expect(result.error).toMatchObject({ kind: "result", resultCode: 93, resultName: "SYSTEM_BUSY", transient: true });
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "INVOICED", paidAt: null, fulfilledAt: null });
    // Only lastCheckedAt moves, so that pollers wait their interval before asking a busy SEQR again.
    expect(state.attempts).toEqual([
      { ...attemptBefore, lastCheckedAt: expect.any(Date), lastAskedAt: expect.any(Date), updatedAt: expect.any(Date) },
    ]);
    expect(state.attempts[0]?.lastCheckedAt?.getTime()).toBeGreaterThan(attemptBefore.lastCheckedAt?.getTime() ?? 0);
    expect(eventsOfType(state, "STATUS_QUERIED").at(-1)).toMatchObject({
      source: "reconciler",
      paymentAttemptId: attemptBefore.id,
      seqrResultCode: 93,
      detail: { error: "result", resultName: "SYSTEM_BUSY", transient: true },
    });
    expect(eventsOfType(state, "STATUS_CHANGED").filter((event) => event.toStatus === "PAID")).toHaveLength(0);
    expect(state.outbox).toHaveLength(0);
    expect((await shop.sandbox.invoice(invoiceReference)).committedAt).toBeNull();

    // Once SEQR answers again, the next trigger applies the payment (inside the commit window).
    await shop.sandbox.clearFaults();
    await slotFreed(invoiceReference);
    expect(await syncPaymentStatus(order.id, { trigger: "reconciler" })).toMatchObject({ status: "PAID", changed: { to: "PAID" } });
    expect((await shop.sandbox.invoice(invoiceReference)).committedAt).not.toBeNull();
  });

  test("an order without an invoice is not asked about; an unknown order is a 404 AppError", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    expect(await syncPaymentStatus(order.id, { trigger: "checkout" })).toEqual({ status: "PENDING", queried: false });
    expect(eventsOfType(await orderState(order.id), "STATUS_QUERIED")).toHaveLength(0);

    const error = await rejectionOf(syncPaymentStatus("no-such-order", { trigger: "admin" }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "ORDER_NOT_FOUND", status: 404 });
  });
});

describe("an answer about an invoice the order has moved on from", () => {
  // A slow check of the declined invoice comes back after Pay has issued a new one: the old answer must not move
  // the order, or the new payment would land on a FAILED order that can never become PAID.
  test("a slow check of the declined invoice must not fail the order while its new invoice is live and paid", async () => {
    const { order, product } = await orderFor("LINGON-JAM-400");
    const stockBefore = await stockOf(product.id);
    const declined = await requestPayment(order.id);
    await shop.sandbox.decline(declined.invoiceReference);
    expect(await syncPaymentStatus(order.id, { trigger: "outcome-page" })).toMatchObject({ status: "FAILED" });

    // One check of the declined invoice, a little later, is slow to come back: SEQR has answered (FAILED), the answer
    // is on its way…
    await slotFreed(declined.invoiceReference);
    const held = holdNextAnswer("getPaymentStatus", declined.invoiceReference);
    const slowCheck = syncPaymentStatus(order.id, { trigger: "outcome-page" });
    await held.answered;
    // …while the shopper presses "Try again", which issues a new invoice; only then does the old answer arrive.
    const retry = await requestPayment(order.id);
    expect(retry.reused).toBe(false);
    held.release();
    expect(await slowCheck).toMatchObject({ status: "INVOICED", queried: true });
    expect((await slowCheck).changed).toBeUndefined();
    // The late answer was about the declined invoice, and recorded as such.
    const declinedAttempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: declined.invoiceReference } });
    expect(eventsOfType(await orderState(order.id), "STATUS_QUERIED").at(-1)).toMatchObject({
      source: "outcome-page",
      paymentAttemptId: declinedAttempt.id,
      detail: { status: "FAILED" },
    });

    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("INVOICED");
    await shop.sandbox.pay(retry.invoiceReference);
    const state = await orderState(order.id);
    expect(state.status).toBe("PAID");
    expect(state.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(await stockOf(product.id)).toBe(stockBefore - 1);
    await expect(requestPayment(order.id)).rejects.toMatchObject({ code: "ORDER_NOT_PAYABLE" });
  });
});

describe("answers that cross on the way", () => {
  // Two triggers ask about the same invoice; SEQR answers the first before the payment and the second after it, and
  // the first answer is the one that arrives last. Versions only go up: the older answer must not undo the newer.
  test("an older SEQR answer arriving after a newer one is recorded, not applied: the order stays PAID", async () => {
    const { order, product, invoiceReference, stockBefore } = await invoicedOrder();
    const held = holdNextAnswer("getPaymentStatus", invoiceReference);
    const slowLook = syncPaymentStatus(order.id, { trigger: "outcome-page" });
    // SEQR has answered the slow look: ISSUED, at the invoice's first version.
    await held.answered;
    await payWithoutNotification(invoiceReference);
    const atSeqr = await shop.sandbox.invoice(invoiceReference);
    expect(atSeqr).toMatchObject({ status: "PAID" });

    // A second look, a little later, gets the newer answer and applies it…
    await slotFreed(invoiceReference);
    const newer = await syncPaymentStatus(order.id, { trigger: "reconciler" });
    expect(newer).toMatchObject({ status: "PAID", changed: { from: "INVOICED", to: "PAID" } });
    // …then the older answer arrives.
    held.release();
    const older = await slowLook;

    expect(older).toMatchObject({ status: "PAID", queried: true });
    expect(older.changed).toBeUndefined();
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "PAID", attentionReason: null, stockReservation: "TAKEN" });
    expect(state.attempts).toEqual([
      expect.objectContaining({ seqrStatus: "PAID", seqrVersion: atSeqr.version, ersReference: atSeqr.ersReference }),
    ]);
    expect(state.attempts[0]?.seqrVersion).toBeGreaterThan(1);
    // Both answers are on the timeline, in the order they arrived; the older one marked as not applied.
    expect(eventsOfType(state, "STATUS_QUERIED").slice(-2)).toEqual([
      expect.objectContaining({ source: "reconciler", seqrResultCode: 0, detail: expect.objectContaining({ status: "PAID", version: atSeqr.version }) }),
      expect.objectContaining({
        source: "outcome-page",
        seqrResultCode: 0,
        detail: expect.objectContaining({ status: "ISSUED", version: 1, ignored: "older than the version already recorded" }),
      }),
    ]);
    expect(eventsOfType(state, "STATUS_CHANGED").map((event) => `${event.fromStatus}->${event.toStatus}`)).toEqual(["PENDING->INVOICED", "INVOICED->PAID"]);
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(1);
    expect(state.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(await stockOf(product.id)).toBe(stockBefore - 1);
    expect((await shop.sandbox.invoice(invoiceReference)).committedAt).not.toBeNull();
  });
});
