import { randomUUID } from "node:crypto";

import { beforeAll, describe, expect, test } from "vitest";

import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { createOrder } from "@/lib/orders/create-order";
import { formatDuration, formatShopClock, loadPaymentWindow, warnBeforeMs } from "@/lib/orders/payment-window";

// The time to pay, as the checkout and the order page say it (lib/orders/payment-window.ts): from the shop's invoice
// timeout and the live invoice's issuedAt, on the shop's clock (Europe/Stockholm here).

beforeAll(async () => {
  await seedCatalog(db);
});

const TEN_MINUTES = 10 * 60_000;

async function placedOrder() {
  const product = await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } });
  return createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
}

async function invoice(orderId: string, data: { issuedAt: Date; state?: "SENT" | "REFUSED"; seqrStatus?: "ISSUED" | "CANCELED" | null }) {
  await db.paymentAttempt.create({
    data: {
      orderId,
      state: data.state ?? "SENT",
      seqrStatus: data.seqrStatus === undefined ? "ISSUED" : data.seqrStatus,
      invoiceReference: data.state === "REFUSED" ? null : `window-test-${randomUUID()}`,
      amountMinor: 6900,
      currency: "SEK",
      issuedAt: data.issuedAt,
    },
  });
}

describe("the time to pay", () => {
  test("before Pay: how long an invoice will stay open, and no deadline", async () => {
    const order = await placedOrder();
    const window = await loadPaymentWindow({ id: order.id }, { invoiceTimeoutMs: TEN_MINUTES });
    expect(window).toEqual({ windowText: "10 minutes", deadline: null, warnBeforeMs: 120_000, warnBeforeText: "2 minutes" });
  });

  test("with an invoice out: what is left and the end on the shop's clock, from the live invoice's issuedAt", async () => {
    const order = await placedOrder();
    // 14:22:30 in Stockholm (UTC+1 in winter): the invoice ends at 14:32:30.
    const issuedAt = new Date("2026-12-01T13:22:30.000Z");
    await invoice(order.id, { issuedAt: new Date("2026-12-01T13:10:00.000Z"), seqrStatus: "CANCELED" }); // an older one, replaced
    await invoice(order.id, { issuedAt });

    const window = await loadPaymentWindow(
      { clientInvoiceId: order.clientInvoiceId },
      { invoiceTimeoutMs: TEN_MINUTES, now: new Date(issuedAt.getTime() + 61_000) },
    );

    expect(window.deadline).toEqual({ at: "2026-12-01T13:32:30.000Z", remainingText: "9 minutes", byText: "14:32" });
  });

  test("an invoice that is no longer live (canceled, refused) gives no deadline", async () => {
    const order = await placedOrder();
    await invoice(order.id, { issuedAt: new Date(), seqrStatus: "CANCELED" });
    await invoice(order.id, { issuedAt: new Date(), state: "REFUSED", seqrStatus: null });
    expect((await loadPaymentWindow({ id: order.id })).deadline).toBeNull();
  });
});

describe("the words", () => {
  test.each([
    [45_000, "45 seconds"],
    [1_000, "1 second"],
    [400, "1 second"],
    [60_000, "1 minute"],
    [90_000, "2 minutes"],
    [TEN_MINUTES, "10 minutes"],
    [2 * 3_600_000, "2 hours"],
    [7 * 24 * 3_600_000, "7 days"],
  ])("%i ms is %s", (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });

  test("the warning comes 2 minutes before the end, or a third of a shorter window", () => {
    expect(warnBeforeMs(TEN_MINUTES)).toBe(120_000);
    expect(warnBeforeMs(45_000)).toBe(15_000);
  });

  test("an end on another day names the day", () => {
    const now = new Date("2026-12-01T22:50:00.000Z"); // 23:50 in Stockholm
    expect(formatShopClock(new Date("2026-12-01T22:55:00.000Z"), now, "Europe/Stockholm")).toBe("23:55");
    expect(formatShopClock(new Date("2026-12-01T23:05:00.000Z"), now, "Europe/Stockholm")).toBe("00:05 on 2 December");
  });
});
