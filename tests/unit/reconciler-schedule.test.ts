import { describe, expect, test } from "vitest";

import {
  LOOK_EVERY_MS,
  LOOK_LEASE_MS,
  MAX_LOOK_GAP_MS,
  MIN_DISPATCH_SPACING_MS,
  nextCheckAt,
} from "@/lib/orders/reconciler";
import { LOOK_SPACING_MS } from "@/lib/orders/sync-payment-status";
import { SEQR_READ_RETRY, SEQR_READ_WORST_CASE_MS } from "@/lib/seqr";

const SECOND = 1_000;
const MINUTE = 60_000;
/** SEQR's commit window (CONTRACT.md): a payment nobody confirms within it is reversed. */
const COMMIT_WINDOW_MS = 20 * SECOND;

const issuedAt = new Date("2026-11-29T12:00:00.000Z");
const at = (ageMs: number) => new Date(issuedAt.getTime() + ageMs);

describe("nextCheckAt", () => {
  test.each([
    // [the look starts at this invoice age, the next look is due at this age]
    [2 * SECOND, 4_100],
    [10 * SECOND, 12_100],
    [59 * SECOND, 61_100],
    [2 * MINUTE, 2 * MINUTE + 2_100],
    [5 * MINUTE + 14 * SECOND, 5 * MINUTE + 16_100],
    [9 * MINUTE, 9 * MINUTE + 2_100],
    [9 * MINUTE + 59 * SECOND, 10 * MINUTE + 1_100],
    [3 * 60 * MINUTE + 1, 3 * 60 * MINUTE + 2_101],
  ])("a look at age %i ms schedules the next one at age %i ms: 2.1 s later, at any age", (lookAge, nextAge) => {
    expect(nextCheckAt(at(lookAge))).toEqual(at(nextAge));
  });

  test("counts from the start of the look, so a slow answer does not stretch the gap", () => {
    // The look starts at 5 min 14 s; however long SEQR takes to answer, the next one is due 2.1 s after the start.
    expect(nextCheckAt(at(5 * MINUTE + 14 * SECOND)).getTime() - at(5 * MINUTE + 14 * SECOND).getTime()).toBe(2_100);
  });

  test("does not back off: every look of a ten-minute invoice is 2.1 s after the one before", () => {
    const looks: number[] = [2 * SECOND];
    while ((looks.at(-1) ?? 0) < 10 * MINUTE) looks.push(nextCheckAt(at(looks.at(-1) ?? 0)).getTime() - issuedAt.getTime());
    // From the first look at 2 s to the first at or past 10 min: 2 s + 285 × 2.1 s = 600.5 s, 286 looks.
    expect(looks.length).toBe(286);
    expect(new Set(looks.slice(1).map((look, index) => look - (looks[index] ?? 0)))).toEqual(new Set([2_100]));
  });
});

describe("the promises behind the schedule", () => {
  test("the reconciler's own looks come just after the one-look-per-2 s slot frees, never inside it", () => {
    expect(LOOK_SPACING_MS).toBe(2_000);
    expect(LOOK_EVERY_MS - LOOK_SPACING_MS).toBe(100);
  });

  test("2.1 s between looks, plus the dispatcher's batching, stays under the 3 s promised", () => {
    expect(LOOK_EVERY_MS).toBe(2_100);
    expect(MAX_LOOK_GAP_MS).toBe(3_000);
    expect(MIN_DISPATCH_SPACING_MS).toBe(100);
    expect(LOOK_EVERY_MS + MIN_DISPATCH_SPACING_MS).toBeLessThan(MAX_LOOK_GAP_MS);
  });

  test("a read tries twice with at most a 3 s timeout each and a 0.5 s pause: 6.5 s at worst", () => {
    expect(SEQR_READ_RETRY).toEqual({ retries: 1, minTimeoutMs: 200, maxTimeoutMs: 500 });
    expect(SEQR_READ_WORST_CASE_MS).toBe(6_500);
  });

  test("a look's lease outlasts the worst read by 2 s for the database: 8.5 s", () => {
    expect(LOOK_LEASE_MS).toBe(8_500);
    expect(LOOK_LEASE_MS).toBeGreaterThan(SEQR_READ_WORST_CASE_MS);
  });

  test("a payment made as a reconciler dies holding the invoice is still confirmed by another one inside the window", () => {
    // Worst case: the payment comes right after the claim; the lease must run out, and another reconciler's look
    // (itself at worst a read's full tries) must answer, all before SEQR's deadline.
    expect(LOOK_LEASE_MS + MIN_DISPATCH_SPACING_MS + SEQR_READ_WORST_CASE_MS).toBe(15_100);
    expect(LOOK_LEASE_MS + MIN_DISPATCH_SPACING_MS + SEQR_READ_WORST_CASE_MS).toBeLessThan(COMMIT_WINDOW_MS);
  });

  test("a payment just after a look whose read hangs is still confirmed by the next look inside the window", () => {
    // Next look at most 3 s later, and its read at worst 6.5 s: confirmed within 9.5 s, well inside 20 s.
    expect(MAX_LOOK_GAP_MS + SEQR_READ_WORST_CASE_MS).toBe(9_500);
  });
});
