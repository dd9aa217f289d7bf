import "./support/shop-address";
import "./support/short-seqr-timeout";

import { beforeEach, describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { receiveNotification } from "@/lib/orders/notifications";
import { notificationUrlFor } from "@/lib/orders/notification-url";
import { MIN_REMAINING_LIFE_MS, requestPayment } from "@/lib/orders/request-payment";
import { PAY_LEASE_MS } from "@/lib/orders/stale-attempts";
import { syncPaymentStatus } from "@/lib/orders/sync-payment-status";

import {
  eventsOfType,
  expectAppError,
  giveDeliveryDetails,
  orderFor,
  orderState,
  pollUntil,
  rejectionOf,
  serveShopForThisFile,
  stockOf,
} from "./support/shop-flow";

// Pay's safety net (issue 11, items 2-4): stock reserved when the invoice is sent, never two live invoices (the
// live one is canceled at SEQR before it is replaced), and the attempt written before sendInvoice so that a
// timeout or a crash never loses track of an invoice SEQR may hold.

const shop = serveShopForThisFile();

// Every test starts with plenty of jam; those about the last units set the stock they need.
beforeEach(async () => {
  await setStock("LINGON-JAM-400", 100);
});

async function seqrInvoicesFor(clientInvoiceId: string) {
  return db.sandboxInvoice.findMany({ where: { clientInvoiceId }, orderBy: { createdAt: "asc" } });
}

async function setStock(sku: string, stock: number) {
  return db.product.update({ where: { sku }, data: { stock } });
}

/** The notification SEQR would post for this invoice, as the shop's route receives it. */
async function notify(clientInvoiceId: string, invoiceReference: string) {
  const url = new URL(notificationUrlFor(clientInvoiceId));
  return receiveNotification(
    Object.fromEntries(url.searchParams),
    new URLSearchParams({ invoiceReference, clientInvoiceId }).toString(),
    "127.0.0.1",
  );
}

describe("stock is reserved when the invoice is sent", () => {
  test("ten shoppers race for the last eight units: eight get invoices and pay, two are told before paying", async () => {
    const product = await setStock("DALA-HORSE-RED", 8);
    const orders = await Promise.all(Array.from({ length: 10 }, () => orderFor("DALA-HORSE-RED")));

    const results = await Promise.allSettled(orders.map(({ order }) => requestPayment(order.id)));

    const invoiced = orders.flatMap((placed, index) => {
      const result = results[index];
      return result?.status === "fulfilled" ? [{ ...result.value, ...placed }] : [];
    });
    const refused = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    // Each outcome in words, so that a failure shows why a Pay was refused.
    const outcomes = results.map((result) => (result.status === "fulfilled" ? "invoiced" : String(result.reason)));
    expect(outcomes.filter((outcome) => outcome === "invoiced"), outcomes.join("\n")).toHaveLength(8);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toMatchObject({ code: "OUT_OF_STOCK", status: 409 });
      expect((error as Error).message).toContain(product.name);
    }
    expect(await stockOf(product.id)).toBe(0);
    // Nothing was sent to SEQR for the two who were told.
    const sent = await db.sandboxInvoice.count({ where: { clientInvoiceId: { in: orders.map(({ order }) => order.clientInvoiceId) } } });
    expect(sent).toBe(8);

    for (const { invoiceReference } of invoiced) await shop.sandbox.pay(invoiceReference);
    for (const { order } of invoiced) {
      const state = await pollUntil(() => orderState(order.id), (value) => value.status === "PAID");
      expect(state).toMatchObject({ status: "PAID", attentionReason: null, stockReservation: "TAKEN" });
      expect(state.fulfilledAt).not.toBeNull();
    }
    expect(await stockOf(product.id)).toBe(0);
  });

  test("a declined invoice puts its units back: the shopper who was told sold out can then pay", async () => {
    const product = await setStock("DALA-HORSE-RED", 1);
    const first = await orderFor("DALA-HORSE-RED");
    const second = await orderFor("DALA-HORSE-RED");
    const { invoiceReference } = await requestPayment(first.order.id);
    expect(await stockOf(product.id)).toBe(0);
    await expectAppError(requestPayment(second.order.id), "OUT_OF_STOCK", 409);

    await shop.sandbox.decline(invoiceReference);
    await syncPaymentStatus(first.order.id, { trigger: "status-route" });

    expect(await stockOf(product.id)).toBe(1);
    const firstState = await orderState(first.order.id);
    expect(firstState.stockReservation).toBe("NONE");
    expect(eventsOfType(firstState, "STOCK_RELEASED")).toHaveLength(1);
    const paid = await requestPayment(second.order.id);
    expect(paid.reused).toBe(false);
    expect(await stockOf(product.id)).toBe(0);
  });

  test("Pay for several sold-out items names each of them and sends nothing to SEQR", async () => {
    const horse = await setStock("DALA-HORSE-RED", 5);
    const jam = await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } });
    const { createOrder } = await import("@/lib/orders/create-order");
    const order = await createOrder({
      lines: [
        { productId: horse.id, quantity: 2 },
        { productId: jam.id, quantity: 1 },
      ],
      source: "CART",
      trigger: "checkout",
    });
    await giveDeliveryDetails(order.id);
    await setStock("DALA-HORSE-RED", 1);
    await setStock("LINGON-JAM-400", 0);

    const error = await expectAppError(requestPayment(order.id), "OUT_OF_STOCK", 409);

    expect(error.message).toContain(horse.name);
    expect(error.message).toContain(jam.name);
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(0);
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "PENDING", stockReservation: "NONE", invoicingUntil: null });
    expect(state.attempts).toHaveLength(0);
    // The reservation that fit was rolled back with the one that did not.
    expect(await stockOf(horse.id)).toBe(1);
  });
});

