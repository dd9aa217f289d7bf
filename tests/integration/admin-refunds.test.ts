import "./support/shop-address";

import { randomUUID } from "node:crypto";

import { afterAll, beforeEach, describe, expect, test, vi } from "vitest";

import { needingAttention } from "@/lib/admin/dashboard";
import { REFUND_REFUSALS, refundPayment } from "@/lib/admin/refunds";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { seqr } from "@/lib/seqr";

import { ADMIN, paidOrder, refund, refundState, seqrRefunds, typed, type PaidOrder } from "./support/admin-orders";
import { expectAppError, serveShopForThisFile } from "./support/shop-flow";
import { invoicedOrder, waitFor } from "./support/shop-orders";

// The merchant's refunds (lib/admin/refunds.ts) through the shop's own code, talking SOAP to the sandbox over real
// HTTP on a real database: the amount is reserved before SEQR is asked, a form submitted twice refunds once, SEQR's
// refusals release the amount and say why in plain words, and a refund SEQR never answered keeps its amount held.

// The shop's SEQR client gives up after this long (lib/env.ts reads it on first import, hence hoisted): short, so
// that the test of a refund SEQR answers too late does not wait SEQR's default 10 s. Restored for later files.
const timeout = vi.hoisted(() => {
  const previous = process.env.SEQR_REQUEST_TIMEOUT_MS;
  process.env.SEQR_REQUEST_TIMEOUT_MS = "5000";
  return { ms: 5_000, previous };
});
afterAll(() => {
  if (timeout.previous === undefined) delete process.env.SEQR_REQUEST_TIMEOUT_MS;
  else process.env.SEQR_REQUEST_TIMEOUT_MS = timeout.previous;
});

const shop = serveShopForThisFile();

beforeEach(async () => {
  await db.sandboxTerminal.updateMany({ data: { allowsRefunds: true } });
});

/** What a refused refund must leave exactly as it was: the shop's refunds, events and order, and SEQR's refunds. */
async function refundSnapshot(order: PaidOrder) {
  return {
    shop: await refundState(order.orderId),
    allRefunds: await db.refund.findMany({ orderBy: { id: "asc" } }),
    events: await db.paymentEvent.count({ where: { orderId: order.orderId } }),
    seqr: await seqrRefunds(order.invoiceReference),
    seqrInvoice: await db.sandboxInvoice.findUniqueOrThrow({ where: { reference: order.invoiceReference } }),
  };
}


