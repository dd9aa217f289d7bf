import "./support/shop-address";

import { randomUUID } from "node:crypto";

import { describe, expect, test, vi } from "vitest";

import { readOutcomeAction } from "@/app/(seqr)/actions";
import { refundPayment } from "@/lib/admin/refunds";
import { newCartId } from "@/lib/cart/cart-id";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { cancelAttemptInvoice } from "@/lib/orders/cancel-invoice";
import { createOrder } from "@/lib/orders/create-order";
import { endOrderByMerchant } from "@/lib/orders/merchant-cancel";
import { formatOrderNumber } from "@/lib/orders/order-number";
import { stageOf } from "@/lib/orders/order-view";
import { outcomeWords, type OutcomePage } from "@/lib/orders/outcome-words";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { requestPayment } from "@/lib/orders/request-payment";
import { loadOrderView } from "@/lib/orders/views";
import { serviceQrText } from "@/lib/seqr/links";
import { SHOP_NAME } from "@/lib/shop/brand";

import { nextHeadersMock } from "./support/admin-request";
import { ADMIN, typed } from "./support/admin-orders";
import { ASTRID, BERTIL, eventsOfType, giveDeliveryDetails, orderFor, orderState, serveShopForThisFile, shopSnapshot } from "./support/shop-flow";

// The Success URL (/success#<TOKEN>_<invoiceReference>, CONTRACT.md step 8) as its page reads it: through
// readOutcomeAction, with the token and invoice reference the page takes from the fragment. Anyone can type a
// fragment, so the page must show only what the server finds out, never what the URL claims.

// The action reads its caller's address for its rate limit (lib/http/rate-limit.ts): a request context for it.
vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);

const shop = serveShopForThisFile();

const NOT_FOUND =
  "We could not find this payment. If you paid, the payment is in your SEQR app's history; otherwise start again from the shop.";

/** An order opened in the app by `msisdn` (its session token), with an invoice out. */
async function invoicedInApp(msisdn: string) {
  const { order } = await orderFor("LINGON-JAM-400");
  const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }), { msisdn });
  const token: string = scanned.sessionToken;
  expect((await openOrderSession(token)).orderId).toBe(order.id);
  const { invoiceReference } = await requestPayment(order.id);
  return { order, token, invoiceReference };
}

/** What /success#<token>_<invoiceReference> shows. */
function openSuccess(token: string, invoiceReference: string) {
  const form = new FormData();
  form.set("token", token);
  form.set("invoiceReference", invoiceReference);
  return readOutcomeAction(null, form);
}

describe("/success opened with another order's token", () => {
  test("a token and an invoice of two different orders: not found, nothing of either shown, SEQR not asked", async () => {
    const astrid = await invoicedInApp(ASTRID);
    const bertil = await invoicedInApp(BERTIL);
    const paid = await shop.sandbox.pay(bertil.invoiceReference, { msisdn: BERTIL, sessionToken: bertil.token });
    expect(paid.open).toBe(`${env.publicBaseUrl}/success#${bertil.token}_${bertil.invoiceReference}`);
    expect((await orderState(bertil.order.id)).status).toBe("PAID");
    const before = await shopSnapshot();

    // Astrid's token with Bertil's paid invoice, and Bertil's token with Astrid's unpaid one.
    for (const [token, invoiceReference] of [
      [astrid.token, bertil.invoiceReference],
      [bertil.token, astrid.invoiceReference],
    ] as const) {
      const outcome = await openSuccess(token, invoiceReference);
      expect(outcome).toEqual({ ok: false, error: NOT_FOUND });
      expect(JSON.stringify(outcome)).not.toContain(astrid.order.clientInvoiceId);
      expect(JSON.stringify(outcome)).not.toContain(bertil.order.clientInvoiceId);
    }
    // Refused before anything was asked or written.
    expect(await shopSnapshot()).toEqual(before);

    // Each token with its own invoice is answered: the refusal above was about the mix alone.
    const own = await openSuccess(bertil.token, bertil.invoiceReference);
    expect(own).toMatchObject({ ok: true, data: { order: { clientInvoiceId: bertil.order.clientInvoiceId, status: "PAID" } } });
    expect(own?.ok && own.data.order.paymentReference).toMatch(/^\d{25}$/);
  });
});

