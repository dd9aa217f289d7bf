import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, test } from "vitest";

import { needingAttention, statusCounts, takings } from "@/lib/admin/dashboard";
import { CSV_COLUMNS, listOrders, ordersCsv, PAGE_SIZE, parseOrderFilter, type OrderFilter } from "@/lib/admin/order-list";
import { orderSearch } from "@/lib/admin/order-search";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { neverInvoicedOrder } from "@/lib/orders/never-invoiced";
import type { AttemptState, OrderStatus, SeqrInvoiceStatus } from "@/lib/generated/prisma/enums";
import { nextOrderNumber } from "@/lib/orders/order-number";
import { priceLines, type PricedLineInput } from "@/lib/orders/pricing";

// The admin's list, CSV and dashboard queries on a real (migrated) database. Orders are written directly, each
// group of tests in a period of its own (years apart), so that the groups never see each other's orders.
// Days are the shop's: Europe/Stockholm, UTC+1 in winter and UTC+2 in summer.

const at = (iso: string) => new Date(iso);

type AttemptSpec = {
  invoiceReference: string;
  seqrStatus: SeqrInvoiceStatus | null;
  state?: AttemptState;
  updatedAt?: Date;
  amountMinor?: number;
  ersReference?: string;
  createdAt?: Date;
  issuedAt?: Date;
  cancelReason?: string;
  finalizedAt?: Date;
};

type OrderSpec = {
  clientInvoiceId: string;
  status: OrderStatus;
  createdAt?: Date;
  updatedAt?: Date;
  totalMinor?: number;
  currency?: string;
  refundedMinor?: number;
  msisdn?: string;
  email?: string;
  deliveryName?: string;
  paidAt?: Date;
  attentionReason?: string;
  id?: string;
  attempts?: AttemptSpec[];
  /** The order's lines, priced as createOrder prices them (the total and VAT follow); one 25 % line otherwise. */
  items?: (PricedLineInput & { sku?: string })[];
};

function attemptId(order: { attempts: Record<string, string> }, invoiceReference: string): string {
  const id = order.attempts[invoiceReference];
  if (!id) throw new Error(`no attempt ${invoiceReference}`);
  return id;
}

/** Writes an order with its items and attempts; answers the order's id, number and its attempts' ids by reference. */
async function insertOrder(spec: OrderSpec): Promise<{ id: string; number: number; attempts: Record<string, string> }> {
  const currency = spec.currency ?? "SEK";
  const priced = spec.items ? priceLines(spec.items) : null;
  const totalMinor = priced?.totalMinor ?? spec.totalMinor ?? 34900;
  const items = priced
    ? priced.lines.map((line, index) => ({
        sku: line.sku ?? `SKU-${index + 1}`,
        name: `Item ${index + 1}`,
        unitPriceMinor: line.unitPriceMinor,
        quantity: line.quantity,
        taxRateBps: line.taxRateBps,
        lineTotalMinor: line.lineTotalMinor,
      }))
    : [{ sku: "MUG-FJORD-35", name: "Stoneware mug", unitPriceMinor: totalMinor, quantity: 1, taxRateBps: 2500, lineTotalMinor: totalMinor }];
  const order = await db.order.create({
    data: {
      number: await nextOrderNumber(db),
      ...(spec.id ? { id: spec.id } : {}),
      clientInvoiceId: spec.clientInvoiceId,
      status: spec.status,
      currency,
      totalMinor,
      taxMinor: priced?.taxMinor ?? Math.round(totalMinor / 5),
      refundedMinor: spec.refundedMinor ?? 0,
      customerMsisdn: spec.msisdn ?? null,
      customerEmail: spec.email ?? null,
      deliveryName: spec.deliveryName ?? null,
      attentionReason: spec.attentionReason ?? null,
      paidAt: spec.paidAt ?? null,
      ...(spec.createdAt ? { createdAt: spec.createdAt } : {}),
      ...(spec.updatedAt ? { updatedAt: spec.updatedAt } : {}),
      items: { create: items },
      attempts: {
        create: (spec.attempts ?? []).map((attempt) => ({
          invoiceReference: attempt.invoiceReference,
          seqrStatus: attempt.seqrStatus,
          amountMinor: attempt.amountMinor ?? totalMinor,
          currency,
          ersReference: attempt.ersReference ?? null,
          cancelReason: attempt.cancelReason ?? null,
          finalizedAt: attempt.finalizedAt ?? null,
          ...(attempt.createdAt ? { createdAt: attempt.createdAt } : {}),
          ...(attempt.issuedAt ? { issuedAt: attempt.issuedAt } : {}),
          ...(attempt.state ? { state: attempt.state } : {}),
          ...(attempt.updatedAt ? { updatedAt: attempt.updatedAt } : {}),
        })),
      },
    },
    include: { attempts: true },
  });
  return {
    id: order.id,
    number: order.number,
    attempts: Object.fromEntries(order.attempts.map((attempt) => [attempt.invoiceReference ?? attempt.id, attempt.id])),
  };
}

let refundKeys = 0;

async function insertRefund(
  order: { id: string; attempts: Record<string, string> },
  invoiceReference: string,
  refund: { amountMinor: number; currency?: string; status: string; completedAt?: Date; createdAt?: Date; settledAt?: Date },
) {
  refundKeys += 1;
  return db.refund.create({
    data: {
      orderId: order.id,
      paymentAttemptId: attemptId(order, invoiceReference),
      requestKey: `refund-key-${refundKeys}`,
      amountMinor: refund.amountMinor,
      currency: refund.currency ?? "SEK",
      status: refund.status,
      completedAt: refund.completedAt ?? null,
      settledAt: refund.settledAt ?? null,
      ...(refund.createdAt ? { createdAt: refund.createdAt } : {}),
    },
  });
}

