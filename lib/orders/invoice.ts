import { env } from "../env.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import type { Invoice, InvoiceRow } from "../seqr/types.ts";
import { notificationUrlFor } from "./notification-url.ts";

type OrderForInvoice = {
  clientInvoiceId: string;
  currency: string;
  totalMinor: number;
  items: readonly { name: string; sku: string; quantity: number; unitPriceMinor: number; taxRateBps: number; lineTotalMinor: number }[];
};

/** The cashier on every invoice: the web shop itself (SEQR shows it on the receipt). */
export const WEB_SHOP_CASHIER_ID = "webshop";

/** One SEQR invoice row per order line, carrying the amounts stored on the order (never recomputed from the catalog). */
export function invoiceRowsFor(order: OrderForInvoice): InvoiceRow[] {
  return order.items.map((item) => ({
    description: item.name,
    sku: item.sku,
    quantity: item.quantity,
    unitPriceMinor: item.unitPriceMinor,
    taxRatePercent: item.taxRateBps / 100,
    totalMinor: item.lineTotalMinor,
  }));
}

/**
 * The sendInvoice payload for an order. SEQR requires the rows to sum to totalAmount (CONTRACT.md); an order whose
 * lines do not is a bug, and no invoice leaves the shop for it.
 */
export function buildInvoice(order: OrderForInvoice, issueDate: Date): Invoice {
  const rows = invoiceRowsFor(order);
  const sum = rows.reduce((total, row) => total + row.totalMinor, 0);
  if (rows.length === 0 || sum !== order.totalMinor) {
    throw new Error(`order ${order.clientInvoiceId}: invoice rows sum to ${sum}, the order's total is ${order.totalMinor}`);
  }
  return {
    title: `${SHOP_NAME} order ${order.clientInvoiceId}`,
    clientInvoiceId: order.clientInvoiceId,
    issueDate,
    currency: order.currency,
    totalMinor: order.totalMinor,
    rows,
    cashierId: WEB_SHOP_CASHIER_ID,
    backUrl: env.publicBaseUrl,
    notificationUrl: notificationUrlFor(order.clientInvoiceId),
    paymentMode: "IMMEDIATE_DEBIT",
    acknowledgmentMode: "NO_ACKNOWLEDGMENT",
  };
}
