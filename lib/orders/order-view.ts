import type { OrderStatus } from "../generated/prisma/enums.ts";

// What a shopper may see of an order, and the stage of the journey it is at. Pure: client components import it.

export type OrderLineView = { name: string; sku: string; quantity: number; unitPrice: string; lineTotal: string };

export type OrderView = {
  clientInvoiceId: string;
  status: OrderStatus;
  lines: OrderLineView[];
  total: string;
  vat: string;
  /** SEQR's payment reference, once paid. */
  paymentReference: string | null;
  paidAt: string | null;
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
