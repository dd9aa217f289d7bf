import type { OrderStatus } from "../generated/prisma/enums.ts";

// What a shopper may see of an order, and the stage of the journey it is at. Pure: client components import it.

export type OrderLineView = { name: string; sku: string; quantity: number; unitPrice: string; lineTotal: string };

/**
 * One refund of the order as the shopper's receipt lists it. Only a refund SEQR confirmed is money given back;
 * one the shop has asked for and not yet heard back about (PENDING, or UNKNOWN until the merchant settles it) is
 * "being refunded". Refused refunds are not listed: nothing moved.
 */
export type RefundView = {
  state: "refunded" | "being-refunded";
  /** ISO time: when SEQR confirmed it, or when it was asked for while it is still being refunded. */
  at: string;
  /** `at` in words, in the shop's time zone. */
  atText: string;
  amount: string;
  /** The items it gives back, when the merchant refunded by line (RefundLine); empty for an amount alone. */
  lines: { name: string; quantity: number; amount: string }[];
};

/** What was paid, what was given back, and what remains: the receipt's sums once anything was refunded. */
export type RefundSums = {
  paid: string;
  /** Confirmed refunds only. */
  refunded: string;
  /** Refunds asked for and not yet confirmed; null when there are none. */
  beingRefunded: string | null;
  /** Paid less what was given back. */
  net: string;
};

export type OrderView = {
  clientInvoiceId: string;
  /** The short number people read out: "#1042" (lib/orders/order-number.ts). */
  number: string;
  status: OrderStatus;
  /**
   * Who stopped the last payment of a CANCELED order: the shopper in the app, or the shop (the merchant's
   * *Cancel invoice*). Null for every other status. Either way the order itself can still be paid.
   */
  canceledBy: "shopper" | "shop" | null;
  lines: OrderLineView[];
  total: string;
  vat: string;
  /** SEQR's payment reference, once paid. */
  paymentReference: string | null;
  paidAt: string | null;
  /** `paidAt` in words, in the shop's time zone. */
  paidAtText: string | null;
  /** Every refund asked for (refused ones left out), oldest first. */
  refunds: RefundView[];
  /** Null until a refund has been asked for. */
  refundSums: RefundSums | null;
};

/**
 * The stage of the journey the shopper is at, which is what the pages switch on. "canceled" is the shopper's own
 * cancel in the app (they may try again); "canceled-by-shop" is the merchant ending the order for good.
 */
export type OrderStage = "open" | "processing" | "paid" | "failed" | "canceled" | "expired" | "canceled-by-shop";

export function stageOf(status: OrderStatus): OrderStage {
  switch (status) {
    case "PENDING":
      return "open";
    case "INVOICED":
      return "processing";
    case "PAID":
    case "NEEDS_ATTENTION":
    case "PARTIALLY_REFUNDED":
    case "REFUNDED":
      return "paid";
    case "FAILED":
      return "failed";
    case "CANCELED":
      return "canceled";
    case "EXPIRED":
      return "expired";
    case "CANCELED_BY_MERCHANT":
      return "canceled-by-shop";
  }
}

/** Stages after which the order can never be paid: the pages offer no Pay and no "Try again". */
export function isFinalStage(stage: OrderStage): stage is "paid" | "expired" | "canceled-by-shop" {
  return stage === "paid" || stage === "expired" || stage === "canceled-by-shop";
}
