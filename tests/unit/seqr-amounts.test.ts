import { describe, expect, test } from "vitest";

import { fromSeqrAmount, SeqrAmountError, toSeqrAmount, toSeqrDecimal } from "@/lib/seqr/amounts";
import { seededRandom } from "@/tests/support/seeded-random";

describe("toSeqrAmount", () => {
  test.each([
    [150000, "SEK", "1500.00"],
    [1, "SEK", "0.01"],
    [10, "SEK", "0.10"],
    [99, "SEK", "0.99"],
    [100, "SEK", "1.00"],
    [0, "SEK", "0.00"],
    [-2500, "SEK", "-25.00"],
    [-1, "SEK", "-0.01"],
    [1022, "EUR", "10.22"],
    [500, "JPY", "500"],
    [-500, "JPY", "-500"],
    [0, "JPY", "0"],
  ])("writes %i minor units of %s as %j", (amountMinor, currency, expected) => {
    expect(toSeqrAmount(amountMinor, currency)).toBe(expected);
  });

  test("writes negative zero as plain zero, never as -0.00", () => {
    expect(toSeqrAmount(-0, "SEK")).toBe("0.00");
  });

  test("writes the largest safe amounts exactly, without exponent or rounding", () => {
    expect(toSeqrAmount(Number.MAX_SAFE_INTEGER, "SEK")).toBe("90071992547409.91");
    expect(toSeqrAmount(-Number.MAX_SAFE_INTEGER, "SEK")).toBe("-90071992547409.91");
    expect(toSeqrAmount(Number.MAX_SAFE_INTEGER, "JPY")).toBe("9007199254740991");
  });

  test.each(["KWD", "BHD", "CLF"])("refuses %s, whose minor unit is finer than SEQR's two decimals", (currency) => {
    expect(() => toSeqrAmount(1000, currency)).toThrow(SeqrAmountError);
    expect(() => toSeqrAmount(1000, currency)).toThrow(/at most 2/);
  });

  test.each([1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    "refuses %d, which is not a safe whole number of minor units",
    (amountMinor) => {
      expect(() => toSeqrAmount(amountMinor, "SEK")).toThrow(SeqrAmountError);
    },
  );
});

describe("fromSeqrAmount", () => {
  test.each([
    ["10.22", "SEK", 1022],
    ["10.2", "SEK", 1020],
    ["10.220", "SEK", 1022],
    ["10", "SEK", 1000],
    ["-5", "SEK", -500],
    ["-25.00", "SEK", -2500],
    ["0.01", "SEK", 1],
    ["0", "SEK", 0],
    ["0010.5", "SEK", 1050],
    ["+5", "SEK", 500],
    [" 10.22 ", "SEK", 1022],
    ["500", "JPY", 500],
    ["500.0", "JPY", 500],
  ])("reads %j %s as %i minor units", (value, currency, expected) => {
    expect(fromSeqrAmount(value, currency)).toBe(expected);
  });

  test.each(["-0", "-0.00"])("reads %j as zero, not negative zero", (value) => {
    expect(fromSeqrAmount(value, "SEK")).toBe(0);
  });

  test.each([
    ["10.225", "SEK"],
    ["10.001", "SEK"],
    ["500.5", "JPY"],
  ])("refuses %j %s rather than rounding away a decimal", (value, currency) => {
    expect(() => fromSeqrAmount(value, currency)).toThrow(SeqrAmountError);
    expect(() => fromSeqrAmount(value, currency)).toThrow(/more decimals/);
  });

  test.each(["1e3", "abc", "", "   ", "1,5", "0x10", "--5", "Infinity", "NaN", "10.22 SEK", "1 000", ".5", "5."])(
    "refuses %j, which is not a plain decimal",
    (value) => {
      expect(() => fromSeqrAmount(value, "SEK")).toThrow(SeqrAmountError);
    },
  );

  test("reads the largest safe amounts exactly and refuses anything beyond them", () => {
    expect(fromSeqrAmount("90071992547409.91", "SEK")).toBe(Number.MAX_SAFE_INTEGER);
    expect(fromSeqrAmount("-90071992547409.91", "SEK")).toBe(-Number.MAX_SAFE_INTEGER);
    expect(() => fromSeqrAmount("90071992547409.92", "SEK")).toThrow(/too large/);
    expect(() => fromSeqrAmount("99999999999999999999", "JPY")).toThrow(/too large/);
  });

  test("quotes the refused value in its message", () => {
    expect(() => fromSeqrAmount("10.225", "SEK")).toThrow('"10.225"');
  });
});

describe("toSeqrAmount and fromSeqrAmount", () => {
  const random = seededRandom(20130514);
  const edges = [
    0,
    1,
    -1,
    9,
    10,
    99,
    100,
    101,
    -99,
    -100,
    150000,
    -2500,
    2 ** 31,
    2 ** 32 + 1,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER - 1,
    -Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER + 1,
  ];
  const randoms = Array.from({ length: 2000 }, (_, index) => {
    // Spread over every magnitude, not just the large ones a uniform draw would give.
    const magnitude = Math.floor(random() * 10 ** (1 + (index % 16)));
    const value = Math.min(magnitude, Number.MAX_SAFE_INTEGER);
    return random() < 0.5 ? -value : value;
  });
  const values = [...edges, ...randoms];

  test.each(["SEK", "EUR", "JPY"])("round-trip every safe amount of %s exactly", (currency) => {
    for (const amountMinor of values) {
      const text = toSeqrAmount(amountMinor, currency);
      expect(text, `${amountMinor} ${currency}`).toMatch(/^-?\d+(\.\d{2})?$/);
      // Object.is would tell 0 from -0; a round trip only has to keep the amount.
      expect(fromSeqrAmount(text, currency) === amountMinor, `${amountMinor} ${currency} → ${text}`).toBe(true);
    }
  });

  test("never write more than two decimals", () => {
    for (const amountMinor of values) {
      expect(toSeqrAmount(amountMinor, "SEK")).toMatch(/^-?\d+\.\d{2}$/);
      expect(toSeqrAmount(amountMinor, "JPY")).toMatch(/^-?\d+$/);
    }
  });
});

describe("toSeqrDecimal", () => {
  test.each([
    [25, "25"],
    [12.5, "12.5"],
    [6, "6"],
    [0, "0"],
    [-0, "0"],
    [0.5, "0.5"],
    [1, "1"],
    [-3, "-3"],
    [1000000, "1000000"],
  ])("writes %d as %j", (value, expected) => {
    expect(toSeqrDecimal(value)).toBe(expected);
  });

  test.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("refuses %d", (value) => {
    expect(() => toSeqrDecimal(value)).toThrow(SeqrAmountError);
  });

  test.each([1e21, 1e-7, -1e21])("refuses %d, which JavaScript would write with an exponent", (value) => {
    expect(() => toSeqrDecimal(value)).toThrow(SeqrAmountError);
  });
});
