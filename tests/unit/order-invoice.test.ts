import { describe, expect, test } from "vitest";

import { env } from "@/lib/env";
import { buildInvoice, invoiceRowsFor, WEB_SHOP_CASHIER_ID } from "@/lib/orders/invoice";
import { verifyOrderSignature } from "@/lib/orders/notification-url";
import { priceLines } from "@/lib/orders/pricing";
import { toSeqrAmount } from "@/lib/seqr/amounts";
import { SHOP_NAME } from "@/lib/shop/brand";

type Item = { name: string; sku: string; quantity: number; unitPriceMinor: number; taxRateBps: number; lineTotalMinor: number };

const ID = "AbCdEfGhIjKlMnOpQr-_12";
const ISSUE_DATE = new Date("2025-03-14T09:26:53.000Z");

function item(name: string, sku: string, unitPriceMinor: number, quantity: number, taxRateBps: number): Item {
  return { name, sku, quantity, unitPriceMinor, taxRateBps, lineTotalMinor: unitPriceMinor * quantity };
}

function orderOf(items: Item[], overrides: { totalMinor?: number; currency?: string; clientInvoiceId?: string } = {}) {
  return {
    clientInvoiceId: ID,
    currency: "SEK",
    totalMinor: items.reduce((sum, line) => sum + line.lineTotalMinor, 0),
    items,
    ...overrides,
  };
}

const ITEMS = [
  item("Linen tea towel", "TOWEL-1", 12900, 2, 2500),
  item("Cookbook", "BOOK-7", 34900, 1, 600),
  item("Lingonberry jam", "JAM-3", 5990, 3, 1200),
];

