import { describe, expect, test } from "vitest";

import { includedVatMinor, priceLines } from "@/lib/orders/pricing";
import { seededRandom } from "@/tests/support/seeded-random";

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Checks that vat is amount × bps / (10000 + bps) rounded half up, in exact integer arithmetic:
 * vat ≤ x + ½ < vat + 1, i.e. 2·vat·D ≤ 2·amount·bps + D < 2·(vat + 1)·D with D = 10000 + bps.
 */
function isHalfUpVat(amount: number, bps: number, vat: number): boolean {
  const d = BigInt(10_000 + bps);
  const twiceX = 2n * BigInt(amount) * BigInt(bps) + d;
  return 2n * BigInt(vat) * d <= twiceX && twiceX < 2n * (BigInt(vat) + 1n) * d;
}

describe("includedVatMinor", () => {
  test.each([
    // [amount, bps, vat]  exact share → rounded
    [12500, 2500, 2500], // 2500 exactly
    [100, 2500, 20], // 20 exactly
    [1, 2500, 0], // 0.2
    [2, 2500, 0], // 0.4
    [3, 2500, 1], // 0.6
    [4, 2500, 1], // 0.8
    [5, 2500, 1], // 1 exactly
    [34900, 2500, 6980], // 349 kr at 25 %: 69.80 kr
    [0, 2500, 0],
    // 12 %: amount × 3 / 28. An exact half sits at amounts ≡ 14 (mod 28).
    [14, 1200, 2], // 1.5 rounds up
    [42, 1200, 5], // 4.5 rounds up
    [13, 1200, 1], // 1.39…
    [15, 1200, 2], // 1.61…
    [112, 1200, 12], // 12 exactly
    // 6 %: amount × 3 / 53 (never an exact half: 6 × amount = 106k + 53 has no solution).
    [106, 600, 6], // 6 exactly
    [9, 600, 1], // 0.509…
    [8, 600, 0], // 0.452…
    // 0 %: no VAT at all.
    [1, 0, 0],
    [12345, 0, 0],
    [MAX, 0, 0],
    // 100 %: half the price, halves rounded up.
    [1000, 10000, 500],
    [1, 10000, 1], // 0.5 rounds up
    [3, 10000, 2], // 1.5 rounds up
    [2, 10000, 1],
  ])("%i minor units at %i bps contain %i of VAT", (amount, bps, vat) => {
    expect(includedVatMinor(amount, bps)).toBe(vat);
  });

  test.each([
    // Computed exactly (fractions); naive floating point gets several of these wrong by one.
    [MAX, 2500, 1801439850948198], // …198.2
    [MAX, 1200, 965057063007963], // …963.4
    [MAX, 600, 509841467249490], // …490.06
    [MAX, 10000, 4503599627370496], // …495.5 rounds up
    [MAX, 1, 900629862488], // …487.85
    [9007199254740974, 1200, 965057063007962], // …961.5 exactly, rounds up
    [9007199254740987, 2500, 1801439850948197], // …197.4 (floats say …198)
    [9007199254740983, 1200, 965057063007962], // floats say …963
    [9007199254740981, 600, 509841467249489], // floats say …490
  ])("stays exact near MAX_SAFE_INTEGER: %i at %i bps → %i", (amount, bps, vat) => {
    expect(includedVatMinor(amount, bps)).toBe(vat);
  });

  test("rounds half up for random amounts and rates (checked in exact integer arithmetic)", () => {
    const random = seededRandom(2025);
    const rates = [0, 1, 600, 1200, 2500, 9999, 10000];
    for (let i = 0; i < 5000; i += 1) {
      const bps = i % 2 === 0 ? (rates[i % rates.length] ?? 0) : Math.floor(random() * 10_001);
      const amount = i % 3 === 0 ? MAX - Math.floor(random() * 1_000_000) : Math.floor(random() * 10_000_000);
      const vat = includedVatMinor(amount, bps);
      expect(Number.isSafeInteger(vat), `${amount} @ ${bps}`).toBe(true);
      expect(isHalfUpVat(amount, bps, vat), `${amount} @ ${bps} → ${vat}`).toBe(true);
    }
  });

  test("every exact half at 12 % rounds up, every other value to the nearest", () => {
    for (let amount = 0; amount <= 2800; amount += 1) {
      const vat = includedVatMinor(amount, 1200);
      const remainder = (amount * 3) % 28; // VAT = floor(3a / 28) + remainder / 28
      const floor = Math.floor((amount * 3) / 28);
      expect(vat, `${amount}`).toBe(remainder >= 14 ? floor + 1 : floor);
    }
  });

  test("never exceeds the amount and never goes down as the amount grows", () => {
    for (const bps of [0, 600, 1200, 2500, 10000]) {
      let previous = 0;
      for (let amount = 0; amount <= 1000; amount += 1) {
        const vat = includedVatMinor(amount, bps);
        expect(vat).toBeGreaterThanOrEqual(previous);
        expect(vat).toBeLessThanOrEqual(amount);
        previous = vat;
      }
    }
  });

  test.each([
    [-1, 2500],
    [1.5, 2500],
    [MAX + 1, 2500],
    [Number.NaN, 2500],
    [Number.POSITIVE_INFINITY, 2500],
  ])("refuses the amount %d", (amount, bps) => {
    expect(() => includedVatMinor(amount, bps)).toThrow(RangeError);
  });

  test.each([-1, 10_001, 12.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses the rate %d bps", (bps) => {
    expect(() => includedVatMinor(100, bps)).toThrow(RangeError);
  });
});

