import { TZDate } from "@date-fns/tz";
import { addDays, format, startOfDay, subDays } from "date-fns";
import { z } from "zod";

import { env } from "../env.ts";

// The merchant's calendar: days begin at midnight in SHOP_TIME_ZONE, whatever the server's own zone is.

export type Period = { start: Date; end: Date };

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-11-27")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), "is not a calendar date")
  // The shop's orders all lie after 1970; earlier years would also be misread as 19xx by date libraries.
  .refine((value) => value >= "1970-01-01", "must be 1970 or later");

/** Midnight at the start of `date` (YYYY-MM-DD) in the shop's time zone. */
export function startOfShopDay(date: string, timeZone = env.timeZone): Date {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, day, timeZone).getTime());
}

/** [from 00:00, the day after `to` 00:00): both days included. */
export function shopDays(from: string, to: string, timeZone = env.timeZone): Period {
  const start = startOfShopDay(from, timeZone);
  const endDay = startOfShopDay(to, timeZone);
  return { start, end: new Date(addDays(new TZDate(endDay.getTime(), timeZone), 1).getTime()) };
}

/** The shop's date (YYYY-MM-DD) that `at` falls on. */
export function shopDate(at: Date, timeZone = env.timeZone): string {
  return format(new TZDate(at.getTime(), timeZone), "yyyy-MM-dd");
}

export function today(now = new Date(), timeZone = env.timeZone): Period {
  const start = startOfDay(new TZDate(now.getTime(), timeZone));
  return { start: new Date(start.getTime()), end: new Date(addDays(start, 1).getTime()) };
}

/** The last `days` days, today included. */
export function lastDays(days: number, now = new Date(), timeZone = env.timeZone): { from: string; to: string } {
  const local = new TZDate(now.getTime(), timeZone);
  return { from: format(subDays(local, days - 1), "yyyy-MM-dd"), to: format(local, "yyyy-MM-dd") };
}

/** "27 Nov 2026 14:03:05" in the shop's zone, for the admin pages. */
export function formatShopTime(at: Date, timeZone = env.timeZone): string {
  return format(new TZDate(at.getTime(), timeZone), "d MMM yyyy HH:mm:ss");
}
