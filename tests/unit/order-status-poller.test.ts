import { describe, expect, test } from "vitest";

import { retryAfterMs, statusOf } from "@/app/_components/use-order-status";

// The checkout's and outcome pages' status poller: a 429 from the shop's rate limit is honoured, not hammered.
describe("retryAfterMs", () => {
  test.each([
    ["7", 7_000],
    ["1", 1_000],
    ["60", 60_000],
    ["3600", 60_000],
    ["0.2", 1_000],
  ])("Retry-After %s waits %i ms", (header, expected) => {
    expect(retryAfterMs(header)).toBe(expected);
  });

  test.each([null, "", "soon", "-5", "0", "Wed, 21 Oct 2026 07:28:00 GMT"])("an unreadable Retry-After (%j) waits the usual second", (header) => {
    expect(retryAfterMs(header)).toBe(1_000);
  });
});

describe("statusOf (the poller reads the status answer without a validation library)", () => {
  test("reads the status string", () => {
    expect(statusOf({ status: "PAID" })).toBe("PAID");
    expect(statusOf({ status: "INVOICED", extra: 1 })).toBe("INVOICED");
  });

  test.each([null, undefined, "PAID", 42, [], {}, { status: 3 }, { status: null }, { state: "PAID" }])(
    "anything else (%j) is no answer",
    (body) => {
      expect(statusOf(body)).toBeNull();
    },
  );
});