describe("an attempt is written before sendInvoice", () => {
  test("while sendInvoice runs the attempt is SENDING, then SENT with its reference", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await shop.sandbox.arm({ kind: "soap-delay", operation: "sendInvoice", delayMs: 600, count: 1 });

    const paying = requestPayment(order.id);
    const during = await pollUntil(
      () => db.paymentAttempt.findMany({ where: { orderId: order.id } }),
      (attempts) => attempts.length > 0,
    );
    expect(during).toEqual([expect.objectContaining({ state: "SENDING", invoiceReference: null, seqrStatus: null })]);
    const { invoiceReference } = await paying;

    const after = await db.paymentAttempt.findFirstOrThrow({ where: { orderId: order.id } });
    expect(after.id).toBe(during[0]?.id);
    expect(after).toMatchObject({ state: "SENT", invoiceReference, seqrStatus: "ISSUED" });
  });

  test("a sendInvoice that times out leaves the attempt UNKNOWN, the units back and the lease free; Pay works again", async () => {
    const product = await setStock("LINGON-JAM-400", 3);
    const { order } = await orderFor("LINGON-JAM-400");
    await shop.sandbox.arm({ kind: "soap-delay", operation: "sendInvoice", delayMs: 2_500, count: 1 });

    await expectAppError(requestPayment(order.id), "SEQR_UNAVAILABLE", 503);

    let state = await orderState(order.id);
    expect(state.attempts).toEqual([expect.objectContaining({ state: "UNKNOWN", invoiceReference: null })]);
    expect(state).toMatchObject({ status: "PENDING", invoicingUntil: null, stockReservation: "NONE" });
    expect(await stockOf(product.id)).toBe(3);
    expect(eventsOfType(state, "ERROR").at(-1)).toMatchObject({ detail: { operation: "sendInvoice", attemptState: "UNKNOWN" } });

    const again = await requestPayment(order.id);
    state = await orderState(order.id);
    expect(state.status).toBe("INVOICED");
    expect(state.attempts.map((attempt) => attempt.state)).toEqual(["UNKNOWN", "SENT"]);
    expect(state.attempts[1]?.invoiceReference).toBe(again.invoiceReference);
  });

  test("the invoice a timed-out sendInvoice created is paid anyway: its notification names it, and the payment is kept", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await shop.sandbox.arm({ kind: "soap-delay", operation: "sendInvoice", delayMs: 1_500, count: 1 });
    await expectAppError(requestPayment(order.id), "SEQR_UNAVAILABLE", 503);
    // The sandbox finished issuing it after the shop had given up.
    const [orphan] = await pollUntil(() => seqrInvoicesFor(order.clientInvoiceId), (invoices) => invoices.length === 1);
    const reference = orphan?.reference ?? "";
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(reference);

    const result = await notify(order.clientInvoiceId, reference);

    expect(result.status).toBe("PAID");
    const state = await orderState(order.id);
    expect(state.attempts).toEqual([expect.objectContaining({ state: "SENT", invoiceReference: reference, seqrStatus: "PAID" })]);
    expect(state.fulfilledAt).not.toBeNull();
  });

  test("SEQR refusing sendInvoice (93) leaves the attempt REFUSED and the units back", async () => {
    const product = await setStock("LINGON-JAM-400", 2);
    const { order } = await orderFor("LINGON-JAM-400");
    await shop.sandbox.arm({ kind: "soap-result", operation: "sendInvoice", resultCode: 93, count: 1 });

    await expectAppError(requestPayment(order.id), "SEQR_UNAVAILABLE", 503);

    const state = await orderState(order.id);
    expect(state.attempts).toEqual([expect.objectContaining({ state: "REFUSED", invoiceReference: null })]);
    expect(state.stockReservation).toBe("NONE");
    expect(await stockOf(product.id)).toBe(2);
  });

  test("a Pay that crashed while SENDING: the sweep marks the attempt UNKNOWN and puts its units back; Pay works again", async () => {
    const product = await setStock("LINGON-JAM-400", 5);
    const { order } = await orderFor("LINGON-JAM-400", 2);
    // What a process that died inside sendInvoice leaves behind: units reserved, the attempt SENDING, the lease.
    const longAgo = new Date(Date.now() - PAY_LEASE_MS - 1_000);
    const { reserveStock } = await import("@/lib/orders/stock-reservation");
    await db.$transaction((tx) => reserveStock(tx, order.id));
    await db.paymentAttempt.create({
      data: { orderId: order.id, state: "SENDING", seqrStatus: null, amountMinor: 1, currency: "SEK", createdAt: longAgo, issuedAt: longAgo },
    });
    await db.order.update({ where: { id: order.id }, data: { invoicingUntil: new Date(longAgo.getTime() + PAY_LEASE_MS) } });
    expect(await stockOf(product.id)).toBe(3);

    const { markStaleSendingAttempts } = await import("@/lib/orders/stale-attempts");
    expect((await markStaleSendingAttempts({})).marked).toHaveLength(1);
    expect((await markStaleSendingAttempts({})).marked).toHaveLength(0);

    const state = await orderState(order.id);
    expect(state.attempts).toEqual([expect.objectContaining({ state: "UNKNOWN" })]);
    expect(state.stockReservation).toBe("NONE");
    expect(await stockOf(product.id)).toBe(5);
    const again = await requestPayment(order.id);
    expect(again.reused).toBe(false);
    expect(await stockOf(product.id)).toBe(3);
  });

  test("the Pay lease outlives the longest sendInvoice", () => {
    expect(PAY_LEASE_MS).toBeGreaterThan(env.seqr.requestTimeoutMs);
  });
});

