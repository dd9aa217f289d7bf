import { formatMoney, minorUnitDigits } from "../money.ts";
import { fromSeqrAmount } from "../seqr/amounts.ts";
import type { OrderStatus } from "../generated/prisma/enums.ts";

// Refund arithmetic, pure and in integer minor units: what a merchant typed, what is left to refund, and what the
// order becomes.

export type AmountParse = { ok: true; amountMinor: number } | { ok: false; error: string };

/**
 * "120", "120.5", "120,50" (Swedish comma) or "1 200,00" in the currency's major unit → minor units. More decimals
 * than the currency has, signs and anything but digits are refused rather than rounded.
 */
export function parseRefundAmount(text: string, currency: string): AmountParse {
  const cleaned = text.trim().replace(/[\s\u00a0]/g, "").replace(",", ".");
  if (!/^\d{1,13}(\.\d+)?$/.test(cleaned)) return { ok: false, error: `Enter an amount such as 120,50 (${currency}).` };
  const digits = minorUnitDigits(currency);
  if ((cleaned.split(".")[1] ?? "").replace(/0+$/, "").length > digits) {
    return { ok: false, error: `${currency} has ${digits} decimals: ${text.trim()} has more.` };
  }
  let amountMinor: number;
  try {
    amountMinor = fromSeqrAmount(cleaned, currency);
  } catch {
    return { ok: false, error: "That amount is too large." };
  }
  if (amountMinor === 0) return { ok: false, error: "A refund must be more than zero." };
  return { ok: true, amountMinor };
}

export type RefundLedger = {
  /** What SEQR took for the payment. */
  paidMinor: number;
  /** Refunds SEQR confirmed. */
  refundedMinor: number;
  /** Refunds asked for and not yet answered, or never answered: they may have gone through. */
  reservedMinor: number;
};

export function refundableMinor(ledger: RefundLedger): number {
  return Math.max(0, ledger.paidMinor - ledger.refundedMinor - ledger.reservedMinor);
}

/** Null when the amount may be refunded; otherwise why not, in words for the merchant. */
export function refundProblem(amountMinor: number, ledger: RefundLedger, currency: string): string | null {
  const left = refundableMinor(ledger);
  if (amountMinor <= 0) return "A refund must be more than zero.";
  if (left === 0) {
    return ledger.reservedMinor > 0
      ? "Nothing is left to refund: the rest is held by a refund SEQR has not confirmed."
      : "This payment has been refunded in full.";
  }
  if (amountMinor > left) {
    return `Only ${formatMoney({ amountMinor: left, currency })} is left to refund on this payment; nothing was refunded.`;
  }
  return null;
}

/** The order's status once `refundedMinor` of `paidMinor` has been given back. */
export function statusAfterRefunds(paidMinor: number, refundedMinor: number): OrderStatus {
  return refundedMinor >= paidMinor ? "REFUNDED" : "PARTIALLY_REFUNDED";
}
