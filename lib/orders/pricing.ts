// Order arithmetic, in integer minor units only. A line's total is its unit price times its quantity, exactly;
// the order's total is the sum of its lines, exactly. The only rounding is the VAT share of a price that already
// includes VAT, rounded half up to the minor unit, per line.

export type PricedLineInput = { unitPriceMinor: number; quantity: number; taxRateBps: number };
export type PricedLine<T extends PricedLineInput> = T & { lineTotalMinor: number; lineTaxMinor: number };

function assertSafe(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
}

/** The VAT contained in a VAT-inclusive amount: amount × rate / (1 + rate), rounded half up. */
export function includedVatMinor(amountMinor: number, taxRateBps: number): number {
  assertSafe(amountMinor, "amount");
  if (!Number.isInteger(taxRateBps) || taxRateBps < 0 || taxRateBps > 10_000) {
    throw new RangeError("taxRateBps must be a whole number from 0 to 10000");
  }
  // BigInt: amount × bps overflows 2^53 for large amounts.
  const numerator = 2n * BigInt(amountMinor) * BigInt(taxRateBps) + BigInt(10_000 + taxRateBps);
  return Number(numerator / (2n * BigInt(10_000 + taxRateBps)));
}

export function priceLines<T extends PricedLineInput>(lines: readonly T[]) {
  const priced: PricedLine<T>[] = lines.map((line) => {
    assertSafe(line.unitPriceMinor, "unitPriceMinor");
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new RangeError("quantity must be a whole number above 0");
    const lineTotalMinor = line.unitPriceMinor * line.quantity;
    assertSafe(lineTotalMinor, "line total");
    return { ...line, lineTotalMinor, lineTaxMinor: includedVatMinor(lineTotalMinor, line.taxRateBps) };
  });
  const totalMinor = priced.reduce((sum, line) => sum + line.lineTotalMinor, 0);
  const taxMinor = priced.reduce((sum, line) => sum + line.lineTaxMinor, 0);
  assertSafe(totalMinor, "order total");
  return { lines: priced, totalMinor, taxMinor };
}
