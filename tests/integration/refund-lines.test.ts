import "./support/shop-address";

import { randomBytes, randomUUID } from "node:crypto";

import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, beforeEach, describe, expect, test, vi } from "vitest";

import { OWNER_ONLY_MESSAGE } from "@/lib/admin/guard";
import { loadAdminOrder } from "@/lib/admin/order-detail";
import { merchantPasswordHash, MERCHANT_ACCOUNT_ID } from "@/lib/admin/password";
import { refundFormInput } from "@/lib/admin/refund-lines";
import { settleRefund } from "@/lib/admin/refund-settlement";
import { applySucceededRefund, refundLines, refundPayment, type RefundEventBase } from "@/lib/admin/refunds";
import { actorFields } from "@/lib/admin/actor";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { createOrder } from "@/lib/orders/create-order";
import { hashSessionToken } from "@/lib/orders/ids";
import { formatOrderNumber } from "@/lib/orders/order-number";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { toSeqrAmount } from "@/lib/seqr/amounts";
import { serviceQrText } from "@/lib/seqr/links";

import { refundAction } from "@/app/(admin)/admin/(console)/orders/[clientInvoiceId]/actions";
import AdminOrderPage from "@/app/(admin)/admin/(console)/orders/[clientInvoiceId]/page";
import { settleRefundAction } from "@/app/(admin)/admin/(console)/reconciliation/actions";
import ReconciliationPage from "@/app/(admin)/admin/(console)/reconciliation/page";

import { ADMIN, seqrRefunds, typed } from "./support/admin-orders";
import { fakeRequest, formData } from "./support/admin-request";
import { expectAppError, giveDeliveryDetails, serveShopForThisFile } from "./support/shop-flow";
import { payInApp } from "./support/shop-orders";

// Refunds by line (lib/admin/refund-lines.ts, through lib/admin/refunds.ts) against the sandbox over real HTTP, on a
// real database (both, with TEST_DATABASE=postgresql): the amount follows from the order's own lines, units are
// reserved with the refund so that none is refunded twice, stock comes back once and only when SEQR confirms, a
// refusal gives the units back, "Refund everything" is exactly what is left, and only an owner may refund.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

const shop = serveShopForThisFile();

const JAM = "LINGON-JAM-400";
const SOCKS = "WOOL-SOCKS-GREY";

beforeAll(async () => {
  // The first owner's account, as the guard makes it at its first call.
  await merchantPasswordHash();
});

beforeEach(async () => {
  await db.sandboxTerminal.updateMany({ data: { allowsRefunds: true } });
});

type Line = { id: string; sku: string; productId: string; unitPriceMinor: number; quantity: number };
type PaidLines = {
  orderId: string;
  clientInvoiceId: string;
  number: number;
  invoiceReference: string;
  paymentAttemptId: string;
  paidMinor: number;
  jam: Line;
  socks: Line;
};

/** An order of 3 jars of jam and 2 pairs of socks, paid in the app: the shop's own flow, SEQR's (the sandbox's) payment. */
async function paidLinesOrder(quantities: { jam: number; socks: number } = { jam: 3, socks: 2 }): Promise<PaidLines> {
  const [jam, socks] = await Promise.all([JAM, SOCKS].map((sku) => db.product.findUniqueOrThrow({ where: { sku } })));
  if (!jam || !socks) throw new Error("the seeded catalog has no jam or socks");
  const order = await createOrder({
    lines: [
      { productId: jam.id, quantity: quantities.jam },
      { productId: socks.id, quantity: quantities.socks },
    ],
    source: "CART",
    trigger: "checkout",
  });
  await giveDeliveryDetails(order.id);
  const scanned = await shop.server.api("POST", "/app/scan", { url: serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }) });
  expect(scanned.status).toBe(200);
  const sessionToken: string = scanned.body.sessionToken;
  await openOrderSession(sessionToken);
  const { invoiceReference } = await requestPayment(order.id);
  await payInApp(shop.server, { orderId: order.id, clientInvoiceId: order.clientInvoiceId, invoiceReference, sessionToken, productId: jam.id });
  const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference }, include: { order: { include: { items: true } } } });
  expect(attempt.order.status).toBe("PAID");
  const lineOf = (productId: string): Line => {
    const item = attempt.order.items.find((candidate) => candidate.productId === productId);
    if (!item || !item.productId) throw new Error("the order lacks a line");
    return { id: item.id, sku: item.sku, productId: item.productId, unitPriceMinor: item.unitPriceMinor, quantity: item.quantity };
  };
  return {
    orderId: order.id,
    clientInvoiceId: order.clientInvoiceId,
    number: attempt.order.number,
    invoiceReference,
    paymentAttemptId: attempt.id,
    paidMinor: attempt.amountMinor,
    jam: lineOf(jam.id),
    socks: lineOf(socks.id),
  };
}

