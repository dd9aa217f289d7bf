import { describe, expect, test } from "vitest";

import { formatAmount, isKnownCurrency, parseAmount } from "@/lib/sandbox/amounts";

describe("parseAmount", () => {
  test.each([
    ["10.5", "SEK", 1050],
    ["10.50", "SEK", 1050],
    ["10", "SEK", 1000],
    ["0.01", "SEK", 1],
    ["0", "SEK", 0],
    ["1500.00", "SEK", 150000],
    ["1234567.89", "EUR", 123456789],
    [" 7 ", "SEK", 700],
    ["500", "JPY", 500],
    ["500.0", "JPY", 500],
    ["500.00", "JPY", 500],
  ])("reads %j %s as %i minor units", (value, currency, expected) => {
    expect(parseAmount(value, currency)).toBe(expected);
  });

  test.each([
    ["-5", -500],
    ["-5.25", -525],
    ["-0.01", -1],
    ["-25.00", -2500],
  ])("reads the negative amount %j (a discount row) as %i", (value, expected) => {
    expect(parseAmount(value, "SEK")).toBe(expected);
  });

  test("reads -0 as zero", () => {
    expect(parseAmount("-0", "SEK") === 0).toBe(true);
  });

  test.each(["10.000", "10.005", "10.125", "0.001"])("refuses %j: more than two decimals gave SEQR's result 49", (value) => {
    expect(parseAmount(value, "SEK")).toBeNull();
  });

  test("refuses decimals a currency without minor units does not have", () => {
    expect(parseAmount("500.5", "JPY")).toBeNull();
  });

  test.each(["XYZ", "sek", "SEKK", "", "KWD"])("refuses currency %j, unknown or finer than SEQR allows", (currency) => {
    expect(parseAmount("10", currency)).toBeNull();
  });

  test.each(["", " ", "abc", "1e3", "1,5", ".5", "5.", "+7", "--5", "0x10", "10 SEK", "Infinity"])(
    "refuses %j, which is not an amount",
    (value) => {
      expect(parseAmount(value, "SEK")).toBeNull();
    },
  );

  test("refuses more than 15 whole digits", () => {
    expect(parseAmount("9999999999999999", "SEK")).toBeNull();
  });

  test("reads the largest amount JavaScript holds exactly", () => {
    expect(parseAmount("90071992547409.91", "SEK")).toBe(Number.MAX_SAFE_INTEGER);
  });

  test.each(["999999999999999.99", "90071992547409.93", "-999999999999999.99"])(
    "never returns an amount it cannot hold exactly: %j",
    (value) => {
      const minor = parseAmount(value, "SEK");
      expect(minor === null || Number.isSafeInteger(minor), `parseAmount(${JSON.stringify(value)}, "SEK") = ${minor}`).toBe(true);
    },
  );
});

describe("formatAmount", () => {
  test.each([
    [1050, "SEK", "10.50"],
    [5, "SEK", "0.05"],
    [0, "SEK", "0.00"],
    [150000, "SEK", "1500.00"],
    [123456789, "EUR", "1234567.89"],
    [500, "JPY", "500"],
  ])("writes %i %s as %j, as SEQR writes amounts", (minor, currency, expected) => {
    expect(formatAmount(minor, currency)).toBe(expected);
  });

  test.each([
    [-2500, "SEK", "-25.00"],
    [-1, "SEK", "-0.01"],
    [-500, "JPY", "-500"],
  ])("writes the negative amount %i %s as %j", (minor, currency, expected) => {
    expect(formatAmount(minor, currency)).toBe(expected);
  });

  test("writes the largest safe amount exactly", () => {
    expect(formatAmount(Number.MAX_SAFE_INTEGER, "SEK")).toBe("90071992547409.91");
  });

  test("agrees with parseAmount in both directions", () => {
    const amounts = [0, 1, -1, 9, 10, 99, 100, 101, 1050, -2500, 150000, 123456789, 999_999_999_999_999];
    for (const minor of [...amounts, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(parseAmount(formatAmount(minor, "SEK"), "SEK") === minor, `${minor}`).toBe(true);
    }
    // JPY has no decimals, so the sandbox's 15 whole digits are also the largest JPY amount.
    for (const minor of amounts) {
      expect(parseAmount(formatAmount(minor, "JPY"), "JPY") === minor, `${minor} JPY`).toBe(true);
    }
    expect(parseAmount(formatAmount(Number.MAX_SAFE_INTEGER, "JPY"), "JPY")).toBeNull();
  });
});

describe("isKnownCurrency", () => {
  test.each([
    ["SEK", true],
    ["EUR", true],
    ["JPY", true],
    ["sek", false],
    ["XYZ", false],
    ["SEKK", false],
    ["", false],
  ])("%j is known: %s", (code, known) => {
    expect(isKnownCurrency(code)).toBe(known);
  });
});
