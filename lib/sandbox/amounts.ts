import { currencyCode, minorUnitDigits } from "../money.ts";

// The sandbox's own reading of SEQR amounts, written from the contract rather than borrowed from the shop's
// client, so that the two sides agree because both follow SEQR, not because they share code. (ISO 4217 itself,
// which currencies exist and how many decimals each has, comes from lib/money.ts like everywhere else.)

/** CONTRACT.md: `value` is a decimal with at most 2 decimals; more gave result 49. */
const SEQR_AMOUNT = /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/;

export function isKnownCurrency(code: string): boolean {
  return currencyCode.safeParse(code).success;
}

/** "10.5" SEK → 1050. Null when the text is not an amount SEQR accepts in this currency. */
export function parseAmount(value: string, currency: string): number | null {
  const match = SEQR_AMOUNT.exec(value.trim());
  if (!match || !isKnownCurrency(currency)) return null;
  const [, sign = "", whole = "0", fraction = ""] = match;
  const decimals = minorUnitDigits(currency);
  if (decimals > 2 || fraction.replace(/0+$/, "").length > decimals) return null;
  const minor = Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, "0") || "0");
  // 15 digits and 2 decimals can exceed what a number holds exactly: refuse rather than round.
  if (!Number.isSafeInteger(minor)) return null;
  return sign === "-" ? -minor : minor;
}

/** 1050 SEK → "10.50", as SEQR writes amounts in its answers. */
export function formatAmount(minor: number, currency: string): string {
  const decimals = minorUnitDigits(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  if (decimals === 0) return `${sign}${abs}`;
  const scale = 10 ** decimals;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(decimals, "0")}`;
}
