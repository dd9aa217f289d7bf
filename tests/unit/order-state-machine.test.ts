import { describe, expect, test } from "vitest";

import {
  canTransition,
  decideTransition,
  ORDER_STATUSES,
  type OrderStatus,
  type Transition,
} from "@/lib/orders/state-machine";
import type { PaymentStatus, SeqrInvoiceStatus } from "@/lib/seqr/types";

// The expected state machine, written out by hand from the specification, independently of the module's table.
const STATUSES: readonly OrderStatus[] = [
  "PENDING",
  "INVOICED",
  "PAID",
  "FAILED",
  "CANCELED",
  "EXPIRED",
  "NEEDS_ATTENTION",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
  "CANCELED_BY_MERCHANT",
];

const LEGAL: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ["INVOICED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  INVOICED: ["PAID", "NEEDS_ATTENTION", "FAILED", "CANCELED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  FAILED: ["INVOICED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  CANCELED: ["INVOICED", "EXPIRED", "CANCELED_BY_MERCHANT"],
  EXPIRED: ["PAID", "NEEDS_ATTENTION"],
  CANCELED_BY_MERCHANT: ["PAID", "NEEDS_ATTENTION"],
  PAID: ["PARTIALLY_REFUNDED", "REFUNDED"],
  NEEDS_ATTENTION: ["PARTIALLY_REFUNDED", "REFUNDED"],
  PARTIALLY_REFUNDED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  REFUNDED: [],
};

const SEQR_STATUSES: readonly SeqrInvoiceStatus[] = [
  "ISSUED",
  "PENDING_ISSUER_ACKNOWLEDGE",
  "PAID",
  "CANCELED",
  "FAILED",
  "RESERVED",
  "EXPIRED",
];

const SETTLED: readonly OrderStatus[] = ["PAID", "NEEDS_ATTENTION", "PARTIALLY_REFUNDED", "REFUNDED"];

const ALL_PAIRS = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to, LEGAL[from].includes(to)] as const));

describe("canTransition", () => {
  test("the module knows exactly the ten order statuses", () => {
    expect([...ORDER_STATUSES].sort()).toEqual([...STATUSES].sort());
  });

  test("the table covers all 100 pairs, 25 of them legal", () => {
    expect(ALL_PAIRS).toHaveLength(100);
    expect(ALL_PAIRS.filter(([, , legal]) => legal)).toHaveLength(25);
  });

  test.each(ALL_PAIRS)("%s → %s is legal: %s", (from, to, legal) => {
    expect(canTransition(from, to)).toBe(legal);
  });
});

// ---- decideTransition ----

const TOTAL = 12500;
const CURRENCY = "SEK";

type Order = { status: OrderStatus; totalMinor: number; currency: string };
type Attempt = { amountMinor: number; currency: string; cancelReason: string | null };

function order(status: OrderStatus): Order {
  return { status, totalMinor: TOTAL, currency: CURRENCY };
}

function attempt(overrides: Partial<Attempt> = {}): Attempt {
  return { amountMinor: TOTAL, currency: CURRENCY, cancelReason: null, ...overrides };
}

function answer(status: SeqrInvoiceStatus, total: { amountMinor: number; currency: string } | null = null): PaymentStatus {
  return {
    status,
    version: 3,
    customerTokens: [],
    ...(total
      ? {
          ersReference: "9876543210",
          receipt: { invoiceReference: "1234", invoice: { title: "t", clientInvoiceId: "x", total } },
        }
      : {}),
  };
}

/** One situation SEQR can report, with the attempt the shop holds. */
type Scenario = { name: string; attempt: Attempt; answer: PaymentStatus };

const matching = { amountMinor: TOTAL, currency: CURRENCY };