describe("refunds SEQR confirms", () => {
  test("a partial then a full refund: PARTIALLY_REFUNDED then REFUNDED, each Refund SUCCEEDED with SEQR's own refund reference", async () => {
    const order = await paidOrder(shop.server);
    const first = 2_000;
    const rest = order.paidMinor - first;

    const partial = await refund(order, typed(first), randomUUID(), "dented lid");
    expect(partial).toMatchObject({ status: "SUCCEEDED", repeated: false });
    let state = await refundState(order.orderId);
    expect(state.order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: first });
    let atSeqr = await seqrRefunds(order.invoiceReference);
    expect(atSeqr.map((row) => row.amountMinor)).toEqual([first]);
    expect(partial.message).toBe(
      `Refunded ${formatMoney({ amountMinor: first, currency: order.currency })}. SEQR's refund reference: ${atSeqr[0]?.ersReference}.`,
    );

    const full = await refund(order, typed(rest));
    expect(full).toMatchObject({ status: "SUCCEEDED", repeated: false });
    state = await refundState(order.orderId);
    expect(state.order).toMatchObject({ status: "REFUNDED", refundedMinor: order.paidMinor });
    atSeqr = await seqrRefunds(order.invoiceReference);
    expect(atSeqr.map((row) => row.amountMinor)).toEqual([first, rest]);
    expect(atSeqr.every((row) => row.currency === order.currency)).toBe(true);

    // The shop's rows are SEQR's rows: same amounts, SEQR's refund ersReference (not the payment's), confirmed.
    expect(state.refunds).toHaveLength(2);
    state.refunds.forEach((row, index) => {
      expect(row).toMatchObject({
        status: "SUCCEEDED",
        amountMinor: atSeqr[index]?.amountMinor,
        currency: order.currency,
        ersReference: atSeqr[index]?.ersReference,
        seqrResultCode: 0,
        paymentAttemptId: order.paymentAttemptId,
      });
      expect(row.ersReference).not.toBe(order.ersReference);
      expect(row.completedAt).not.toBeNull();
    });
    expect(state.refunds[0]?.reason).toBe("dented lid");
    const seqrInvoice = await shop.sandbox.invoice(order.invoiceReference);
    expect(seqrInvoice).toMatchObject({ status: "PAID", refundedMinor: order.paidMinor });

    // Each refund is in the order's timeline: who (which address), how much, SEQR's reference, the status it moved.
    expect(state.events.map(({ fromStatus, toStatus, source, sourceAddress, seqrResultCode }) => ({ fromStatus, toStatus, source, sourceAddress, seqrResultCode }))).toEqual([
      { fromStatus: "PAID", toStatus: "PARTIALLY_REFUNDED", source: "admin", sourceAddress: ADMIN.address, seqrResultCode: 0 },
      { fromStatus: "PARTIALLY_REFUNDED", toStatus: "REFUNDED", source: "admin", sourceAddress: ADMIN.address, seqrResultCode: 0 },
    ]);
    // …and who: the person signed in.
    for (const event of state.events) expect(event).toMatchObject({ actorAccountId: ADMIN.actor.accountId, actorName: ADMIN.actor.name });
    expect(state.events[0]?.detail).toMatchObject({
      outcome: "SUCCEEDED",
      amountMinor: first,
      refundErsReference: atSeqr[0]?.ersReference,
      paymentErsReference: order.ersReference,
      reason: "dented lid",
    });

    // Nothing is left: a further refund is refused by the shop, without asking SEQR.
    const error = await expectAppError(refund(order, "1"), "REFUND_TOO_LARGE", 422);
    expect(error.message).toBe("This payment has been refunded in full.");
    expect(await seqrRefunds(order.invoiceReference)).toHaveLength(2);
    expect((await refundState(order.orderId)).refunds).toHaveLength(2);
  });

  test("an amount above what is left is refused with the amount left: nothing sent to SEQR, nothing written", async () => {
    const order = await paidOrder(shop.server);
    await refund(order, typed(3_000));
    const left = order.paidMinor - 3_000;
    const before = await refundSnapshot(order);

    const error = await expectAppError(refund(order, typed(left + 1)), "REFUND_TOO_LARGE", 422);
    expect(error.message).toBe(`Only ${formatMoney({ amountMinor: left, currency: order.currency })} is left to refund on this payment; nothing was refunded.`);

    expect(await refundSnapshot(order)).toEqual(before);
    expect(before.shop.order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: 3_000 });

    // Exactly what is left still goes through.
    expect(await refund(order, typed(left))).toMatchObject({ status: "SUCCEEDED" });
    expect((await refundState(order.orderId)).order).toMatchObject({ status: "REFUNDED", refundedMinor: order.paidMinor });
  });
});

