import { describe, expect, test } from "vitest";

import { env } from "@/lib/env";
import { formatShopTime, isoDate, lastDays, shopDate, shopDays, startOfShopDay, today } from "@/lib/admin/periods";

// The merchant's calendar. Every expectation is an instant written out by hand from the zones' rules:
// Europe/Stockholm is UTC+1 (CET), UTC+2 (CEST) from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC;
// America/New_York is UTC−5 (EST), UTC−4 (EDT) from 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC.

const STOCKHOLM = "Europe/Stockholm";
const NEW_YORK = "America/New_York";
const HOUR = 3_600_000;

const at = (iso: string) => new Date(iso);
const hours = (period: { start: Date; end: Date }) => (period.end.getTime() - period.start.getTime()) / HOUR;

describe("startOfShopDay", () => {
  test.each([
    // [date, zone, midnight in UTC]
    ["2026-11-27", STOCKHOLM, "2026-11-26T23:00:00.000Z"], // winter: UTC+1
    ["2026-07-01", STOCKHOLM, "2026-06-30T22:00:00.000Z"], // summer: UTC+2
    ["2026-01-01", STOCKHOLM, "2025-12-31T23:00:00.000Z"],
    ["2026-03-29", STOCKHOLM, "2026-03-28T23:00:00.000Z"], // the day clocks go forward begins in winter time
    ["2026-03-30", STOCKHOLM, "2026-03-29T22:00:00.000Z"],
    ["2026-10-25", STOCKHOLM, "2026-10-24T22:00:00.000Z"], // the day clocks go back begins in summer time
    ["2026-10-26", STOCKHOLM, "2026-10-25T23:00:00.000Z"],
    ["2024-02-29", STOCKHOLM, "2024-02-28T23:00:00.000Z"],
    ["2026-11-27", NEW_YORK, "2026-11-27T05:00:00.000Z"],
    ["2026-07-01", NEW_YORK, "2026-07-01T04:00:00.000Z"],
    ["2026-03-08", NEW_YORK, "2026-03-08T05:00:00.000Z"],
    ["2026-11-01", NEW_YORK, "2026-11-01T04:00:00.000Z"],
    ["2026-11-27", "UTC", "2026-11-27T00:00:00.000Z"],
    // Chile moves its clocks at midnight: 2026-09-06 has no 00:00 and begins at 01:00 (UTC−3).
    ["2026-09-06", "America/Santiago", "2026-09-06T04:00:00.000Z"],
  ])("%s begins at %s midnight = %s", (date, timeZone, utc) => {
    expect(startOfShopDay(date, timeZone).toISOString()).toBe(utc);
  });

  test("uses the shop's configured zone when none is given", () => {
    expect(startOfShopDay("2026-11-27").getTime()).toBe(startOfShopDay("2026-11-27", env.timeZone).getTime());
  });
});

describe("shopDays", () => {
  test.each([
    // [from, to, zone, start, end, hours]
    ["2026-11-27", "2026-11-27", STOCKHOLM, "2026-11-26T23:00:00.000Z", "2026-11-27T23:00:00.000Z", 24],
    ["2026-03-29", "2026-03-29", STOCKHOLM, "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z", 23],
    ["2026-10-25", "2026-10-25", STOCKHOLM, "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z", 25],
    ["2026-03-28", "2026-03-30", STOCKHOLM, "2026-03-27T23:00:00.000Z", "2026-03-30T22:00:00.000Z", 71],
    ["2026-10-24", "2026-10-26", STOCKHOLM, "2026-10-23T22:00:00.000Z", "2026-10-26T23:00:00.000Z", 73],
    ["2026-01-01", "2026-12-31", STOCKHOLM, "2025-12-31T23:00:00.000Z", "2026-12-31T23:00:00.000Z", 365 * 24],
    ["2026-02-28", "2026-02-28", STOCKHOLM, "2026-02-27T23:00:00.000Z", "2026-02-28T23:00:00.000Z", 24], // to the 1st of March
    ["2026-12-31", "2026-12-31", STOCKHOLM, "2026-12-30T23:00:00.000Z", "2026-12-31T23:00:00.000Z", 24], // to next year
    ["2026-11-27", "2026-11-27", NEW_YORK, "2026-11-27T05:00:00.000Z", "2026-11-28T05:00:00.000Z", 24],
    ["2026-03-08", "2026-03-08", NEW_YORK, "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", 23],
    ["2026-11-01", "2026-11-01", NEW_YORK, "2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z", 25],
  ])("%s..%s in %s is [%s, %s): %i h", (from, to, timeZone, start, end, length) => {
    const period = shopDays(from, to, timeZone);
    expect(period.start.toISOString()).toBe(start);
    expect(period.end.toISOString()).toBe(end);
    expect(hours(period)).toBe(length);
  });
});

