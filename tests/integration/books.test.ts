import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, test } from "vitest";

import {
  orderVatByRate,
  parseReportQuery,
  periodBooks,
  periodBooksCsv,
  proportionalVat,
  REPORT_CSV_COLUMNS,
  refundVatByRate,
  reportPeriod,
  spreadsheetAmount,
  spreadsheetTime,
  vatTotal,
  type CurrencyBooks,
  type Figures,
  type ReportKind,
} from "@/lib/admin/books";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { OrderStatus } from "@/lib/generated/prisma/enums";
import { nextOrderNumber } from "@/lib/orders/order-number";
import { priceLines, type PricedLineInput } from "@/lib/orders/pricing";

// The books against figures worked out by hand: orders at 25, 12 and 6 % mixed, a refund by line, a refund of an
// amount, a refund of a line and an amount together, refunds SEQR has not confirmed (not counted), orders paid just
// before and just after midnight in Stockholm, on the days the clocks change, and at the turn of a week, a month
// and a year. All amounts in öre. Days are the shop's: Europe/Stockholm.

const at = (iso: string) => new Date(iso);

type Line = PricedLineInput;

let requestKeys = 0;

/** A paid order priced by the shop's own pricing (so its taxMinor is what createOrder would store). */
async function paidOrder(spec: { name: string; paidAt: Date; lines: Line[]; currency?: string; status?: OrderStatus }) {
  const priced = priceLines(spec.lines);
  const currency = spec.currency ?? "SEK";
  const order = await db.order.create({
    data: {
      number: await nextOrderNumber(db),
      clientInvoiceId: `books-${spec.name}`,
      status: spec.status ?? "PAID",
      currency,
      totalMinor: priced.totalMinor,
      taxMinor: priced.taxMinor,
      paidAt: spec.paidAt,
      createdAt: new Date(spec.paidAt.getTime() - 60_000),
      items: {
        create: priced.lines.map((line, index) => ({
          sku: `${spec.name}-${index}`,
          name: `${spec.name} line ${index}`,
          unitPriceMinor: line.unitPriceMinor,
          quantity: line.quantity,
          taxRateBps: line.taxRateBps,
          lineTotalMinor: line.lineTotalMinor,
        })),
      },
      attempts: {
        create: [{ invoiceReference: `INV-${spec.name}`, seqrStatus: "PAID", ersReference: `ERS-${spec.name}`, amountMinor: priced.totalMinor, currency }],
      },
    },
    include: { items: { orderBy: { sku: "asc" } }, attempts: true },
  });
  return order;
}

type PaidOrder = Awaited<ReturnType<typeof paidOrder>>;

async function refund(
  order: PaidOrder,
  spec: { amountMinor: number; status?: string; completedAt?: Date; lines?: { line: number; quantity: number; amountMinor: number }[] },
) {
  requestKeys += 1;
  const attempt = order.attempts[0];
  if (!attempt) throw new Error("no attempt");
  return db.refund.create({
    data: {
      orderId: order.id,
      paymentAttemptId: attempt.id,
      requestKey: `books-refund-${requestKeys}`,
      amountMinor: spec.amountMinor,
      currency: order.currency,
      status: spec.status ?? "SUCCEEDED",
      completedAt: spec.completedAt ?? null,
      lines: {
        create: (spec.lines ?? []).map((line) => {
          const item = order.items[line.line];
          if (!item) throw new Error(`no line ${line.line}`);
          return { orderItemId: item.id, quantity: line.quantity, amountMinor: line.amountMinor, restock: false };
        }),
      },
    },
  });
}

/** Figures written compactly: count, total incl. VAT, VAT per rate; the VAT total and the amount without follow. */
function figures(count: number | null, totalMinor: number, vat: Record<number, number>): Figures {
  const vatMinor = vatTotal(vat);
  return { count, totalMinor, vat, vatMinor, exclVatMinor: totalMinor - vatMinor };
}

async function books(kind: ReportKind, date: string): Promise<CurrencyBooks[]> {
  return periodBooks(reportPeriod(kind, date));
}

/** Strips rates whose VAT is 0 (an order without lines at a rate has no entry for it; the net may have a 0). */
function nonZero(result: CurrencyBooks[]): CurrencyBooks[] {
  const clean = (value: Figures): Figures => ({ ...value, vat: Object.fromEntries(Object.entries(value.vat).filter(([, minor]) => minor !== 0)) });
  return result.map((book) => ({ ...book, sales: clean(book.sales), refunds: clean(book.refunds), net: clean(book.net) }));
}