describe("priceLines", () => {
  test("line total = unit price × quantity, order total = sum of lines, tax = sum of per-line rounding", () => {
    const result = priceLines([
      { sku: "A", unitPriceMinor: 34900, quantity: 3, taxRateBps: 2500 },
      { sku: "B", unitPriceMinor: 3, quantity: 1, taxRateBps: 2500 },
      { sku: "C", unitPriceMinor: 7, quantity: 2, taxRateBps: 1200 },
      { sku: "D", unitPriceMinor: 999, quantity: 1, taxRateBps: 0 },
    ]);
    expect(result.lines.map((line) => line.lineTotalMinor)).toEqual([104700, 3, 14, 999]);
    // 104700 / 5 = 20940; 3 / 5 = 0.6 → 1; 14 × 3 / 28 = 1.5 → 2; 0.
    expect(result.lines.map((line) => line.lineTaxMinor)).toEqual([20940, 1, 2, 0]);
    expect(result.totalMinor).toBe(104700 + 3 + 14 + 999);
    expect(result.taxMinor).toBe(20940 + 1 + 2 + 0);
  });

  test("rounds VAT per line, not on the order's total", () => {
    // Three lines of 3 öre at 25 %: 0.6 each → 1 each = 3; the order's 9 öre would give 1.8 → 2.
    const result = priceLines([
      { unitPriceMinor: 3, quantity: 1, taxRateBps: 2500 },
      { unitPriceMinor: 3, quantity: 1, taxRateBps: 2500 },
      { unitPriceMinor: 3, quantity: 1, taxRateBps: 2500 },
    ]);
    expect(result.totalMinor).toBe(9);
    expect(result.taxMinor).toBe(3);
    // …whereas one line of quantity 3 is rounded once: 9 öre → 1.8 → 2.
    expect(priceLines([{ unitPriceMinor: 3, quantity: 3, taxRateBps: 2500 }]).taxMinor).toBe(2);
  });

  test("keeps each line's own fields and adds the computed ones", () => {
    const input = [{ sku: "MUG-1", name: "Mug", unitPriceMinor: 12500, quantity: 2, taxRateBps: 2500 }];
    const result = priceLines(input);
    expect(result.lines).toEqual([
      { sku: "MUG-1", name: "Mug", unitPriceMinor: 12500, quantity: 2, taxRateBps: 2500, lineTotalMinor: 25000, lineTaxMinor: 5000 },
    ]);
    // The input is not mutated.
    expect(input[0]).not.toHaveProperty("lineTotalMinor");
  });

  test("an empty order costs nothing", () => {
    expect(priceLines([])).toEqual({ lines: [], totalMinor: 0, taxMinor: 0 });
  });

  test("a free item is allowed", () => {
    expect(priceLines([{ unitPriceMinor: 0, quantity: 5, taxRateBps: 2500 }])).toMatchObject({ totalMinor: 0, taxMinor: 0 });
  });

  test("is exact for random carts (no float drift in the sums)", () => {
    const random = seededRandom(7);
    for (let cart = 0; cart < 500; cart += 1) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 8) }, () => ({
        unitPriceMinor: Math.floor(random() * 5_000_000),
        quantity: 1 + Math.floor(random() * 50),
        taxRateBps: [0, 600, 1200, 2500][Math.floor(random() * 4)] ?? 2500,
      }));
      const result = priceLines(lines);
      let total = 0n;
      let tax = 0n;
      result.lines.forEach((line, index) => {
        const source = lines[index];
        if (!source) throw new Error("line missing");
        expect(BigInt(line.lineTotalMinor)).toBe(BigInt(source.unitPriceMinor) * BigInt(source.quantity));
        expect(isHalfUpVat(line.lineTotalMinor, source.taxRateBps, line.lineTaxMinor)).toBe(true);
        total += BigInt(line.lineTotalMinor);
        tax += BigInt(line.lineTaxMinor);
      });
      expect(BigInt(result.totalMinor)).toBe(total);
      expect(BigInt(result.taxMinor)).toBe(tax);
    }
  });

  test("accepts a total of exactly MAX_SAFE_INTEGER", () => {
    const result = priceLines([
      { unitPriceMinor: MAX - 1, quantity: 1, taxRateBps: 2500 },
      { unitPriceMinor: 1, quantity: 1, taxRateBps: 2500 },
    ]);
    expect(result.totalMinor).toBe(MAX);
  });

  test.each([0, -1, 1.5, 0.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses the quantity %d", (quantity) => {
    expect(() => priceLines([{ unitPriceMinor: 100, quantity, taxRateBps: 2500 }])).toThrow(RangeError);
  });

  test.each([-1, -100, 0.5, MAX + 1, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses the unit price %d",
    (unitPriceMinor) => {
      expect(() => priceLines([{ unitPriceMinor, quantity: 1, taxRateBps: 2500 }])).toThrow(RangeError);
    },
  );

  test("refuses a bad line even when the other lines are fine", () => {
    expect(() =>
      priceLines([
        { unitPriceMinor: 100, quantity: 1, taxRateBps: 2500 },
        { unitPriceMinor: 100, quantity: 0, taxRateBps: 2500 },
      ]),
    ).toThrow(RangeError);
  });

  test("refuses a line whose total overflows", () => {
    expect(() => priceLines([{ unitPriceMinor: MAX, quantity: 2, taxRateBps: 2500 }])).toThrow(RangeError);
    expect(() => priceLines([{ unitPriceMinor: 2 ** 30, quantity: 2 ** 23, taxRateBps: 2500 }])).toThrow(RangeError);
  });

  test("refuses an order whose total overflows although every line is safe", () => {
    expect(() =>
      priceLines([
        { unitPriceMinor: 2 ** 52, quantity: 1, taxRateBps: 2500 },
        { unitPriceMinor: 2 ** 52, quantity: 1, taxRateBps: 2500 },
      ]),
    ).toThrow(RangeError);
    expect(() =>
      priceLines([
        { unitPriceMinor: MAX, quantity: 1, taxRateBps: 2500 },
        { unitPriceMinor: 1, quantity: 1, taxRateBps: 2500 },
      ]),
    ).toThrow(RangeError);
  });

  test("refuses a line with an impossible tax rate", () => {
    expect(() => priceLines([{ unitPriceMinor: 100, quantity: 1, taxRateBps: 10_001 }])).toThrow(RangeError);
    expect(() => priceLines([{ unitPriceMinor: 100, quantity: 1, taxRateBps: -1 }])).toThrow(RangeError);
  });
});