describe("shopDate", () => {
  test.each([
    // [instant, zone, date]: the last and first instants of shop days.
    ["2026-11-27T22:59:59.999Z", STOCKHOLM, "2026-11-27"],
    ["2026-11-27T23:00:00.000Z", STOCKHOLM, "2026-11-28"],
    ["2026-11-27T23:30:00.000Z", STOCKHOLM, "2026-11-28"], // 00:30 in Stockholm, still the 27th in UTC
    ["2026-07-01T21:59:59.999Z", STOCKHOLM, "2026-07-01"],
    ["2026-07-01T22:00:00.000Z", STOCKHOLM, "2026-07-02"],
    ["2026-03-29T00:59:59.999Z", STOCKHOLM, "2026-03-29"], // 01:59:59 CET
    ["2026-03-29T01:00:00.000Z", STOCKHOLM, "2026-03-29"], // 03:00 CEST
    ["2026-03-29T21:59:59.999Z", STOCKHOLM, "2026-03-29"],
    ["2026-03-29T22:00:00.000Z", STOCKHOLM, "2026-03-30"],
    ["2026-10-25T22:59:59.999Z", STOCKHOLM, "2026-10-25"],
    ["2026-10-25T23:00:00.000Z", STOCKHOLM, "2026-10-26"],
    ["2026-12-31T23:00:00.000Z", STOCKHOLM, "2027-01-01"],
    ["2026-11-28T04:59:59.999Z", NEW_YORK, "2026-11-27"],
    ["2026-11-28T05:00:00.000Z", NEW_YORK, "2026-11-28"],
    ["2026-07-02T03:59:59.999Z", NEW_YORK, "2026-07-01"],
    ["2026-07-02T04:00:00.000Z", NEW_YORK, "2026-07-02"],
  ])("%s is on %s's %s", (instant, timeZone, date) => {
    expect(shopDate(at(instant), timeZone)).toBe(date);
  });
});

describe("today", () => {
  test.each([
    // [now, zone, start, end, hours]
    ["2026-11-27T12:00:00.000Z", STOCKHOLM, "2026-11-26T23:00:00.000Z", "2026-11-27T23:00:00.000Z", 24],
    ["2026-11-26T23:00:00.000Z", STOCKHOLM, "2026-11-26T23:00:00.000Z", "2026-11-27T23:00:00.000Z", 24], // at midnight
    ["2026-11-27T22:59:59.999Z", STOCKHOLM, "2026-11-26T23:00:00.000Z", "2026-11-27T23:00:00.000Z", 24], // just before
    ["2026-11-27T23:30:00.000Z", STOCKHOLM, "2026-11-27T23:00:00.000Z", "2026-11-28T23:00:00.000Z", 24],
    ["2026-03-28T23:30:00.000Z", STOCKHOLM, "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z", 23],
    ["2026-03-29T12:00:00.000Z", STOCKHOLM, "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z", 23],
    ["2026-10-25T01:30:00.000Z", STOCKHOLM, "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z", 25], // the second 02:30
    ["2026-10-25T22:30:00.000Z", STOCKHOLM, "2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z", 25],
    ["2026-11-28T03:00:00.000Z", NEW_YORK, "2026-11-27T05:00:00.000Z", "2026-11-28T05:00:00.000Z", 24], // 22:00 the 27th
    ["2026-03-08T12:00:00.000Z", NEW_YORK, "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z", 23],
    ["2026-11-01T12:00:00.000Z", NEW_YORK, "2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z", 25],
  ])("at %s in %s: [%s, %s), %i h", (now, timeZone, start, end, length) => {
    const period = today(at(now), timeZone);
    expect(period.start.toISOString()).toBe(start);
    expect(period.end.toISOString()).toBe(end);
    expect(hours(period)).toBe(length);
  });

  // Every 5 hours: 5 and 24 share no factor, so over the year every hour of the day is visited.
  test.each([STOCKHOLM, NEW_YORK])("every 5th hour of 2026 in %s falls in a today() that begins at local midnight", { timeout: 30_000 }, (timeZone) => {
    const shortDay = timeZone === STOCKHOLM ? "2026-03-29" : "2026-03-08";
    const longDay = timeZone === STOCKHOLM ? "2026-10-25" : "2026-11-01";
    const lengths = new Map<string, number>();
    for (let time = Date.parse("2026-01-01T12:00:00Z"); time < Date.parse("2026-12-31T00:00:00Z"); time += 5 * HOUR) {
      const now = new Date(time);
      const period = today(now, timeZone);
      expect(period.start.getTime()).toBeLessThanOrEqual(time);
      expect(period.end.getTime()).toBeGreaterThan(time);
      expect(formatShopTime(period.start, timeZone)).toMatch(/ 00:00:00$/);
      expect(formatShopTime(period.end, timeZone)).toMatch(/ 00:00:00$/);
      lengths.set(shopDate(now, timeZone), hours(period));
    }
    const unusual = [...lengths].filter(([, length]) => length !== 24);
    expect(unusual).toEqual([
      [shortDay, 23],
      [longDay, 25],
    ]);
  });
});