const SCENARIOS = {
  ISSUED: { name: "ISSUED", attempt: attempt(), answer: answer("ISSUED") },
  PENDING_ISSUER_ACKNOWLEDGE: {
    name: "PENDING_ISSUER_ACKNOWLEDGE",
    attempt: attempt(),
    answer: answer("PENDING_ISSUER_ACKNOWLEDGE"),
  },
  PAID_MATCHING: { name: "PAID, matching receipt", attempt: attempt(), answer: answer("PAID", matching) },
  PAID_ONE_ORE_MORE: {
    name: "PAID, receipt one öre more",
    attempt: attempt(),
    answer: answer("PAID", { amountMinor: TOTAL + 1, currency: CURRENCY }),
  },
  PAID_ONE_ORE_LESS: {
    name: "PAID, receipt one öre less",
    attempt: attempt(),
    answer: answer("PAID", { amountMinor: TOTAL - 1, currency: CURRENCY }),
  },
  PAID_WRONG_CURRENCY: {
    name: "PAID, receipt in EUR",
    attempt: attempt(),
    answer: answer("PAID", { amountMinor: TOTAL, currency: "EUR" }),
  },
  PAID_NO_RECEIPT: { name: "PAID, no receipt", attempt: attempt(), answer: answer("PAID") },
  PAID_RECEIPT_WITHOUT_INVOICE: {
    name: "PAID, receipt without invoice",
    attempt: attempt(),
    answer: { status: "PAID", version: 3, customerTokens: [], receipt: { invoiceReference: "1234" } },
  },
  PAID_RECEIPT_WITHOUT_TOTAL: {
    name: "PAID, receipt invoice without total",
    attempt: attempt(),
    answer: { status: "PAID", version: 3, customerTokens: [], receipt: { invoice: { title: "t" } } },
  },
  PAID_ATTEMPT_AMOUNT_DIFFERS: {
    name: "PAID, the attempt was for another amount",
    attempt: attempt({ amountMinor: TOTAL - 1 }),
    answer: answer("PAID", matching),
  },
  PAID_ATTEMPT_CURRENCY_DIFFERS: {
    name: "PAID, the attempt was in another currency",
    attempt: attempt({ currency: "EUR" }),
    answer: answer("PAID", matching),
  },
  FAILED: { name: "FAILED", attempt: attempt(), answer: answer("FAILED") },
  CANCELED_BY_SHOPPER: { name: "CANCELED, no cancel reason", attempt: attempt(), answer: answer("CANCELED") },
  CANCELED_OTHER_REASON: {
    name: "CANCELED, cancel reason SHOPPER",
    attempt: attempt({ cancelReason: "SHOPPER" }),
    answer: answer("CANCELED"),
  },
  CANCELED_BY_TIMEOUT: {
    name: "CANCELED, cancel reason EXPIRED",
    attempt: attempt({ cancelReason: "EXPIRED" }),
    answer: answer("CANCELED"),
  },
  CANCELED_ORDER_ENDED: {
    name: "CANCELED, cancel reason ORDER_ENDED",
    attempt: attempt({ cancelReason: "ORDER_ENDED" }),
    answer: answer("CANCELED"),
  },
  CANCELED_REPLACED: {
    name: "CANCELED, cancel reason REPLACED",
    attempt: attempt({ cancelReason: "REPLACED" }),
    answer: answer("CANCELED"),
  },
  CANCELED_WITHDRAWN: {
    name: "CANCELED, cancel reason WITHDRAWN",
    attempt: attempt({ cancelReason: "WITHDRAWN" }),
    answer: answer("CANCELED"),
  },
  EXPIRED: { name: "EXPIRED", attempt: attempt(), answer: answer("EXPIRED") },
  RESERVED: { name: "RESERVED", attempt: attempt(), answer: answer("RESERVED", matching) },
} satisfies Record<string, Scenario>;

type ScenarioName = keyof typeof SCENARIOS;
const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

const MISMATCH: Transition = { to: "NEEDS_ATTENTION", attentionReason: "AMOUNT_MISMATCH" };
const RESERVATION: Transition = { to: "NEEDS_ATTENTION", attentionReason: "UNEXPECTED_RESERVATION" };

/**
 * The expected outcome, written out by hand. Only INVOICED, EXPIRED and CANCELED_BY_MERCHANT orders can move on
 * SEQR's word; every other order status (PENDING, FAILED, CANCELED, and the settled ones) ignores it.
 */