const NONE = figures(0, 0, {});

beforeAll(() => {
  expect(env.timeZone).toBe("Europe/Stockholm");
});

// ---------------------------------------------------------------------------------------------------------------
// The turn of November 2026: Sunday 29 November ends ISO week 48; Monday 30 November begins week 49 and ends the
// month. Stockholm is UTC+1 in winter.

describe("sales, refunds and VAT per rate around the turn of a week and a month", () => {
  beforeAll(async () => {
    // O1, Sunday 29 Nov 23:59: 2 × 349,00 at 25 % (VAT 139,60), 89,00 at 12 % (VAT 9,54: 953,57 öre rounded),
    // 3 × 45,50 at 6 % (VAT 7,73: 772,64 öre rounded). 923,50 kr; VAT 156,87 kr.
    const o1 = await paidOrder({
      name: "o1",
      paidAt: at("2026-11-29T22:59:00.000Z"),
      lines: [
        { unitPriceMinor: 34900, quantity: 2, taxRateBps: 2500 },
        { unitPriceMinor: 8900, quantity: 1, taxRateBps: 1200 },
        { unitPriceMinor: 4550, quantity: 3, taxRateBps: 600 },
      ],
    });
    // O2, Monday 30 Nov 00:01: 199,00 at 25 % (VAT 39,80), 2 × 59,00 at 12 % (VAT 12,64: 1264,29 öre). 317,00 kr.
    const o2 = await paidOrder({
      name: "o2",
      paidAt: at("2026-11-29T23:01:00.000Z"),
      lines: [
        { unitPriceMinor: 19900, quantity: 1, taxRateBps: 2500 },
        { unitPriceMinor: 5900, quantity: 2, taxRateBps: 1200 },
      ],
    });
    // O3, Monday 30 Nov 23:59: 120,00 at 6 % (VAT 6,79: 679,25 öre). Partly refunded later (not in these books).
    const o3 = await paidOrder({ name: "o3", paidAt: at("2026-11-30T22:59:00.000Z"), lines: [{ unitPriceMinor: 12000, quantity: 1, taxRateBps: 600 }] });
    // O4, Tuesday 1 Dec 00:00 sharp: 49,00 at 25 % (VAT 9,80).
    const o4 = await paidOrder({ name: "o4", paidAt: at("2026-11-30T23:00:00.000Z"), lines: [{ unitPriceMinor: 4900, quantity: 1, taxRateBps: 2500 }] });
    // O11, in euro on Monday 30 Nov: 20,00 EUR at 25 % (VAT 4,00).
    await paidOrder({ name: "o11", currency: "EUR", paidAt: at("2026-11-30T12:00:00.000Z"), lines: [{ unitPriceMinor: 2000, quantity: 1, taxRateBps: 2500 }] });

    // Not sales: an order not paid, and one whose status says it is not paid whatever its paidAt says.
    await db.order.create({
      data: { number: await nextOrderNumber(db), clientInvoiceId: "books-invoiced", status: "INVOICED", currency: "SEK", totalMinor: 50000, taxMinor: 10000 },
    });
    await paidOrder({ name: "canceled", status: "CANCELED", paidAt: at("2026-11-30T12:00:00.000Z"), lines: [{ unitPriceMinor: 88800, quantity: 1, taxRateBps: 2500 }] });

    // R1, Monday 30 Nov 11:00: one of O1's two 349,00 units, by line: VAT 69,80 at 25 %.
    await refund(o1, { amountMinor: 34900, completedAt: at("2026-11-30T10:00:00.000Z"), lines: [{ line: 0, quantity: 1, amountMinor: 34900 }] });
    // R2, Tuesday 1 Dec 10:00: 100,00 off O2 without lines. O2's VAT 52,44 × 100 / 317 = 16,5426 → 16,54, shared
    // 39,80 × 100/317 = 12,555 → 12,55 and 12,64 × 100/317 = 3,987 → 3,98, which make 16,53: the öre left goes on
    // 25 % (the most VAT): 12,56 and 3,98.
    await refund(o2, { amountMinor: 10000, completedAt: at("2026-12-01T09:00:00.000Z") });
    // R4, Wednesday 2 Dec 13:00: O1's 89,00 line (VAT 9,54 at 12 %) and 10,00 more without a line. The 10,00 carries
    // O1's VAT 156,87 × 10 / 923,50 = 1,6986 → 1,70: 139,60 → 1,5116 → 1,51, 9,54 → 0,1033 → 0,10, 7,73 → 0,0837
    // → 0,08; 1,69, so the öre left goes on 25 %: 1,52. In all 25 %: 1,52; 12 %: 9,64; 6 %: 0,08.
    await refund(o1, { amountMinor: 9900, completedAt: at("2026-12-02T12:00:00.000Z"), lines: [{ line: 1, quantity: 1, amountMinor: 8900 }] });

    // Not refunds (yet, or ever): one SEQR has not answered, one whose answer was lost, one SEQR refused.
    await refund(o3, { amountMinor: 1000, status: "PENDING" });
    await refund(o4, { amountMinor: 1000, status: "UNKNOWN", completedAt: at("2026-12-01T10:00:00.000Z") });
    await refund(o1, { amountMinor: 5000, status: "FAILED", completedAt: at("2026-11-30T10:00:00.000Z") });
  });

  test("Sunday 29 November: O1 alone, paid a minute before midnight", async () => {
    const o1 = figures(1, 92350, { 2500: 13960, 1200: 954, 600: 773 });
    expect(await books("day", "2026-11-29")).toEqual([{ currency: "SEK", sales: o1, refunds: NONE, net: { ...o1, count: null } }]);
  });

  test("Monday 30 November: O2 (a minute after midnight) and O3 (a minute before the next), the line refund of O1, and the euro order apart", async () => {
    expect(nonZero(await books("day", "2026-11-30"))).toEqual([
      { currency: "EUR", sales: figures(1, 2000, { 2500: 400 }), refunds: NONE, net: figures(null, 2000, { 2500: 400 }) },
      {
        currency: "SEK",
        // 317,00 + 120,00; VAT 39,80 at 25 %, 12,64 at 12 %, 6,79 at 6 %.
        sales: figures(2, 43700, { 2500: 3980, 1200: 1264, 600: 679 }),
        refunds: figures(1, 34900, { 2500: 6980 }),
        // 437,00 − 349,00 = 88,00; VAT at 25 %: 39,80 − 69,80 = −30,00.
        net: figures(null, 8800, { 2500: -3000, 1200: 1264, 600: 679 }),
      },
    ]);
  });

  test("Tuesday 1 December: O4 (at midnight sharp) and the amount refunded off O2; the unconfirmed refund is not counted", async () => {
    expect(await books("day", "2026-12-01")).toEqual([
      {
        currency: "SEK",
        sales: figures(1, 4900, { 2500: 980 }),
        refunds: figures(1, 10000, { 2500: 1256, 1200: 398 }),
        net: figures(null, -5100, { 2500: -276, 1200: -398 }),
      },
    ]);
  });

  test("week 49 (Monday 30 November to Sunday 6 December): O2, O3, O4 and the three confirmed refunds", async () => {
    const [, sek] = await books("week", "2026-12-03");
    expect(sek).toEqual({
      currency: "SEK",
      // 317,00 + 120,00 + 49,00.
      sales: figures(3, 48600, { 2500: 4960, 1200: 1264, 600: 679 }),
      // 349,00 + 100,00 + 99,00; VAT 69,80 + 12,56 + 1,52 at 25 %, 3,98 + 9,64 at 12 %, 0,08 at 6 %.
      refunds: figures(3, 54800, { 2500: 8388, 1200: 1362, 600: 8 }),
      net: figures(null, -6200, { 2500: -3428, 1200: -98, 600: 671 }),
    });
    expect(sek?.refunds.vatMinor).toBe(9758);
    expect(sek?.net.exclVatMinor).toBe(-3345);
  });

  test("week 48 ends at midnight on Sunday: O1 only", async () => {
    const o1 = figures(1, 92350, { 2500: 13960, 1200: 954, 600: 773 });
    expect(await books("week", "2026-11-23")).toEqual([{ currency: "SEK", sales: o1, refunds: NONE, net: { ...o1, count: null } }]);
  });

  test("November: O1, O2, O3 and the refund of the 30th; December: O4 and the refunds after midnight on the 30th", async () => {
    const [, november] = await books("month", "2026-11-15");
    expect(november).toEqual({
      currency: "SEK",
      sales: figures(3, 136050, { 2500: 17940, 1200: 2218, 600: 1452 }),
      refunds: figures(1, 34900, { 2500: 6980 }),
      net: figures(null, 101150, { 2500: 10960, 1200: 2218, 600: 1452 }),
    });
    expect(november?.sales.exclVatMinor).toBe(114440);
    expect(await books("month", "2026-12-31")).toEqual([
      {
        currency: "SEK",
        sales: figures(1, 4900, { 2500: 980 }),
        refunds: figures(2, 19900, { 2500: 1408, 1200: 1362, 600: 8 }),
        net: figures(null, -15000, { 2500: -428, 1200: -1362, 600: -8 }),
      },
    ]);
  });

  test("every paid order's VAT per rate adds up to the taxMinor it was priced with", async () => {
    const orders = await db.order.findMany({ where: { clientInvoiceId: { startsWith: "books-o" } }, include: { items: true } });
    expect(orders.length).toBeGreaterThanOrEqual(5);
    for (const order of orders) expect(vatTotal(orderVatByRate(order.items)), order.clientInvoiceId).toBe(order.taxMinor);
  });

  test("the CSV: three lines per currency, amounts with decimal commas, negative nets with a minus sign", async () => {
    const period = reportPeriod("week", "2026-11-30");
    const csv = periodBooksCsv(period, await periodBooks(period));
    expect(csv.startsWith("\ufeffPeriod;First day;Last day;Currency;Line;Count;Total incl. VAT;VAT 25 %;VAT 12 %;VAT 6 %;VAT total;Total excl. VAT\r\n")).toBe(true);
    const records: string[][] = parse(csv, { bom: true, delimiter: ";" });
    expect(records[0]).toEqual([...REPORT_CSV_COLUMNS]);
    const week = ["2026-W49", "2026-11-30", "2026-12-06"];
    expect(records.slice(1)).toEqual([
      [...week, "EUR", "Sales", "1", "20,00", "4,00", "0,00", "0,00", "4,00", "16,00"],
      [...week, "EUR", "Refunds", "0", "0,00", "0,00", "0,00", "0,00", "0,00", "0,00"],
      [...week, "EUR", "Net (sales − refunds)", "", "20,00", "4,00", "0,00", "0,00", "4,00", "16,00"],
      [...week, "SEK", "Sales", "3", "486,00", "49,60", "12,64", "6,79", "69,03", "416,97"],
      [...week, "SEK", "Refunds", "3", "548,00", "83,88", "13,62", "0,08", "97,58", "450,42"],
      [...week, "SEK", "Net (sales − refunds)", "", "-62,00", "-34,28", "-0,98", "6,71", "-28,55", "-33,45"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The days the clocks change: Sunday 29 March 2026 has 23 hours (02:00 CET → 03:00 CEST), Sunday 25 October 2026
// has 25 (03:00 CEST → 02:00 CET).

describe("the days the clocks change", () => {
  beforeAll(async () => {
    // Saturday 28 March 23:59 CET and Sunday 29 March 00:00 CET.
    await paidOrder({ name: "dst-sat", paidAt: at("2026-03-28T22:59:00.000Z"), lines: [{ unitPriceMinor: 5000, quantity: 1, taxRateBps: 2500 }] });
    await paidOrder({ name: "dst-sun-first", paidAt: at("2026-03-28T23:00:00.000Z"), lines: [{ unitPriceMinor: 1060, quantity: 1, taxRateBps: 600 }] });
    // Sunday 29 March 23:59 CEST, then Monday 30 March 00:00 CEST: the day ended at 22:00 UTC, an hour early.
    await paidOrder({ name: "dst-sun-last", paidAt: at("2026-03-29T21:59:00.000Z"), lines: [{ unitPriceMinor: 10000, quantity: 1, taxRateBps: 2500 }] });
    await paidOrder({ name: "dst-mon", paidAt: at("2026-03-29T22:00:00.000Z"), lines: [{ unitPriceMinor: 11200, quantity: 1, taxRateBps: 1200 }] });
    // Saturday 24 October 23:59 CEST; Sunday 25 October 23:30 CET (22:30 UTC: a 24-hour day from 22:00 UTC would
    // have lost it); Monday 26 October 00:00 CET.
    await paidOrder({ name: "dst-oct-sat", paidAt: at("2026-10-24T21:59:00.000Z"), lines: [{ unitPriceMinor: 1000, quantity: 1, taxRateBps: 2500 }] });
    await paidOrder({ name: "dst-oct-sun", paidAt: at("2026-10-25T22:30:00.000Z"), lines: [{ unitPriceMinor: 2500, quantity: 1, taxRateBps: 2500 }] });
    await paidOrder({ name: "dst-oct-mon", paidAt: at("2026-10-25T23:00:00.000Z"), lines: [{ unitPriceMinor: 500, quantity: 1, taxRateBps: 2500 }] });
  });

  const salesOf = async (kind: ReportKind, date: string) => (await books(kind, date)).map((book) => [book.currency, book.sales.count, book.sales.totalMinor, book.sales.vat]);

  test("spring: each day has its own orders, the short Sunday included", async () => {
    expect(await salesOf("day", "2026-03-28")).toEqual([["SEK", 1, 5000, { 2500: 1000 }]]);
    // 10,60 at 6 % (VAT 0,60) and 100,00 at 25 % (VAT 20,00).
    expect(await salesOf("day", "2026-03-29")).toEqual([["SEK", 2, 11060, { 2500: 2000, 600: 60 }]]);
    expect(await salesOf("day", "2026-03-30")).toEqual([["SEK", 1, 11200, { 1200: 1200 }]]);
    // Week 13 (23–29 March) ends on the short Sunday; week 14 starts at its midnight.
    expect(await salesOf("week", "2026-03-25")).toEqual([["SEK", 3, 16060, { 2500: 3000, 600: 60 }]]);
    expect(await salesOf("week", "2026-03-30")).toEqual([["SEK", 1, 11200, { 1200: 1200 }]]);
    expect(await salesOf("month", "2026-03-01")).toEqual([["SEK", 4, 27260, { 2500: 3000, 1200: 1200, 600: 60 }]]);
  });

  test("autumn: the long Sunday keeps its last hour", async () => {
    expect(await salesOf("day", "2026-10-24")).toEqual([["SEK", 1, 1000, { 2500: 200 }]]);
    expect(await salesOf("day", "2026-10-25")).toEqual([["SEK", 1, 2500, { 2500: 500 }]]);
    expect(await salesOf("day", "2026-10-26")).toEqual([["SEK", 1, 500, { 2500: 100 }]]);
    // Week 43 (19–25 October) holds Saturday's and Sunday's; October holds all three.
    expect(await salesOf("week", "2026-10-19")).toEqual([["SEK", 2, 3500, { 2500: 700 }]]);
    expect(await salesOf("month", "2026-10-31")).toEqual([["SEK", 3, 4000, { 2500: 800 }]]);
  });

  test("a period with nothing in it", async () => {
    expect(await books("day", "2026-03-27")).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("reportPeriod: days, ISO weeks and months in the shop's zone", () => {
  test.each([
    ["day", "2026-11-30", "2026-11-29T23:00:00.000Z", "2026-11-30T23:00:00.000Z", "2026-11-30", "Monday 30 November 2026", "2026-11-29", "2026-12-01"],
    ["day", "2026-03-29", "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z", "2026-03-29", "Sunday 29 March 2026", "2026-03-28", "2026-03-30"],
    ["day", "2026-10-25", "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z", "2026-10-25", "Sunday 25 October 2026", "2026-10-24", "2026-10-26"],
    ["week", "2026-12-06", "2026-11-29T23:00:00.000Z", "2026-12-06T23:00:00.000Z", "2026-W49", "Week 49, 2026: 30 Nov – 6 Dec 2026", "2026-11-23", "2026-12-07"],
    // 1 January 2027 is a Friday: it belongs to the 53rd week of 2026.
    ["week", "2027-01-01", "2026-12-27T23:00:00.000Z", "2027-01-03T23:00:00.000Z", "2026-W53", "Week 53, 2026: 28 Dec – 3 Jan 2027", "2026-12-21", "2027-01-04"],
    ["month", "2026-03-15", "2026-02-28T23:00:00.000Z", "2026-03-31T22:00:00.000Z", "2026-03", "March 2026", "2026-02-01", "2026-04-01"],
    ["month", "2026-12-31", "2026-11-30T23:00:00.000Z", "2026-12-31T23:00:00.000Z", "2026-12", "December 2026", "2026-11-01", "2027-01-01"],
  ] as const)("%s of %s", (kind, date, start, end, code, title, previousDate, nextDate) => {
    expect(reportPeriod(kind, date)).toMatchObject({ start: at(start), end: at(end), code, title, previousDate, nextDate });
  });

  test("first and last day", () => {
    expect(reportPeriod("week", "2027-01-01")).toMatchObject({ firstDay: "2026-12-28", lastDay: "2027-01-03" });
    expect(reportPeriod("month", "2028-02-10")).toMatchObject({ firstDay: "2028-02-01", lastDay: "2028-02-29" });
    expect(reportPeriod("day", "2026-11-30")).toMatchObject({ firstDay: "2026-11-30", lastDay: "2026-11-30" });
  });

  test("parseReportQuery: a day of today by default; a kind and a date; anything else refused", () => {
    const now = at("2026-11-29T23:30:00.000Z"); // 00:30 on Monday 30 November in Stockholm
    expect(parseReportQuery({}, now)).toMatchObject({ success: true, data: { date: "2026-11-30", period: { kind: "day", code: "2026-11-30" } } });
    expect(parseReportQuery({ period: "", date: "" }, now)).toMatchObject({ success: true, data: { period: { kind: "day", code: "2026-11-30" } } });
    expect(parseReportQuery({ period: ["month", "week"], date: "2026-02-03" }, now)).toMatchObject({ success: true, data: { period: { code: "2026-02" } } });
    expect(parseReportQuery({ period: "year" }, now).success).toBe(false);
    expect(parseReportQuery({ period: "day", date: "2026-02-30" }, now).success).toBe(false);
    expect(parseReportQuery({ date: "30/11/2026" }, now).success).toBe(false);
  });
});

describe("a refund's VAT", () => {
  const order = {
    totalMinor: 92350,
    items: [
      { lineTotalMinor: 69800, taxRateBps: 2500 },
      { lineTotalMinor: 8900, taxRateBps: 1200 },
      { lineTotalMinor: 13650, taxRateBps: 600 },
    ],
  };

  test("all of an order refunded as an amount gives back exactly its VAT", () => {
    expect(proportionalVat(92350, order)).toEqual({ 2500: 13960, 1200: 954, 600: 773 });
    expect(refundVatByRate({ amountMinor: 92350, lines: [], order })).toEqual(orderVatByRate(order.items));
  });

  test("the shares always add up to the VAT of the amount, rounded half up", () => {
    for (const amountMinor of [1, 2, 3, 50, 99, 1000, 4617, 46175, 46176, 92349]) {
      const shares = proportionalVat(amountMinor, order);
      const expected = Math.floor((15687 * amountMinor) / 92350 + 0.5);
      expect(vatTotal(shares), String(amountMinor)).toBe(expected);
      for (const share of Object.values(shares)) expect(share).toBeGreaterThanOrEqual(0);
    }
  });

  test("whole lines carry their own VAT; lines adding up to more than the amount are ignored for the amount's share", () => {
    expect(refundVatByRate({ amountMinor: 8900, lines: [{ amountMinor: 8900, taxRateBps: 1200 }], order })).toEqual({ 1200: 954 });
    expect(refundVatByRate({ amountMinor: 8000, lines: [{ amountMinor: 8900, taxRateBps: 1200 }], order })).toEqual(proportionalVat(8000, order));
  });

  test("nothing refunded, nothing given back", () => {
    expect(proportionalVat(0, order)).toEqual({});
    expect(proportionalVat(100, { totalMinor: 0, items: [] })).toEqual({});
  });
});

describe("spreadsheet cells", () => {
  test.each([
    [164450, "SEK", "1644,50"],
    [5, "SEK", "0,05"],
    [0, "SEK", "0,00"],
    [-3850, "SEK", "-38,50"],
    [-5, "SEK", "-0,05"],
    [1500, "JPY", "1500"],
    [-1500, "JPY", "-1500"],
    [12345, "KWD", "12,345"],
  ])("%i %s → %s", (minor, currency, text) => {
    expect(spreadsheetAmount(minor, currency)).toBe(text);
  });

  test("times in the shop's zone, to the minute", () => {
    expect(spreadsheetTime(at("2026-11-30T13:05:59.000Z"))).toBe("2026-11-30 14:05");
    expect(spreadsheetTime(at("2026-07-01T21:59:00.000Z"))).toBe("2026-07-01 23:59");
    expect(spreadsheetTime(at("2026-07-01T22:00:00.000Z"))).toBe("2026-07-02 00:00");
  });
});