describe("a refund form submitted twice", () => {
  test("the same requestKey again refunds once: the second answer is repeated:true and nothing is sent", async () => {
    const order = await paidOrder(shop.server);
    const requestKey = randomUUID();

    const first = await refund(order, typed(1_500), requestKey);
    expect(first).toMatchObject({ status: "SUCCEEDED", repeated: false });
    const second = await refund(order, typed(1_500), requestKey);
    expect(second.repeated).toBe(true);
    expect(second.status).toBe("SUCCEEDED");
    const atSeqr = await seqrRefunds(order.invoiceReference);
    expect(second.message).toContain(`SEQR's reference ${atSeqr[0]?.ersReference}`);
    expect(second.message).toContain("it was not sent again");

    expect(atSeqr).toHaveLength(1);
    const state = await refundState(order.orderId);
    expect(state.refunds).toHaveLength(1);
    expect(state.events).toHaveLength(1);
    expect(state.order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: 1_500 });
  });

  test("the same requestKey twice at once: one SEQR refund, the other answer repeated:true", async () => {
    const order = await paidOrder(shop.server);
    const requestKey = randomUUID();

    const results = await Promise.all([refund(order, typed(1_500), requestKey), refund(order, typed(1_500), requestKey)]);

    expect(results.filter((result) => !result.repeated)).toEqual([expect.objectContaining({ status: "SUCCEEDED" })]);
    const repeated = results.filter((result) => result.repeated);
    expect(repeated).toHaveLength(1);
    // Depending on timing the other submit finds the refund confirmed or still being made: never a second refund.
    expect(["SUCCEEDED", "UNKNOWN"]).toContain(repeated[0]?.status);
    expect(repeated[0]?.message).toContain("it was not sent again");

    expect(await seqrRefunds(order.invoiceReference)).toHaveLength(1);
    const state = await refundState(order.orderId);
    expect(state.refunds).toHaveLength(1);
    expect(state.refunds[0]).toMatchObject({ status: "SUCCEEDED", amountMinor: 1_500 });
    expect(state.events).toHaveLength(1);
    expect(state.order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: 1_500 });
  });

  test("two different refund forms at once, each for 60 % of the payment: one refunds, the other is refused", async () => {
    const order = await paidOrder(shop.server);
    const sixtyPercent = Math.round(order.paidMinor * 0.6);

    const results = await Promise.allSettled([refund(order, typed(sixtyPercent)), refund(order, typed(sixtyPercent))]);

    const succeeded = results.filter((result) => result.status === "fulfilled");
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]?.status === "fulfilled" && succeeded[0].value).toMatchObject({ status: "SUCCEEDED", repeated: false });
    const refused = results.filter((result) => result.status === "rejected");
    expect(refused).toHaveLength(1);
    const reason = refused[0]?.status === "rejected" ? refused[0].reason : undefined;
    expect(reason).toBeInstanceOf(AppError);
    expect(reason).toMatchObject({ code: "REFUND_TOO_LARGE", status: 422 });
    expect((reason as AppError).message).toContain(
      `Only ${formatMoney({ amountMinor: order.paidMinor - sixtyPercent, currency: order.currency })} is left`,
    );

    const atSeqr = await seqrRefunds(order.invoiceReference);
    expect(atSeqr.map((row) => row.amountMinor)).toEqual([sixtyPercent]);
    expect(atSeqr.reduce((sum, row) => sum + row.amountMinor, 0)).toBeLessThanOrEqual(order.paidMinor);
    const state = await refundState(order.orderId);
    expect(state.refunds).toEqual([expect.objectContaining({ status: "SUCCEEDED", amountMinor: sixtyPercent })]);
    expect(state.order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: sixtyPercent });
  });
});

