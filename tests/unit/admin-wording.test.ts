import { describe, expect, test } from "vitest";
import { z } from "zod";

import {
  attentionFlag,
  attentionReasonText,
  invoiceStatusText,
  issueText,
  mismatchText,
  orderBadge,
  orderStatusText,
  periodInSentence,
  periodText,
  refundStatusText,
  seqrProblemText,
  seqrResultText,
} from "@/lib/admin/wording";
import { ORDER_STATUSES } from "@/lib/orders/state-machine";

// The admin's words (lib/admin/wording.ts): what the merchant reads instead of the names the code uses.

/** An enum value or SEQR constant as the code writes it: two capitals or more joined by underscores. */
const CONSTANT = /\b[A-Z]{2,}(_[A-Z]+)+\b/;

describe("statuses in words", () => {
  test.each([
    ["PAID", "Paid"],
    ["PARTIALLY_REFUNDED", "Partly refunded"],
    ["REFUNDED", "Refunded"],
    ["INVOICED", "Waiting for payment"],
    ["CANCELED_BY_MERCHANT", "Canceled by the shop"],
    ["EXPIRED", "Expired, not paid"],
  ] as const)("%s reads %s", (status, words) => {
    expect(orderStatusText(status)).toBe(words);
  });

  test("every order status has words of its own, and none is a constant", () => {
    const words = ORDER_STATUSES.map(orderStatusText);
    expect(new Set(words).size).toBe(ORDER_STATUSES.length);
    for (const text of words) expect(text).not.toMatch(CONSTANT);
  });

  test("an order needing attention says why in its badge; a paid one flagged keeps Paid, with the flag beside it", () => {
    expect(orderBadge({ status: "NEEDS_ATTENTION", attentionReason: "AMOUNT_MISMATCH" })).toEqual({
      text: "Needs attention: amount differs",
      tone: "problem",
    });
    expect(orderBadge({ status: "PAID", attentionReason: "PAID_AFTER_EXPIRY" }).text).toBe("Paid");
    expect(attentionFlag({ status: "PAID", attentionReason: "PAID_AFTER_EXPIRY" })).toBe("Needs attention: paid after it expired");
    expect(attentionFlag({ status: "REFUNDED", attentionReason: "PAID_AFTER_EXPIRY" })).toBeNull();
  });

  test("a reason the admin has no words for yet is not shown by its name", () => {
    expect(attentionReasonText("SOMETHING_NEW")).not.toMatch(CONSTANT);
    expect(orderBadge({ status: "NEEDS_ATTENTION", attentionReason: "SOMETHING_NEW" }).text).toBe("Needs attention: check the order");
  });

  test("invoices, refunds and reconciliation differences in words", () => {
    expect(invoiceStatusText({ state: "SENT", seqrStatus: "ISSUED" })).toBe("Waiting for payment");
    expect(invoiceStatusText({ state: "SENT", seqrStatus: "CANCELED", cancelReason: "MERCHANT" })).toBe("Canceled by the shop");
    expect(invoiceStatusText({ state: "SENT", seqrStatus: "CANCELED", cancelReason: null })).toBe("Canceled in the SEQR app");
    expect(invoiceStatusText({ state: "LOST", seqrStatus: null })).toBe("Unknown to SEQR: it cannot be paid");
    expect(refundStatusText("SUCCEEDED")).toBe("Refunded");
    expect(refundStatusText("UNKNOWN")).toBe("No answer from SEQR: check the reconciliation report");
    expect(mismatchText("PAYMENT_MISSING_FROM_REPORT")).toBe("Payment missing from SEQR's report");
  });
});

describe("SEQR's answers", () => {
  test("a result code comes with its meaning", () => {
    expect(seqrResultText(0)).toBe("SEQR answered: done");
    expect(seqrResultText(98)).toBe("SEQR answered 98: the refunds would exceed the payment");
    expect(seqrResultText(93)).toBe("SEQR answered 93: SEQR is busy");
  });

  test("a failure is told in words, never by its constant", () => {
    expect(seqrProblemText({ kind: "result", resultCode: 93, resultName: "SYSTEM_BUSY" })).toBe("SEQR is busy (SEQR's code 93)");
    expect(seqrProblemText({ kind: "timeout", resultCode: null, resultName: "TIMEOUT" })).toBe("SEQR did not answer in time");
    expect(seqrProblemText({ kind: "http", resultCode: null, resultName: "HTTP_503" })).toBe("SEQR's server answered with an error (HTTP 503)");
  });
});

describe("reconciliation periods", () => {
  test("the first period says since the shop opened, never 1970", () => {
    const first = { periodStart: new Date(0), periodEnd: new Date("2026-11-27T13:03:05Z") };
    expect(periodText(first)).toBe("Since the shop opened, until 27 Nov 2026 14:03:05");
    expect(periodInSentence(first)).toBe("the period from the shop's opening to 27 Nov 2026 14:03:05");
    expect(`${periodText(first)} ${periodInSentence(first)}`).not.toContain("1970");
  });

  test("a later period runs from its start to its end, in the shop's time", () => {
    const later = { periodStart: new Date("2026-11-27T13:03:05Z"), periodEnd: new Date("2026-11-28T08:00:00Z") };
    expect(periodText(later)).toBe("27 Nov 2026 14:03:05 – 28 Nov 2026 09:00:00");
  });
});

describe("refused form values", () => {
  const shipment = z.object({
    clientInvoiceId: z.string().min(22, "is not an order id"),
    trackingNumber: z.string().regex(/^[A-Za-z0-9-]+$/, "may hold only letters, digits and hyphens"),
  });

  test("a field the person filled in is named as the form names it, not by its key", () => {
    const issue = shipment.safeParse({ clientInvoiceId: "x".repeat(22), trackingNumber: "<script>" }).error?.issues[0];
    expect(issue && issueText(issue)).toBe("Tracking number: may hold only letters, digits and hyphens.");
  });

  test("a value the page itself sent (a hidden field) says the form is out of date and what to do", () => {
    const issue = shipment.safeParse({ clientInvoiceId: "short", trackingNumber: "AB-1" }).error?.issues[0];
    expect(issue && issueText(issue)).toBe("This form is out of date (is not an order id). Reload the page and try again.");
    expect(issue && issueText(issue)).not.toContain("clientInvoiceId");
  });
});
