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

/** The stage of the journey the shopper is at, which is what the pages switch on. */
export type OrderStage = "open" | "processing" | "paid" | "failed" | "canceled" | "expired";

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
  }
}