describe("SEQR refuses", () => {
  test.each([23, 97, 98, 99])(
    "answer %i: the refund FAILED with SEQR's code and a plain-words reason, nothing moved, and its amount is released",
    async (resultCode) => {
      const order = await paidOrder(shop.server);
      await shop.sandbox.arm({ kind: "soap-result", operation: "refundPayment", resultCode, count: 1 });

      const outcome = await refund(order, typed(order.paidMinor));

      expect(outcome).toEqual({ status: "FAILED", repeated: false, message: REFUND_REFUSALS[resultCode] });
      expect(outcome.message).toMatch(/nothing was refunded/);
      expect(outcome.message).not.toMatch(/\d{2}|[A-Z]{3,}_/);
      let state = await refundState(order.orderId);
      expect(state.refunds).toHaveLength(1);
      expect(state.refunds[0]).toMatchObject({ status: "FAILED", seqrResultCode: resultCode, ersReference: null, amountMinor: order.paidMinor });
      expect(state.refunds[0]?.completedAt).not.toBeNull();
      expect(state.events).toHaveLength(1);
      expect(state.events[0]).toMatchObject({
        seqrResultCode: resultCode,
        sourceAddress: ADMIN.address,
        actorName: ADMIN.actor.name,
        fromStatus: null,
        toStatus: null,
      });
      expect(state.events[0]?.detail).toMatchObject({ outcome: "FAILED", amountMinor: order.paidMinor });
      expect(state.order).toMatchObject({ status: "PAID", refundedMinor: 0 });
      expect(await seqrRefunds(order.invoiceReference)).toHaveLength(0);

      // The refused refund holds nothing: the whole payment can be refunded now.
      expect(await refund(order, typed(order.paidMinor))).toMatchObject({ status: "SUCCEEDED" });
      state = await refundState(order.orderId);
      expect(state.order).toMatchObject({ status: "REFUNDED", refundedMinor: order.paidMinor });
      expect(state.refunds.map((row) => row.status)).toEqual(["FAILED", "SUCCEEDED"]);
      expect((await seqrRefunds(order.invoiceReference)).map((row) => row.amountMinor)).toEqual([order.paidMinor]);
    },
  );

  test("the sandbox's own rule, 99: an account that does not allow refunds", async () => {
    const order = await paidOrder(shop.server);
    await db.sandboxTerminal.updateMany({ data: { allowsRefunds: false } });

    const outcome = await refund(order, typed(1_000));

    expect(outcome).toEqual({ status: "FAILED", repeated: false, message: REFUND_REFUSALS[99] });
    expect((await refundState(order.orderId)).refunds[0]).toMatchObject({ status: "FAILED", seqrResultCode: 99 });
    expect(await seqrRefunds(order.invoiceReference)).toHaveLength(0);

    await db.sandboxTerminal.updateMany({ data: { allowsRefunds: true } });
    expect(await refund(order, typed(order.paidMinor))).toMatchObject({ status: "SUCCEEDED" });
  });

  test("the sandbox's own rule, 98: a refund made at SEQR outside the shop makes the shop's full refund exceed the payment", async () => {
    const order = await paidOrder(shop.server);
    // Refunded at SEQR by some other means: the shop does not know.
    await seqr.refundPayment({ ersReference: order.ersReference, amountMinor: 1_000, currency: order.currency, title: "elsewhere" });

    const outcome = await refund(order, typed(order.paidMinor));

    expect(outcome).toEqual({ status: "FAILED", repeated: false, message: REFUND_REFUSALS[98] });
    const state = await refundState(order.orderId);
    expect(state.refunds[0]).toMatchObject({ status: "FAILED", seqrResultCode: 98 });
    expect(state.order).toMatchObject({ status: "PAID", refundedMinor: 0 });
    expect((await seqrRefunds(order.invoiceReference)).map((row) => row.amountMinor)).toEqual([1_000]);

    // What SEQR has left goes through.
    expect(await refund(order, typed(order.paidMinor - 1_000))).toMatchObject({ status: "SUCCEEDED" });
    expect((await shop.sandbox.invoice(order.invoiceReference)).refundedMinor).toBe(order.paidMinor);
  });
});

describe("SEQR answers without deciding", () => {
  test.each([90, 93, 94])(
    "answer %i (SEQR or its bank in trouble): the refund is UNKNOWN with its amount held, never FAILED",
    async (resultCode) => {
      const order = await paidOrder(shop.server);
      const held = 2_500;
      await shop.sandbox.arm({ kind: "soap-result", operation: "refundPayment", resultCode, count: 1 });

      const outcome = await refund(order, typed(held));

      expect(outcome.status).toBe("UNKNOWN");
      expect(outcome.message).toMatch(/stays held/);
      expect(outcome.message).toMatch(/Reconciliation/);
      const state = await refundState(order.orderId);
      expect(state.refunds).toEqual([
        expect.objectContaining({ status: "UNKNOWN", amountMinor: held, ersReference: null, seqrResultCode: resultCode, settledAt: null }),
      ]);
      expect(state.events).toHaveLength(1);
      expect(state.events[0]).toMatchObject({ seqrResultCode: resultCode, toStatus: null });
      expect(state.events[0]?.detail).toMatchObject({ outcome: "UNKNOWN" });
      expect(state.order).toMatchObject({ status: "PAID", refundedMinor: 0 });

      // Held: only what is left can be refunded, and the dashboard sends the merchant to settle it.
      await expectAppError(refund(order, typed(order.paidMinor)), "REFUND_TOO_LARGE", 422);
      expect(await seqrRefunds(order.invoiceReference)).toHaveLength(0);
      expect(await needingAttention()).toContainEqual(
        expect.objectContaining({
          clientInvoiceId: order.clientInvoiceId,
          action: { label: "Settle it from SEQR's report", href: "/admin/reconciliation#refunds-to-settle" },
        }),
      );
    },
  );
});

