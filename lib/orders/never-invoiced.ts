import type { Prisma } from "../generated/prisma/client.ts";

// Orders no invoice was ever sent for: placed (a checkout, a product QR code) and then left. Anyone can place
// them, for free, as fast as the rate limits allow, so the shop bounds them: a cart may hold only a few open at
// once (lib/cart/checkout-cart.ts), and the admin's orders list hides them unless asked (lib/admin/order-list.ts).

/**
 * Never invoiced: its attempts, if any, were all refused by SEQR before an invoice existed. SENDING, SENT,
 * UNKNOWN and LOST attempts mean SEQR holds, held or may hold an invoice; such an order is the merchant's concern.
 * Only PENDING orders and the two ends a PENDING order can reach without an invoice qualify, and never one that
 * needs the merchant's attention.
 */
export const neverInvoicedOrder = {
  status: { in: ["PENDING", "EXPIRED", "CANCELED_BY_MERCHANT"] },
  attentionReason: null,
  attempts: { none: { state: { not: "REFUSED" } } },
} satisfies Prisma.OrderWhereInput;

/** Never invoiced and still payable: the shopper may yet press Pay. */
export const openNeverInvoicedOrder = { ...neverInvoicedOrder, status: "PENDING" } satisfies Prisma.OrderWhereInput;