describe("/success for an invoice that is not paid", () => {
  test("declined in the app, the shop not yet told: the order is synced and shown FAILED, with no receipt", async () => {
    const { order, token, invoiceReference } = await invoicedInApp(ASTRID);
    await shop.sandbox.decline(invoiceReference, { msisdn: ASTRID, sessionToken: token });
    // SEQR sends no notification for a decline: the shop still thinks the invoice is out.
    expect((await orderState(order.id)).status).toBe("INVOICED");

    const outcome = await openSuccess(token, invoiceReference);

    expect(outcome).toMatchObject({ ok: true, data: { order: { clientInvoiceId: order.clientInvoiceId, status: "FAILED" } } });
    const shown = outcome?.ok ? outcome.data.order : null;
    expect(shown).toMatchObject({ paymentReference: null, paidAt: null });
    expect(stageOf(shown?.status ?? "PAID")).toBe("failed");
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "FAILED", paidAt: null, fulfilledAt: null });
    expect(eventsOfType(state, "STATUS_CHANGED").at(-1)).toMatchObject({ source: "outcome-page", fromStatus: "INVOICED", toStatus: "FAILED" });
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(0);
    expect(state.outbox).toHaveLength(0);
  });

  test("still waiting for payment: SEQR is asked, the order is shown as it is (INVOICED), with no receipt", async () => {
    const { order, token, invoiceReference } = await invoicedInApp(ASTRID);
    const queriesBefore = eventsOfType(await orderState(order.id), "STATUS_QUERIED").length;

    const outcome = await openSuccess(token, invoiceReference);

    expect(outcome).toMatchObject({ ok: true, data: { order: { clientInvoiceId: order.clientInvoiceId, status: "INVOICED" } } });
    const shown = outcome?.ok ? outcome.data.order : null;
    expect(shown).toMatchObject({ paymentReference: null, paidAt: null });
    expect(stageOf(shown?.status ?? "PAID")).toBe("processing");
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "INVOICED", paidAt: null, fulfilledAt: null });
    const queries = eventsOfType(state, "STATUS_QUERIED");
    expect(queries).toHaveLength(queriesBefore + 1);
    expect(queries.at(-1)).toMatchObject({ source: "outcome-page", seqrResultCode: 0, detail: expect.objectContaining({ status: "ISSUED" }) });
    expect(state.outbox).toHaveLength(0);
    expect((await shop.sandbox.invoice(invoiceReference)).status).toBe("ISSUED");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// What the pages say (lib/orders/outcome-words.ts, the words payment-outcome.tsx shows), the way back to an order,
// and the receipt after refunds: all from what readOutcomeAction answers for a real order.

/** What /<page>#<token> shows: the action's answer and the words the page puts on it. */
async function outcomePage(page: OutcomePage, token: string) {
  const form = new FormData();
  form.set("token", token);
  const outcome = await readOutcomeAction(null, form);
  if (!outcome?.ok) throw new Error(`the outcome was refused: ${JSON.stringify(outcome)}`);
  return { ...outcome.data, words: outcomeWords(outcome.data.order, page, SHOP_NAME) };
}

const PAGES: OutcomePage[] = ["success", "failure", "cancel"];

