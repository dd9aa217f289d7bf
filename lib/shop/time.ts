import { env } from "../env.ts";

// How the shop's pages and e-mails give a moment: "29 November 2026 at 14:05", in the shop's time zone. One
// formatter for the process: building an Intl.DateTimeFormat costs tens of microseconds, and the zone is a setting.
const shopDateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: env.timeZone });

export function formatShopDateTime(date: Date): string {
  return shopDateTime.format(date);
}