function filter(params: Record<string, string | string[] | undefined>): OrderFilter {
  const parsed = parseOrderFilter(params);
  if (!parsed.success) throw new Error(`filter refused: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data;
}

const idsOf = async (params: Record<string, string | string[] | undefined>) => (await listOrders(filter(params))).rows.map((row) => row.clientInvoiceId);


beforeAll(() => {
  // Every date below is written for the shop's default zone.
  expect(env.timeZone).toBe("Europe/Stockholm");
});

describe("listOrders: order, pages and totals", () => {
  // 53 orders on Stockholm's 2031-01-10, a minute apart from 08:00 UTC: page-0 … page-52 (newest). The even ones
  // are PAID (half a minute after they were placed), the odd ones INVOICED. Every tenth (0, 10, … 50) is 25,00 EUR;
  // the others 138,00 SEK, and of those 1, 2, 3, 4 and 5 have 10,00 SEK refunded.
  const DAY = "2031-01-10";
  const name = (index: number) => `page-${String(index).padStart(2, "0")}`;

  beforeAll(async () => {
    for (let index = 0; index < 53; index++) {
      const eur = index % 10 === 0;
      const createdAt = new Date(Date.parse("2031-01-10T08:00:00.000Z") + index * 60_000);
      await insertOrder({
        clientInvoiceId: name(index),
        status: index % 2 === 0 ? "PAID" : "INVOICED",
        createdAt,
        ...(index % 2 === 0 ? { paidAt: new Date(createdAt.getTime() + 30_000) } : {}),
        currency: eur ? "EUR" : "SEK",
        totalMinor: eur ? 2500 : 13800,
        refundedMinor: index >= 1 && index <= 5 ? 1000 : 0,
      });
    }
  });

  test("pages hold PAGE_SIZE (25) rows, newest first", async () => {
    expect(PAGE_SIZE).toBe(25);
    const first = await listOrders(filter({ from: DAY, to: DAY }));
    expect(first.count).toBe(53);
    expect(first.pages).toBe(3);
    expect(first.rows.map((row) => row.clientInvoiceId)).toEqual(Array.from({ length: 25 }, (_, i) => name(52 - i)));

    const second = await listOrders(filter({ from: DAY, to: DAY, page: "2" }));
    expect(second.rows.map((row) => row.clientInvoiceId)).toEqual(Array.from({ length: 25 }, (_, i) => name(27 - i)));

    const last = await listOrders(filter({ from: DAY, to: DAY, page: "3" }));
    expect(last.rows.map((row) => row.clientInvoiceId)).toEqual(["page-02", "page-01", "page-00"]);
    expect(last.count).toBe(53);
  });

  test("a page past the end is empty, with the count and totals still there", async () => {
    const beyond = await listOrders(filter({ from: DAY, to: DAY, page: "4" }));
    expect(beyond.rows).toEqual([]);
    expect(beyond.count).toBe(53);
    expect(beyond.pages).toBe(3);
    expect(beyond.totals).toHaveLength(2);
  });

  test("totals per currency are for the whole filter, not the page: the money taken is what the paid orders paid, less their refunds", async () => {
    const { totals } = await listOrders(filter({ from: DAY, to: DAY }));
    // SEK: 47 orders, of which the 21 even ones are paid (21 × 138 kr = 2 898 kr), and 2 and 4 have 10 kr refunded;
    // the 10 kr "refunded" on the unpaid 1, 3 and 5 is no money taken back.
    expect(totals).toEqual([
      { currency: "EUR", orders: 6, paidOrders: 6, paidMinor: 6 * 2500, refundedMinor: 0, takenMinor: 15000, awaitingRefundMinor: 0 },
      { currency: "SEK", orders: 47, paidOrders: 21, paidMinor: 21 * 13800, refundedMinor: 2000, takenMinor: 289800 - 2000, awaitingRefundMinor: 0 },
    ]);
    // With a status as well: the even ones are PAID (0 … 52: 27 orders, 6 of them EUR; SEK refunds on 2 and 4).
    const paid = await listOrders(filter({ from: DAY, to: DAY, status: "PAID" }));
    expect(paid.count).toBe(27);
    expect(paid.pages).toBe(2);
    expect(paid.totals).toEqual([
      { currency: "EUR", orders: 6, paidOrders: 6, paidMinor: 15000, refundedMinor: 0, takenMinor: 15000, awaitingRefundMinor: 0 },
      { currency: "SEK", orders: 21, paidOrders: 21, paidMinor: 21 * 13800, refundedMinor: 2000, takenMinor: 287800, awaitingRefundMinor: 0 },
    ]);
    const invoiced = await listOrders(filter({ from: DAY, to: DAY, status: "INVOICED" }));
    expect(invoiced.totals).toEqual([
      { currency: "SEK", orders: 26, paidOrders: 0, paidMinor: 0, refundedMinor: 0, takenMinor: 0, awaitingRefundMinor: 0 },
    ]);
  });

  test("a filter matching nothing: no rows, one page, no totals", async () => {
    expect(await listOrders(filter({ from: "2031-01-11", to: "2031-01-11" }))).toEqual({
      rows: [],
      count: 0,
      pages: 1,
      totals: [],
      hiddenNeverInvoiced: 0,
      searchIncomplete: false,
    });
  });

  test("rows carry the order's fields and its latest attempt's references", async () => {
    const [row] = (await listOrders(filter({ from: DAY, to: DAY }))).rows;
    expect(row).toEqual({
      id: expect.any(String),
      number: expect.any(Number),
      clientInvoiceId: "page-52",
      status: "PAID",
      createdAt: at("2031-01-10T08:52:00.000Z"),
      paidAt: at("2031-01-10T08:52:30.000Z"),
      totalMinor: 13800,
      refundedMinor: 0,
      currency: "SEK",
      customerMsisdn: null,
      customerEmail: null,
      attentionReason: null,
      invoiceReference: null,
      ersReference: null,
      fulfilmentStatus: "UNFULFILLED",
      deliveryMethod: null,
    });
  });

  test("orders created at the same instant come in a stable order (id, descending)", async () => {
    const same = at("2031-01-20T12:00:00.000Z");
    await insertOrder({ id: "tie-order-a", clientInvoiceId: "tie-a", status: "PAID", createdAt: same });
    await insertOrder({ id: "tie-order-c", clientInvoiceId: "tie-c", status: "PAID", createdAt: same });
    await insertOrder({ id: "tie-order-b", clientInvoiceId: "tie-b", status: "PAID", createdAt: same });
    expect(await idsOf({ from: "2031-01-20", to: "2031-01-20" })).toEqual(["tie-c", "tie-b", "tie-a"]);
  });
});

describe("listOrders: filter by status", () => {
  const DAY = "2031-02-10";

  beforeAll(async () => {
    const statuses: [string, OrderStatus][] = [
      ["status-paid-1", "PAID"],
      ["status-paid-2", "PAID"],
      ["status-invoiced", "INVOICED"],
      ["status-refunded", "REFUNDED"],
      ["status-partial", "PARTIALLY_REFUNDED"],
      ["status-expired", "EXPIRED"],
      ["status-canceled", "CANCELED"],
    ];
    for (const [index, [clientInvoiceId, status]] of statuses.entries()) {
      // EXPIRED after its invoice timed out (an order that never had one is hidden by default: see below).
      const attempts: AttemptSpec[] = status === "EXPIRED" ? [{ invoiceReference: "INV-STATUS-EXPIRED", seqrStatus: "CANCELED", cancelReason: "EXPIRED" }] : [];
      await insertOrder({ clientInvoiceId, status, attempts, createdAt: new Date(Date.parse("2031-02-10T09:00:00.000Z") + index * 60_000) });
    }
  });

  test.each([
    ["PAID", ["status-paid-2", "status-paid-1"]],
    ["INVOICED", ["status-invoiced"]],
    ["REFUNDED", ["status-refunded"]],
    ["PARTIALLY_REFUNDED", ["status-partial"]],
    ["EXPIRED", ["status-expired"]],
    ["CANCELED", ["status-canceled"]],
    ["FAILED", []],
  ])("%s", async (status, expected) => {
    expect(await idsOf({ status, from: DAY, to: DAY })).toEqual(expected);
  });

  test("no status: all of them", async () => {
    expect(await idsOf({ status: "", from: DAY, to: DAY })).toHaveLength(7);
  });
});

describe("listOrders: dates are the shop's days", () => {
  // The latest and the earliest orders of this file, so that an open-ended range sees only these.
  beforeAll(async () => {
    await insertOrder({ clientInvoiceId: "tz-26th-last", status: "PAID", createdAt: at("2045-11-26T22:59:59.999Z") }); // 23:59:59.999 on the 26th
    await insertOrder({ clientInvoiceId: "tz-27th-midnight", status: "PAID", createdAt: at("2045-11-26T23:00:00.000Z") }); // 00:00 on the 27th
    await insertOrder({ clientInvoiceId: "tz-27th-last", status: "PAID", createdAt: at("2045-11-27T22:59:59.999Z") });
    await insertOrder({ clientInvoiceId: "tz-28th-utc-27th", status: "PAID", createdAt: at("2045-11-27T23:30:00.000Z") }); // 00:30 on the 28th
    await insertOrder({ clientInvoiceId: "tz-29th-midnight", status: "PAID", createdAt: at("2045-11-28T23:00:00.000Z") });
    await insertOrder({ clientInvoiceId: "tz-summer-1st", status: "PAID", createdAt: at("2045-06-30T22:00:00.000Z") }); // 00:00 CEST on 1 July
    await insertOrder({ clientInvoiceId: "tz-summer-30th", status: "PAID", createdAt: at("2045-06-30T21:59:59.999Z") });
    await insertOrder({ clientInvoiceId: "early-1st", status: "PAID", createdAt: at("2020-03-01T22:59:59.000Z") });
    await insertOrder({ clientInvoiceId: "early-2nd", status: "PAID", createdAt: at("2020-03-01T23:00:00.000Z") });
  });

  test("an order at 23:30 UTC on the 27th belongs to the 28th in Stockholm", async () => {
    expect(await idsOf({ from: "2045-11-28", to: "2045-11-28" })).toEqual(["tz-28th-utc-27th"]);
    expect(await idsOf({ from: "2045-11-27", to: "2045-11-27" })).toEqual(["tz-27th-last", "tz-27th-midnight"]);
  });

  test("a range includes both its first and its last day", async () => {
    expect(await idsOf({ from: "2045-11-26", to: "2045-11-28" })).toEqual(["tz-28th-utc-27th", "tz-27th-last", "tz-27th-midnight", "tz-26th-last"]);
  });

  test("summer days begin at 22:00 UTC", async () => {
    expect(await idsOf({ from: "2045-07-01", to: "2045-07-01" })).toEqual(["tz-summer-1st"]);
    expect(await idsOf({ from: "2045-06-30", to: "2045-06-30" })).toEqual(["tz-summer-30th"]);
  });

  test("from alone: from that day's midnight on", async () => {
    expect(await idsOf({ from: "2045-11-28" })).toEqual(["tz-29th-midnight", "tz-28th-utc-27th"]);
  });

  test("to alone: up to the end of that day", async () => {
    expect(await idsOf({ to: "2020-03-01" })).toEqual(["early-1st"]);
    expect(await idsOf({ to: "2020-03-02" })).toEqual(["early-2nd", "early-1st"]);
  });
});

describe("listOrders: search", () => {
  const DAY = "2031-03-10";
  let first: { id: string; number: number };
  let second: { id: string; number: number };

  beforeAll(async () => {
    first = await insertOrder({
      clientInvoiceId: "srch-Order-0001",
      status: "PAID",
      createdAt: at("2031-03-10T10:00:00.000Z"),
      msisdn: "46701112233",
      // Stored as the shopper typed it.
      email: "Anna.Svensson@Example.se",
      attempts: [
        // Replaced by a new invoice, then the new one paid.
        { invoiceReference: "INV-S1-OLD", seqrStatus: "CANCELED", cancelReason: "REPLACED", createdAt: at("2031-03-10T10:01:00.000Z") },
        { invoiceReference: "INV-S1-NEW", seqrStatus: "PAID", ersReference: "ERS-S1", createdAt: at("2031-03-10T10:05:00.000Z") },
      ],
    });
    second = await insertOrder({
      clientInvoiceId: "srch-Order-0002",
      status: "INVOICED",
      createdAt: at("2031-03-10T11:00:00.000Z"),
      msisdn: "46709998877",
      email: "anna.berg@example.se",
      attempts: [{ invoiceReference: "INV-S2", seqrStatus: "CANCELED", cancelReason: "EXPIRED" }],
    });
    await insertOrder({ clientInvoiceId: "srch-Order-0003", status: "PENDING", createdAt: at("2031-03-10T12:00:00.000Z"), email: "bo@example.se" });
  });

  test("by the short order number, with or without #", async () => {
    expect(await idsOf({ q: String(first.number) })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: `#${second.number}` })).toEqual(["srch-Order-0002"]);
    expect(await idsOf({ q: ` # ${second.number} ` })).toEqual(["srch-Order-0002"]);
    expect(await idsOf({ q: "#999999999" })).toEqual([]);
  });

  test("by the start of the order id, in any case", async () => {
    expect(await idsOf({ q: "srch-Order-0001" })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "  srch-Order-0002 " })).toEqual(["srch-Order-0002"]);
    expect(await idsOf({ q: "SRCH-ORDER-0001" })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "srch-order-000", uninvoiced: "1" })).toEqual(["srch-Order-0003", "srch-Order-0002", "srch-Order-0001"]);
    // Few letters: asked for in every case at once.
    expect(await idsOf({ q: "sRcH", uninvoiced: "1" })).toEqual(["srch-Order-0003", "srch-Order-0002", "srch-Order-0001"]);
    // Not a part from the middle.
    expect(await idsOf({ q: "Order-0001" })).toEqual([]);
  });

  test("by the SEQR invoice reference of any attempt, not only the latest, and by the payment reference; the row shows the latest", async () => {
    const old = await listOrders(filter({ q: "INV-S1-OLD" }));
    expect(old.rows.map((row) => [row.clientInvoiceId, row.invoiceReference, row.ersReference])).toEqual([["srch-Order-0001", "INV-S1-NEW", "ERS-S1"]]);
    expect(await idsOf({ q: "INV-S1-NEW" })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "ERS-S1" })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "INV-S2" })).toEqual(["srch-Order-0002"]);
    expect(await idsOf({ q: "INV-S1" })).toEqual([]);
  });

  test.each(["070-111 22 33", "0701112233", "070 111 22 33", "+46 70 111 22 33", "+46 (0)70-111 22 33", "0046701112233", "46701112233"])(
    "by phone number written %j",
    async (q) => {
      expect(await idsOf({ q })).toEqual(["srch-Order-0001"]);
    },
  );

  test("by the start of a phone number, not by a part from its middle", async () => {
    expect(await idsOf({ q: "070-999" })).toEqual(["srch-Order-0002"]);
    expect(await idsOf({ q: "1112233" })).toEqual([]);
  });

  test("by e-mail address, all of it or its start, in any case, whatever case it was stored in", async () => {
    expect(await idsOf({ q: "anna.svensson@example.se" })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "ANNA.SVENSSON@EXAMPLE.SE" })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "Anna.Berg@Example.SE" })).toEqual(["srch-Order-0002"]);
    expect(await idsOf({ q: "anna", from: DAY, to: DAY })).toEqual(["srch-Order-0002", "srch-Order-0001"]);
    expect(await idsOf({ q: "anna.s" })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "bo@example.se", uninvoiced: "1" })).toEqual(["srch-Order-0003"]);
    // Not the domain alone.
    expect(await idsOf({ q: "example.se" })).toEqual([]);
  });

  test("text no reading fits finds nothing (and is not an error)", async () => {
    expect(await idsOf({ q: "Anna Svensson" })).toEqual([]);
  });

  test("search, status and dates together", async () => {
    expect(await idsOf({ q: "srch-order", status: "PAID", from: DAY, to: DAY })).toEqual(["srch-Order-0001"]);
    expect(await idsOf({ q: "srch-order", from: "2031-03-11", to: "2031-03-11" })).toEqual([]);
  });

  test("a long prefix is looked up among the orders sharing its first six letters; past the limit, the search says it is incomplete", async () => {
    expect(await orderSearch("srch-order-0001")).toMatchObject({ incomplete: false });
    // Three orders begin with "srch-o" in some case: with room for two, one may be missed, and the search says so.
    expect(await orderSearch("srch-order-0001", { candidateLimit: 2 })).toMatchObject({ incomplete: true });
    expect(await orderSearch("srch-order-0001", { candidateLimit: 3 })).toMatchObject({ incomplete: false });
  });
});

