import "./support/shop-address";

import { randomUUID } from "node:crypto";

import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";

import { actorFields } from "@/lib/admin/actor";
import { CARRIERS, markPickedUp, markShipped, trackingUrlFor, type Carrier } from "@/lib/admin/fulfilment";
import { listOrders, parseOrderFilter } from "@/lib/admin/order-list";
import { merchantPasswordHash } from "@/lib/admin/password";
import { applySucceededRefund, refundPayment } from "@/lib/admin/refunds";
import { createAdminSession } from "@/lib/admin/sessions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { createOrder } from "@/lib/orders/create-order";
import { saveDeliveryDetails } from "@/lib/orders/delivery";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { serviceQrText } from "@/lib/seqr/links";

import PackingSlipPage from "@/app/(admin)/admin/(console)/orders/[clientInvoiceId]/packing-slip/page";

import { ADMIN as OWNER } from "./support/admin-orders";
import { fakeRequest } from "./support/admin-request";
import { expectAppError, serveShopForThisFile } from "./support/shop-flow";
import { TEST_SKU, waitFor } from "./support/shop-orders";

// The merchant's fulfilment (lib/admin/fulfilment.ts) on orders paid through the shop's own flow against the
// sandbox, on a real database: an order is shipped once and its shipped e-mail queued once, only paid orders are
// sent or handed over, the to-ship list, the packing slip, and what refunds do to both (NOT_TO_SHIP before it was
// sent; a refund confirmation queued once per refund).

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);

const shop = serveShopForThisFile();
const ADMIN = { address: "203.0.113.9", actor: OWNER.actor } as const;

beforeAll(async () => {
  // The merchant's account is settled before any session is made (the guard does it at its first call).
  await merchantPasswordHash();
  await db.sandboxTerminal.updateMany({ data: { allowsRefunds: true } });
});

afterEach(async () => {
  await db.sandboxTerminal.updateMany({ data: { allowsRefunds: true } });
});

const ADDRESS = { street: "Storgatan 12", postcode: "114 55", city: "Stockholm", country: "SE" } as const;

type Placed = { orderId: string; clientInvoiceId: string; email: string };
type Paid = Placed & { paymentAttemptId: string; paidMinor: number; currency: string };

/** An order of two jars with delivery details given (as the checkout asks for them), invoiced by Pay. */
async function invoicedOrder(method: "SHIP" | "PICKUP"): Promise<Placed & { invoiceReference: string; sessionToken: string }> {
  const product = await db.product.findUniqueOrThrow({ where: { sku: TEST_SKU } });
  const order = await createOrder({ lines: [{ productId: product.id, quantity: 2 }], source: "CART", trigger: "checkout" });
  const email = `${order.clientInvoiceId.toLowerCase().replace(/[^a-z0-9]/g, "")}@example.se`;
  const details = method === "SHIP" ? { email, name: "Astrid Andersson", method, ...ADDRESS } : { email, name: "Bertil Berg", method };
  await saveDeliveryDetails(order.id, details, { storePickup: true });
  const scanned = await shop.server.api("POST", "/app/scan", { url: serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }) });
  expect(scanned.status).toBe(200);
  const sessionToken: string = scanned.body.sessionToken;
  await openOrderSession(sessionToken);
  const { invoiceReference } = await requestPayment(order.id);
  return { orderId: order.id, clientInvoiceId: order.clientInvoiceId, email, invoiceReference, sessionToken };
}

/** …and paid in the app: SEQR's notification makes it PAID. */
async function paidOrder(method: "SHIP" | "PICKUP" = "SHIP"): Promise<Paid> {
  const order = await invoicedOrder(method);
  const paid = await shop.server.api("POST", `/app/invoices/${order.invoiceReference}/pay`, { sessionToken: order.sessionToken });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  const attempt = await waitFor("the order to be PAID", async () => {
    const found = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: order.invoiceReference }, include: { order: true } });
    return found.order.status === "PAID" ? found : undefined;
  });
  return { ...order, paymentAttemptId: attempt.id, paidMinor: attempt.order.totalMinor, currency: attempt.order.currency };
}