/** Sums 2-decimal strings such as "33.33" exactly (in hundredths, with BigInt), back to a 2-decimal string. */
function sumDecimalStrings(values: readonly string[]): string {
  let hundredths = 0n;
  for (const value of values) {
    const match = /^(-?)(\d+)\.(\d{2})$/.exec(value);
    if (!match) throw new Error(`not a 2-decimal amount: ${value}`);
    const magnitude = BigInt(`${match[2]}${match[3]}`);
    hundredths += match[1] === "-" ? -magnitude : magnitude;
  }
  const sign = hundredths < 0n ? "-" : "";
  const digits = (hundredths < 0n ? -hundredths : hundredths).toString().padStart(3, "0");
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

describe("buildInvoice", () => {
  const order = orderOf(ITEMS);
  const invoice = buildInvoice(order, ISSUE_DATE);

  test("has one row per item, mirroring it", () => {
    expect(invoice.rows).toEqual([
      { description: "Linen tea towel", sku: "TOWEL-1", quantity: 2, unitPriceMinor: 12900, taxRatePercent: 25, totalMinor: 25800 },
      { description: "Cookbook", sku: "BOOK-7", quantity: 1, unitPriceMinor: 34900, taxRatePercent: 6, totalMinor: 34900 },
      { description: "Lingonberry jam", sku: "JAM-3", quantity: 3, unitPriceMinor: 5990, taxRatePercent: 12, totalMinor: 17970 },
    ]);
  });

  test("carries taxRatePercent as bps / 100, fractional rates included", () => {
    const rows = invoiceRowsFor(orderOf([item("a", "A", 100, 1, 1250), item("b", "B", 100, 1, 0), item("c", "C", 100, 1, 10000)]));
    expect(rows.map((row) => row.taxRatePercent)).toEqual([12.5, 0, 100]);
  });

  test("takes row totals from the stored line totals, never recomputing them", () => {
    // A stored line total that differs from unit × quantity (e.g. a price fixed at order time) is carried as is.
    const stored = { ...item("a", "A", 100, 3, 2500), lineTotalMinor: 299 };
    const rows = invoiceRowsFor(orderOf([stored]));
    expect(rows[0]?.totalMinor).toBe(299);
  });

  test("rows sum exactly to the total", () => {
    expect(invoice.totalMinor).toBe(25800 + 34900 + 17970);
    expect(invoice.rows.reduce((sum, row) => sum + row.totalMinor, 0)).toBe(invoice.totalMinor);
  });

  test("the order's identity, currency and date", () => {
    expect(invoice.clientInvoiceId).toBe(ID);
    expect(invoice.currency).toBe("SEK");
    expect(invoice.issueDate).toEqual(ISSUE_DATE);
    expect(invoice.title).toContain(SHOP_NAME);
    expect(invoice.title).toContain(ID);
  });

  test("asks for an immediate debit with no acknowledgment", () => {
    expect(invoice.paymentMode).toBe("IMMEDIATE_DEBIT");
    expect(invoice.acknowledgmentMode).toBe("NO_ACKNOWLEDGMENT");
  });

  test("names the web shop as cashier", () => {
    expect(WEB_SHOP_CASHIER_ID).toBeTruthy();
    expect(invoice.cashierId).toBe(WEB_SHOP_CASHIER_ID);
  });

  test("sends the shopper back to the shop", () => {
    expect(invoice.backUrl).toBe(env.publicBaseUrl);
  });

  test("carries a signed notification URL for this order", () => {
    const url = invoice.notificationUrl ?? "";
    const match = /^(.*)\/api\/seqr\/notification\?order=([A-Za-z0-9_-]+)&sig=([0-9a-f]{64})$/.exec(url);
    expect(match, url).not.toBeNull();
    const [, base = "", orderId = "", sig = ""] = match ?? [];
    expect(base).toBe(env.publicBaseUrl);
    expect(orderId).toBe(ID);
    expect(verifyOrderSignature(orderId, sig)).toBe(true);
    // It parses as a URL, and its parameters read back the same.
    const parsed = new URL(url);
    expect(parsed.searchParams.get("order")).toBe(ID);
    expect(parsed.searchParams.get("sig")).toBe(sig);
  });

  test("the signature belongs to this order only", () => {
    const other = buildInvoice(orderOf(ITEMS, { clientInvoiceId: "ZZZZZZZZZZZZZZZZZZZZZZ" }), ISSUE_DATE);
    const sig = new URL(invoice.notificationUrl ?? "").searchParams.get("sig") ?? "";
    const otherSig = new URL(other.notificationUrl ?? "").searchParams.get("sig") ?? "";
    expect(otherSig).not.toBe(sig);
    expect(verifyOrderSignature("ZZZZZZZZZZZZZZZZZZZZZZ", sig)).toBe(false);
  });

  test("works with lines priced by priceLines", () => {
    const priced = priceLines([
      { name: "Mug", sku: "MUG-1", unitPriceMinor: 3333, quantity: 3, taxRateBps: 2500 },
      { name: "Spoon", sku: "SPOON-1", unitPriceMinor: 1, quantity: 1, taxRateBps: 2500 },
    ]);
    const built = buildInvoice({ clientInvoiceId: ID, currency: "SEK", totalMinor: priced.totalMinor, items: priced.lines }, ISSUE_DATE);
    expect(built.totalMinor).toBe(10000);
    expect(built.rows.map((row) => row.totalMinor)).toEqual([9999, 1]);
  });

  test.each([
    ["one öre more", 1],
    ["one öre less", -1],
    ["much more", 100_000],
  ])("refuses an order whose items don't sum to the total (%s)", (_what, delta) => {
    const bad = orderOf(ITEMS, { totalMinor: 25800 + 34900 + 17970 + delta });
    expect(() => buildInvoice(bad, ISSUE_DATE)).toThrow(/sum/);
  });

  test("refuses an empty order", () => {
    expect(() => buildInvoice(orderOf([]), ISSUE_DATE)).toThrow();
    expect(() => buildInvoice(orderOf([], { totalMinor: 0 }), ISSUE_DATE)).toThrow();
  });
});

describe("invoice rows as SEQR amounts", () => {
  test("three rows of 33.33 sum exactly to the total's 99.99", () => {
    const order = orderOf([item("a", "A", 3333, 1, 2500), item("b", "B", 3333, 1, 2500), item("c", "C", 3333, 1, 2500)]);
    const invoice = buildInvoice(order, ISSUE_DATE);
    const values = invoice.rows.map((row) => toSeqrAmount(row.totalMinor, invoice.currency));
    expect(values).toEqual(["33.33", "33.33", "33.33"]);
    expect(toSeqrAmount(invoice.totalMinor, invoice.currency)).toBe("99.99");
    expect(sumDecimalStrings(values)).toBe("99.99");
  });

  test("one row of 3 × 33.33 is 99.99", () => {
    const invoice = buildInvoice(orderOf([item("a", "A", 3333, 3, 2500)]), ISSUE_DATE);
    const row = invoice.rows[0];
    expect(row && toSeqrAmount(row.unitPriceMinor ?? Number.NaN, "SEK")).toBe("33.33");
    expect(row && toSeqrAmount(row.totalMinor, "SEK")).toBe("99.99");
  });

  test("amounts that trip floating point (0.10 + 0.20) still sum to the total", () => {
    const invoice = buildInvoice(orderOf([item("a", "A", 10, 1, 2500), item("b", "B", 20, 1, 2500)]), ISSUE_DATE);
    const values = invoice.rows.map((row) => toSeqrAmount(row.totalMinor, "SEK"));
    expect(values).toEqual(["0.10", "0.20"]);
    expect(sumDecimalStrings(values)).toBe(toSeqrAmount(invoice.totalMinor, "SEK"));
    expect(toSeqrAmount(invoice.totalMinor, "SEK")).toBe("0.30");
  });

  test("for the sample order, the row strings sum to the total string", () => {
    const invoice = buildInvoice(orderOf(ITEMS), ISSUE_DATE);
    const values = invoice.rows.map((row) => toSeqrAmount(row.totalMinor, "SEK"));
    expect(values).toEqual(["258.00", "349.00", "179.70"]);
    expect(sumDecimalStrings(values)).toBe(toSeqrAmount(invoice.totalMinor, "SEK"));
    expect(toSeqrAmount(invoice.totalMinor, "SEK")).toBe("786.70");
  });
});
