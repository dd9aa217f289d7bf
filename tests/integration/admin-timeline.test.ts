import "./support/shop-address";

import { randomUUID } from "node:crypto";

import { beforeEach, describe, expect, test } from "vitest";

import { markShipped } from "@/lib/admin/fulfilment";
import { cancelOrderInvoice, endOrder, refreshOrder } from "@/lib/admin/order-actions";
import { loadAdminOrder } from "@/lib/admin/order-detail";
import { refundPayment } from "@/lib/admin/refunds";
import { db } from "@/lib/db";

import { ADMIN, paidOrder } from "./support/admin-orders";
import { serveShopForThisFile } from "./support/shop-flow";
import { invoicedOrder, parkLiveInvoices } from "./support/shop-orders";

// The admin order page's timeline (lib/admin/timeline.ts), from orders taken through the shop's own flow against
// the sandbox on a real database: the steps that matter, in order, each with who and when, in words; everything
// else (SEQR's answers, status queries, notifications, addresses) only in the technical log behind "Show details".

const shop = serveShopForThisFile();

beforeEach(async () => {
  await parkLiveInvoices();
});

const ANNA = { address: "198.51.100.4", actor: { accountId: "anna-account", name: "Anna Berg", email: "anna@example.se", role: "OWNER" } } as const;

/** kr as the admin writes money: 149,00 kr (a no-break space before "kr"). */
function kr(amountMinor: number): string {
  return `${Math.floor(amountMinor / 100)},${String(amountMinor % 100).padStart(2, "0")}\u00a0kr`;
}

async function timelineOf(clientInvoiceId: string) {
  const loaded = await loadAdminOrder(clientInvoiceId);
  if (!loaded) throw new Error(`no order ${clientInvoiceId}`);
  return loaded.timeline;
}

/** No enum value, SEQR constant or operation name: words only (NEEDS_ATTENTION, getPaymentStatus, SYSTEM_BUSY…). */
const INTERNAL_NAME = /\b[A-Z]{2,}_[A-Z_]+\b|\b[a-z]+[A-Z][a-zA-Z]*\(|\b(get|send|mark|execute|refund)[A-Z][a-zA-Z]+\b/;

describe("the steps that matter", () => {
  test("a paid order, refunded twice by two people and shipped in between: each step in words, with who and when", async () => {
    const order = await paidOrder(shop.server);
    await refundPayment(
      { orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, amount: "5,00", requestKey: randomUUID(), reason: "Arrived with a stain" },
      ADMIN,
    );
    await markShipped(order.orderId, { carrier: "PostNord", trackingNumber: "00370712345" }, ADMIN);
    await refundPayment({ orderId: order.orderId, paymentAttemptId: order.paymentAttemptId, amount: "1,50", requestKey: randomUUID() }, ANNA);
    // A look at SEQR changes nothing: it is not a step.
    await refreshOrder(order.orderId, ADMIN);

    const { steps, log } = await timelineOf(order.clientInvoiceId);

    expect(steps.map(({ kind, title, who, note }) => ({ kind, title, who, note }))).toEqual([
      { kind: "placed", title: `Placed: ${kr(order.paidMinor)}`, who: "the customer", note: "In the web shop" },
      { kind: "details", title: "Delivery details given", who: "the customer", note: "To be sent to Ystad" },
      {
        kind: "invoiced",
        title: `Invoiced: ${kr(order.paidMinor)}`,
        who: "the customer",
        note: "The customer pressed Pay: the invoice is in their SEQR app",
      },
      { kind: "paid", title: `Paid: ${kr(order.paidMinor)}`, who: "the customer", note: "In the SEQR app, confirmed with SEQR" },
      { kind: "refund", title: `Refunded: ${kr(500)}`, who: "Owner", note: "Reason: Arrived with a stain" },
      { kind: "shipped", title: "Shipped with PostNord", who: "Owner", note: "Tracking number 00370712345" },
      { kind: "refund", title: `Refunded: ${kr(150)}`, who: "Anna Berg", note: null },
    ]);
    // When: every step but the delivery details (the shop keeps no time for them), oldest first.
    const times = steps.filter((step) => step.kind !== "details").map((step) => step.at?.getTime());
    expect(times.every((time) => typeof time === "number")).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(steps.find((step) => step.kind === "details")?.at).toBeNull();

    for (const step of steps) {
      expect(`${step.title} ${step.note ?? ""} ${step.who}`, step.kind).not.toMatch(INTERNAL_NAME);
    }

    // The technical detail: every event, in words, with SEQR's answers and the addresses.
    const events = await db.paymentEvent.count({ where: { orderId: order.orderId } });
    expect(log).toHaveLength(events);
    const notification = log.find((entry) => entry.type === "NOTIFICATION_RECEIVED");
    expect(notification).toMatchObject({ what: "SEQR said something changed (notification)", who: "SEQR (notification)" });
    expect(log.find((entry) => entry.type === "STATUS_QUERIED")).toMatchObject({
      what: "Asked SEQR where the payment stands",
      seqr: "SEQR answered: done",
    });
    expect(log.find((entry) => entry.type === "STATUS_CHANGED" && entry.change?.endsWith("→ Paid"))).toMatchObject({
      change: "Waiting for payment → Paid",
    });
    expect(log.filter((entry) => entry.type === "ADMIN_ACTION").map((entry) => [entry.what, entry.who, entry.address])).toEqual([
      ["Admin action: Mark shipped", "Owner", ADMIN.address],
      ["Admin action: Refresh from SEQR", "Owner", ADMIN.address],
    ]);
    expect(log.filter((entry) => entry.type === "REFUND").map((entry) => entry.who)).toEqual(["Owner", "Anna Berg"]);
  });

  test("Cancel order on an unpaid order: the last step names the person who canceled it", async () => {
    const order = await invoicedOrder(shop.server);

    await endOrder(order.orderId, ANNA);

    const { steps } = await timelineOf(order.clientInvoiceId);
    expect(steps.map(({ kind, title, who }) => [kind, title, who])).toEqual([
      ["placed", expect.stringMatching(/^Placed: /), "the customer"],
      ["details", "Delivery details given", "the customer"],
      ["invoiced", expect.stringMatching(/^Invoiced: /), "the customer"],
      ["canceled", "Canceled by the shop", "Anna Berg"],
    ]);
  });

  test("Cancel invoice: one step naming the person, not a second one blaming the customer's app", async () => {
    const order = await invoicedOrder(shop.server);

    await cancelOrderInvoice(order.orderId, ANNA);

    const { steps, log } = await timelineOf(order.clientInvoiceId);
    expect(steps.slice(3).map(({ kind, title, who, note }) => ({ kind, title, who, note }))).toEqual([
      { kind: "invoice-canceled", title: "Invoice canceled", who: "Anna Berg", note: "The customer can no longer pay that invoice" },
    ]);
    expect(log.find((entry) => entry.type === "STATUS_CHANGED" && entry.change === "Waiting for payment → Payment canceled")).toBeTruthy();
  });
});
