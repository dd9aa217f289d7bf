import { expect, test } from "vitest";

import { pollUntil } from "./support/shop-flow";

// The tests' wait for a state: it returns the value once the condition holds, and fails, saying what it waited
// for, when the condition never holds (a quiet return would let a test assert on a state it never reached).

test("returns the first value the condition holds for", async () => {
  let reads = 0;
  const value = await pollUntil(async () => ++reads, (count) => count >= 3);
  expect(value).toBe(3);
});

test("throws after its timeout, naming what it waited for and the last value read", async () => {
  const waiting = pollUntil(async () => ({ status: "INVOICED" }), (order) => order.status === "PAID", {
    waitingFor: "the order to be PAID",
    timeoutMs: 100,
  });
  await expect(waiting).rejects.toThrow('pollUntil: waited 100 ms for the order to be PAID; it never held. Last value read: {"status":"INVOICED"}');
});

test("without a description, names the condition by its source", async () => {
  await expect(pollUntil(async () => 1, (count) => count > 1, { timeoutMs: 50 })).rejects.toThrow(
    "pollUntil: waited 50 ms for (count) => count > 1; it never held. Last value read: 1",
  );
});