describe("listOrders: the money taken", () => {
  // Stockholm's 2031-05-20. Hand-computed: paid 349,00 + 138,00 + 69,00 = 556,00 kr; confirmed refunds 38,50 + 69,00
  // = 107,50 kr; money taken 448,50 kr. A refund SEQR has not answered (20,00 pending, 10,00 unknown) is not
  // subtracted but shown apart; a refused one (5,00) is nothing; unpaid orders and a reservation count for nothing.
  const DAY = "2031-05-20";
  const placed = (hour: number) => at(`2031-05-20T${String(hour).padStart(2, "0")}:00:00.000Z`);
  const paid = (reference: string) => [{ invoiceReference: reference, seqrStatus: "PAID" as const, ersReference: `ERS-${reference}` }];

  beforeAll(async () => {
    await insertOrder({ clientInvoiceId: "mt-paid", status: "PAID", createdAt: placed(8), paidAt: placed(9), totalMinor: 34900, attempts: paid("MT-1") });
    const partial = await insertOrder({
      clientInvoiceId: "mt-partial",
      status: "PARTIALLY_REFUNDED",
      createdAt: placed(8),
      paidAt: placed(9),
      totalMinor: 13800,
      refundedMinor: 3850,
      attempts: paid("MT-2"),
    });
    await insertRefund(partial, "MT-2", { amountMinor: 3850, status: "SUCCEEDED", completedAt: placed(10) });
    await insertRefund(partial, "MT-2", { amountMinor: 2000, status: "PENDING" });
    await insertRefund(partial, "MT-2", { amountMinor: 1000, status: "UNKNOWN" });
    await insertRefund(partial, "MT-2", { amountMinor: 500, status: "FAILED", completedAt: placed(10) });
    // Settled from a report as not done: no longer awaiting anything.
    await insertRefund(partial, "MT-2", { amountMinor: 700, status: "FAILED", settledAt: placed(11) });
    const refunded = await insertOrder({
      clientInvoiceId: "mt-refunded",
      status: "REFUNDED",
      createdAt: placed(8),
      paidAt: placed(9),
      totalMinor: 6900,
      refundedMinor: 6900,
      attempts: paid("MT-3"),
    });
    await insertRefund(refunded, "MT-3", { amountMinor: 6900, status: "SUCCEEDED", completedAt: placed(10) });
    await insertOrder({ clientInvoiceId: "mt-invoiced", status: "INVOICED", createdAt: placed(8), totalMinor: 50000, attempts: [{ invoiceReference: "MT-4", seqrStatus: "ISSUED" }] });
    await insertOrder({
      clientInvoiceId: "mt-reserved",
      status: "NEEDS_ATTENTION",
      attentionReason: "UNEXPECTED_RESERVATION",
      createdAt: placed(8),
      totalMinor: 10000,
      attempts: [{ invoiceReference: "MT-5", seqrStatus: "RESERVED" }],
    });
  });

  test("paid minus confirmed refunds, with unanswered refunds apart", async () => {
    const { totals, count } = await listOrders(filter({ from: DAY, to: DAY }));
    expect(count).toBe(5);
    expect(totals).toEqual([
      { currency: "SEK", orders: 5, paidOrders: 3, paidMinor: 55600, refundedMinor: 10750, takenMinor: 44850, awaitingRefundMinor: 3000 },
    ]);
  });

  test("follows the filter", async () => {
    expect((await listOrders(filter({ from: DAY, to: DAY, status: "PARTIALLY_REFUNDED" }))).totals).toEqual([
      { currency: "SEK", orders: 1, paidOrders: 1, paidMinor: 13800, refundedMinor: 3850, takenMinor: 9950, awaitingRefundMinor: 3000 },
    ]);
    expect((await listOrders(filter({ from: DAY, to: DAY, status: "REFUNDED" }))).totals).toEqual([
      { currency: "SEK", orders: 1, paidOrders: 1, paidMinor: 6900, refundedMinor: 6900, takenMinor: 0, awaitingRefundMinor: 0 },
    ]);
  });
});