describe("the words for what the merchant did", () => {
  test("an order the shop canceled: every outcome page says the shop canceled it and nothing was charged, with no way to pay it", async () => {
    const { order, token, invoiceReference } = await invoicedInApp(ASTRID);
    await shop.sandbox.cancel(invoiceReference, { msisdn: ASTRID, sessionToken: token });
    // First the shopper's own cancel: it is told as theirs, and the order can be paid again.
    const own = await outcomePage("cancel", token);
    expect(own.words).toMatchObject({ stage: "canceled", heading: "The payment was canceled", next: "back-to-order" });
    expect(own.words.message).toContain("You canceled the payment in the SEQR app");

    // Then the merchant ends the order for good.
    expect(await endOrderByMerchant(order.id, { sourceAddress: "203.0.113.7" })).toMatchObject({ outcome: "ended" });

    for (const page of PAGES) {
      const { order: shown, words } = await outcomePage(page, token);
      expect(shown.status).toBe("CANCELED_BY_MERCHANT");
      expect(words).toEqual({
        stage: "canceled-by-shop",
        heading: "The shop has canceled this order",
        message: `${SHOP_NAME} canceled order ${formatOrderNumber(order.number)}, so it can no longer be paid. Nothing was charged.`,
        next: "back-to-shop",
        contactShop: true,
      });
      expect(`${words.heading} ${words.message}`).not.toMatch(/you canceled|in the SEQR app|try again/i);
    }
  });

  test("an order ended while its invoice was out: the invoice is canceled at SEQR and the pages say the shop canceled the order", async () => {
    const { order, token, invoiceReference } = await invoicedInApp(BERTIL);
    expect(await endOrderByMerchant(order.id, { sourceAddress: null })).toMatchObject({ outcome: "ended" });
    expect((await shop.sandbox.invoice(invoiceReference)).status).toBe("CANCELED");

    const { words } = await outcomePage("cancel", token);
    expect(words).toMatchObject({ stage: "canceled-by-shop", heading: "The shop has canceled this order", next: "back-to-shop" });
    expect(words.message).toContain("Nothing was charged.");
  });

  test("the merchant's Cancel invoice stops one payment: told as the shop's doing, and the order can still be paid", async () => {
    const { order, invoiceReference, token } = await invoicedInApp(ASTRID);
    const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference } });
    const canceled = await cancelAttemptInvoice(
      { id: attempt.id, orderId: order.id, invoiceReference },
      { reason: "MERCHANT", trigger: "admin", sourceAddress: "203.0.113.7" },
    );
    expect(canceled.outcome).toBe("canceled");

    const { order: shown, words } = await outcomePage("cancel", token);
    expect(shown).toMatchObject({ status: "CANCELED", canceledBy: "shop" });
    expect(words).toMatchObject({ stage: "canceled", heading: "The shop stopped this payment", next: "back-to-order" });
    expect(words.message).toBe(
      `${SHOP_NAME} canceled the payment request for order ${formatOrderNumber(order.number)}, so nothing was charged. Your order is kept: you can pay it again.`,
    );
    expect(words.message).not.toMatch(/you canceled/i);
  });
});

describe("the way back to an order that can still be paid", () => {
  /** An order placed by a cart's checkout (Order.cartId), opened in the app and declined there. */
  async function declinedCartOrder() {
    const cart = await db.cart.create({ data: { id: newCartId() } });
    const jam = await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } });
    const order = await createOrder({ lines: [{ productId: jam.id, quantity: 1 }], source: "CART", trigger: "checkout", cart: { id: cart.id, maxOpenOrders: 5 } });
    await giveDeliveryDetails(order.id);
    const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }), { msisdn: ASTRID });
    const token: string = scanned.sessionToken;
    await openOrderSession(token);
    const { invoiceReference } = await requestPayment(order.id);
    await shop.sandbox.decline(invoiceReference, { msisdn: ASTRID, sessionToken: token });
    return { order, token, cartId: cart.id };
  }

  async function withCartCookie<T>(cartId: string | null, run: () => Promise<T>): Promise<T> {
    const cookies = await nextHeadersMock.cookies();
    if (cartId) cookies.set("cart", cartId);
    try {
      return await run();
    } finally {
      cookies.delete("cart");
    }
  }

  test("the browser whose cart placed the order is led to its checkout page; any other browser to the app's way back", async () => {
    const { order, token, cartId } = await declinedCartOrder();
    const failure = await withCartCookie(cartId, () => outcomePage("failure", token));
    expect(failure.words).toMatchObject({ stage: "failed", heading: "The payment did not go through", next: "back-to-order" });
    expect(failure.words.message).toContain(formatOrderNumber(order.number));
    expect(failure.checkoutLink).toBe(`/checkout/${order.clientInvoiceId}`);

    for (const otherCart of [newCartId(), null]) {
      const elsewhere = await withCartCookie(otherCart, () => outcomePage("failure", token));
      expect(elsewhere.checkoutLink).toBeNull();
      expect(elsewhere.tryAgainLink).toContain(encodeURIComponent(serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId })));
    }
  });
});

