import { minorUnitDigits } from "../money.ts";

// Money crosses the SEQR border here and nowhere else: the shop counts integer minor units, SEQR's wire carries
// `amount.value` as an xs:decimal with at most 2 decimals (CONTRACT.md: more gave result 49).

export const SEQR_MAX_DECIMALS = 2;

export class SeqrAmountError extends Error {
  override readonly name = "SeqrAmountError";
}

/** How many decimals SEQR's `value` carries for this currency; currencies finer than SEQR allows are refused. */
function decimalsFor(currency: string): number {
  const digits = minorUnitDigits(currency);
  if (digits > SEQR_MAX_DECIMALS) {
    throw new SeqrAmountError(`${currency} has ${digits} decimals; SEQR amounts carry at most ${SEQR_MAX_DECIMALS}`);
  }
  return digits;
}

/** 150000 SEK → "1500.00"; -2500 SEK → "-25.00" (a discount row); 500 JPY → "500". Exact: string arithmetic only. */
export function toSeqrAmount(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) throw new SeqrAmountError(`${amountMinor} is not a whole number of minor units`);
  const decimals = decimalsFor(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const digits = String(Math.abs(amountMinor)).padStart(decimals + 1, "0");
  if (decimals === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * "10.22" SEK → 1022; "10.2" → 1020; "10.220" → 1022; "-5" → -500. A value that is not a plain decimal, or that
 * has more significant decimals than the currency (e.g. "10.225" SEK), is refused, never rounded.
 */
export function fromSeqrAmount(value: string, currency: string): number {
  const decimals = minorUnitDigits(currency);
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new SeqrAmountError(`"${value}" is not a decimal amount`);
  const [, sign = "", whole = "0", fraction = ""] = match;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > decimals) {
    throw new SeqrAmountError(`"${value}" has more decimals than ${currency} allows (${decimals})`);
  }
  const minor = Number(`${whole}${significant.padEnd(decimals, "0")}`);
  if (!Number.isSafeInteger(minor)) throw new SeqrAmountError(`"${value}" is too large`);
  return sign === "-" && minor !== 0 ? -minor : minor;
}

/** "25" for 25 %, "12.5" for 12.5 %: SEQR's itemTaxRate is a decimal percent. */
export function toSeqrDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new SeqrAmountError(`${value} is not a finite number`);
  // Shortest round-trip representation; never exponent notation for the sizes used here (quantities, rates).
  const text = String(value);
  if (/e/i.test(text)) throw new SeqrAmountError(`${value} is out of range for a SEQR decimal`);
  return text;
}