describe("lastDays", () => {
  test.each([
    // [days, now, zone, from, to]
    [7, "2026-11-27T12:00:00.000Z", STOCKHOLM, "2026-11-21", "2026-11-27"],
    [7, "2026-11-27T23:30:00.000Z", STOCKHOLM, "2026-11-22", "2026-11-28"], // already the 28th in Stockholm
    [1, "2026-11-27T23:30:00.000Z", STOCKHOLM, "2026-11-28", "2026-11-28"], // today only
    [30, "2026-11-27T12:00:00.000Z", STOCKHOLM, "2026-10-29", "2026-11-27"],
    [3, "2026-03-30T10:00:00.000Z", STOCKHOLM, "2026-03-28", "2026-03-30"], // across the spring change
    [3, "2026-10-26T00:30:00.000Z", STOCKHOLM, "2026-10-24", "2026-10-26"], // across the autumn change, just after midnight
    [7, "2026-03-03T12:00:00.000Z", STOCKHOLM, "2026-02-25", "2026-03-03"],
    [7, "2027-01-02T12:00:00.000Z", STOCKHOLM, "2026-12-27", "2027-01-02"],
    [1, "2026-11-28T03:00:00.000Z", NEW_YORK, "2026-11-27", "2026-11-27"], // still the 27th in New York
    [7, "2026-11-28T03:00:00.000Z", NEW_YORK, "2026-11-21", "2026-11-27"],
  ])("the last %i days at %s in %s are %s..%s", (days, now, timeZone, from, to) => {
    expect(lastDays(days, at(now), timeZone)).toEqual({ from, to });
  });
});

describe("formatShopTime", () => {
  test.each([
    ["2026-11-27T13:03:05.000Z", STOCKHOLM, "27 Nov 2026 14:03:05"],
    ["2026-07-01T13:03:05.000Z", STOCKHOLM, "1 Jul 2026 15:03:05"],
    ["2026-11-26T23:00:00.000Z", STOCKHOLM, "27 Nov 2026 00:00:00"],
    ["2026-11-27T22:59:59.999Z", STOCKHOLM, "27 Nov 2026 23:59:59"],
    ["2026-01-04T23:05:09.000Z", STOCKHOLM, "5 Jan 2026 00:05:09"],
    ["2026-03-29T01:00:00.000Z", STOCKHOLM, "29 Mar 2026 03:00:00"], // 02:00-03:00 never happens that night
    ["2026-07-01T01:02:03.000Z", NEW_YORK, "30 Jun 2026 21:02:03"],
    ["2026-11-27T13:03:05.000Z", NEW_YORK, "27 Nov 2026 08:03:05"],
  ])("%s in %s reads %s", (instant, timeZone, text) => {
    expect(formatShopTime(at(instant), timeZone)).toBe(text);
  });
});

describe("isoDate", () => {
  test.each(["1970-01-01", "2026-11-27", "2026-01-01", "2026-12-31", "2024-02-29", "2026-02-28", "2026-04-30"])("accepts %s", (value) => {
    expect(isoDate.safeParse(value).success).toBe(true);
  });

  test.each([
    ["2026-02-30", "is not a calendar date"],
    ["2026-02-29", "is not a calendar date"], // 2026 is not a leap year
    ["2026-04-31", "is not a calendar date"],
    ["2026-13-01", "is not a calendar date"],
    ["2026-00-10", "is not a calendar date"],
    ["2026-01-00", "is not a calendar date"],
    ["2026-1-5", "must be a date such as 2026-11-27"],
    ["2026-01-5", "must be a date such as 2026-11-27"],
    ["26-01-05", "must be a date such as 2026-11-27"],
    ["2026/01/05", "must be a date such as 2026-11-27"],
    ["2026-01-05T00:00", "must be a date such as 2026-11-27"],
    [" 2026-01-05", "must be a date such as 2026-11-27"],
    ["", "must be a date such as 2026-11-27"],
    // Years before 1970 hold no orders, and date libraries read 00xx as 19xx.
    ["0050-01-01", "must be 1970 or later"],
    ["1969-12-31", "must be 1970 or later"],
  ])("refuses %j: %s", (value, message) => {
    const result = isoDate.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain(message);
  });
});