function refundByLine(
  order: PaidLines,
  lines: { orderItemId: string; quantity: number | string }[],
  options: { restock?: boolean; requestKey?: string; reason?: string } = {},
) {
  return refundLines(
    {
      orderId: order.orderId,
      paymentAttemptId: order.paymentAttemptId,
      lines,
      restock: options.restock ?? true,
      requestKey: options.requestKey ?? randomUUID(),
      reason: options.reason,
    },
    ADMIN,
  );
}

function refundAmount(order: PaidLines, amount: string) {
  return refundPayment({ orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, amount, requestKey: randomUUID() }, ADMIN);
}

const stockOf = async (productId: string) => (await db.product.findUniqueOrThrow({ where: { id: productId } })).stock;
const refundedQuantities = async (order: PaidLines) =>
  Object.fromEntries(
    (await db.orderItem.findMany({ where: { orderId: order.orderId }, select: { sku: true, refundedQuantity: true } })).map((item) => [
      item.sku,
      item.refundedQuantity,
    ]),
  );
const stockChangesOf = (productId: string) => db.catalogChange.findMany({ where: { productId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

/** Everything a refused refund must leave as it was. */
async function worldOf(order: PaidLines) {
  return {
    order: await db.order.findUniqueOrThrow({ where: { id: order.orderId }, select: { status: true, refundedMinor: true, fulfilmentStatus: true } }),
    items: await db.orderItem.findMany({ where: { orderId: order.orderId }, orderBy: { id: "asc" } }),
    refunds: await db.refund.findMany({ where: { orderId: order.orderId }, orderBy: { id: "asc" } }),
    refundLines: await db.refundLine.count(),
    events: await db.paymentEvent.count({ where: { orderId: order.orderId } }),
    stock: [await stockOf(order.jam.productId), await stockOf(order.socks.productId)],
    catalogChanges: await db.catalogChange.count(),
    outbox: await db.outboxMessage.count({ where: { orderId: order.orderId } }),
    seqr: await seqrRefunds(order.invoiceReference),
  };
}

describe("the amount follows the lines", () => {
  test("2 jars and 1 pair of socks: unit price × quantity per line, exact to the öre, sent to SEQR as such; the lines and the person recorded", async () => {
    const order = await paidLinesOrder();
    const expected = 2 * order.jam.unitPriceMinor + order.socks.unitPriceMinor;

    const outcome = await refundByLine(order, [
      { orderItemId: order.jam.id, quantity: 2 },
      { orderItemId: order.socks.id, quantity: "1" },
    ], { reason: "wrong colour" });

    expect(outcome).toMatchObject({ status: "SUCCEEDED", repeated: false });
    expect(outcome.message).toContain(`Refunded ${formatMoney({ amountMinor: expected, currency: "SEK" })}.`);
    expect((await seqrRefunds(order.invoiceReference)).map((row) => row.amountMinor)).toEqual([expected]);
    const refund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId }, include: { lines: { orderBy: { amountMinor: "asc" } } } });
    expect(refund).toMatchObject({ status: "SUCCEEDED", amountMinor: expected, reason: "wrong colour" });
    expect(refund.lines.map(({ orderItemId, quantity, amountMinor, restock }) => ({ orderItemId, quantity, amountMinor, restock })).sort((a, b) => a.amountMinor - b.amountMinor)).toEqual(
      [
        { orderItemId: order.jam.id, quantity: 2, amountMinor: 2 * order.jam.unitPriceMinor, restock: true },
        { orderItemId: order.socks.id, quantity: 1, amountMinor: order.socks.unitPriceMinor, restock: true },
      ].sort((a, b) => a.amountMinor - b.amountMinor),
    );
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 2, [SOCKS]: 1 });
    const state = await db.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(state).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: expected });

    // The timeline names the person, the items and the amount.
    const event = await db.paymentEvent.findFirstOrThrow({ where: { orderId: order.orderId, type: "REFUND" } });
    expect(event).toMatchObject({ ...actorFields(ADMIN.actor), sourceAddress: ADMIN.address, fromStatus: "PAID", toStatus: "PARTIALLY_REFUNDED" });
    expect(event.detail).toMatchObject({
      amountMinor: expected,
      restock: true,
      lines: expect.arrayContaining([
        expect.objectContaining({ sku: JAM, quantity: 2, amountMinor: 2 * order.jam.unitPriceMinor }),
        expect.objectContaining({ sku: SOCKS, quantity: 1, amountMinor: order.socks.unitPriceMinor }),
      ]),
    });
  });

  test("the form's amount is ignored when lines are sent: the server's own sum is refunded", () => {
    const key = randomUUID();
    const parsed = refundFormInput.parse(
      Object.fromEntries(
        formData({ clientInvoiceId: "a".repeat(22), paymentAttemptId: "p", requestKey: key, mode: "lines", amount: "1,00", "line:item-1": "2", "line:item-2": "0" }),
      ),
    );
    expect(parsed).toMatchObject({ mode: "lines", restock: false, lines: [{ orderItemId: "item-1", quantity: "2" }, { orderItemId: "item-2", quantity: "0" }] });
    // refundAction hands refundLines the lines only (see the owner's positive control below).
  });

  test("more than is left of a line, an item of another order, no item, or not a whole number: refused in plain words, nothing written, SEQR not asked", async () => {
    const order = await paidLinesOrder();
    const other = await paidLinesOrder({ jam: 1, socks: 1 });
    await refundByLine(order, [{ orderItemId: order.socks.id, quantity: 1 }]);
    const before = await worldOf(order);

    const tooMany = await expectAppError(refundByLine(order, [{ orderItemId: order.socks.id, quantity: 2 }]), "INVALID_LINES", 422);
    expect(tooMany.message).toBe("Wool socks, grey marl: only 1 of 2 can still be refunded; nothing was refunded.");
    const foreign = await expectAppError(refundByLine(order, [{ orderItemId: other.jam.id, quantity: 1 }]), "INVALID_LINES", 422);
    expect(foreign.message).toBe("That item is not part of this order. Reload the page and choose again.");
    const none = await expectAppError(refundByLine(order, [{ orderItemId: order.jam.id, quantity: 0 }]), "INVALID_LINES", 422);
    expect(none.message).toBe("Choose how many of at least one item to refund.");
    for (const quantity of ["1.5", "-1", "two", "", "1e2"]) {
      const odd = await expectAppError(refundByLine(order, [{ orderItemId: order.jam.id, quantity }]), "INVALID_LINES", 422);
      expect(odd.message, quantity).toBe("Enter how many of each item to refund as a whole number, such as 2.");
    }

    expect(await worldOf(order)).toEqual(before);
  });
});