describe("a live invoice is canceled at SEQR before it is replaced", () => {
  /** Makes the order's live invoice look this old to the shop, so that Pay will not reuse it. */
  async function age(invoiceReference: string) {
    const issuedAt = new Date(Date.now() - (env.orders.invoiceTimeoutMs - MIN_REMAINING_LIFE_MS + 1_000));
    await db.paymentAttempt.update({ where: { invoiceReference }, data: { issuedAt } });
  }

  test("an invoice near its timeout is canceled (0), then replaced: one live invoice, the order INVOICED, units held once", async () => {
    const product = await setStock("LINGON-JAM-400", 4);
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await age(first.invoiceReference);

    const second = await requestPayment(order.id);

    expect(second.reused).toBe(false);
    expect(second.invoiceReference).not.toBe(first.invoiceReference);
    const invoices = await seqrInvoicesFor(order.clientInvoiceId);
    expect(invoices.map((invoice) => [invoice.reference, invoice.status])).toEqual([
      [first.invoiceReference, "CANCELED"],
      [second.invoiceReference, "ISSUED"],
    ]);
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "INVOICED", stockReservation: "HELD" });
    expect(eventsOfType(state, "INVOICE_CANCELED")).toEqual([expect.objectContaining({ detail: expect.objectContaining({ reason: "REPLACED" }) })]);
    expect(await stockOf(product.id)).toBe(3);
  });

  test("51, the customer is paying it right now: no second invoice", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await age(first.invoiceReference);
    await shop.sandbox.arm({ kind: "soap-result", operation: "cancelInvoice", resultCode: 51, count: 1 });

    await expectAppError(requestPayment(order.id), "PAYMENT_IN_PROGRESS", 409);

    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "INVOICED", invoicingUntil: null });
    expect(state.attempts).toEqual([expect.objectContaining({ invoiceReference: first.invoiceReference, seqrStatus: "ISSUED", cancelReason: null })]);
  });

  test("50, it was paid while the cancel was on its way: the payment is applied and no second invoice is sent", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await age(first.invoiceReference);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.arm({ kind: "soap-delay", operation: "cancelInvoice", delayMs: 800, count: 1 });

    const paying = rejectionOf(requestPayment(order.id));
    // The cancel is on its way once its reason is written; the shopper pays before SEQR handles it.
    await pollUntil(
      () => db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: first.invoiceReference } }),
      (attempt) => attempt.cancelReason === "REPLACED",
    );
    await shop.sandbox.pay(first.invoiceReference);

    expect(await paying).toMatchObject({ code: "ORDER_NOT_PAYABLE", status: 409 });
    expect(await seqrInvoicesFor(order.clientInvoiceId)).toHaveLength(1);
    const state = await orderState(order.id);
    expect(state.status).toBe("PAID");
    expect(state.attempts).toEqual([expect.objectContaining({ invoiceReference: first.invoiceReference, seqrStatus: "PAID" })]);
  });
});