describe("the receipt after refunds", () => {
  /** Two jars of jam and a Dala horse (487,00 kr), paid in the app: its token, its payment, its jam line. */
  async function paidTwoItemOrder() {
    const [jam, horse] = await Promise.all(
      ["LINGON-JAM-400", "DALA-HORSE-RED"].map((sku) => db.product.findUniqueOrThrow({ where: { sku } })),
    );
    const order = await createOrder({
      lines: [
        { productId: jam?.id ?? "", quantity: 2 },
        { productId: horse?.id ?? "", quantity: 1 },
      ],
      source: "CART",
      trigger: "checkout",
    });
    await giveDeliveryDetails(order.id);
    const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }), { msisdn: BERTIL });
    const token: string = scanned.sessionToken;
    await openOrderSession(token);
    const { invoiceReference } = await requestPayment(order.id);
    await shop.sandbox.pay(invoiceReference, { msisdn: BERTIL, sessionToken: token });
    const row = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { items: true, attempts: { where: { seqrStatus: "PAID" } } } });
    expect(row.status).toBe("PAID");
    expect(row.totalMinor).toBe(48_700);
    const attempt = row.attempts[0];
    const jamItem = row.items.find((item) => item.sku === "LINGON-JAM-400");
    if (!attempt || !jamItem) throw new Error("the order was not paid");
    return { order: row, token, invoiceReference, attempt, jamItem };
  }

  const kr = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });

  test("lists each refund with its date, amount and items; paid, refunded, being refunded and the net; only confirmed refunds count as given back", async () => {
    const { order, token, invoiceReference, attempt, jamItem } = await paidTwoItemOrder();
    // Before any refund: a receipt with no refunds section.
    const before = await openSuccess(token, invoiceReference);
    expect(before?.ok && before.data.order).toMatchObject({ number: formatOrderNumber(order.number), refunds: [], refundSums: null });

    // One jar back, confirmed by SEQR, refunded by line (as the merchant's refund by line records it).
    const confirmed = await refundPayment(
      { orderId: order.id, paymentAttemptId: attempt.id, amount: typed(6_900), requestKey: randomUUID() },
      ADMIN,
    );
    expect(confirmed.status).toBe("SUCCEEDED");
    const refundRow = await db.refund.findFirstOrThrow({ where: { orderId: order.id, status: "SUCCEEDED" } });
    await db.refundLine.create({ data: { refundId: refundRow.id, orderItemId: jamItem.id, quantity: 1, amountMinor: 6_900, restock: false } });
    // One asked for and not yet answered, one SEQR refused (nothing moved: not listed).
    await db.refund.create({
      data: { orderId: order.id, paymentAttemptId: attempt.id, requestKey: randomUUID(), amountMinor: 2_000, currency: "SEK", status: "PENDING" },
    });
    await db.refund.create({
      data: { orderId: order.id, paymentAttemptId: attempt.id, requestKey: randomUUID(), amountMinor: 1_000, currency: "SEK", status: "FAILED" },
    });

    const checkoutView = await loadOrderView({ id: order.id });
    if (!checkoutView) throw new Error("the order has no view");
    for (const shown of [(await outcomePage("success", token)).order, checkoutView]) {
      expect(shown.status).toBe("PARTIALLY_REFUNDED");
      expect(shown.refunds).toEqual([
        {
          state: "refunded",
          at: refundRow.completedAt?.toISOString(),
          atText: expect.stringMatching(/^\d{1,2} \w+ \d{4} at \d\d:\d\d$/),
          amount: kr(6_900),
          lines: [{ name: jamItem.name, quantity: 1, amount: kr(6_900) }],
        },
        { state: "being-refunded", at: expect.any(String), atText: expect.any(String), amount: kr(2_000), lines: [] },
      ]);
      expect(shown.refundSums).toEqual({ paid: kr(48_700), refunded: kr(6_900), beingRefunded: kr(2_000), net: kr(41_800) });
      // Still paid: the page shows the receipt, not a failure.
      expect(outcomeWords(shown, "success", SHOP_NAME).stage).toBe("paid");
    }
    // What the receipt counts as given back is what the order's books say.
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedMinor).toBe(6_900);
  });

  test("refunded in full: everything given back, nothing being refunded, net 0", async () => {
    const { order, token, attempt } = await paidTwoItemOrder();
    for (const amountMinor of [8_700, 40_000]) {
      const made = await refundPayment(
        { orderId: order.id, paymentAttemptId: attempt.id, amount: typed(amountMinor), requestKey: randomUUID() },
        ADMIN,
      );
      expect(made.status).toBe("SUCCEEDED");
    }
    const { order: shown } = await outcomePage("success", token);
    expect(shown.status).toBe("REFUNDED");
    expect(shown.refunds.map((refund) => [refund.state, refund.amount, refund.lines])).toEqual([
      ["refunded", kr(8_700), []],
      ["refunded", kr(40_000), []],
    ]);
    expect(shown.refundSums).toEqual({ paid: kr(48_700), refunded: kr(48_700), beingRefunded: null, net: kr(0) });
  });
});