describe("back into stock", () => {
  test("restocked when SEQR confirms, once, with a stock change naming the person and the order; SEQR's answer applied again changes nothing", async () => {
    const order = await paidLinesOrder();
    const jamBefore = await stockOf(order.jam.productId);
    const socksBefore = await stockOf(order.socks.productId);

    await refundByLine(order, [
      { orderItemId: order.jam.id, quantity: 3 },
      { orderItemId: order.socks.id, quantity: 1 },
    ]);

    expect(await stockOf(order.jam.productId)).toBe(jamBefore + 3);
    expect(await stockOf(order.socks.productId)).toBe(socksBefore + 1);
    const refund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId }, include: { lines: true } });
    expect(refund.lines.every((line) => line.restockedAt !== null)).toBe(true);
    const jamChanges = await stockChangesOf(order.jam.productId);
    expect(jamChanges.at(-1)).toMatchObject({
      kind: "STOCK_ADJUSTED",
      ...actorFields(ADMIN.actor),
      before: { stock: jamBefore },
      after: { stock: jamBefore + 3 },
      reason: `Refund of order ${formatOrderNumber(order.number)}`,
    });
    expect((await stockChangesOf(order.socks.productId)).at(-1)).toMatchObject({ before: { stock: socksBefore }, after: { stock: socksBefore + 1 } });
    const changes = await db.catalogChange.count();

    // SEQR's result arriving twice (or a settlement racing the answer): the refund is applied once, stock moved once.
    const again = await Promise.all([1, 2].map(() => applySucceededRefund(appliedAgain(order, refund.id, refund.ersReference ?? ""))));
    expect(again).toEqual([false, false]);
    expect(await stockOf(order.jam.productId)).toBe(jamBefore + 3);
    expect(await db.catalogChange.count()).toBe(changes);
  });

  test("unticked, nothing goes back into stock: no stock change, no restockedAt", async () => {
    const order = await paidLinesOrder();
    const jamBefore = await stockOf(order.jam.productId);
    const changes = await db.catalogChange.count();

    expect(await refundByLine(order, [{ orderItemId: order.jam.id, quantity: 2 }], { restock: false })).toMatchObject({ status: "SUCCEEDED" });

    expect(await stockOf(order.jam.productId)).toBe(jamBefore);
    expect(await db.catalogChange.count()).toBe(changes);
    const lines = await db.refundLine.findMany({ where: { refund: { orderId: order.orderId } } });
    expect(lines).toEqual([expect.objectContaining({ quantity: 2, restock: false, restockedAt: null })]);
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 2, [SOCKS]: 0 });
  });

  test("a refund SEQR left without an answer (UNKNOWN) holds its units and restocks nothing until it is settled as done; settled twice at once, it restocks once", async () => {
    const order = await paidLinesOrder();
    const jamBefore = await stockOf(order.jam.productId);
    await shop.sandbox.arm({ kind: "soap-result", operation: "refundPayment", resultCode: 90, count: 1 });

    const outcome = await refundByLine(order, [{ orderItemId: order.jam.id, quantity: 2 }]);

    expect(outcome.status).toBe("UNKNOWN");
    expect(await stockOf(order.jam.productId)).toBe(jamBefore);
    // Held: those two jars cannot be refunded again meanwhile.
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 2, [SOCKS]: 0 });
    const refusal = await expectAppError(refundByLine(order, [{ orderItemId: order.jam.id, quantity: 2 }]), "INVALID_LINES", 422);
    expect(refusal.message).toBe("Lingonberry jam, 400 g: only 1 of 3 can still be refunded; nothing was refunded.");

    // The report lists it (as the settlement decides, lib/admin/refund-settlement.ts): applied, twice at once.
    const refund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId, status: "UNKNOWN" } });
    const settled = await Promise.all(
      [1, 2].map(() => applySucceededRefund({ ...appliedAgain(order, refund.id, `SETTLED-${refund.id}`), from: ["UNKNOWN", "PENDING"], settledAt: new Date() })),
    );
    expect(settled.filter(Boolean)).toHaveLength(1);
    expect(await stockOf(order.jam.productId)).toBe(jamBefore + 2);
    expect((await stockChangesOf(order.jam.productId)).filter((change) => change.reason === `Refund of order ${formatOrderNumber(order.number)}`)).toHaveLength(1);
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 2, [SOCKS]: 0 });
  });
});

