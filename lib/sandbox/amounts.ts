// The sandbox's own reading of SEQR amounts, written from the contract rather than borrowed from the shop's
// client, so that the two sides agree because both follow SEQR, not because they share code.

/** CONTRACT.md: `value` is a decimal with at most 2 decimals; more gave result 49. */
const SEQR_AMOUNT = /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/;

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && ISO_CURRENCIES.has(code);
}

function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "10.5" SEK → 1050. Null when the text is not an amount SEQR accepts in this currency. */
export function parseAmount(value: string, currency: string): number | null {
  const match = SEQR_AMOUNT.exec(value.trim());
  if (!match || !isKnownCurrency(currency)) return null;
  const [, sign = "", whole = "0", fraction = ""] = match;
  const decimals = currencyDecimals(currency);
  if (decimals > 2 || fraction.replace(/0+$/, "").length > decimals) return null;
  const minor = Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, "0") || "0");
  // 15 digits and 2 decimals can exceed what a number holds exactly: refuse rather than round.
  if (!Number.isSafeInteger(minor)) return null;
  return sign === "-" ? -minor : minor;
}

/** 1050 SEK → "10.50", as SEQR writes amounts in its answers. */
export function formatAmount(minor: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  if (decimals === 0) return `${sign}${abs}`;
  const scale = 10 ** decimals;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(decimals, "0")}`;
}
