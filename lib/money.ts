import { z } from "zod";

// Money is an integer number of minor units (öre for SEK) plus an ISO 4217 currency code. Never a float.

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be a three-letter ISO 4217 code such as SEK")
  .refine((code) => KNOWN_CURRENCIES.has(code), "is not an ISO 4217 currency");

export const minorUnits = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export type Money = { amountMinor: number; currency: string };

// Building an Intl.NumberFormat costs tens of microseconds (ICU looks up the locale's and the currency's data), and
// the shop formats the same few currencies on every catalog page, SEQR call and e-mail: what each currency and
// locale needs is built once and kept. The keys stay few: a currency is a three-letter code (Intl refuses any other
// shape, and a refused one is not kept), locales are the shop's own; past MAX_KEPT a map starts again.
const MAX_KEPT = 1_000;
const digitsOf = new Map<string, number>();
const formatters = new Map<string, Intl.NumberFormat>();

function kept<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    if (map.size >= MAX_KEPT) map.clear();
    map.set(key, value);
  }
  return value;
}

/** How many decimals the currency has (SEK 2, JPY 0, KWD 3), from the runtime's ISO 4217 data. */
export function minorUnitDigits(currency: string): number {
  return kept(
    digitsOf,
    currency,
    () => new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2,
  );
}

/** "349,00 kr" for 34900 SEK: the shop speaks Swedish number formatting to Swedish shoppers. */
export function formatMoney({ amountMinor, currency }: Money, locale = "sv-SE"): string {
  const digits = minorUnitDigits(currency);
  const formatter = kept(
    formatters,
    `${locale}|${currency}`,
    () => new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }),
  );
  // Integer arithmetic up to here; the division only feeds the formatter, which rounds to `digits` decimals.
  return formatter.format(amountMinor / 10 ** digits);
}
