import { describe, expect, test } from "vitest";

import { readStoredReceipt } from "@/lib/orders/stored-receipt";

// PaymentAttempt.receipt holds SEQR's receipt as JSON; the admin reads its payment time and total back from it.

describe("readStoredReceipt", () => {
  test("reads the payment time and the total as stored", () => {
    expect(
      readStoredReceipt({
        paymentDate: "2026-11-27T08:56:42.123Z",
        invoiceReference: "1844496656047",
        invoice: { title: "Order", total: { amountMinor: 13800, currency: "SEK" } },
      }),
    ).toEqual({ paymentDate: new Date("2026-11-27T08:56:42.123Z"), total: { amountMinor: 13800, currency: "SEK" } });
  });

  test("a time with an offset is the same instant", () => {
    expect(readStoredReceipt({ paymentDate: "2026-11-27T09:56:42+01:00" })).toEqual({ paymentDate: new Date("2026-11-27T08:56:42Z") });
  });

  test.each([
    ["no receipt", null],
    ["not an object", "PAID"],
    ["an array", [1, 2]],
    ["neither field", { terminalId: "t" }],
    ["a time that is no time", { paymentDate: "yesterday" }],
    ["a total without a currency", { invoice: { total: { amountMinor: 100 } } }],
    ["a total that is text", { invoice: { total: { amountMinor: "100", currency: "SEK" } } }],
    ["a fractional amount", { invoice: { total: { amountMinor: 10.5, currency: "SEK" } } }],
  ])("%s reads as nothing", (_what, receipt) => {
    expect(readStoredReceipt(receipt)).toEqual({});
  });

  test("a bad field does not hide a good one", () => {
    expect(readStoredReceipt({ paymentDate: "yesterday", invoice: { total: { amountMinor: 500, currency: "SEK" } } })).toEqual({
      total: { amountMinor: 500, currency: "SEK" },
    });
    expect(readStoredReceipt({ paymentDate: "2026-11-27T08:00:00Z", invoice: { total: "500" } })).toEqual({
      paymentDate: new Date("2026-11-27T08:00:00Z"),
    });
  });
});