describe("every trigger syncs the invoice it is about", () => {
  test("a notification about an older invoice syncs that invoice, not the newest", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(first.invoiceReference);
    // A newer invoice of the same order the shop holds (written as Pay would, had it replaced the first).
    await db.paymentAttempt.create({
      data: { orderId: order.id, state: "SENT", invoiceReference: "99999999990001", seqrStatus: "ISSUED", amountMinor: 1, currency: "SEK" },
    });

    const result = await notify(order.clientInvoiceId, first.invoiceReference);

    expect(result.status).toBe("PAID");
    const state = await orderState(order.id);
    expect(state.attempts.find((attempt) => attempt.invoiceReference === first.invoiceReference)?.seqrStatus).toBe("PAID");
  });

  test("the reconciler's sync names its attempt: a payment on a replaced invoice is applied to the order", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(first.invoiceReference);
    await db.paymentAttempt.create({
      data: { orderId: order.id, state: "SENT", invoiceReference: "99999999990002", seqrStatus: "ISSUED", amountMinor: 1, currency: "SEK" },
    });
    const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: first.invoiceReference } });

    const result = await syncPaymentStatus(order.id, { trigger: "reconciler", attemptId: attempt.id });

    expect(result.changed).toEqual({ from: "INVOICED", to: "PAID" });
  });

  test("a second invoice of a paid order paid too: recorded, the order flagged PAID_TWICE, fulfilled once", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    await shop.sandbox.pay(first.invoiceReference);
    await pollUntil(() => orderState(order.id), (state) => state.status === "PAID");
    // SEQR issued a second invoice for the order (as a bug or a second device could have made it).
    const { seqr } = await import("@/lib/seqr");
    const { buildInvoice } = await import("@/lib/orders/invoice");
    const full = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true } });
    const second = await seqr.sendInvoice(buildInvoice(full, new Date()));
    const attempt = await db.paymentAttempt.create({
      data: { orderId: order.id, state: "SENT", invoiceReference: second.invoiceReference, seqrStatus: "ISSUED", amountMinor: full.totalMinor, currency: "SEK" },
    });
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(second.invoiceReference);

    await syncPaymentStatus(order.id, { trigger: "reconciler", attemptId: attempt.id });

    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "PAID", attentionReason: "PAID_TWICE" });
    expect(state.attempts.map((row) => row.seqrStatus)).toEqual(["PAID", "PAID"]);
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(1);
    expect(eventsOfType(state, "ERROR")).toEqual([expect.objectContaining({ detail: expect.objectContaining({ reason: "PAID_TWICE" }) })]);
  });

  test("54 for an invoice the shop holds: the attempt is LOST, the order may be paid again, its units back", async () => {
    const product = await setStock("LINGON-JAM-400", 2);
    const { order } = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(order.id);
    // SEQR forgets the invoice (as after a data loss on its side).
    await db.sandboxInvoice.update({ where: { reference: first.invoiceReference }, data: { terminalId: "another_terminal" } });

    const result = await syncPaymentStatus(order.id, { trigger: "status-route" });

    expect(result.changed).toEqual({ from: "INVOICED", to: "FAILED" });
    const state = await orderState(order.id);
    expect(state.attempts).toEqual([expect.objectContaining({ state: "LOST", seqrStatus: null, nextCheckAt: null })]);
    expect(state.stockReservation).toBe("NONE");
    expect(await stockOf(product.id)).toBe(2);
    expect(eventsOfType(state, "ERROR")).toEqual([expect.objectContaining({ seqrResultCode: 54, detail: expect.objectContaining({ reason: "INVOICE_LOST" }) })]);
    const again = await requestPayment(order.id);
    expect(again.invoiceReference).not.toBe(first.invoiceReference);
  });

  test("a look that repeats the last answer counts on the attempt and adds no event; a different answer is recorded", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const { invoiceReference } = await requestPayment(order.id);
    const queried = async () => eventsOfType(await orderState(order.id), "STATUS_QUERIED").length;
    // Each look as if the last one were more than 2 s ago (one look per invoice per 2 s, whatever asks).
    const look = async () => {
      await db.paymentAttempt.update({ where: { invoiceReference }, data: { lastAskedAt: null } });
      return syncPaymentStatus(order.id, { trigger: "reconciler" });
    };
    await look();
    const before = await queried();

    for (let count = 0; count < 5; count += 1) expect((await look()).queried).toBe(true);

    expect(await queried()).toBe(before);
    const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference } });
    expect(attempt.sameAnswerCount).toBe(5);
    await shop.sandbox.arm({ kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 3 });
    await look();
    expect(await queried()).toBe(before + 1); // a failure is always recorded
    await shop.sandbox.decline(invoiceReference);
    await look();
    expect((await orderState(order.id)).status).toBe("FAILED");
    expect(await queried()).toBe(before + 2);
  });
});

