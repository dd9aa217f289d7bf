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
// the shop formats the same few currencies on every catalog page, SEQR call and e-mail: one formatter per locale
// and currency is kept. The keys stay few: a currency is a three-letter code (Intl refuses any other shape, and a
// refused one is not kept), locales are the shop's own; past MAX_FORMATTERS the map starts again.
const formatters = new Map<string, Intl.NumberFormat>();
const MAX_FORMATTERS = 1_000;

function currencyFormatter(locale: string, currency: string, digits?: number): Intl.NumberFormat {
  const key = `${locale}|${currency}|${digits ?? ""}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      ...(digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

const digitsOf = new Map<string, number>();

/** How many decimals the currency has (SEK 2, JPY 0, KWD 3), from the runtime's ISO 4217 data. */
export function minorUnitDigits(currency: string): number {
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = currencyFormatter("en", currency).resolvedOptions().maximumFractionDigits ?? 2;
    if (digitsOf.size >= MAX_FORMATTERS) digitsOf.clear();
    digitsOf.set(currency, digits);
  }
  return digits;
}

/** "349,00 kr" for 34900 SEK: the shop speaks Swedish number formatting to Swedish shoppers. */
export function formatMoney({ amountMinor, currency }: Money, locale = "sv-SE"): string {
  const digits = minorUnitDigits(currency);
  // Integer arithmetic up to here; the division only feeds the formatter, which rounds to `digits` decimals.
  return currencyFormatter(locale, currency, digits).format(amountMinor / 10 ** digits);
}