describe("SEQR's answer arrives, then the shop fails", () => {
  test("SEQR's refund reference is on the Refund row before anything else is written: a failure after it leaves the refund held with its reference", async () => {
    const order = await paidOrder(shop.server);
    // The database refuses the refund code's next transaction after the one that reserves the amount: as if the
    // process died while applying SEQR's answer. (The sandbox shares the process and its transactions pass.)
    const realTransaction = db.$transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
    let transactions = 0;
    const spy = vi.spyOn(db, "$transaction").mockImplementation(((...args: unknown[]) => {
      if (new Error().stack?.includes("lib/admin/refunds.ts")) {
        transactions += 1;
        if (transactions === 2) return Promise.reject(new Error("database went away"));
      }
      return realTransaction(...args);
    }) as typeof db.$transaction);
    let failure: unknown;
    try {
      await refund(order, typed(1_200));
    } catch (error) {
      failure = error;
    } finally {
      spy.mockRestore();
    }
    expect(failure).toBeInstanceOf(Error);
    expect(transactions).toBe(2);

    const atSeqr = await seqrRefunds(order.invoiceReference);
    expect(atSeqr).toHaveLength(1);
    const state = await refundState(order.orderId);
    // Still held (PENDING), but the shop knows which refund SEQR made.
    expect(state.refunds).toEqual([
      expect.objectContaining({ status: "PENDING", amountMinor: 1_200, ersReference: atSeqr[0]?.ersReference }),
    ]);
    expect(state.order).toMatchObject({ status: "PAID", refundedMinor: 0 });
    await expectAppError(refund(order, typed(order.paidMinor)), "REFUND_TOO_LARGE", 422);
  });
});

describe("SEQR does not answer", () => {
  test("HTTP 503: the refund is UNKNOWN, its amount stays held, and the dashboard lists it", async () => {
    const order = await paidOrder(shop.server);
    const held = 2_000;
    await shop.sandbox.arm({ kind: "soap-http-status", operation: "refundPayment", httpStatus: 503, count: 1 });

    const outcome = await refund(order, typed(held));

    expect(outcome.status).toBe("UNKNOWN");
    expect(outcome.repeated).toBe(false);
    expect(outcome.message).toMatch(/no answer the shop could read/);
    expect(outcome.message).toMatch(/stays held/);
    const state = await refundState(order.orderId);
    expect(state.refunds).toEqual([expect.objectContaining({ status: "UNKNOWN", amountMinor: held, ersReference: null, seqrResultCode: null })]);
    expect(state.events).toHaveLength(1);
    expect(state.events[0]).toMatchObject({ seqrResultCode: null, sourceAddress: ADMIN.address, toStatus: null });
    expect(state.events[0]?.detail).toMatchObject({ outcome: "UNKNOWN", error: "HTTP_503" });
    expect(state.order).toMatchObject({ status: "PAID", refundedMinor: 0 });
    expect(await seqrRefunds(order.invoiceReference)).toHaveLength(0);

    const attention = await needingAttention();
    expect(attention).toContainEqual(
      expect.objectContaining({
        clientInvoiceId: order.clientInvoiceId,
        reason: "Refund without an answer from SEQR: check the reconciliation report",
      }),
    );

    // The held amount is not refundable again until someone finds out what happened.
    const before = await refundSnapshot(order);
    const error = await expectAppError(refund(order, typed(order.paidMinor)), "REFUND_TOO_LARGE", 422);
    expect(error.message).toContain(`Only ${formatMoney({ amountMinor: order.paidMinor - held, currency: order.currency })} is left`);
    expect(await refundSnapshot(order)).toEqual(before);
    expect(await refund(order, typed(order.paidMinor - held))).toMatchObject({ status: "SUCCEEDED" });
    await expectAppError(refund(order, "1"), "REFUND_TOO_LARGE", 422).then((refused) =>
      expect(refused.message).toBe("Nothing is left to refund: the rest is held by a refund SEQR has not confirmed."),
    );
    expect((await refundState(order.orderId)).order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedMinor: order.paidMinor - held });
  });

  test("an answer later than the client waits: UNKNOWN, and the refund SEQR then makes cannot be repeated by the shop", async () => {
    const order = await paidOrder(shop.server);
    await shop.sandbox.arm({ kind: "soap-delay", operation: "refundPayment", delayMs: timeout.ms + 700, count: 1 });

    const started = Date.now();
    const outcome = await refund(order, typed(order.paidMinor));
    expect(Date.now() - started).toBeGreaterThanOrEqual(timeout.ms - 100);

    expect(outcome.status).toBe("UNKNOWN");
    expect(outcome.message).toMatch(/may or may not have gone through/);
    const state = await refundState(order.orderId);
    expect(state.refunds[0]).toMatchObject({ status: "UNKNOWN", seqrResultCode: null });
    expect(state.events[0]?.detail).toMatchObject({ outcome: "UNKNOWN", error: "TIMEOUT" });

    // SEQR did refund, after the shop stopped listening.
    const atSeqr = await waitFor("SEQR to make the late refund", async () => {
      const rows = await seqrRefunds(order.invoiceReference);
      return rows.length > 0 && rows;
    });
    expect(atSeqr.map((row) => row.amountMinor)).toEqual([order.paidMinor]);

    // The shop still holds the amount, so the merchant cannot give the money back a second time.
    await expectAppError(refund(order, typed(order.paidMinor)), "REFUND_TOO_LARGE", 422);
    expect(await seqrRefunds(order.invoiceReference)).toHaveLength(1);
    expect(await needingAttention()).toContainEqual(expect.objectContaining({ clientInvoiceId: order.clientInvoiceId }));
  });
});

