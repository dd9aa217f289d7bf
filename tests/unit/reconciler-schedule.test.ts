import { describe, expect, test } from "vitest";

import { nextCheckDelayMs } from "@/lib/orders/reconciler";

const SECOND = 1_000;
const MINUTE = 60_000;

describe("nextCheckDelayMs", () => {
  test.each([
    // [age, delay]
    [0, 2000],
    [1, 2000],
    [30 * SECOND, 2000],
    [MINUTE - 1, 2000],
    [MINUTE, 4000],
    [MINUTE + 1, 4000],
    [2 * MINUTE - 1, 4000],
    [2 * MINUTE, 8000],
    [3 * MINUTE - 1, 8000],
    [3 * MINUTE, 16000],
    [4 * MINUTE - 1, 16000],
    [4 * MINUTE, 32000],
    [5 * MINUTE - 1, 32000],
    [5 * MINUTE, 60000],
    [6 * MINUTE, 60000],
    [10 * MINUTE, 60000],
    [60 * MINUTE, 60000],
    [24 * 60 * MINUTE, 60000],
    [365 * 24 * 60 * MINUTE, 60000],
    [Number.MAX_SAFE_INTEGER, 60000],
  ])("an invoice %i ms old is checked again after %i ms", (age, delay) => {
    expect(nextCheckDelayMs(age)).toBe(delay);
  });

  test("every 2 s throughout the first minute", () => {
    for (let age = 0; age < MINUTE; age += 1) {
      if (nextCheckDelayMs(age) !== 2000) expect.fail(`age ${age}: ${nextCheckDelayMs(age)}`);
    }
  });

  test.each([
    [1, 4000],
    [2, 8000],
    [3, 16000],
    [4, 32000],
  ])("doubles through minute %i after the first: %i ms", (minutesPast, delay) => {
    const start = minutesPast * MINUTE;
    for (let age = start; age < start + MINUTE; age += 250) {
      expect(nextCheckDelayMs(age), `age ${age}`).toBe(delay);
    }
    expect(nextCheckDelayMs(start + MINUTE - 1)).toBe(delay);
  });

  test("is capped at once a minute forever", () => {
    for (let age = 5 * MINUTE; age < 5 * MINUTE + 7 * 24 * 60 * MINUTE; age += 997 * SECOND) {
      expect(nextCheckDelayMs(age), `age ${age}`).toBe(60000);
    }
  });

  test("never goes down as the invoice ages, and never exceeds a minute", () => {
    let previous = 0;
    const ages: number[] = [];
    for (let age = 0; age <= 2 * 60 * MINUTE; age += 500) ages.push(age);
    for (let m = 1; m <= 10; m += 1) ages.push(m * MINUTE - 1, m * MINUTE, m * MINUTE + 1);
    ages.sort((a, b) => a - b);
    for (const age of ages) {
      const delay = nextCheckDelayMs(age);
      expect(delay, `age ${age}`).toBeGreaterThanOrEqual(previous);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(60000);
      previous = delay;
    }
  });

  test("takes exactly these distinct delays, in order", () => {
    const seen: number[] = [];
    for (let age = 0; age <= 30 * MINUTE; age += SECOND) {
      const delay = nextCheckDelayMs(age);
      if (seen.at(-1) !== delay) seen.push(delay);
    }
    expect(seen).toEqual([2000, 4000, 8000, 16000, 32000, 60000]);
  });
});
