import { describe, expect, test } from "vitest";

import {
  compareWithReport,
  parseTransactionReport,
  type Mismatch,
  type ReportLedger,
  type ShopLedger,
  type ShopPayment,
  type ShopRefund,
} from "@/lib/admin/reconciliation";
import { settlementFrom, type SettlementRefund, type SettlementRun } from "@/lib/admin/refund-settlement";
import { AppError } from "@/lib/errors";

// SEQR's transaction report (the sandbox's TRANSACTION_REPORT, lib/sandbox/reports.ts) read and compared with the
// shop's books. The reports below are written out by hand in the sandbox's format: a header, PAYMENT rows, REFUND
// rows with negative amounts, then TOTAL_PAID and TOTAL_REFUNDED (negative) per currency; fields holding a comma
// or a quote are quoted.

const HEADER = "type,time,invoiceReference,clientInvoiceId,ersReference,amount,currency";

function thrown(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw new Error(`expected an AppError, got ${String(error)}`);
  }
  throw new Error("expected an AppError, nothing was thrown");
}

describe("parseTransactionReport", () => {
  test("reads payments, refunds (positive) and totals per currency from the sandbox's CSV", () => {
    const report = [
      HEADER,
      "PAYMENT,2026-11-27T10:00:00.000Z,INV-1,order-aaa,ERS-P1,349.00,SEK",
      "PAYMENT,2026-11-27T10:05:00.000Z,INV-2,order-bbb,ERS-P2,69.50,SEK",
      "PAYMENT,2026-11-27T10:06:00.000Z,INV-3,order-ccc,ERS-P3,12.34,EUR",
      "REFUND,2026-11-27T11:00:00.000Z,INV-1,order-aaa,ERS-R1,-100.00,SEK",
      "TOTAL_PAID,,,,,418.50,SEK",
      "TOTAL_REFUNDED,,,,,-100.00,SEK",
      "TOTAL_PAID,,,,,12.34,EUR",
      "TOTAL_REFUNDED,,,,,0.00,EUR",
    ].join("\n");

    expect(parseTransactionReport(report)).toEqual({
      entries: [
        { type: "PAYMENT", invoiceReference: "INV-1", clientInvoiceId: "order-aaa", ersReference: "ERS-P1", amountMinor: 34900, currency: "SEK" },
        { type: "PAYMENT", invoiceReference: "INV-2", clientInvoiceId: "order-bbb", ersReference: "ERS-P2", amountMinor: 6950, currency: "SEK" },
        { type: "PAYMENT", invoiceReference: "INV-3", clientInvoiceId: "order-ccc", ersReference: "ERS-P3", amountMinor: 1234, currency: "EUR" },
        { type: "REFUND", invoiceReference: "INV-1", clientInvoiceId: "order-aaa", ersReference: "ERS-R1", amountMinor: 10000, currency: "SEK" },
      ],
      totals: [
        { currency: "SEK", paidMinor: 41850, refundedMinor: 10000 },
        { currency: "EUR", paidMinor: 1234, refundedMinor: 0 },
      ],
    });
  });

  test("an empty period: the header alone, or nothing at all", () => {
    expect(parseTransactionReport(HEADER)).toEqual({ entries: [], totals: [] });
    expect(parseTransactionReport(`${HEADER}\n`)).toEqual({ entries: [], totals: [] });
    expect(parseTransactionReport("")).toEqual({ entries: [], totals: [] });
  });

  test("a refund of nothing written as -0.00 is zero, and -0 in a 0-decimal currency too", () => {
    const report = [HEADER, "TOTAL_PAID,,,,,0.00,SEK", "TOTAL_REFUNDED,,,,,-0.00,SEK", "TOTAL_PAID,,,,,1500,JPY", "TOTAL_REFUNDED,,,,,-0,JPY"].join("\n");
    expect(parseTransactionReport(report).totals).toEqual([
      { currency: "SEK", paidMinor: 0, refundedMinor: 0 },
      { currency: "JPY", paidMinor: 1500, refundedMinor: 0 },
    ]);
  });

  test("quoted fields: a clientInvoiceId holding a comma, a quote or a line break", () => {
    const report = [
      HEADER,
      'PAYMENT,2026-11-27T10:00:00.000Z,INV-1,"a,b",ERS-P1,1.00,SEK',
      'PAYMENT,2026-11-27T10:00:00.000Z,INV-2,"say ""hi""",ERS-P2,2.00,SEK',
      'PAYMENT,2026-11-27T10:00:00.000Z,INV-3,"two\nlines",ERS-P3,3.00,SEK',
      '"REFUND","2026-11-27T11:00:00.000Z","INV-1","a,b","ERS-R1","-0.50","SEK"',
    ].join("\n");
    const { entries } = parseTransactionReport(report);
    expect(entries.map((entry) => [entry.clientInvoiceId, entry.amountMinor])).toEqual([
      ["a,b", 100],
      ['say "hi"', 200],
      ["two\nlines", 300],
      ["a,b", 50],
    ]);
  });

  test("CRLF line endings and blank lines are read the same", () => {
    const report = `${HEADER}\r\nPAYMENT,2026-11-27T10:00:00.000Z,INV-1,order-aaa,ERS-P1,349.00,SEK\r\n\r\nTOTAL_PAID,,,,,349.00,SEK\r\n`;
    const ledger = parseTransactionReport(report);
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.totals).toEqual([{ currency: "SEK", paidMinor: 34900, refundedMinor: 0 }]);
  });

  test("payments without a clientInvoiceId or ersReference keep empty strings", () => {
    const { entries } = parseTransactionReport(`${HEADER}\nPAYMENT,2026-11-27T10:00:00.000Z,INV-1,,,5,SEK`);
    expect(entries).toEqual([{ type: "PAYMENT", invoiceReference: "INV-1", clientInvoiceId: "", ersReference: "", amountMinor: 500, currency: "SEK" }]);
  });

  test("amounts in currencies with 0 and 3 decimals", () => {
    const report = [HEADER, "PAYMENT,t,INV-1,o,E1,1500,JPY", "PAYMENT,t,INV-2,o,E2,1.234,KWD", "REFUND,t,INV-2,o,E3,-0.5,KWD"].join("\n");
    expect(parseTransactionReport(report).entries.map((entry) => [entry.amountMinor, entry.currency])).toEqual([
      [1500, "JPY"],
      [1234, "KWD"],
      [500, "KWD"],
    ]);
  });

  test("a report that is not CSV is a REPORT_FORMAT error (502)", () => {
    const error = thrown(() => parseTransactionReport(`${HEADER}\nPAYMENT,t,"INV-1,o,E,1.00,SEK`));
    expect(error.code).toBe("REPORT_FORMAT");
    expect(error.status).toBe(502);
    expect(error.message).toBe("SEQR's report is not in a form the shop can read. Fetch the report again; if it stays so, contact SEQR support.");
  });

  test("a row with more or fewer fields than the header is refused", () => {
    expect(thrown(() => parseTransactionReport(`${HEADER}\nPAYMENT,t,INV-1,o,E,1.00,SEK,extra`)).code).toBe("REPORT_FORMAT");
    expect(thrown(() => parseTransactionReport(`${HEADER}\nPAYMENT,t,INV-1,o,E,1.00`)).code).toBe("REPORT_FORMAT");
  });

  test.each([
    // [row, the line's problem]
    ["SALE,t,INV-1,o,E,1.00,SEK", /^SEQR's report has a row the shop cannot read \(row 2 after the header, column “type”\)\. /],
    ["payment,t,INV-1,o,E,1.00,SEK", /^SEQR's report has a row the shop cannot read \(row 2 after the header, column “type”\)\. /],
    ["PAYMENT,t,INV-1,o,E,1.00,sek", /^SEQR's report has a row the shop cannot read \(row 2 after the header, column “currency”\)\. /],
    ["PAYMENT,t,INV-1,o,E,1.00,", /^SEQR's report has a row the shop cannot read \(row 2 after the header, column “currency”\)\. /],
    ["PAYMENT,t,INV-1,o,E,1.00,SEKR", /^SEQR's report has a row the shop cannot read \(row 2 after the header, column “currency”\)\. /],
  ])("a line that is not as expected names its line: %s", (row, message) => {
    const error = thrown(() => parseTransactionReport(`${HEADER}\nPAYMENT,t,INV-0,o,E0,1.00,SEK\n${row}`));
    expect(error.code).toBe("REPORT_FORMAT");
    expect(error.status).toBe(502);
    expect(error.message).toMatch(message);
  });

  test("a header without a column the shop needs is refused", () => {
    const error = thrown(() => parseTransactionReport("type,time,invoiceReference,clientInvoiceId,ersReference,amount\nPAYMENT,t,INV-1,o,E,1.00"));
    expect(error.code).toBe("REPORT_FORMAT");
    expect(error.message).toMatch(/^SEQR's report has a row the shop cannot read \(row 1 after the header, column “currency”\)\. /);
  });

  test.each([
    ["10.225", "SEK"], // more decimals than SEK has
    ["1.5", "JPY"],
    ["1,00", "SEK"],
    ["", "SEK"],
    ["abc", "SEK"],
    ["1e3", "SEK"],
    ["99999999999999999", "SEK"], // beyond exact integers
  ])("an amount the shop cannot read (%j %s) is refused with its line", (amount, currency) => {
    const error = thrown(() => parseTransactionReport(`${HEADER}\nPAYMENT,t,INV-1,o,E,"${amount}",${currency}`));
    expect(error.code).toBe("REPORT_FORMAT");
    expect(error.message).toBe("SEQR's report has an amount the shop cannot read (row 1 after the header). Fetch the report again; if it stays so, contact SEQR support.");
  });
});

// ---------------------------------------------------------------------------------------------------------------

const payment = (invoiceReference: string, amountMinor: number, overrides: Partial<ShopPayment> = {}): ShopPayment => ({
  invoiceReference,
  clientInvoiceId: `order-${invoiceReference}`,
  seqrStatus: "PAID",
  amountMinor,
  currency: "SEK",
  inPeriod: true,
  ...overrides,
});

const refund = (ersReference: string, amountMinor: number, overrides: Partial<ShopRefund> = {}): ShopRefund => ({
  ersReference,
  clientInvoiceId: `order-of-${ersReference}`,
  amountMinor,
  currency: "SEK",
  inPeriod: true,
  ...overrides,
});

const reportedPayment = (invoiceReference: string, amountMinor: number, currency = "SEK", clientInvoiceId = `order-${invoiceReference}`) => ({
  type: "PAYMENT" as const,
  invoiceReference,
  clientInvoiceId,
  ersReference: `ERS-${invoiceReference}`,
  amountMinor,
  currency,
});

const reportedRefund = (ersReference: string, amountMinor: number, currency = "SEK", clientInvoiceId = `order-of-${ersReference}`) => ({
  type: "REFUND" as const,
  invoiceReference: "INV-X",
  clientInvoiceId,
  ersReference,
  amountMinor,
  currency,
});

const kinds = (mismatches: Mismatch[]) => mismatches.map((mismatch) => `${mismatch.kind} ${mismatch.reference ?? mismatch.currency}`);

describe("compareWithReport", () => {
  test("books that agree: no mismatch, totals side by side", () => {
    const report: ReportLedger = {
      entries: [reportedPayment("INV-1", 34900), reportedPayment("INV-2", 6900), reportedRefund("R-1", 10000)],
      totals: [{ currency: "SEK", paidMinor: 41800, refundedMinor: 10000 }],
    };
    const shop: ShopLedger = { payments: [payment("INV-1", 34900), payment("INV-2", 6900)], refunds: [refund("R-1", 10000)] };

    expect(compareWithReport(report, shop)).toEqual({
      mismatches: [],
      totals: [{ currency: "SEK", seqrPaidMinor: 41800, shopPaidMinor: 41800, seqrRefundedMinor: 10000, shopRefundedMinor: 10000 }],
    });
  });

  test("an empty report against empty books", () => {
    expect(compareWithReport({ entries: [], totals: [] }, { payments: [], refunds: [] })).toEqual({ mismatches: [], totals: [] });
  });

  test("PAYMENT_UNKNOWN_TO_SHOP: SEQR reports a payment on an invoice the shop never issued", () => {
    const report: ReportLedger = { entries: [reportedPayment("INV-9", 5000, "SEK", "order-zzz")], totals: [{ currency: "SEK", paidMinor: 5000, refundedMinor: 0 }] };
    const { mismatches } = compareWithReport(report, { payments: [], refunds: [] });
    expect(mismatches).toEqual([
      {
        kind: "PAYMENT_UNKNOWN_TO_SHOP",
        reference: "INV-9",
        clientInvoiceId: "order-zzz",
        currency: "SEK",
        seqrMinor: 5000,
        shopMinor: null,
        explanation: "SEQR reports a payment on an invoice the shop has no record of.",
      },
      { kind: "TOTAL_PAID_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 5000, shopMinor: 0, explanation: "The period's paid totals differ." },
    ]);
  });

  test("an empty clientInvoiceId in the report becomes null", () => {
    const report: ReportLedger = { entries: [reportedPayment("INV-9", 5000, "SEK", "")], totals: [] };
    const [unknown] = compareWithReport(report, { payments: [], refunds: [] }).mismatches;
    expect(unknown?.clientInvoiceId).toBeNull();
  });

  test.each(["ISSUED", "CANCELED", "EXPIRED", "FAILED", "RESERVED"])(
    "PAYMENT_NOT_PAID_IN_SHOP: SEQR reports paid what the shop has as %s",
    (seqrStatus) => {
      const report: ReportLedger = { entries: [reportedPayment("INV-1", 34900, "SEK", "as-seqr-says")], totals: [{ currency: "SEK", paidMinor: 34900, refundedMinor: 0 }] };
      // The shop places only PAID payments in the period (loadShopLedger).
      const shop: ShopLedger = { payments: [payment("INV-1", 34900, { seqrStatus, inPeriod: false })], refunds: [] };
      const { mismatches, totals } = compareWithReport(report, shop);
      expect(mismatches).toEqual([
        {
          kind: "PAYMENT_NOT_PAID_IN_SHOP",
          reference: "INV-1",
          clientInvoiceId: "order-INV-1", // the shop's own order id
          currency: "SEK",
          seqrMinor: 34900,
          shopMinor: null,
          explanation: `SEQR reports this invoice paid; the shop has it as ${seqrStatus}. Refresh the order from SEQR.`,
        },
        { kind: "TOTAL_PAID_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 34900, shopMinor: 0, explanation: "The period's paid totals differ." },
      ]);
      expect(totals).toEqual([{ currency: "SEK", seqrPaidMinor: 34900, shopPaidMinor: 0, seqrRefundedMinor: 0, shopRefundedMinor: 0 }]);
    },
  );

  test("PAYMENT_AMOUNT_DIFFERS: a different amount", () => {
    const report: ReportLedger = { entries: [reportedPayment("INV-1", 34800)], totals: [{ currency: "SEK", paidMinor: 34800, refundedMinor: 0 }] };
    const shop: ShopLedger = { payments: [payment("INV-1", 34900)], refunds: [] };
    expect(compareWithReport(report, shop).mismatches).toEqual([
      {
        kind: "PAYMENT_AMOUNT_DIFFERS",
        reference: "INV-1",
        clientInvoiceId: "order-INV-1",
        currency: "SEK",
        seqrMinor: 34800,
        shopMinor: 34900,
        explanation: "SEQR and the shop disagree on the amount paid.",
      },
      { kind: "TOTAL_PAID_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 34800, shopMinor: 34900, explanation: "The period's paid totals differ." },
    ]);
  });

  test("PAYMENT_AMOUNT_DIFFERS: the same number in another currency", () => {
    const report: ReportLedger = { entries: [reportedPayment("INV-1", 34900, "EUR")], totals: [{ currency: "EUR", paidMinor: 34900, refundedMinor: 0 }] };
    const shop: ShopLedger = { payments: [payment("INV-1", 34900, { currency: "SEK" })], refunds: [] };
    const { mismatches, totals } = compareWithReport(report, shop);
    expect(kinds(mismatches)).toEqual(["PAYMENT_AMOUNT_DIFFERS INV-1", "TOTAL_PAID_DIFFERS EUR", "TOTAL_PAID_DIFFERS SEK"]);
    expect(mismatches[0]).toMatchObject({ currency: "EUR", seqrMinor: 34900, shopMinor: 34900 });
    expect(totals).toEqual([
      { currency: "EUR", seqrPaidMinor: 34900, shopPaidMinor: 0, seqrRefundedMinor: 0, shopRefundedMinor: 0 },
      { currency: "SEK", seqrPaidMinor: 0, shopPaidMinor: 34900, seqrRefundedMinor: 0, shopRefundedMinor: 0 },
    ]);
  });

  test("PAYMENT_MISSING_FROM_REPORT: the shop has a payment in the period that SEQR does not list", () => {
    const report: ReportLedger = { entries: [], totals: [] };
    const shop: ShopLedger = { payments: [payment("INV-1", 34900)], refunds: [] };
    expect(compareWithReport(report, shop).mismatches).toEqual([
      {
        kind: "PAYMENT_MISSING_FROM_REPORT",
        reference: "INV-1",
        clientInvoiceId: "order-INV-1",
        currency: "SEK",
        seqrMinor: null,
        shopMinor: 34900,
        explanation: "The shop has this invoice paid in the period; SEQR's report does not list it.",
      },
      { kind: "TOTAL_PAID_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 0, shopMinor: 34900, explanation: "The period's paid totals differ." },
    ]);
  });

  test("a payment the shop places outside the period is not missing from this period's report, nor counted", () => {
    const report: ReportLedger = { entries: [reportedPayment("INV-1", 34900)], totals: [{ currency: "SEK", paidMinor: 34900, refundedMinor: 0 }] };
    const shop: ShopLedger = { payments: [payment("INV-1", 34900), payment("INV-OLD", 12300, { inPeriod: false })], refunds: [] };
    expect(compareWithReport(report, shop)).toEqual({
      mismatches: [],
      totals: [{ currency: "SEK", seqrPaidMinor: 34900, shopPaidMinor: 34900, seqrRefundedMinor: 0, shopRefundedMinor: 0 }],
    });
  });

  test("a payment in the report that the shop has paid outside the period is matched by reference: no per-payment mismatch", () => {
    // E.g. paid in the instant between the shop's clock reading and SEQR's mark. The row matches; only the
    // period's totals can differ, since the shop counts it in the next period.
    const report: ReportLedger = {
      entries: [reportedPayment("INV-1", 34900), reportedPayment("INV-EDGE", 5000)],
      totals: [{ currency: "SEK", paidMinor: 39900, refundedMinor: 0 }],
    };
    const shop: ShopLedger = { payments: [payment("INV-1", 34900), payment("INV-EDGE", 5000, { inPeriod: false })], refunds: [] };
    const { mismatches, totals } = compareWithReport(report, shop);
    expect(kinds(mismatches)).toEqual(["TOTAL_PAID_DIFFERS SEK"]);
    expect(totals).toEqual([{ currency: "SEK", seqrPaidMinor: 39900, shopPaidMinor: 34900, seqrRefundedMinor: 0, shopRefundedMinor: 0 }]);
  });

  test("a payment the shop has not as PAID is never missing, whatever its period", () => {
    const shop: ShopLedger = { payments: [payment("INV-1", 34900, { seqrStatus: "CANCELED", inPeriod: true })], refunds: [] };
    const { mismatches, totals } = compareWithReport({ entries: [], totals: [] }, shop);
    expect(mismatches).toEqual([]);
    // Its currency is listed (it was in the period) with nothing paid on either side.
    expect(totals).toEqual([{ currency: "SEK", seqrPaidMinor: 0, shopPaidMinor: 0, seqrRefundedMinor: 0, shopRefundedMinor: 0 }]);
  });

  test("REFUND_UNKNOWN_TO_SHOP: a refund the shop has no confirmed record of", () => {
    const report: ReportLedger = { entries: [reportedRefund("R-9", 2500, "SEK", "order-q")], totals: [{ currency: "SEK", paidMinor: 0, refundedMinor: 2500 }] };
    expect(compareWithReport(report, { payments: [], refunds: [] }).mismatches).toEqual([
      {
        kind: "REFUND_UNKNOWN_TO_SHOP",
        reference: "R-9",
        clientInvoiceId: "order-q",
        currency: "SEK",
        seqrMinor: 2500,
        shopMinor: null,
        explanation: "SEQR reports a refund the shop has no confirmed record of (was it one SEQR never answered?).",
      },
      { kind: "TOTAL_REFUNDED_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 2500, shopMinor: 0, explanation: "The period's refunded totals differ." },
    ]);
  });

  test("a refund is never matched to a payment with the same reference, nor the other way round", () => {
    const report: ReportLedger = { entries: [reportedRefund("SAME", 100), reportedPayment("OTHER", 100)], totals: [] };
    const shop: ShopLedger = { payments: [payment("SAME", 100, { inPeriod: false })], refunds: [refund("OTHER", 100, { inPeriod: false })] };
    expect(kinds(compareWithReport(report, shop).mismatches)).toEqual(["REFUND_UNKNOWN_TO_SHOP SAME", "PAYMENT_UNKNOWN_TO_SHOP OTHER"]);
  });

  test("REFUND_AMOUNT_DIFFERS: a different amount or currency", () => {
    const report: ReportLedger = {
      entries: [reportedRefund("R-1", 2500), reportedRefund("R-2", 1000, "EUR")],
      totals: [
        { currency: "SEK", paidMinor: 0, refundedMinor: 2500 },
        { currency: "EUR", paidMinor: 0, refundedMinor: 1000 },
      ],
    };
    const shop: ShopLedger = { payments: [], refunds: [refund("R-1", 2000), refund("R-2", 1000, { currency: "SEK" })] };
    const { mismatches } = compareWithReport(report, shop);
    expect(mismatches.slice(0, 2)).toEqual([
      {
        kind: "REFUND_AMOUNT_DIFFERS",
        reference: "R-1",
        clientInvoiceId: "order-of-R-1",
        currency: "SEK",
        seqrMinor: 2500,
        shopMinor: 2000,
        explanation: "SEQR and the shop disagree on the amount refunded.",
      },
      {
        kind: "REFUND_AMOUNT_DIFFERS",
        reference: "R-2",
        clientInvoiceId: "order-of-R-2",
        currency: "EUR",
        seqrMinor: 1000,
        shopMinor: 1000,
        shopCurrency: "SEK",
        explanation: "SEQR and the shop disagree on the amount refunded.",
      },
    ]);
    // EUR: SEQR 1000, shop 0. SEK: SEQR 2500, shop 2000 + 1000.
    expect(kinds(mismatches.slice(2))).toEqual(["TOTAL_REFUNDED_DIFFERS EUR", "TOTAL_REFUNDED_DIFFERS SEK"]);
    expect(mismatches.slice(2).map((mismatch) => [mismatch.seqrMinor, mismatch.shopMinor])).toEqual([
      [1000, 0],
      [2500, 3000],
    ]);
  });

  test("REFUND_MISSING_FROM_REPORT: only for refunds the shop confirmed in the period", () => {
    const shop: ShopLedger = { payments: [], refunds: [refund("R-1", 2500), refund("R-OLD", 900, { inPeriod: false })] };
    expect(compareWithReport({ entries: [], totals: [] }, shop).mismatches).toEqual([
      {
        kind: "REFUND_MISSING_FROM_REPORT",
        reference: "R-1",
        clientInvoiceId: "order-of-R-1",
        currency: "SEK",
        seqrMinor: null,
        shopMinor: 2500,
        explanation: "The shop has this refund confirmed in the period; SEQR's report does not list it.",
      },
      { kind: "TOTAL_REFUNDED_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 0, shopMinor: 2500, explanation: "The period's refunded totals differ." },
    ]);
  });

  test("TOTAL_PAID_DIFFERS and TOTAL_REFUNDED_DIFFERS when SEQR's totals disagree with its own rows", () => {
    const report: ReportLedger = {
      entries: [reportedPayment("INV-1", 34900), reportedRefund("R-1", 10000)],
      totals: [{ currency: "SEK", paidMinor: 35000, refundedMinor: 9000 }],
    };
    const shop: ShopLedger = { payments: [payment("INV-1", 34900)], refunds: [refund("R-1", 10000)] };
    expect(compareWithReport(report, shop).mismatches).toEqual([
      { kind: "TOTAL_PAID_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 35000, shopMinor: 34900, explanation: "The period's paid totals differ." },
      { kind: "TOTAL_REFUNDED_DIFFERS", reference: null, clientInvoiceId: null, currency: "SEK", seqrMinor: 9000, shopMinor: 10000, explanation: "The period's refunded totals differ." },
    ]);
  });

  test("totals per currency, sorted, from SEQR's totals and the shop's in-period payments and refunds", () => {
    const report: ReportLedger = {
      entries: [reportedPayment("S-1", 34900), reportedPayment("E-1", 1234, "EUR"), reportedRefund("ER-1", 234, "EUR")],
      totals: [
        { currency: "SEK", paidMinor: 34900, refundedMinor: 0 },
        { currency: "EUR", paidMinor: 1234, refundedMinor: 234 },
        { currency: "USD", paidMinor: 0, refundedMinor: 0 },
      ],
    };
    const shop: ShopLedger = {
      payments: [
        payment("S-1", 34900),
        payment("E-1", 1234, { currency: "EUR" }),
        payment("S-OLD", 5000, { inPeriod: false }),
        payment("N-OLD", 7000, { currency: "NOK", inPeriod: false }), // outside: NOK is not listed
      ],
      refunds: [refund("ER-1", 234, { currency: "EUR" }), refund("DR-OLD", 100, { currency: "DKK", inPeriod: false })],
    };
    expect(compareWithReport(report, shop)).toEqual({
      mismatches: [],
      totals: [
        { currency: "EUR", seqrPaidMinor: 1234, shopPaidMinor: 1234, seqrRefundedMinor: 234, shopRefundedMinor: 234 },
        { currency: "SEK", seqrPaidMinor: 34900, shopPaidMinor: 34900, seqrRefundedMinor: 0, shopRefundedMinor: 0 },
        { currency: "USD", seqrPaidMinor: 0, shopPaidMinor: 0, seqrRefundedMinor: 0, shopRefundedMinor: 0 },
      ],
    });
  });

  test("a currency only the shop has in the period counts as zero at SEQR", () => {
    const shop: ShopLedger = { payments: [payment("N-1", 7000, { currency: "NOK" })], refunds: [refund("D-1", 100, { currency: "DKK" })] };
    const { mismatches, totals } = compareWithReport({ entries: [], totals: [] }, shop);
    expect(totals).toEqual([
      { currency: "DKK", seqrPaidMinor: 0, shopPaidMinor: 0, seqrRefundedMinor: 0, shopRefundedMinor: 100 },
      { currency: "NOK", seqrPaidMinor: 0, shopPaidMinor: 7000, seqrRefundedMinor: 0, shopRefundedMinor: 0 },
    ]);
    expect(kinds(mismatches)).toEqual(["PAYMENT_MISSING_FROM_REPORT N-1", "REFUND_MISSING_FROM_REPORT D-1", "TOTAL_REFUNDED_DIFFERS DKK", "TOTAL_PAID_DIFFERS NOK"]);
  });

  test("mismatches come in report order, then the shop's missing ones, then totals", () => {
    const report: ReportLedger = {
      entries: [reportedRefund("R-UNKNOWN", 100), reportedPayment("P-UNKNOWN", 200), reportedPayment("P-DIFF", 300)],
      totals: [{ currency: "SEK", paidMinor: 500, refundedMinor: 100 }],
    };
    const shop: ShopLedger = { payments: [payment("P-MISSING", 400), payment("P-DIFF", 301)], refunds: [refund("R-MISSING", 50)] };
    expect(kinds(compareWithReport(report, shop).mismatches)).toEqual([
      "REFUND_UNKNOWN_TO_SHOP R-UNKNOWN",
      "PAYMENT_UNKNOWN_TO_SHOP P-UNKNOWN",
      "PAYMENT_AMOUNT_DIFFERS P-DIFF",
      "PAYMENT_MISSING_FROM_REPORT P-MISSING",
      "REFUND_MISSING_FROM_REPORT R-MISSING",
      "TOTAL_PAID_DIFFERS SEK", // SEQR 500, shop 400 + 301
      "TOTAL_REFUNDED_DIFFERS SEK", // SEQR 100, shop 50
    ]);
  });

  test("a report read from the sandbox's CSV compares cleanly with books that match it", () => {
    const csv = [
      HEADER,
      'PAYMENT,2026-11-27T10:00:00.000Z,INV-1,"id,with,commas",ERS-P1,349.00,SEK',
      "PAYMENT,2026-11-27T10:05:00.000Z,INV-2,order-bbb,ERS-P2,69.00,SEK",
      "REFUND,2026-11-27T11:00:00.000Z,INV-1,\"id,with,commas\",ERS-R1,-49.00,SEK",
      "TOTAL_PAID,,,,,418.00,SEK",
      "TOTAL_REFUNDED,,,,,-49.00,SEK",
    ].join("\n");
    const shop: ShopLedger = {
      payments: [payment("INV-1", 34900, { clientInvoiceId: "id,with,commas" }), payment("INV-2", 6900)],
      refunds: [refund("ERS-R1", 4900)],
    };
    expect(compareWithReport(parseTransactionReport(csv), shop)).toEqual({
      mismatches: [],
      totals: [{ currency: "SEK", seqrPaidMinor: 41800, shopPaidMinor: 41800, seqrRefundedMinor: 4900, shopRefundedMinor: 4900 }],
    });
  });
});

describe("settlementFrom: what a report says about a refund SEQR never confirmed", () => {
  const MINUTE = 60_000;
  const t = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 12, 0) + minutes * MINUTE);
  const refund: SettlementRefund = { id: "r1", amountMinor: 1_000, currency: "SEK", createdAt: t(0), ersReference: null, invoiceReference: "INV1" };
  const entry = (ersReference: string, amountMinor = 1_000, invoiceReference = "INV1") => ({
    type: "REFUND" as const,
    invoiceReference,
    clientInvoiceId: "ORD-1",
    ersReference,
    amountMinor,
    currency: "SEK",
  });
  const run = (id: string, from: number, to: number, entries: SettlementRun["entries"] = [], status = "COMPLETED"): SettlementRun => ({
    id,
    status,
    transactionPeriodId: `P-${id}`,
    periodStart: t(from),
    periodEnd: t(to),
    entries,
  });
  const margin = 5 * MINUTE;
  const none = new Set<string>();

  test("a report listing a refund of the same invoice and amount settles it as done; one another refund holds, or of another amount, does not", () => {
    const own = run("own", -10, 10, [entry("ERS-OTHER", 999), entry("ERS-TAKEN"), entry("ERS-R1")]);
    expect(settlementFrom(own, refund, [own], new Set(["ERS-TAKEN"]), margin)).toMatchObject({ kind: "done", entry: { ersReference: "ERS-R1" } });
    const onlyTaken = run("own", -10, 10, [entry("ERS-TAKEN"), entry("ERS-X", 1_000, "INV2")]);
    expect(settlementFrom(onlyTaken, refund, [onlyTaken], new Set(["ERS-TAKEN"]), margin).kind).toBe("none");
  });

  test("released only by a later period's report, once every period since the refund is reconciled without it", () => {
    const own = run("own", -10, 1);
    const later = run("later", 1, 10);
    expect(settlementFrom(own, refund, [own, later], none, margin)).toMatchObject({ kind: "none", why: expect.stringMatching(/Reconcile a later period/) });
    expect(settlementFrom(later, refund, [own, later], none, margin)).toMatchObject({ kind: "release", run: { id: "later" } });
    // Closed while SEQR could still have been making it.
    const tooSoon = run("soon", 1, 3);
    expect(settlementFrom(tooSoon, refund, [own, tooSoon], none, margin).kind).toBe("none");
    // The period the refund was made in has no report, or is missing, or lists it.
    expect(settlementFrom(later, refund, [run("own", -10, 1, null, "FAILED"), later], none, margin).kind).toBe("none");
    expect(settlementFrom(later, refund, [later], none, margin).kind).toBe("none");
    expect(settlementFrom(later, refund, [run("own", -10, 1, [entry("ERS-R1")]), later], none, margin)).toMatchObject({
      kind: "none",
      why: expect.stringMatching(/settle it from there/),
    });
    // A gap between the reconciled periods.
    expect(settlementFrom(later, refund, [run("own", -10, 0.5), later], none, margin).kind).toBe("none");
  });

  test("a refund SEQR answered with a reference is settled by that reference only, never released", () => {
    const answered = { ...refund, ersReference: "ERS-R1" };
    const own = run("own", -10, 1, [entry("ERS-OTHER")]);
    const later = run("later", 1, 10);
    expect(settlementFrom(own, answered, [own, later], none, margin).kind).toBe("none");
    expect(settlementFrom(later, answered, [own, later], none, margin).kind).toBe("none");
    const listing = run("own", -10, 1, [entry("ERS-R1", 1)]);
    expect(settlementFrom(listing, answered, [listing], none, margin)).toMatchObject({ kind: "done", entry: { ersReference: "ERS-R1" } });
  });
});