describe("refused before SEQR is asked", () => {
  test("an order whose payment SEQR has not reported PAID cannot be refunded", async () => {
    const invoiced = await invoicedOrder(shop.server);
    const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: invoiced.invoiceReference } });
    const refundsBefore = await db.refund.count();
    const eventsBefore = await db.paymentEvent.count({ where: { orderId: invoiced.orderId } });

    const error = await expectAppError(
      refundPaymentFor(invoiced.orderId, attempt.id, "10"),
      "NOT_REFUNDABLE",
      409,
    );
    expect(error.message).toBe("Only a payment SEQR reports as PAID can be refunded.");

    // A paid order's payment does not belong to another order.
    const other = await paidOrder(shop.server);
    await expectAppError(refundPaymentFor(invoiced.orderId, other.paymentAttemptId, "10"), "NOT_REFUNDABLE", 409);

    expect(await db.refund.count()).toBe(refundsBefore);
    expect(await db.paymentEvent.count({ where: { orderId: invoiced.orderId } })).toBe(eventsBefore);
    expect((await db.order.findUniqueOrThrow({ where: { id: invoiced.orderId } })).status).toBe("INVOICED");
    expect(await seqrRefunds(other.invoiceReference)).toHaveLength(0);
  });

  test("amounts as merchants type them: '10,50', '1 000' and '1\u00a000,5' are read in kronor; more decimals, signs and zero are refused", async () => {
    const order = await paidOrder(shop.server, "MERINO-THROW");
    expect(order.paidMinor).toBeGreaterThanOrEqual(1_050 + 100_000 + 10_050 + 725);

    for (const [typedAmount, amountMinor] of [
      ["10,50", 1_050],
      ["1 000", 100_000],
      ["1\u00a000,5", 10_050],
      [" 7.25 ", 725],
    ] as const) {
      expect(await refund(order, typedAmount), typedAmount).toMatchObject({ status: "SUCCEEDED" });
      expect((await seqrRefunds(order.invoiceReference)).at(-1)?.amountMinor, typedAmount).toBe(amountMinor);
      expect((await db.refund.findFirstOrThrow({ where: { orderId: order.orderId }, orderBy: { createdAt: "desc" } })).amountMinor).toBe(amountMinor);
    }
    const before = await refundSnapshot(order);

    for (const [typedAmount, message] of [
      ["10.555", `${order.currency} has 2 decimals: 10.555 has more.`],
      ["10,555", `${order.currency} has 2 decimals: 10,555 has more.`],
      ["-5", `Enter an amount such as 120,50 (${order.currency}).`],
      ["+5", `Enter an amount such as 120,50 (${order.currency}).`],
      ["0", "A refund must be more than zero."],
      ["0,00", "A refund must be more than zero."],
      ["5 kr", `Enter an amount such as 120,50 (${order.currency}).`],
      ["1e3", `Enter an amount such as 120,50 (${order.currency}).`],
      ["", `Enter an amount such as 120,50 (${order.currency}).`],
    ] as const) {
      const error = await expectAppError(refund(order, typedAmount), "INVALID_AMOUNT", 422);
      expect(error.message, typedAmount).toBe(message);
    }
    expect(await refundSnapshot(order)).toEqual(before);
  });
});