/** What SEQR's answer (or a settlement) applies, as refunds.ts builds it. */
function appliedAgain(order: PaidLines, refundId: string, refundErsReference: string) {
  const recorded: RefundEventBase = {
    orderId: order.orderId,
    paymentAttemptId: order.paymentAttemptId,
    type: "REFUND",
    source: "admin",
    sourceAddress: ADMIN.address,
    ...actorFields(ADMIN.actor),
  };
  return { refundId, refundErsReference, from: ["PENDING"] as const, completedAt: new Date(), recorded, detail: { refundId } };
}

describe("refunds that did not happen give their units back", () => {
  test("SEQR refuses (97): the refund FAILED, its units refundable again, nothing restocked; the same items then refund", async () => {
    const order = await paidLinesOrder();
    const jamBefore = await stockOf(order.jam.productId);
    await shop.sandbox.arm({ kind: "soap-result", operation: "refundPayment", resultCode: 97, count: 1 });

    const refused = await refundByLine(order, [{ orderItemId: order.jam.id, quantity: 3 }]);

    expect(refused.status).toBe("FAILED");
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 0, [SOCKS]: 0 });
    expect(await stockOf(order.jam.productId)).toBe(jamBefore);
    const event = await db.paymentEvent.findFirstOrThrow({ where: { orderId: order.orderId, type: "REFUND" } });
    expect(event.detail).toMatchObject({ outcome: "FAILED", unitsReleased: [{ sku: JAM, quantity: 3 }] });
    expect(event).toMatchObject(actorFields(ADMIN.actor));

    expect(await refundByLine(order, [{ orderItemId: order.jam.id, quantity: 3 }])).toMatchObject({ status: "SUCCEEDED" });
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 3, [SOCKS]: 0 });
    expect(await stockOf(order.jam.productId)).toBe(jamBefore + 3);
  });

  test("released from SEQR's reports (they cover its time and do not list it): units refundable again, nothing restocked", async () => {
    const order = await paidLinesOrder();
    const socksBefore = await stockOf(order.socks.productId);
    await shop.sandbox.arm({ kind: "soap-http-status", operation: "refundPayment", httpStatus: 503, count: 1 });
    expect((await refundByLine(order, [{ orderItemId: order.socks.id, quantity: 2 }])).status).toBe("UNKNOWN");
    const refund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId } });
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 0, [SOCKS]: 2 });

    // Two reconciled periods, one around the refund, one well after it, neither listing it (empty reports).
    const made = refund.createdAt.getTime();
    const last = await db.reconciliationRun.findFirst({ orderBy: { periodEnd: "desc" } });
    const start = Math.max(made - 1_000, (last?.periodEnd.getTime() ?? 0) + 1);
    expect(start).toBeLessThanOrEqual(made);
    const around = await db.reconciliationRun.create({
      data: { periodStart: new Date(start), periodEnd: new Date(made + 1_000), status: "COMPLETED", transactionPeriodId: `p-${randomUUID()}`, reportContent: "" },
    });
    const after = await db.reconciliationRun.create({
      data: { periodStart: around.periodEnd, periodEnd: new Date(made + 3 * env.seqr.requestTimeoutMs), status: "COMPLETED", transactionPeriodId: `p-${randomUUID()}`, reportContent: "" },
    });

    const released = await settleRefund({ refundId: refund.id, runId: after.id }, ADMIN);

    expect(released.outcome).toBe("FAILED");
    expect(await refundedQuantities(order)).toEqual({ [JAM]: 0, [SOCKS]: 0 });
    expect(await stockOf(order.socks.productId)).toBe(socksBefore);
    const event = await db.paymentEvent.findFirstOrThrow({ where: { orderId: order.orderId, type: "REFUND" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(event.detail).toMatchObject({ settled: "released", unitsReleased: [{ sku: SOCKS, quantity: 2 }] });
    expect(event).toMatchObject(actorFields(ADMIN.actor));
  });
});

