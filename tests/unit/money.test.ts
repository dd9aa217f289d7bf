import { describe, expect, test } from "vitest";

import { currencyCode, formatMoney, minorUnitDigits } from "@/lib/money";

// Intl separates groups and the currency sign with no-break spaces; compare with plain ones.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatMoney", () => {
  test.each([
    [34900, "SEK", "349,00 kr"],
    [129500, "SEK", "1 295,00 kr"],
    [1, "SEK", "0,01 kr"],
    [0, "SEK", "0,00 kr"],
    [1022, "EUR", "10,22 €"],
    [500, "JPY", "500 JPY"],
  ])("%i minor units of %s read %s", (amountMinor, currency, expected) => {
    expect(plain(formatMoney({ amountMinor, currency }))).toBe(expected);
  });

  test("never rounds a large amount", () => {
    expect(plain(formatMoney({ amountMinor: 123456789, currency: "SEK" }))).toBe("1 234 567,89 kr");
  });

  test("each locale and currency keeps its own formatter: interleaved calls do not borrow each other's", () => {
    const readings = [
      plain(formatMoney({ amountMinor: 34900, currency: "SEK" })),
      plain(formatMoney({ amountMinor: 34900, currency: "SEK" }, "en-GB")),
      plain(formatMoney({ amountMinor: 34900, currency: "EUR" }, "en-GB")),
      plain(formatMoney({ amountMinor: 34900, currency: "SEK" })),
      plain(formatMoney({ amountMinor: 349, currency: "JPY" }, "en-GB")),
    ];
    expect(readings).toEqual(["349,00 kr", "SEK 349.00", "€349.00", "349,00 kr", "JP¥349"]);
  });
});

describe("minorUnitDigits", () => {
  test.each([
    ["SEK", 2],
    ["EUR", 2],
    ["JPY", 0],
    ["KWD", 3],
  ])("%s has %i decimals", (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });
});

describe("currencyCode", () => {
  test("accepts ISO 4217 codes", () => {
    expect(currencyCode.parse("SEK")).toBe("SEK");
  });

  test.each(["sek", "SEKK", "XQZ", ""])("refuses %j", (code) => {
    expect(currencyCode.safeParse(code).success).toBe(false);
  });
});