function refundPaymentFor(orderId: string, paymentAttemptId: string, amount: string) {
  return refundPayment({ orderId, paymentAttemptId, amount, requestKey: randomUUID() }, ADMIN);
}

describe("refunds of payments that are not the order's one payment", () => {
  test("SEQR took another amount than the order's (AMOUNT_MISMATCH): what is left to refund is what SEQR took", async () => {
    const order = await invoicedOrder(shop.server);
    // The order's total changed after SEQR was asked for the invoice: SEQR takes the invoiced amount.
    const invoiced = (await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference } })).amountMinor;
    await db.order.update({ where: { id: order.orderId }, data: { totalMinor: { increment: 5_000 } } });
    await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
    const attempt = await waitFor("the mismatched payment recorded", async () => {
      const row = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference }, include: { order: true } });
      return row.order.status === "NEEDS_ATTENTION" ? row : undefined;
    });
    expect(attempt.order.attentionReason).toBe("AMOUNT_MISMATCH");
    const paid: PaidOrder = { ...order, paymentAttemptId: attempt.id, ersReference: attempt.ersReference ?? "", paidMinor: invoiced, currency: "SEK" };

    // One öre more than SEQR took is refused, naming what is left; all of it is refunded.
    const error = await expectAppError(refund(paid, typed(invoiced + 1)), "REFUND_TOO_LARGE", 422);
    expect(error.message).toContain(formatMoney({ amountMinor: invoiced, currency: "SEK" }));
    expect(await seqrRefunds(order.invoiceReference)).toHaveLength(0);
    expect(await refund(paid, typed(invoiced))).toMatchObject({ status: "SUCCEEDED" });
    const state = await refundState(order.orderId);
    expect(state.order).toMatchObject({ status: "REFUNDED", refundedMinor: invoiced });
    expect((await seqrRefunds(order.invoiceReference)).map((row) => row.amountMinor)).toEqual([invoiced]);
  });

  test("an order paid twice (PAID_TWICE): each payment is refunded on its own, up to what it took", async () => {
    const first = await paidOrder(shop.server);
    // A second invoice for the same order, paid too (as a second device could have made it before the shop's rule).
    const { buildInvoice } = await import("@/lib/orders/invoice");
    const { syncPaymentStatus } = await import("@/lib/orders/sync-payment-status");
    const full = await db.order.findUniqueOrThrow({ where: { id: first.orderId }, include: { items: true } });
    const sent = await seqr.sendInvoice(buildInvoice(full, new Date()));
    const second = await db.paymentAttempt.create({
      data: { orderId: first.orderId, state: "SENT", invoiceReference: sent.invoiceReference, seqrStatus: "ISSUED", amountMinor: full.totalMinor, currency: "SEK" },
    });
    await shop.server.api("POST", `/app/invoices/${sent.invoiceReference}/pay`, { sessionToken: first.sessionToken });
    await syncPaymentStatus(first.orderId, { trigger: "reconciler", attemptId: second.id, fresh: true });
    const secondPaid = await db.paymentAttempt.findUniqueOrThrow({ where: { id: second.id }, include: { order: true } });
    expect(secondPaid.seqrStatus).toBe("PAID");
    expect(secondPaid.order.attentionReason).toBe("PAID_TWICE");

    // The second payment back in full: the order keeps the first.
    const back: PaidOrder = { ...first, invoiceReference: sent.invoiceReference, paymentAttemptId: second.id, ersReference: secondPaid.ersReference ?? "" };
    expect(await refund(back, typed(full.totalMinor))).toMatchObject({ status: "SUCCEEDED" });
    await expectAppError(refund(back, typed(1)), "REFUND_TOO_LARGE", 422);
    expect((await seqrRefunds(sent.invoiceReference)).map((row) => row.amountMinor)).toEqual([full.totalMinor]);
    expect(await seqrRefunds(first.invoiceReference)).toHaveLength(0);
    // The first payment is still all refundable.
    expect(await refund(first, typed(first.paidMinor))).toMatchObject({ status: "SUCCEEDED" });
    expect((await seqrRefunds(first.invoiceReference)).map((row) => row.amountMinor)).toEqual([first.paidMinor]);
  });
});