const FROM_INVOICED: Record<ScenarioName, Transition | null> = {
  ISSUED: null,
  PENDING_ISSUER_ACKNOWLEDGE: null,
  PAID_MATCHING: { to: "PAID" },
  PAID_ONE_ORE_MORE: MISMATCH,
  PAID_ONE_ORE_LESS: MISMATCH,
  PAID_WRONG_CURRENCY: MISMATCH,
  PAID_NO_RECEIPT: MISMATCH,
  PAID_RECEIPT_WITHOUT_INVOICE: MISMATCH,
  PAID_RECEIPT_WITHOUT_TOTAL: MISMATCH,
  PAID_ATTEMPT_AMOUNT_DIFFERS: MISMATCH,
  PAID_ATTEMPT_CURRENCY_DIFFERS: MISMATCH,
  FAILED: { to: "FAILED" },
  CANCELED_BY_SHOPPER: { to: "CANCELED" },
  CANCELED_OTHER_REASON: { to: "CANCELED" },
  CANCELED_BY_TIMEOUT: { to: "EXPIRED" },
  CANCELED_ORDER_ENDED: { to: "CANCELED_BY_MERCHANT" },
  CANCELED_REPLACED: null,
  CANCELED_WITHDRAWN: { to: "EXPIRED" },
  EXPIRED: { to: "EXPIRED" },
  RESERVED: RESERVATION,
};

const FROM_EXPIRED: Record<ScenarioName, Transition | null> = {
  ISSUED: null,
  PENDING_ISSUER_ACKNOWLEDGE: null,
  PAID_MATCHING: { to: "PAID", attentionReason: "PAID_AFTER_EXPIRY" },
  PAID_ONE_ORE_MORE: MISMATCH,
  PAID_ONE_ORE_LESS: MISMATCH,
  PAID_WRONG_CURRENCY: MISMATCH,
  PAID_NO_RECEIPT: MISMATCH,
  PAID_RECEIPT_WITHOUT_INVOICE: MISMATCH,
  PAID_RECEIPT_WITHOUT_TOTAL: MISMATCH,
  PAID_ATTEMPT_AMOUNT_DIFFERS: MISMATCH,
  PAID_ATTEMPT_CURRENCY_DIFFERS: MISMATCH,
  // An expired order stays expired: FAILED and CANCELED have no arrow out of EXPIRED, EXPIRED → EXPIRED is no change.
  FAILED: null,
  CANCELED_BY_SHOPPER: null,
  CANCELED_OTHER_REASON: null,
  CANCELED_BY_TIMEOUT: null,
  CANCELED_ORDER_ENDED: null,
  CANCELED_REPLACED: null,
  CANCELED_WITHDRAWN: null,
  EXPIRED: null,
  RESERVED: RESERVATION,
};

const FROM_CANCELED_BY_MERCHANT: Record<ScenarioName, Transition | null> = {
  ISSUED: null,
  PENDING_ISSUER_ACKNOWLEDGE: null,
  PAID_MATCHING: { to: "PAID", attentionReason: "PAID_AFTER_MERCHANT_CANCEL" },
  PAID_ONE_ORE_MORE: MISMATCH,
  PAID_ONE_ORE_LESS: MISMATCH,
  PAID_WRONG_CURRENCY: MISMATCH,
  PAID_NO_RECEIPT: MISMATCH,
  PAID_RECEIPT_WITHOUT_INVOICE: MISMATCH,
  PAID_RECEIPT_WITHOUT_TOTAL: MISMATCH,
  PAID_ATTEMPT_AMOUNT_DIFFERS: MISMATCH,
  PAID_ATTEMPT_CURRENCY_DIFFERS: MISMATCH,
  // An order the merchant ended stays ended; only money SEQR took anyway moves it.
  FAILED: null,
  CANCELED_BY_SHOPPER: null,
  CANCELED_OTHER_REASON: null,
  CANCELED_BY_TIMEOUT: null,
  CANCELED_ORDER_ENDED: null,
  CANCELED_REPLACED: null,
  CANCELED_WITHDRAWN: null,
  EXPIRED: null,
  RESERVED: RESERVATION,
};

function expected(from: OrderStatus, scenario: ScenarioName): Transition | null {
  if (from === "INVOICED") return FROM_INVOICED[scenario];
  if (from === "EXPIRED") return FROM_EXPIRED[scenario];
  if (from === "CANCELED_BY_MERCHANT") return FROM_CANCELED_BY_MERCHANT[scenario];
  return null;
}

