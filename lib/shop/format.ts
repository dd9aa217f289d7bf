import { env } from "../env.ts";

// How the shop's pages, labels and e-mails put a moment and a country into words, on the server. Each formatter is
// built once for the process: building an Intl one costs tens of microseconds, and its settings never change.

const shopDateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: env.timeZone });
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** "29 November 2026 at 14:05", in the shop's time zone. */
export function formatShopDateTime(date: Date): string {
  return shopDateTime.format(date);
}

/** A country's English name from its ISO 3166 code ("SE" → "Sweden"); the code itself when unknown. */
export function countryName(code: string): string {
  try {
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