describe("at the same time", () => {
  test("two line refunds racing for the last jar: one refunds it, the other is refused; one SEQR refund, never two", async () => {
    for (let round = 0; round < 3; round++) {
      const order = await paidLinesOrder({ jam: 2, socks: 1 });
      await refundByLine(order, [{ orderItemId: order.jam.id, quantity: 1 }]);

      const results = await Promise.allSettled([
        refundByLine(order, [{ orderItemId: order.jam.id, quantity: 1 }]),
        refundByLine(order, [{ orderItemId: order.jam.id, quantity: 1 }]),
      ]);

      expect(results.filter((result) => result.status === "fulfilled")).toEqual([
        { status: "fulfilled", value: expect.objectContaining({ status: "SUCCEEDED", repeated: false }) },
      ]);
      const refused = results.find((result) => result.status === "rejected");
      expect(refused?.status === "rejected" && refused.reason).toMatchObject({ code: expect.stringMatching(/^(INVALID_LINES|ITEMS_NOT_REFUNDABLE)$/) });
      expect(refused?.status === "rejected" && (refused.reason as Error).message).toBe(
        "Lingonberry jam, 400 g: all 2 are refunded already, or being refunded; nothing was refunded.",
      );
      expect(await refundedQuantities(order)).toEqual({ [JAM]: 2, [SOCKS]: 0 });
      expect((await seqrRefunds(order.invoiceReference)).map((row) => row.amountMinor)).toEqual([order.jam.unitPriceMinor, order.jam.unitPriceMinor]);
      expect(await db.refund.count({ where: { orderId: order.orderId } })).toBe(2);
    }
  });
});