const ALL_CASES = STATUSES.flatMap((from) =>
  SCENARIO_NAMES.map((scenario) => [from, scenario, SCENARIOS[scenario].name, expected(from, scenario)] as const),
);

describe("decideTransition", () => {
  test("the scenarios cover every SEQR invoice status", () => {
    const covered = new Set(SCENARIO_NAMES.map((name) => SCENARIOS[name].answer.status));
    expect([...covered].sort()).toEqual([...SEQR_STATUSES].sort());
  });

  test.each(ALL_CASES)("%s order, SEQR %s (%s) → %j", (from, scenario, _name, outcome) => {
    const { attempt: facts, answer: status } = SCENARIOS[scenario];
    expect(decideTransition(order(from), facts, status)).toStrictEqual(outcome);
  });

  test("a matching PAID moves an INVOICED order to PAID without an attention reason", () => {
    const result = decideTransition(order("INVOICED"), attempt(), answer("PAID", matching));
    expect(result).toStrictEqual({ to: "PAID" });
    expect(result).not.toHaveProperty("attentionReason");
  });

  test("an amount mismatch on an expired order is reported as a mismatch, still leaving EXPIRED", () => {
    const result = decideTransition(order("EXPIRED"), attempt(), answer("PAID", { amountMinor: TOTAL + 1, currency: CURRENCY }));
    expect(result).toStrictEqual(MISMATCH);
  });

  test("the order's own total and currency are what the receipt is compared with", () => {
    const big = { status: "INVOICED" as const, totalMinor: 999_999, currency: "EUR" };
    const paid = answer("PAID", { amountMinor: 999_999, currency: "EUR" });
    expect(decideTransition(big, { amountMinor: 999_999, currency: "EUR", cancelReason: null }, paid)).toStrictEqual({
      to: "PAID",
    });
    // The same receipt against a SEK order of the same amount is a mismatch.
    expect(decideTransition({ ...big, currency: "SEK" }, { amountMinor: 999_999, currency: "SEK", cancelReason: null }, paid)).toStrictEqual(
      MISMATCH,
    );
  });

  test.each(SETTLED)("nothing SEQR says changes a %s order", (from) => {
    for (const scenario of SCENARIO_NAMES) {
      const { attempt: facts, answer: status } = SCENARIOS[scenario];
      expect(decideTransition(order(from), facts, status)).toBeNull();
    }
  });

  test.each(["ISSUED", "PENDING_ISSUER_ACKNOWLEDGE"] as const)("a live invoice (%s) changes no order", (status) => {
    for (const from of STATUSES) {
      for (const total of [null, matching, { amountMinor: 1, currency: "EUR" }]) {
        for (const cancelReason of [null, "EXPIRED"]) {
          expect(decideTransition(order(from), attempt({ cancelReason }), answer(status, total))).toBeNull();
        }
      }
    }
  });

  test("never returns an illegal transition or a no-op, for any combination (property)", () => {
    const totals = [
      null,
      matching,
      { amountMinor: TOTAL + 1, currency: CURRENCY },
      { amountMinor: TOTAL - 1, currency: CURRENCY },
      { amountMinor: TOTAL, currency: "EUR" },
      { amountMinor: 0, currency: CURRENCY },
    ];
    const attempts = [
      attempt(),
      attempt({ cancelReason: "EXPIRED" }),
      attempt({ cancelReason: "SHOPPER" }),
      attempt({ cancelReason: "" }),
      attempt({ amountMinor: TOTAL + 1 }),
      attempt({ currency: "EUR" }),
    ];
    let checked = 0;
    let moved = 0;
    for (const from of STATUSES) {
      for (const status of SEQR_STATUSES) {
        for (const total of totals) {
          for (const facts of attempts) {
            const result = decideTransition(order(from), facts, answer(status, total));
            checked += 1;
            if (result === null) continue;
            moved += 1;
            expect(result.to).not.toBe(from);
            expect(canTransition(from, result.to)).toBe(true);
            expect(LEGAL[from]).toContain(result.to);
            expect(SETTLED.includes(from)).toBe(false);
          }
        }
      }
    }
    expect(checked).toBe(STATUSES.length * SEQR_STATUSES.length * totals.length * attempts.length);
    // The property is not vacuous: some combinations do move the order.
    expect(moved).toBeGreaterThan(0);
  });
});