describe("a PAID answer is never dropped", () => {
  test("a receipt with parts that do not parse: PAID from the parts that do, flagged RECEIPT_UNREADABLE, fulfilled", async () => {
    const { order, product } = await orderFor("LINGON-JAM-400");
    const { invoiceReference } = await requestPayment(order.id);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(invoiceReference);
    await shop.sandbox.arm({ kind: "garbled-receipt", count: 1, invoiceReference });

    const result = await syncPaymentStatus(order.id, { trigger: "reconciler" });

    expect(result.changed).toEqual({ from: "INVOICED", to: "PAID" });
    const state = await orderState(order.id);
    const seqrSide = await shop.sandbox.invoice(invoiceReference);
    expect(state).toMatchObject({ status: "PAID", attentionReason: "RECEIPT_UNREADABLE" });
    expect(state.fulfilledAt).not.toBeNull();
    expect(state.attempts[0]).toMatchObject({ seqrStatus: "PAID", ersReference: seqrSide.ersReference, seqrVersion: seqrSide.version });
    const queried = eventsOfType(state, "STATUS_QUERIED").at(-1);
    expect(queried?.detail).toMatchObject({
      status: "PAID",
      receiptTotal: { amountMinor: product.priceMinor, currency: "SEK" },
      receiptProblems: [expect.stringContaining("receipt.paymentDate"), expect.stringContaining("customerTokens")],
    });
    // Seeing PAID committed the payment at SEQR: nothing is reversed.
    expect(seqrSide.committedAt).not.toBeNull();
  });
});