describe("Refund everything", () => {
  test("is exactly what is left (paid − refunded − held), to the öre, as the form writes it; afterwards nothing is left", async () => {
    const order = await paidLinesOrder();
    await refundByLine(order, [{ orderItemId: order.jam.id, quantity: 1 }]);
    await refundAmount(order, "12,34");
    await shop.sandbox.arm({ kind: "soap-result", operation: "refundPayment", resultCode: 94, count: 1 });
    expect((await refundAmount(order, "5,01")).status).toBe("UNKNOWN");

    const loaded = await loadAdminOrder(order.clientInvoiceId);
    const payment = loaded?.payments[0];
    const left = order.paidMinor - order.jam.unitPriceMinor - 1_234 - 501;
    expect(payment).toMatchObject({ paidMinor: order.paidMinor, refundedMinor: order.jam.unitPriceMinor + 1_234, reservedMinor: 501, refundableMinor: left });

    // What the "Refund everything" button writes into the amount field (refund-amount-form.tsx).
    const everything = toSeqrAmount(payment?.refundableMinor ?? 0, "SEK").replace(".", ",");
    expect(everything).toBe(typed(left));
    expect(await refundAmount(order, everything)).toMatchObject({ status: "SUCCEEDED" });

    expect((await seqrRefunds(order.invoiceReference)).at(-1)?.amountMinor).toBe(left);
    expect((await loadAdminOrder(order.clientInvoiceId))?.payments[0]?.refundableMinor).toBe(0);
    const error = await expectAppError(refundAmount(order, "0,01"), "REFUND_TOO_LARGE", 422);
    expect(error.message).toBe("Nothing is left to refund: the rest is held by a refund SEQR has not confirmed.");
  });

  test("every line refunded before the order was sent: REFUNDED, not to be sent, one refund confirmation queued with the refund it confirms", async () => {
    const order = await paidLinesOrder({ jam: 1, socks: 1 });

    await refundByLine(order, [
      { orderItemId: order.jam.id, quantity: 1 },
      { orderItemId: order.socks.id, quantity: 1 },
    ]);

    const state = await db.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(state).toMatchObject({ status: "REFUNDED", refundedMinor: order.paidMinor, fulfilmentStatus: "NOT_TO_SHIP" });
    const refund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId }, include: { lines: true } });
    const messages = await db.outboxMessage.findMany({ where: { orderId: order.orderId, kind: "REFUND_CONFIRMATION" } });
    expect(messages).toEqual([expect.objectContaining({ dedupeKey: `REFUND_CONFIRMATION:${refund.id}`, payload: { refundId: refund.id } })]);
    // The e-mail finds the refunded items through the refund it names.
    expect(refund.lines).toHaveLength(2);
  });
});