describe("ordersCsv", () => {
  // Stockholm's 2031-04-10 is summer time (UTC+2). Semicolons, decimal commas, the shop's local times, a byte order
  // mark: what Swedish Excel opens with a double click.
  const DAY = "2031-04-10";
  const HEADER = [
    "Order",
    "Order id",
    "Placed",
    "Paid",
    "Status",
    "Customer",
    "Phone",
    "E-mail",
    "Currency",
    "Total incl. VAT",
    "VAT 25 %",
    "VAT 12 %",
    "VAT 6 %",
    "VAT total",
    "Total excl. VAT",
    "Refunded",
    "Invoice reference",
    "Payment reference",
    "Needs attention",
  ];
  const read = (csv: string): string[][] => parse(csv, { bom: true, delimiter: ";" });
  const numbers: Record<string, string> = {};

  beforeAll(async () => {
    const orders: OrderSpec[] = [
      {
        // 2 × 349,00 at 25 % (VAT 139,60), 1 × 89,00 at 12 % (VAT 9,54: 953,57 öre), 3 × 45,50 at 6 % (VAT 7,73:
        // 772,64 öre): 923,50 kr, VAT 156,87 kr, 766,63 kr without.
        clientInvoiceId: "-C1formula",
        status: "PAID",
        createdAt: at("2031-04-10T09:00:00.000Z"),
        paidAt: at("2031-04-10T09:01:02.345Z"),
        items: [
          { unitPriceMinor: 34900, quantity: 2, taxRateBps: 2500 },
          { unitPriceMinor: 8900, quantity: 1, taxRateBps: 1200 },
          { unitPriceMinor: 4550, quantity: 3, taxRateBps: 600 },
        ],
        msisdn: "46701234567",
        email: "Astrid@Example.se",
        deliveryName: "Astrid Andersson",
        attempts: [{ invoiceReference: "INV-C1", seqrStatus: "PAID", ersReference: "ERS-C1" }],
      },
      {
        clientInvoiceId: "csv-order-2",
        status: "PARTIALLY_REFUNDED",
        createdAt: at("2031-04-10T10:00:00.000Z"),
        paidAt: at("2031-04-10T10:02:00.000Z"),
        totalMinor: 34900,
        refundedMinor: 3850,
        attentionReason: "OUT_OF_STOCK_AT_PAYMENT",
        deliveryName: "=HYPERLINK(\"http://evil.example\")",
        attempts: [
          { invoiceReference: "INV-C2-OLD", seqrStatus: "CANCELED", cancelReason: "REPLACED", createdAt: at("2031-04-10T10:00:30.000Z") },
          { invoiceReference: "INV-C2", seqrStatus: "PAID", ersReference: "ERS-C2", createdAt: at("2031-04-10T10:01:00.000Z") },
        ],
      },
      { clientInvoiceId: "csv-order-3", status: "PENDING", createdAt: at("2031-04-10T11:00:00.000Z"), totalMinor: 6900 },
      { clientInvoiceId: "=1+1", status: "PENDING", createdAt: at("2031-04-10T12:00:00.000Z"), totalMinor: 5 },
      // Paid at 21:59 UTC: 23:59 in Stockholm.
      { clientInvoiceId: "csv-order-yen", status: "PAID", createdAt: at("2031-04-10T13:00:00.000Z"), currency: "JPY", totalMinor: 1500, paidAt: at("2031-04-10T21:59:00.000Z") },
    ];
    for (const spec of orders) numbers[spec.clientInvoiceId] = `#${(await insertOrder(spec)).number}`;
  });

  test("a byte order mark, a header of plain column names, then one row per order, newest first, CRLF between records", async () => {
    // With the orders never invoiced, which the CSV, like the list, leaves out unless asked.
    const csv = await ordersCsv(filter({ from: DAY, to: DAY, uninvoiced: "1" }));
    expect(csv.startsWith(`\ufeff${HEADER.join(";")}\r\n`)).toBe(true);
    expect([...CSV_COLUMNS]).toEqual(HEADER);

    expect(read(csv)).toEqual([
      HEADER,
      // Paid at 23:59 in Stockholm: the shop's time, not UTC.
      [numbers["csv-order-yen"], "csv-order-yen", "2031-04-10 15:00", "2031-04-10 23:59", "Paid", "", "", "", "JPY", "1500", "300", "0", "0", "300", "1200", "0", "", "", ""],
      // A value a spreadsheet would run as a formula is written with a leading apostrophe.
      [numbers["=1+1"], "'=1+1", "2031-04-10 14:00", "", "Not paid (no invoice)", "", "", "", "SEK", "0,05", "0,01", "0,00", "0,00", "0,01", "0,04", "0,00", "", "", ""],
      [numbers["csv-order-3"], "csv-order-3", "2031-04-10 13:00", "", "Not paid (no invoice)", "", "", "", "SEK", "69,00", "13,80", "0,00", "0,00", "13,80", "55,20", "0,00", "", "", ""],
      [
        numbers["csv-order-2"],
        "csv-order-2",
        "2031-04-10 12:00",
        "2031-04-10 12:02",
        "Partly refunded",
        "'=HYPERLINK(\"http://evil.example\")",
        "",
        "",
        "SEK",
        "349,00",
        "69,80",
        "0,00",
        "0,00",
        "69,80",
        "279,20",
        "38,50",
        "INV-C2",
        "ERS-C2",
        "Paid, but the stock was gone: refund or restock",
      ],
      [
        numbers["-C1formula"],
        "'-C1formula",
        "2031-04-10 11:00",
        "2031-04-10 11:01",
        "Paid",
        "Astrid Andersson",
        "070-123 45 67",
        "Astrid@Example.se",
        "SEK",
        "923,50",
        "139,60",
        "9,54",
        "7,73",
        "156,87",
        "766,63",
        "0,00",
        "INV-C1",
        "ERS-C1",
        "",
      ],
    ]);
    const shown = read(await ordersCsv(filter({ from: DAY, to: DAY })));
    expect(shown.slice(1).map((record) => record[1])).toEqual(["csv-order-yen", "csv-order-2", "'-C1formula"]);
  });

  test("each order's VAT per rate adds up to the VAT it was priced with", async () => {
    const records = read(await ordersCsv(filter({ from: DAY, to: DAY, uninvoiced: "1" }))).slice(1);
    const orders = await db.order.findMany({ where: { clientInvoiceId: { in: records.map((record) => (record[1] ?? "").replace(/^'/, "")) } } });
    expect(orders).toHaveLength(5);
    const minor = (text: string | undefined) => Number((text ?? "").replace(",", ""));
    for (const order of orders) {
      const record = records.find((candidate) => (candidate[1] ?? "").replace(/^'/, "") === order.clientInvoiceId) ?? [];
      // JPY has no decimals: its amounts are whole yen already.
      expect(minor(record[10]) + minor(record[11]) + minor(record[12]), order.clientInvoiceId).toBe(order.taxMinor);
      expect(minor(record[13]), order.clientInvoiceId).toBe(order.taxMinor);
    }
  });

  test("the same rows as the list, with no paging: every order of the filter", async () => {
    const records = read(await ordersCsv(filter({ from: "2031-01-10", to: "2031-01-10" })));
    expect(records).toHaveLength(54);
    expect(records[1]?.slice(1, 10)).toEqual(["page-52", "2031-01-10 09:52", "2031-01-10 09:52", "Paid", "", "", "", "SEK", "138,00"]);
    expect(records.at(-1)?.slice(1, 10)).toEqual(["page-00", "2031-01-10 09:00", "2031-01-10 09:00", "Paid", "", "", "", "EUR", "25,00"]);
  });

  test("follows the filter's status and search", async () => {
    const paid = read(await ordersCsv(filter({ from: DAY, to: DAY, status: "PAID" })));
    expect(paid.slice(1).map((record) => record[1])).toEqual(["csv-order-yen", "'-C1formula"]);
    const searched = read(await ordersCsv(filter({ q: "INV-C2-OLD" })));
    expect(searched.slice(1).map((record) => record[1])).toEqual(["csv-order-2"]);
    const byNumber = read(await ordersCsv(filter({ q: numbers["csv-order-2"] ?? "" })));
    expect(byNumber.slice(1).map((record) => record[1])).toEqual(["csv-order-2"]);
  });

  test("a filter matching nothing is the header alone", async () => {
    const csv = await ordersCsv(filter({ from: "2031-04-11", to: "2031-04-11" }));
    expect(read(csv)).toEqual([HEADER]);
  });
});

describe("dashboard: takings", () => {
  // Stockholm's 2032-05-10 (summer): [2032-05-09 22:00 UTC, 2032-05-10 22:00 UTC).
  const PERIOD = { start: at("2032-05-09T22:00:00.000Z"), end: at("2032-05-10T22:00:00.000Z") };

  beforeAll(async () => {
    const created = at("2032-05-01T10:00:00.000Z");
    const paid = (attempt: string) => [{ invoiceReference: attempt, seqrStatus: "PAID" as const, ersReference: `ERS-${attempt}` }];
    const atStart = await insertOrder({ clientInvoiceId: "tk-paid-at-start", status: "PAID", createdAt: created, totalMinor: 34900, paidAt: PERIOD.start, attempts: paid("TK-1") });
    const partial = await insertOrder({ clientInvoiceId: "tk-partial", status: "PARTIALLY_REFUNDED", createdAt: created, totalMinor: 13800, refundedMinor: 3800, paidAt: at("2032-05-10T12:00:00.000Z"), attempts: paid("TK-2") });
    const refunded = await insertOrder({ clientInvoiceId: "tk-refunded", status: "REFUNDED", createdAt: created, totalMinor: 6900, refundedMinor: 6900, paidAt: at("2032-05-10T13:00:00.000Z"), attempts: paid("TK-3") });
    await insertOrder({ clientInvoiceId: "tk-attention", status: "NEEDS_ATTENTION", createdAt: created, totalMinor: 10000, paidAt: at("2032-05-10T14:00:00.000Z"), attempts: paid("TK-4") });
    await insertOrder({ clientInvoiceId: "tk-paid-at-end", status: "PAID", createdAt: created, totalMinor: 99900, paidAt: PERIOD.end, attempts: paid("TK-5") });
    const before = await insertOrder({ clientInvoiceId: "tk-paid-before", status: "PAID", createdAt: created, totalMinor: 55500, paidAt: at("2032-05-09T21:59:59.999Z"), attempts: paid("TK-6") });
    // Not paid: never counted, whatever their dates say.
    await insertOrder({ clientInvoiceId: "tk-expired", status: "EXPIRED", createdAt: at("2032-05-10T09:00:00.000Z"), totalMinor: 77700 });
    await insertOrder({ clientInvoiceId: "tk-canceled-with-paidat", status: "CANCELED", createdAt: created, totalMinor: 88800, paidAt: at("2032-05-10T10:00:00.000Z") });
    await insertOrder({ clientInvoiceId: "tk-invoiced", status: "INVOICED", createdAt: at("2032-05-10T11:00:00.000Z"), totalMinor: 12300 });
    const euro = await insertOrder({ clientInvoiceId: "tk-euro", status: "PAID", createdAt: created, currency: "EUR", totalMinor: 1234, paidAt: at("2032-05-10T15:00:00.000Z"), attempts: paid("TK-7") });
    const krone = await insertOrder({ clientInvoiceId: "tk-krone", status: "REFUNDED", createdAt: created, currency: "NOK", totalMinor: 5000, refundedMinor: 5000, paidAt: at("2032-05-01T11:00:00.000Z"), attempts: paid("TK-8") });

    await insertRefund(partial, "TK-2", { amountMinor: 3800, status: "SUCCEEDED", completedAt: at("2032-05-10T15:00:00.000Z") });
    await insertRefund(refunded, "TK-3", { amountMinor: 6900, status: "SUCCEEDED", completedAt: at("2032-05-10T16:00:00.000Z") });
    await insertRefund(atStart, "TK-1", { amountMinor: 1000, status: "FAILED", completedAt: at("2032-05-10T16:30:00.000Z") });
    await insertRefund(atStart, "TK-1", { amountMinor: 300, status: "PENDING" });
    await insertRefund(before, "TK-6", { amountMinor: 500, status: "SUCCEEDED", completedAt: PERIOD.end });
    await insertRefund(before, "TK-6", { amountMinor: 700, status: "SUCCEEDED", completedAt: PERIOD.start }); // paid before, refunded in
    await insertRefund(euro, "TK-7", { amountMinor: 234, currency: "EUR", status: "SUCCEEDED", completedAt: at("2032-05-10T17:00:00.000Z") });
    await insertRefund(krone, "TK-8", { amountMinor: 5000, currency: "NOK", status: "SUCCEEDED", completedAt: at("2032-05-10T18:00:00.000Z") });
  });

  test("paid orders by paidAt and confirmed refunds by completedAt, per currency, unpaid orders left out", async () => {
    expect(await takings(PERIOD)).toEqual([
      { currency: "EUR", paidOrders: 1, paidMinor: 1234, refundedMinor: 234 },
      // Paid long before, refunded in the period: no paid order, the refund still counts.
      { currency: "NOK", paidOrders: 0, paidMinor: 0, refundedMinor: 5000 },
      // At start, partial, refunded, needs attention: 349 + 138 + 69 + 100 kr; refunds 38 + 69 + 7 kr.
      { currency: "SEK", paidOrders: 4, paidMinor: 65600, refundedMinor: 11400 },
    ]);
  });

  test("the day before holds what was paid and refunded up to its end", async () => {
    // Stockholm's 2032-05-09: [2032-05-08 22:00 UTC, 2032-05-09 22:00 UTC).
    expect(await takings({ start: at("2032-05-08T22:00:00.000Z"), end: PERIOD.start })).toEqual([
      { currency: "SEK", paidOrders: 1, paidMinor: 55500, refundedMinor: 0 },
    ]);
  });

  test("a period with nothing in it", async () => {
    expect(await takings({ start: at("2032-05-20T22:00:00.000Z"), end: at("2032-05-21T22:00:00.000Z") })).toEqual([]);
  });
});

describe("dashboard: statusCounts", () => {
  test("orders created in the period, per status; those never invoiced counted apart", async () => {
    // Stockholm's 2032-06-10: [2032-06-09 22:00 UTC, 2032-06-10 22:00 UTC).
    const period = { start: at("2032-06-09T22:00:00.000Z"), end: at("2032-06-10T22:00:00.000Z") };
    await insertOrder({ clientInvoiceId: "sc-paid-1", status: "PAID", createdAt: period.start });
    await insertOrder({ clientInvoiceId: "sc-paid-2", status: "PAID", createdAt: at("2032-06-10T12:00:00.000Z") });
    await insertOrder({ clientInvoiceId: "sc-invoiced", status: "INVOICED", createdAt: at("2032-06-10T13:00:00.000Z") });
    await insertOrder({ clientInvoiceId: "sc-expired", status: "EXPIRED", createdAt: at("2032-06-10T21:59:59.999Z") });
    await insertOrder({ clientInvoiceId: "sc-next-day", status: "CANCELED", createdAt: period.end });
    await insertOrder({ clientInvoiceId: "sc-day-before", status: "FAILED", createdAt: at("2032-06-09T21:59:59.999Z") });

    // Never invoiced (no attempt): counted apart, as the orders list hides them unless asked.
    await insertOrder({ clientInvoiceId: "sc-left-1", status: "PENDING", createdAt: at("2032-06-10T14:00:00.000Z") });

    expect(await statusCounts(period)).toEqual({ byStatus: { PAID: 2, INVOICED: 1 }, neverInvoiced: 2 });
    expect(await statusCounts({ start: at("2032-06-20T22:00:00.000Z"), end: at("2032-06-21T22:00:00.000Z") })).toEqual({
      byStatus: {},
      neverInvoiced: 0,
    });
  });
});

describe("dashboard: needingAttention", () => {
  const NOW = new Date();
  const ago = (ms: number) => new Date(NOW.getTime() - ms);
  const TIMEOUT = env.orders.invoiceTimeoutMs;
  const HOUR = 3_600_000;
  const mine = new Set<string>();
  let stuckAt: Date;
  let reversedAt: Date;
  let unansweredAt: Date;
  let lostAt: Date;

  async function order(spec: OrderSpec) {
    mine.add(spec.clientInvoiceId);
    return insertOrder(spec);
  }

  async function notification(target: { id: string; attempts: Record<string, string> }, invoiceReference: string, type: "NOTIFICATION_RECEIVED" | "STATUS_CHANGED" = "NOTIFICATION_RECEIVED") {
    await db.paymentEvent.create({ data: { orderId: target.id, paymentAttemptId: attemptId(target, invoiceReference), type, source: "notification" } });
  }

  beforeAll(async () => {
    // Flagged orders (updatedAt spaced so that their order is known: most recently changed first).
    await order({ clientInvoiceId: "att-needs", status: "NEEDS_ATTENTION", attentionReason: "AMOUNT_MISMATCH", updatedAt: ago(1 * HOUR) });
    await order({ clientInvoiceId: "att-needs-no-reason", status: "NEEDS_ATTENTION", updatedAt: ago(2 * HOUR) });
    await order({ clientInvoiceId: "att-paid-after-expiry", status: "PAID", attentionReason: "PAID_AFTER_EXPIRY", updatedAt: ago(3 * HOUR) });
    await order({ clientInvoiceId: "att-partial-stock", status: "PARTIALLY_REFUNDED", attentionReason: "OUT_OF_STOCK_AT_PAYMENT", updatedAt: ago(4 * HOUR) });
    await order({ clientInvoiceId: "att-new-reason", status: "PAID", attentionReason: "SOMETHING_NEW", updatedAt: ago(5 * HOUR) });
    await order({ clientInvoiceId: "att-refunded-flag", status: "REFUNDED", attentionReason: "PAID_AFTER_EXPIRY", updatedAt: ago(6 * HOUR) });
    await order({ clientInvoiceId: "att-paid-fine", status: "PAID", updatedAt: ago(7 * HOUR) });

    // Live invoices.
    await order({ clientInvoiceId: "att-stale-issued", status: "INVOICED", attempts: [{ invoiceReference: "ATT-L1", seqrStatus: "ISSUED", issuedAt: ago(TIMEOUT + 1_000) }] });
    await order({
      clientInvoiceId: "att-stale-pending-ack",
      status: "INVOICED",
      attempts: [{ invoiceReference: "ATT-L2", seqrStatus: "PENDING_ISSUER_ACKNOWLEDGE", issuedAt: ago(TIMEOUT + 60_000) }],
    });
    await order({ clientInvoiceId: "att-live-young", status: "INVOICED", attempts: [{ invoiceReference: "ATT-L3", seqrStatus: "ISSUED", issuedAt: ago(TIMEOUT - 1_000) }] });
    await order({ clientInvoiceId: "att-live-exactly", status: "INVOICED", attempts: [{ invoiceReference: "ATT-L4", seqrStatus: "ISSUED", issuedAt: ago(TIMEOUT) }] });
    await order({
      clientInvoiceId: "att-old-final",
      status: "EXPIRED",
      attempts: [{ invoiceReference: "ATT-L5", seqrStatus: "CANCELED", cancelReason: "EXPIRED", issuedAt: ago(48 * HOUR), finalizedAt: ago(47 * HOUR) }],
    });

    // Payments SEQR notified, then canceled (reversed).
    reversedAt = ago(30 * 60_000);
    const reversed = await order({
      clientInvoiceId: "att-reversed",
      status: "CANCELED",
      attempts: [{ invoiceReference: "ATT-V1", seqrStatus: "CANCELED", finalizedAt: reversedAt }],
    });
    await notification(reversed, "ATT-V1");
    const reversedRetrying = await order({
      clientInvoiceId: "att-reversed-retrying",
      status: "INVOICED",
      attempts: [
        { invoiceReference: "ATT-V6-OLD", seqrStatus: "CANCELED", finalizedAt: ago(20 * 60_000), createdAt: ago(40 * 60_000) },
        { invoiceReference: "ATT-V6-NEW", seqrStatus: "ISSUED", issuedAt: ago(60_000), createdAt: ago(60_000) },
      ],
    });
    await notification(reversedRetrying, "ATT-V6-OLD");
    const paidLater = await order({
      clientInvoiceId: "att-reversed-then-paid",
      status: "PAID",
      attempts: [
        { invoiceReference: "ATT-V2-OLD", seqrStatus: "CANCELED", finalizedAt: ago(20 * 60_000), createdAt: ago(40 * 60_000) },
        { invoiceReference: "ATT-V2-NEW", seqrStatus: "PAID", ersReference: "ERS-ATT-V2", createdAt: ago(10 * 60_000) },
      ],
    });
    await notification(paidLater, "ATT-V2-OLD");
    const canceledByShop = await order({
      clientInvoiceId: "att-canceled-by-shop",
      status: "EXPIRED",
      attempts: [{ invoiceReference: "ATT-V3", seqrStatus: "CANCELED", cancelReason: "EXPIRED", finalizedAt: ago(20 * 60_000) }],
    });
    await notification(canceledByShop, "ATT-V3");
    await order({ clientInvoiceId: "att-canceled-unnotified", status: "CANCELED", attempts: [{ invoiceReference: "ATT-V4", seqrStatus: "CANCELED", finalizedAt: ago(20 * 60_000) }] });
    const otherAttempt = await order({
      clientInvoiceId: "att-notified-other-attempt",
      status: "CANCELED",
      attempts: [
        { invoiceReference: "ATT-V5-A", seqrStatus: "CANCELED", cancelReason: "REPLACED", finalizedAt: ago(25 * 60_000) },
        { invoiceReference: "ATT-V5-B", seqrStatus: "CANCELED", finalizedAt: ago(20 * 60_000) },
      ],
    });
    await notification(otherAttempt, "ATT-V5-A");
    await notification(otherAttempt, "ATT-V5-B", "STATUS_CHANGED");

    // Invoices SEQR lost (54 for an invoice the shop held).
    lostAt = ago(10 * 60_000);
    await order({
      clientInvoiceId: "att-invoice-lost",
      status: "FAILED",
      attempts: [{ invoiceReference: "ATT-X1", seqrStatus: null, state: "LOST", updatedAt: lostAt }],
    });
    await order({
      clientInvoiceId: "att-invoice-lost-then-paid",
      status: "PAID",
      attempts: [
        { invoiceReference: "ATT-X2-OLD", seqrStatus: null, state: "LOST", updatedAt: ago(30 * 60_000), createdAt: ago(40 * 60_000) },
        { invoiceReference: "ATT-X2-NEW", seqrStatus: "PAID", ersReference: "ERS-ATT-X2", createdAt: ago(20 * 60_000) },
      ],
    });
    // Flagged by the sync already: listed once, as flagged.
    await order({
      clientInvoiceId: "att-invoice-lost-flagged",
      status: "FAILED",
      attentionReason: "INVOICE_LOST",
      updatedAt: ago(5.5 * HOUR),
      attempts: [{ invoiceReference: "ATT-X3", seqrStatus: null, state: "LOST", updatedAt: ago(5.5 * HOUR) }],
    });

    // Refunds.
    const refundedOrder = await order({
      clientInvoiceId: "att-refund-unknown",
      status: "PAID",
      attempts: [{ invoiceReference: "ATT-U1", seqrStatus: "PAID", ersReference: "ERS-ATT-U1" }],
    });
    unansweredAt = ago(15 * 60_000);
    await insertRefund(refundedOrder, "ATT-U1", { amountMinor: 1000, status: "UNKNOWN", createdAt: unansweredAt, completedAt: ago(14 * 60_000) });
    const settled = await order({
      clientInvoiceId: "att-refunds-settled",
      status: "PARTIALLY_REFUNDED",
      refundedMinor: 1000,
      attempts: [{ invoiceReference: "ATT-U2", seqrStatus: "PAID", ersReference: "ERS-ATT-U2" }],
    });
    await insertRefund(settled, "ATT-U2", { amountMinor: 1000, status: "SUCCEEDED", completedAt: ago(60_000) });
    await insertRefund(settled, "ATT-U2", { amountMinor: 500, status: "FAILED", completedAt: ago(60_000) });

    // A refund left PENDING: the process died between asking SEQR and recording its answer.
    const stuckOrder = await order({
      clientInvoiceId: "att-refund-stuck",
      status: "PAID",
      attempts: [{ invoiceReference: "ATT-U3", seqrStatus: "PAID", ersReference: "ERS-ATT-U3" }],
    });
    stuckAt = ago(6 * 60_000);
    await insertRefund(stuckOrder, "ATT-U3", { amountMinor: 700, status: "PENDING", createdAt: stuckAt });
    const askingOrder = await order({
      clientInvoiceId: "att-refund-asking",
      status: "PAID",
      attempts: [{ invoiceReference: "ATT-U4", seqrStatus: "PAID", ersReference: "ERS-ATT-U4" }],
    });
    await insertRefund(askingOrder, "ATT-U4", { amountMinor: 700, status: "PENDING", createdAt: ago(30_000) });
  });

  const LOST = "SEQR no longer knows an invoice the shop had sent: the order can be paid again";
  const OVERDUE =
    "Invoice still open after the time allowed for payment: the shop's automatic payment checks may have stopped. Press Refresh from SEQR on the order, and tell whoever runs the shop's server";
  const REVERSED =
    "Payment reversed: SEQR reported a payment, then took it back because the shop did not confirm it within 20 seconds. Nothing was charged; the customer can pay again";
  const SETTLE = { label: "Settle it from SEQR's report", href: "/admin/reconciliation#refunds-to-settle" };

  test("lists flagged orders, overdue invoices, reversed payments, invoices SEQR lost and unanswered refunds, in that order", async () => {
    // Each names the order by its short number too; which number is no concern here.
    const items = (await needingAttention(NOW)).filter((item) => mine.has(item.clientInvoiceId)).map(({ number, ...item }) => {
      expect(number).toEqual(expect.any(Number));
      return item;
    });
    expect(items).toEqual([
      { clientInvoiceId: "att-needs", status: "NEEDS_ATTENTION", reason: "SEQR took a different amount than the order's", since: ago(1 * HOUR) },
      { clientInvoiceId: "att-needs-no-reason", status: "NEEDS_ATTENTION", reason: "Needs attention", since: ago(2 * HOUR) },
      { clientInvoiceId: "att-paid-after-expiry", status: "PAID", reason: "Paid after the shop had expired the order", since: ago(3 * HOUR) },
      { clientInvoiceId: "att-partial-stock", status: "PARTIALLY_REFUNDED", reason: "Paid, but the stock was gone: refund or restock", since: ago(4 * HOUR) },
      { clientInvoiceId: "att-new-reason", status: "PAID", reason: "Something about this order's payment needs checking: see its timeline", since: ago(5 * HOUR) },
      { clientInvoiceId: "att-invoice-lost-flagged", status: "FAILED", reason: LOST, since: ago(5.5 * HOUR) },
      {
        clientInvoiceId: "att-stale-pending-ack",
        status: "INVOICED",
        reason: OVERDUE,
        since: ago(TIMEOUT + 60_000),
      },
      { clientInvoiceId: "att-stale-issued", status: "INVOICED", reason: OVERDUE, since: ago(TIMEOUT + 1_000) },
      {
        clientInvoiceId: "att-reversed-retrying",
        status: "INVOICED",
        reason: REVERSED,
        since: ago(20 * 60_000),
      },
      {
        clientInvoiceId: "att-reversed",
        status: "CANCELED",
        reason: REVERSED,
        since: reversedAt,
      },
      { clientInvoiceId: "att-invoice-lost", status: "FAILED", reason: LOST, since: lostAt },
      // Newest first: stuck 6 minutes ago, unanswered 15 minutes ago; each links to where it is settled.
      { clientInvoiceId: "att-refund-stuck", status: "PAID", reason: "Refund without an answer from SEQR: check the reconciliation report", since: stuckAt, action: SETTLE },
      { clientInvoiceId: "att-refund-unknown", status: "PAID", reason: "Refund without an answer from SEQR: check the reconciliation report", since: unansweredAt, action: SETTLE },
    ]);
  });

  test("leaves out a REFUNDED order with an attention reason, and orders with nothing wrong", async () => {
    const listed = new Set((await needingAttention(NOW)).map((item) => item.clientInvoiceId));
    for (const clientInvoiceId of [
      "att-refunded-flag",
      "att-paid-fine",
      "att-live-young",
      "att-live-exactly",
      "att-old-final",
      "att-reversed-then-paid",
      "att-canceled-by-shop",
      "att-canceled-unnotified",
      "att-notified-other-attempt",
      "att-refunds-settled",
      // Paid since SEQR lost its first invoice.
      "att-invoice-lost-then-paid",
      // Still within the time a SEQR call may take.
      "att-refund-asking",
    ]) {
      expect(listed.has(clientInvoiceId), clientInvoiceId).toBe(false);
    }
  });

  test("an invoice becomes overdue once the timeout has passed", async () => {
    const later = (await needingAttention(new Date(NOW.getTime() + 2_000))).filter((item) => mine.has(item.clientInvoiceId));
    expect(later.map((item) => item.clientInvoiceId)).toEqual(expect.arrayContaining(["att-live-young", "att-live-exactly"]));
  });
});

describe("listOrders: orders never invoiced are hidden unless asked for", () => {
  // Stockholm's 2033-06-15 (summer, UTC+2). Anyone can place orders and leave them; a flood of them must not bury
  // the orders the merchant works with.
  const DAY = "2033-06-15";
  const minute = (index: number) => new Date(Date.parse("2033-06-15T08:00:00.000Z") + index * 60_000);
  const SHOWN = ["nv-paid", "nv-invoiced", "nv-expired-invoice", "nv-pay-sending", "nv-pay-unknown", "nv-flagged"];
  const HIDDEN = ["nv-pending", "nv-pay-refused", "nv-expired-pending", "nv-ended-pending"];

  beforeAll(async () => {
    const specs: OrderSpec[] = [
      { clientInvoiceId: "nv-paid", status: "PAID", attempts: [{ invoiceReference: "INV-NV-PAID", seqrStatus: "PAID", ersReference: "ERS-NV" }] },
      { clientInvoiceId: "nv-invoiced", status: "INVOICED", attempts: [{ invoiceReference: "INV-NV-LIVE", seqrStatus: "ISSUED" }] },
      {
        clientInvoiceId: "nv-expired-invoice",
        status: "EXPIRED",
        attempts: [{ invoiceReference: "INV-NV-EXP", seqrStatus: "CANCELED", cancelReason: "EXPIRED" }],
      },
      // A Pay under way, or one whose answer was lost: SEQR may hold an invoice.
      { clientInvoiceId: "nv-pay-sending", status: "PENDING", attempts: [{ invoiceReference: "nv-sending", seqrStatus: null, state: "SENDING" }] },
      { clientInvoiceId: "nv-pay-unknown", status: "PENDING", attempts: [{ invoiceReference: "nv-unknown", seqrStatus: null, state: "UNKNOWN" }] },
      { clientInvoiceId: "nv-flagged", status: "PENDING", attentionReason: "AMOUNT_MISMATCH" },
      { clientInvoiceId: "nv-pending", status: "PENDING", totalMinor: 100 },
      // SEQR refused the Pay before any invoice existed.
      { clientInvoiceId: "nv-pay-refused", status: "PENDING", totalMinor: 100, attempts: [{ invoiceReference: "nv-refused", seqrStatus: null, state: "REFUSED" }] },
      { clientInvoiceId: "nv-expired-pending", status: "EXPIRED", totalMinor: 100 },
      { clientInvoiceId: "nv-ended-pending", status: "CANCELED_BY_MERCHANT", totalMinor: 100 },
    ];
    for (const [index, spec] of specs.entries()) await insertOrder({ ...spec, createdAt: minute(index) });
    // Attempts with no reference: insertOrder keys them by reference, which these must not have.
    await db.paymentAttempt.updateMany({ where: { invoiceReference: { in: ["nv-sending", "nv-unknown", "nv-refused"] } }, data: { invoiceReference: null } });
    // The flood: newer than all of the above.
    for (let index = 0; index < 40; index++) {
      await insertOrder({ clientInvoiceId: `nv-flood-${String(index).padStart(2, "0")}`, status: "PENDING", totalMinor: 100, createdAt: minute(60 + index) });
    }
  });

  test("by default: not in the rows, the count or the totals, and the page says how many the filter matched among them", async () => {
    const list = await listOrders(filter({ from: DAY, to: DAY }));
    expect(list.rows.map((row) => row.clientInvoiceId).sort()).toEqual([...SHOWN].sort());
    expect(list.count).toBe(SHOWN.length);
    expect(list.pages).toBe(1);
    // Only nv-paid is paid, and it has no payment time: no money taken.
    expect(list.totals).toEqual([
      { currency: "SEK", orders: SHOWN.length, paidOrders: 0, paidMinor: 0, refundedMinor: 0, takenMinor: 0, awaitingRefundMinor: 0 },
    ]);
    expect(list.hiddenNeverInvoiced).toBe(HIDDEN.length + 40);
  });

  test("'Show orders never invoiced': every order of the filter, counted", async () => {
    const list = await listOrders(filter({ from: DAY, to: DAY, uninvoiced: "1" }));
    expect(list.count).toBe(SHOWN.length + HIDDEN.length + 40);
    expect(list.hiddenNeverInvoiced).toBe(0);
    expect(list.rows[0]?.clientInvoiceId).toBe("nv-flood-39");
    expect(list.pages).toBe(2);
    expect(list.totals).toMatchObject([{ currency: "SEK", orders: SHOWN.length + HIDDEN.length + 40, takenMinor: 0 }]);
  });

  test("with a status or a search too", async () => {
    expect(await idsOf({ from: DAY, to: DAY, status: "PENDING" })).toEqual(["nv-flagged", "nv-pay-unknown", "nv-pay-sending"]);
    expect((await listOrders(filter({ from: DAY, to: DAY, status: "EXPIRED" }))).hiddenNeverInvoiced).toBe(1);
    // A search for one hidden order finds nothing to show, and says one matched.
    const searched = await listOrders(filter({ q: "nv-pending" }));
    expect(searched).toMatchObject({ rows: [], count: 0, hiddenNeverInvoiced: 1 });
    expect(await idsOf({ q: "nv-pending", uninvoiced: "1" })).toEqual(["nv-pending"]);
  });

  test("the CSV follows the list", async () => {
    const shown: Record<string, string>[] = parse(await ordersCsv(filter({ from: DAY, to: DAY })), { columns: true, bom: true, delimiter: ";" });
    expect(shown.map((record) => record["Order id"]).sort()).toEqual([...SHOWN].sort());
    const every: Record<string, string>[] = parse(await ordersCsv(filter({ from: DAY, to: DAY, uninvoiced: "1" })), { columns: true, bom: true, delimiter: ";" });
    expect(every).toHaveLength(SHOWN.length + HIDDEN.length + 40);
  });

  test("the filter takes the checkbox's value and nothing else", async () => {
    expect(parseOrderFilter({ uninvoiced: "1" })).toMatchObject({ success: true, data: { uninvoiced: true } });
    expect(parseOrderFilter({ uninvoiced: "" })).toMatchObject({ success: true, data: { page: 1 } });
    expect(parseOrderFilter({ uninvoiced: "yes" }).success).toBe(false);
    // Every hidden order matches the shared definition, and no shown one does.
    const hidden = await db.order.findMany({ where: { AND: [{ clientInvoiceId: { startsWith: "nv-" } }, neverInvoicedOrder] }, select: { clientInvoiceId: true } });
    expect(hidden.map((order) => order.clientInvoiceId).filter((id) => !id.startsWith("nv-flood-")).sort()).toEqual([...HIDDEN].sort());
  });
});

describe("listOrders without a filter", () => {
  // Last, once every group above has written its orders: the newest are the 2045 ones.
  test("every order, newest first, those never invoiced only when asked for", async () => {
    const { rows, count, pages, hiddenNeverInvoiced } = await listOrders(filter({}));
    const all = await db.order.count();
    expect(hiddenNeverInvoiced).toBeGreaterThan(0);
    expect(count + hiddenNeverInvoiced).toBe(all);
    expect(pages).toBe(Math.ceil(count / 25));
    expect((await listOrders(filter({ uninvoiced: "1" }))).count).toBe(all);
    expect(rows).toHaveLength(25);
    expect(rows.slice(0, 7).map((row) => row.clientInvoiceId)).toEqual([
      "tz-29th-midnight",
      "tz-28th-utc-27th",
      "tz-27th-last",
      "tz-27th-midnight",
      "tz-26th-last",
      "tz-summer-1st",
      "tz-summer-30th",
    ]);
    const times = rows.map((row) => row.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