describe("a sandbox fault scoped to one invoice", () => {
  test("is used only by calls about that invoice", async () => {
    const one = await orderFor("LINGON-JAM-400");
    const other = await orderFor("LINGON-JAM-400");
    const first = await requestPayment(one.order.id);
    await requestPayment(other.order.id);
    await shop.sandbox.arm({ kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 3, invoiceReference: first.invoiceReference });

    const unaffected = await syncPaymentStatus(other.order.id, { trigger: "reconciler" });
    expect(unaffected.error).toBeUndefined();
    expect(await shop.sandbox.armedFaults()).toEqual([expect.objectContaining({ remaining: 3, invoiceReference: first.invoiceReference })]);

    const { SEQR_READ_RETRY } = await import("@/lib/seqr");
    const busy = await syncPaymentStatus(one.order.id, { trigger: "reconciler" });
    expect(busy.error).toMatchObject({ resultCode: 93 });
    // One use per try of that one call: the first and each retry.
    expect(await shop.sandbox.armedFaults()).toEqual([expect.objectContaining({ remaining: 3 - (1 + SEQR_READ_RETRY.retries) })]);
  });
});

describe("at most one SEQR look per invoice per 2 s, whatever asks", () => {
  test("a hundred concurrent status polls make one getPaymentStatus call", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const { invoiceReference } = await requestPayment(order.id);
    // Every try SEQR gets about this invoice uses one answer of the fault: the count left says how many were made.
    await shop.sandbox.arm({ kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 100, invoiceReference });
    const { SEQR_READ_RETRY } = await import("@/lib/seqr");

    const results = await Promise.all(Array.from({ length: 100 }, () => syncPaymentStatus(order.id, { trigger: "status-route" })));

    expect(results.filter((result) => result.throttled)).toHaveLength(99);
    expect(await shop.sandbox.armedFaults()).toEqual([expect.objectContaining({ remaining: 100 - (1 + SEQR_READ_RETRY.retries) })]);
  });

  test("a caller that needs a fresh answer waits for the next slot instead of skipping", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const { invoiceReference } = await requestPayment(order.id);
    const { LOOK_SPACING_MS } = await import("@/lib/orders/sync-payment-status");
    expect((await syncPaymentStatus(order.id, { trigger: "status-route" })).queried).toBe(true);
    await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
    await shop.sandbox.pay(invoiceReference);

    const skipped = await syncPaymentStatus(order.id, { trigger: "status-route" });
    const started = Date.now();
    const fresh = await syncPaymentStatus(order.id, { trigger: "notification", fresh: true });

    expect(skipped).toMatchObject({ status: "INVOICED", queried: false, throttled: true });
    expect(fresh).toMatchObject({ status: "PAID", queried: true });
    expect(Date.now() - started).toBeLessThanOrEqual(LOOK_SPACING_MS + 1_500);
  });
});