describe("only an owner refunds", () => {
  async function sessionFor(role: "OWNER" | "STAFF"): Promise<string> {
    const owner = await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } });
    const account =
      role === "OWNER"
        ? owner
        : await db.adminAccount.create({
            data: {
              email: `staff-${randomUUID()}@fjallbo.example`,
              name: "Stina Staff",
              role: "STAFF",
              passwordHash: owner.passwordHash,
              passwordFromSetting: false,
              passwordGeneration: owner.passwordGeneration,
            },
          });
    const token = randomBytes(32).toString("base64url");
    await db.adminSession.create({
      data: { tokenHash: hashSessionToken(token), accountId: account.id, passwordGeneration: account.passwordGeneration, address: ADMIN.address },
    });
    return token;
  }

  function signedIn(token: string) {
    fakeRequest({ host: new URL(env.publicBaseUrl).host, session: token, forwardedFor: ADMIN.address });
  }

  function lineForm(order: PaidLines, extra: Record<string, string> = {}) {
    return formData({
      clientInvoiceId: order.clientInvoiceId,
      paymentAttemptId: order.paymentAttemptId,
      requestKey: randomUUID(),
      mode: "lines",
      restock: "on",
      [`line:${order.jam.id}`]: "1",
      [`line:${order.socks.id}`]: "1",
      ...extra,
    });
  }

  test("a staff member's refund, by line or by amount, and settlement are refused with the owner-only message; nothing changes, SEQR is not asked", async () => {
    const order = await paidLinesOrder();
    const staff = await sessionFor("STAFF");
    await shop.sandbox.arm({ kind: "soap-http-status", operation: "refundPayment", httpStatus: 503, count: 1 });
    expect((await refundAmount(order, "1,00")).status).toBe("UNKNOWN");
    const unknown = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId } });
    const before = await worldOf(order);

    signedIn(staff);
    expect(await refundAction(null, lineForm(order))).toEqual({ ok: false, error: OWNER_ONLY_MESSAGE });
    signedIn(staff);
    expect(await refundAction(null, lineForm(order, { mode: "amount", amount: "10,00" }))).toEqual({ ok: false, error: OWNER_ONLY_MESSAGE });
    signedIn(staff);
    const run = await db.reconciliationRun.findFirst();
    expect(await settleRefundAction(null, formData({ refundId: unknown.id, runId: run?.id ?? "none" }))).toEqual({ ok: false, error: OWNER_ONLY_MESSAGE });

    expect(await worldOf(order)).toEqual(before);
    expect(await db.refund.findUniqueOrThrow({ where: { id: unknown.id } })).toMatchObject({ status: "UNKNOWN", settledAt: null });

    // The order page shows staff the figures, not the form.
    signedIn(staff);
    const html = renderToStaticMarkup(await AdminOrderPage({ params: Promise.resolve({ clientInvoiceId: order.clientInvoiceId }) }));
    expect(html).toContain("Only an owner can refund.");
    expect(html).not.toContain('aria-label="Refund"');
    expect(html).not.toContain('aria-label="Refund items"');
  });

  test("the owner's form refunds the lines, ignoring an amount sent along, and names the owner in the timeline", async () => {
    const order = await paidLinesOrder();
    const owner = await sessionFor("OWNER");

    signedIn(owner);
    const html = renderToStaticMarkup(await AdminOrderPage({ params: Promise.resolve({ clientInvoiceId: order.clientInvoiceId }) }));
    expect(html).toContain('aria-label="Refund"');
    expect(html).toContain('aria-label="Refund items"');
    expect(html).toContain(`Refund everything (${formatMoney({ amountMinor: order.paidMinor, currency: "SEK" })})`);
    expect(html).not.toContain("Only an owner can refund.");

    signedIn(owner);
    const answer = await refundAction(null, lineForm(order, { amount: "1,00" }));

    const expected = order.jam.unitPriceMinor + order.socks.unitPriceMinor;
    expect(answer).toMatchObject({ ok: true, data: { status: "SUCCEEDED" } });
    expect((await seqrRefunds(order.invoiceReference)).map((row) => row.amountMinor)).toEqual([expected]);
    const event = await db.paymentEvent.findFirstOrThrow({ where: { orderId: order.orderId, type: "REFUND" } });
    const ownerAccount = await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } });
    expect(event).toMatchObject({ actorAccountId: MERCHANT_ACCOUNT_ID, actorName: ownerAccount.name });
    expect((await stockChangesOf(order.jam.productId)).at(-1)).toMatchObject({ actorAccountId: MERCHANT_ACCOUNT_ID, actorName: ownerAccount.name });
  });

  // Last in the file: it reconciles periods an hour ahead, which no later test may find.
  test("the reconciliation page offers a refund's settlement to an owner only; staff read what an owner can do", async () => {
    const order = await paidLinesOrder();
    await shop.sandbox.arm({ kind: "soap-http-status", operation: "refundPayment", httpStatus: 503, count: 1 });
    expect((await refundByLine(order, [{ orderItemId: order.socks.id, quantity: 1 }])).status).toBe("UNKNOWN");
    // Made an hour after every period reconciled so far, then two periods reconciled around it and after it, neither
    // report listing it: the reports say to release it (as "released from SEQR's reports" above).
    const last = await db.reconciliationRun.findFirst({ orderBy: { periodEnd: "desc" } });
    const made = Math.max(Date.now(), last?.periodEnd.getTime() ?? 0) + 3_600_000;
    const refund = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId } });
    await db.refund.update({ where: { id: refund.id }, data: { createdAt: new Date(made) } });
    const around = await db.reconciliationRun.create({
      data: { periodStart: new Date(made - 1_000), periodEnd: new Date(made + 1_000), status: "COMPLETED", transactionPeriodId: `p-${randomUUID()}`, reportContent: "" },
    });
    await db.reconciliationRun.create({
      data: { periodStart: around.periodEnd, periodEnd: new Date(made + 3 * env.seqr.requestTimeoutMs), status: "COMPLETED", transactionPeriodId: `p-${randomUUID()}`, reportContent: "" },
    });
    const settleButton = `aria-label="Settle the refund of order ${formatOrderNumber(order.number)}"`;
    const renderPage = async () => renderToStaticMarkup(await ReconciliationPage({ searchParams: Promise.resolve({}) }));

    signedIn(await sessionFor("STAFF"));
    const staffPage = await renderPage();
    expect(staffPage).toContain(`data-order="${order.clientInvoiceId}"`);
    expect(staffPage).toContain("No report lists it: an owner can release its amount.");
    expect(staffPage).not.toContain(settleButton);

    signedIn(await sessionFor("OWNER"));
    const ownerPage = await renderPage();
    expect(ownerPage).toContain(settleButton);
    expect(ownerPage).toContain("Release the amount");
    expect(ownerPage).not.toContain("an owner can release");
  });
});