function refund(order: Paid, amountMinor: number, requestKey: string = randomUUID()) {
  const amount = `${Math.floor(amountMinor / 100)},${String(amountMinor % 100).padStart(2, "0")}`;
  return refundPayment({ orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, amount, requestKey }, ADMIN);
}

async function fulfilmentOf(orderId: string) {
  return db.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { status: true, fulfilmentStatus: true, carrier: true, trackingNumber: true, trackingUrl: true, shippedAt: true, pickedUpAt: true },
  });
}

function messagesOf(orderId: string, kind: string) {
  return db.outboxMessage.findMany({ where: { orderId, kind }, orderBy: { createdAt: "asc" } });
}

function adminActionsOf(orderId: string) {
  return db.paymentEvent.findMany({ where: { orderId, type: "ADMIN_ACTION" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

describe("Mark shipped", () => {
  test("ships once: carrier, tracking number and link recorded, the shipped e-mail queued; a second press changes nothing", async () => {
    const order = await paidOrder();

    const first = await markShipped(order.orderId, { carrier: "PostNord", trackingNumber: "00370 71234 56789" }, ADMIN);

    expect(first.changed).toBe(true);
    expect(first.message).toContain(order.email);
    const shipped = await fulfilmentOf(order.orderId);
    expect(shipped).toMatchObject({
      status: "PAID",
      fulfilmentStatus: "SHIPPED",
      carrier: "PostNord",
      trackingNumber: "003707123456789",
      trackingUrl: "https://www.postnord.se/vara-verktyg/spara-brev-paket-och-pall?shipmentId=003707123456789",
    });
    expect(shipped.shippedAt).toBeInstanceOf(Date);
    const messages = await messagesOf(order.orderId, "SHIPPED");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      channel: "EMAIL",
      recipient: order.email,
      status: "PENDING",
      dedupeKey: `SHIPPED:${order.orderId}`,
    });
    const events = await adminActionsOf(order.orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: "admin",
      sourceAddress: ADMIN.address,
      detail: { action: "mark-shipped", carrier: "PostNord", trackingNumber: "003707123456789", trackingUrl: shipped.trackingUrl },
    });

    const second = await markShipped(order.orderId, { carrier: "DHL", trackingNumber: "JJD0099" }, ADMIN);

    expect(second.changed).toBe(false);
    expect(second.message).toMatch(/^This order was already shipped \(PostNord, tracking number 003707123456789 on .+\)\. Nothing changed\.$/);
    expect(await fulfilmentOf(order.orderId)).toEqual(shipped);
    expect(await messagesOf(order.orderId, "SHIPPED")).toHaveLength(1);
    expect(await adminActionsOf(order.orderId)).toHaveLength(1);
  });

  test("two presses at once ship it once, with one shipped e-mail", async () => {
    const order = await paidOrder();

    const outcomes = await Promise.all([
      markShipped(order.orderId, { carrier: "Bring", trackingNumber: "370000001" }, ADMIN),
      markShipped(order.orderId, { carrier: "Budbee", trackingNumber: "BUD0002" }, ADMIN),
    ]);

    expect(outcomes.map((outcome) => outcome.changed).sort()).toEqual([false, true]);
    const winner = outcomes.findIndex((outcome) => outcome.changed) === 0 ? "Bring" : "Budbee";
    expect((await fulfilmentOf(order.orderId)).carrier).toBe(winner);
    expect(await messagesOf(order.orderId, "SHIPPED")).toHaveLength(1);
    expect(await adminActionsOf(order.orderId)).toHaveLength(1);
  });

  test("only a paid order is shipped: an unpaid one is refused and nothing is written", async () => {
    const order = await invoicedOrder("SHIP");
    const before = await fulfilmentOf(order.orderId);

    const error = await expectAppError(markShipped(order.orderId, { carrier: "DHL", trackingNumber: "JJD01" }, ADMIN), "NOT_FULFILLABLE", 409);

    expect(error.message).toBe("Only a paid order can be shipped; this one is waiting for payment.");
    expect(await fulfilmentOf(order.orderId)).toEqual(before);
    expect(await db.outboxMessage.count({ where: { orderId: order.orderId } })).toBe(0);
    expect(await adminActionsOf(order.orderId)).toHaveLength(0);
  });

  test("an order to collect at the shop is not shipped, nor an order to send marked picked up", async () => {
    const collect = await paidOrder("PICKUP");
    const send = await paidOrder("SHIP");

    const notShipped = await expectAppError(markShipped(collect.orderId, { carrier: "DHL", trackingNumber: "JJD02" }, ADMIN), "NOT_FULFILLABLE", 409);
    expect(notShipped.message).toMatch(/chose to collect this order at the shop/);
    const notCollected = await expectAppError(markPickedUp(send.orderId, ADMIN), "NOT_FULFILLABLE", 409);
    expect(notCollected.message).toMatch(/sent to their address/);

    expect((await fulfilmentOf(collect.orderId)).fulfilmentStatus).toBe("UNFULFILLED");
    expect((await fulfilmentOf(send.orderId)).fulfilmentStatus).toBe("UNFULFILLED");
    expect(await messagesOf(collect.orderId, "SHIPPED")).toHaveLength(0);
  });

  test("an unknown order is refused", async () => {
    await expectAppError(markShipped("no-such-order", { carrier: "DHL", trackingNumber: "JJD03" }, ADMIN), "ORDER_NOT_FOUND", 404);
  });
});

describe("tracking links", () => {
  const expected: Record<Exclude<Carrier, "Other">, string> = {
    PostNord: "https://www.postnord.se/vara-verktyg/spara-brev-paket-och-pall?shipmentId=AB-123",
    DHL: "https://www.dhl.com/se-en/home/tracking.html?tracking-id=AB-123",
    Bring: "https://tracking.bring.se/tracking/AB-123",
    "DB Schenker": "https://www.dbschenker.com/app/tracking-public/?refNumber=AB-123",
    Budbee: "https://tracking.budbee.com/AB-123",
    Instabox: "https://track.instabox.io/AB-123",
  };

  test("each listed carrier's public tracking page", () => {
    expect([...CARRIERS]).toEqual(["PostNord", "DHL", "Bring", "DB Schenker", "Budbee", "Instabox", "Other"]);
    for (const [carrier, url] of Object.entries(expected)) {
      expect(trackingUrlFor(carrier as Carrier, "AB-123")).toBe(url);
    }
    expect(trackingUrlFor("Other", "AB-123")).toBeNull();
    expect(trackingUrlFor("Other", "AB-123", "https://kurir.example.se/spara/AB-123")).toBe("https://kurir.example.se/spara/AB-123");
  });

  test("each carrier, through Mark shipped: the link the order keeps (and the shipped e-mail reads)", async () => {
    for (const [carrier, url] of Object.entries(expected)) {
      const order = await paidOrder();
      await markShipped(order.orderId, { carrier: carrier as Carrier, trackingNumber: "AB-123" }, ADMIN);
      expect(await fulfilmentOf(order.orderId)).toMatchObject({ carrier, trackingNumber: "AB-123", trackingUrl: url });
    }
  });

  test("Other: the merchant's own https:// link, or none", async () => {
    const linked = await paidOrder();
    await markShipped(linked.orderId, { carrier: "Other", trackingNumber: "K-77", trackingUrl: " https://kurir.example.se/spara?id=K-77 " }, ADMIN);
    expect(await fulfilmentOf(linked.orderId)).toMatchObject({ carrier: "Other", trackingUrl: "https://kurir.example.se/spara?id=K-77" });

    const unlinked = await paidOrder();
    await markShipped(unlinked.orderId, { carrier: "Other", trackingNumber: "K-78", trackingUrl: "" }, ADMIN);
    expect(await fulfilmentOf(unlinked.orderId)).toMatchObject({ carrier: "Other", trackingUrl: null, fulfilmentStatus: "SHIPPED" });
    expect(await messagesOf(unlinked.orderId, "SHIPPED")).toHaveLength(1);
  });

  test("what the form cannot send: a link that is not https, a link for a listed carrier, an unknown carrier, a bad number", async () => {
    const order = await paidOrder();
    const refused = async (input: Parameters<typeof markShipped>[1], message: RegExp) => {
      const error = await expectAppError(markShipped(order.orderId, input, ADMIN), "INVALID_SHIPMENT", 422);
      expect(error.message).toMatch(message);
    };

    await refused({ carrier: "Other", trackingNumber: "K-1", trackingUrl: "http://kurir.example.se/K-1" }, /^Tracking link: must be an https:\/\/ link/);
    await refused({ carrier: "Other", trackingNumber: "K-1", trackingUrl: "javascript:alert(1)" }, /^Tracking link: must be an https:\/\/ link/);
    await refused({ carrier: "DHL", trackingNumber: "K-1", trackingUrl: "https://evil.example/K-1" }, /^Tracking link: leave it empty for DHL/);
    await refused({ carrier: "Pigeon" as Carrier, trackingNumber: "K-1" }, /^Carrier: choose a carrier from the list\.$/);
    await refused({ carrier: "DHL", trackingNumber: "   " }, /^Tracking number: enter the tracking number\.$/);
    await refused({ carrier: "DHL", trackingNumber: "<script>" }, /^Tracking number: may hold only letters, digits and hyphens\.$/);
    await refused({ carrier: "DHL", trackingNumber: "1".repeat(65) }, /^Tracking number: must be at most 64 characters\.$/);

    expect((await fulfilmentOf(order.orderId)).fulfilmentStatus).toBe("UNFULFILLED");
    expect(await adminActionsOf(order.orderId)).toHaveLength(0);
  });
});

describe("Picked up", () => {
  test("an order collected at the shop: once, recorded, no e-mail", async () => {
    const order = await paidOrder("PICKUP");

    const first = await markPickedUp(order.orderId, ADMIN);
    const second = await markPickedUp(order.orderId, ADMIN);

    expect(first).toEqual({ changed: true, message: "Marked as collected at the shop." });
    expect(second.changed).toBe(false);
    expect(second.message).toMatch(/^This order was already collected at the shop on .+\. Nothing changed\.$/);
    const state = await fulfilmentOf(order.orderId);
    expect(state.fulfilmentStatus).toBe("PICKED_UP");
    expect(state.pickedUpAt).toBeInstanceOf(Date);
    expect(await adminActionsOf(order.orderId)).toMatchObject([{ sourceAddress: ADMIN.address, detail: { action: "mark-picked-up" } }]);
    expect(await messagesOf(order.orderId, "SHIPPED")).toHaveLength(0);
    await expectAppError(markShipped(order.orderId, { carrier: "DHL", trackingNumber: "JJD04" }, ADMIN), "NOT_FULFILLABLE", 409);
  });
});

describe("the orders list", () => {
  test("To ship: paid, not yet sent, to an address; each row says its fulfilment", async () => {
    const toShip = await paidOrder("SHIP");
    const partlyRefunded = await paidOrder("SHIP");
    await refund(partlyRefunded, 100);
    const collect = await paidOrder("PICKUP");
    const shipped = await paidOrder("SHIP");
    await markShipped(shipped.orderId, { carrier: "DHL", trackingNumber: "JJD05" }, ADMIN);
    const unpaid = await invoicedOrder("SHIP");
    const refunded = await paidOrder("SHIP");
    await refund(refunded, refunded.paidMinor);

    const filter = parseOrderFilter({ fulfilment: "to-ship" });
    expect(filter.success).toBe(true);
    const { rows, count } = await listOrders(filter.success ? filter.data : { page: 1 });
    const listed = rows.map((row) => row.clientInvoiceId);

    expect(listed).toEqual(expect.arrayContaining([toShip.clientInvoiceId, partlyRefunded.clientInvoiceId]));
    for (const left of [collect, shipped, unpaid, refunded]) expect(listed).not.toContain(left.clientInvoiceId);
    expect(rows.every((row) => row.fulfilmentStatus === "UNFULFILLED" && row.deliveryMethod === "SHIP")).toBe(true);
    expect(rows.every((row) => row.status === "PAID" || row.status === "PARTIALLY_REFUNDED")).toBe(true);
    expect(count).toBe(
      await db.order.count({ where: { status: { in: ["PAID", "PARTIALLY_REFUNDED"] }, fulfilmentStatus: "UNFULFILLED", deliveryMethod: "SHIP" } }),
    );

    const all = await listOrders({ page: 1 });
    const rowOf = (order: Placed) => all.rows.find((row) => row.clientInvoiceId === order.clientInvoiceId);
    expect(rowOf(shipped)?.fulfilmentStatus).toBe("SHIPPED");
    expect(rowOf(refunded)?.fulfilmentStatus).toBe("NOT_TO_SHIP");
    expect(rowOf(collect)?.deliveryMethod).toBe("PICKUP");

    const toCollect = await listOrders({ page: 1, fulfilment: "to-collect" });
    expect(toCollect.rows.map((row) => row.clientInvoiceId)).toContain(collect.clientInvoiceId);
    expect(parseOrderFilter({ fulfilment: "everything" }).success).toBe(false);
  });
});

describe("the packing slip", () => {
  async function renderSlip(clientInvoiceId: string, prices: boolean): Promise<string> {
    const settings = env.fulfilment as { packingSlipPrices: boolean };
    const saved = settings.packingSlipPrices;
    settings.packingSlipPrices = prices;
    try {
      fakeRequest({ host: new URL(env.publicBaseUrl).host, session: await createAdminSession({ address: ADMIN.address, userAgent: "fulfilment test" }) });
      const page = await PackingSlipPage({ params: Promise.resolve({ clientInvoiceId }) });
      return renderToStaticMarkup(page);
    } finally {
      settings.packingSlipPrices = saved;
    }
  }

  test("items, quantities, the delivery address and the sender; prices only when the merchant wants them", async () => {
    const order = await paidOrder("SHIP");
    const item = await db.orderItem.findFirstOrThrow({ where: { orderId: order.orderId } });
    const unitPrice = formatMoney({ amountMinor: item.unitPriceMinor, currency: order.currency });
    const total = formatMoney({ amountMinor: order.paidMinor, currency: order.currency });

    const withPrices = await renderSlip(order.clientInvoiceId, true);
    const withoutPrices = await renderSlip(order.clientInvoiceId, false);

    for (const html of [withPrices, withoutPrices]) {
      expect(html).toContain(order.clientInvoiceId);
      expect(html).toContain(item.name);
      expect(html).toContain(item.sku);
      expect(html).toMatch(/<td class="num">2<\/td>/);
      for (const line of ["Astrid Andersson", "Storgatan 12", "114 55 Stockholm", "Sweden"]) expect(html).toContain(`<span>${line}</span>`);
      expect(html).toContain(env.mail.shopAddress);
      expect(html).toContain("Print");
      expect(html).not.toContain("packing-slip-warning");
    }
    expect(withPrices).toContain(unitPrice);
    expect(withPrices).toContain(total);
    expect(withPrices).toContain("Unit price");
    expect(withoutPrices).not.toContain(unitPrice);
    expect(withoutPrices).not.toContain(total);
    expect(withoutPrices).not.toContain("Unit price");
    expect(withoutPrices).not.toContain("VAT");
  });

  test("an order to collect says so; an order not to be sent carries a warning", async () => {
    const collect = await paidOrder("PICKUP");
    expect(await renderSlip(collect.clientInvoiceId, true)).toContain("Bertil Berg collects this order at the shop.");

    const refunded = await paidOrder("SHIP");
    await refund(refunded, refunded.paidMinor);
    const html = await renderSlip(refunded.clientInvoiceId, true);
    expect(html).toContain("packing-slip-warning");
    expect(html).toContain("refunded in full before it was sent");
  });
});

describe("refunds and fulfilment", () => {
  test("a refund of the whole order before it was sent marks it not to be sent, and it can no longer be shipped", async () => {
    const order = await paidOrder();
    await refund(order, 500);
    expect(await fulfilmentOf(order.orderId)).toMatchObject({ status: "PARTIALLY_REFUNDED", fulfilmentStatus: "UNFULFILLED" });

    await refund(order, order.paidMinor - 500);

    expect(await fulfilmentOf(order.orderId)).toMatchObject({ status: "REFUNDED", fulfilmentStatus: "NOT_TO_SHIP" });
    const last = await db.paymentEvent.findFirstOrThrow({ where: { orderId: order.orderId, type: "REFUND" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(last).toMatchObject({ toStatus: "REFUNDED", detail: expect.objectContaining({ fulfilment: "NOT_TO_SHIP" }) });
    const error = await expectAppError(markShipped(order.orderId, { carrier: "DHL", trackingNumber: "JJD06" }, ADMIN), "NOT_FULFILLABLE", 409);
    expect(error.message).toBe("This order was refunded in full before it was sent: there is nothing to send or hand over.");
    expect(await messagesOf(order.orderId, "SHIPPED")).toHaveLength(0);
  });

  test("a partly refunded order is still shipped", async () => {
    const order = await paidOrder();
    await refund(order, 500);
    expect((await markShipped(order.orderId, { carrier: "Instabox", trackingNumber: "ZA0100" }, ADMIN)).changed).toBe(true);
    expect(await fulfilmentOf(order.orderId)).toMatchObject({ status: "PARTIALLY_REFUNDED", fulfilmentStatus: "SHIPPED" });
  });

  test("a refund of the whole order after it was sent leaves it shipped", async () => {
    const order = await paidOrder();
    await markShipped(order.orderId, { carrier: "DHL", trackingNumber: "JJD07" }, ADMIN);

    await refund(order, order.paidMinor);

    expect(await fulfilmentOf(order.orderId)).toMatchObject({ status: "REFUNDED", fulfilmentStatus: "SHIPPED", carrier: "DHL" });
  });

  test("a refund of the whole order after the customer collected it leaves it collected", async () => {
    const order = await paidOrder("PICKUP");
    await markPickedUp(order.orderId, ADMIN);
    await refund(order, order.paidMinor);
    expect(await fulfilmentOf(order.orderId)).toMatchObject({ status: "REFUNDED", fulfilmentStatus: "PICKED_UP" });
  });

  test("Mark shipped and a full refund applied at once: either it was sent (and stays SHIPPED) or it is not to be sent", async () => {
    for (let round = 0; round < 6; round += 1) {
      const order = await paidOrder();
      // SEQR has made the refund; its answer is applied while the merchant presses Mark shipped.
      const made = await db.refund.create({
        data: { orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, requestKey: randomUUID(), amountMinor: order.paidMinor, currency: order.currency, status: "PENDING" },
      });
      const [shipped, applied] = await Promise.allSettled([
        markShipped(order.orderId, { carrier: "PostNord", trackingNumber: `RACE${round}` }, ADMIN),
        applySucceededRefund({
          refundId: made.id,
          refundErsReference: `RACE-${made.id}`,
          from: ["PENDING"],
          completedAt: new Date(),
          recorded: { orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, type: "REFUND", source: "admin", sourceAddress: ADMIN.address, ...actorFields(ADMIN.actor) },
          detail: { refundId: made.id },
        }),
      ]);
      expect(applied).toEqual({ status: "fulfilled", value: true });
      const state = await fulfilmentOf(order.orderId);
      expect(state.status).toBe("REFUNDED");
      if (shipped.status === "fulfilled") {
        expect(state.fulfilmentStatus).toBe("SHIPPED");
        expect(await messagesOf(order.orderId, "SHIPPED")).toHaveLength(1);
      } else {
        expect(shipped.reason).toMatchObject({ code: "NOT_FULFILLABLE" });
        expect(state.fulfilmentStatus).toBe("NOT_TO_SHIP");
        expect(await messagesOf(order.orderId, "SHIPPED")).toHaveLength(0);
      }
    }
  });

  test("each refund SEQR confirms queues one refund confirmation to the customer; a repeat or a refusal queues none", async () => {
    const order = await paidOrder();
    const requestKey = randomUUID();

    await refund(order, 300, requestKey);
    await refund(order, 300, requestKey); // the same form again: not sent again
    await refund(order, 700);
    await db.sandboxTerminal.updateMany({ data: { allowsRefunds: false } });
    expect(await refund(order, 100)).toMatchObject({ status: "FAILED" });

    const refunds = await db.refund.findMany({ where: { orderId: order.orderId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(refunds.map((row) => row.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "FAILED"]);
    const confirmations = await messagesOf(order.orderId, "REFUND_CONFIRMATION");
    expect(confirmations.map((message) => message.dedupeKey).sort()).toEqual(
      refunds.filter((row) => row.status === "SUCCEEDED").map((row) => `REFUND_CONFIRMATION:${row.id}`).sort(),
    );
    for (const message of confirmations) {
      expect(message).toMatchObject({ channel: "EMAIL", recipient: order.email, status: "PENDING" });
      expect(refunds.map((row) => row.id)).toContain((message.payload as { refundId: string }).refundId);
    }
  });

  test("a refund applied twice (SEQR's answer and a settlement from the report) is confirmed once", async () => {
    const order = await paidOrder();
    await refund(order, 400);
    const made = await db.refund.findFirstOrThrow({ where: { orderId: order.orderId } });
    expect(await messagesOf(order.orderId, "REFUND_CONFIRMATION")).toHaveLength(1);

    const again = await applySucceededRefund({
      refundId: made.id,
      refundErsReference: made.ersReference ?? "",
      from: ["UNKNOWN", "PENDING"],
      completedAt: new Date(),
      settledAt: new Date(),
      recorded: { orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, type: "REFUND", source: "admin", sourceAddress: ADMIN.address, ...actorFields(ADMIN.actor) },
      detail: { refundId: made.id },
    });

    expect(again).toBe(false);
    expect(await messagesOf(order.orderId, "REFUND_CONFIRMATION")).toHaveLength(1);
  });

  test("a refund settled from SEQR's report (left UNKNOWN at first) queues its confirmation when it is settled", async () => {
    const order = await paidOrder();
    const row = await db.refund.create({
      data: { orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, requestKey: randomUUID(), amountMinor: 250, currency: order.currency, status: "UNKNOWN" },
    });
    expect(await messagesOf(order.orderId, "REFUND_CONFIRMATION")).toHaveLength(0);

    const applied = await applySucceededRefund({
      refundId: row.id,
      refundErsReference: `R${Date.now()}`,
      from: ["UNKNOWN", "PENDING"],
      completedAt: new Date(),
      settledAt: new Date(),
      recorded: { orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, type: "REFUND", source: "admin", sourceAddress: ADMIN.address, ...actorFields(ADMIN.actor) },
      detail: { refundId: row.id, settled: "done" },
    });

    expect(applied).toBe(true);
    expect(await messagesOf(order.orderId, "REFUND_CONFIRMATION")).toMatchObject([{ dedupeKey: `REFUND_CONFIRMATION:${row.id}`, recipient: order.email }]);
  });
});
