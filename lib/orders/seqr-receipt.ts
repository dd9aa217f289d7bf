import { db } from "../db.ts";
import { formatMoney } from "../money.ts";
import { seqr } from "../seqr/index.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import { formatOrderNumber } from "./order-number.ts";

// The shop's receipt for a paid order, as SEQR shows it with the payment in the customer's app
// (submitPaymentReceipt). Sent by the outbox worker after the payment (lib/outbox/worker.ts) and again by the
// merchant's *Send receipt* (lib/admin/order-actions.ts).

export type ReceiptOrder = {
  /** The short number (#1042) the receipt names the order by; clientInvoiceId stays SEQR's and the URLs'. */
  number: number;
  currency: string;
  totalMinor: number;
  taxMinor: number;
  items: { name: string; quantity: number; lineTotalMinor: number }[];
};

/** The receipt as plain text: the shop, the order, its lines, the total with VAT, and SEQR's payment reference. */
export function receiptText(order: ReceiptOrder, ersReference: string): string {
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: order.currency });
  return [
    SHOP_NAME,
    `Order ${formatOrderNumber(order.number)}`,
    ...order.items.map((item) => `${item.quantity} × ${item.name}  ${money(item.lineTotalMinor)}`),
    `Total ${money(order.totalMinor)} (VAT ${money(order.taxMinor)})`,
    `SEQR payment ${ersReference}`,
  ].join("\n");
}

export type OrderReceipt = {
  /** The invoice SEQR was paid on. */
  paymentAttemptId: string;
  /** SEQR's reference for the payment: the receipt is attached to it. */
  ersReference: string;
  text: string;
};

/**
 * The receipt of a paid order, from its newest invoice SEQR reports PAID (attempts newest first, as the order
 * page lists them); null when no invoice of the order was paid.
 */
export function orderReceipt(
  order: ReceiptOrder & { attempts: { id: string; seqrStatus: string | null; ersReference: string | null }[] },
): OrderReceipt | null {
  const paid = order.attempts.find((attempt) => attempt.seqrStatus === "PAID" && attempt.ersReference);
  if (!paid?.ersReference) return null;
  return { paymentAttemptId: paid.id, ersReference: paid.ersReference, text: receiptText(order, paid.ersReference) };
}

/** orderReceipt, read from the database; null when there is no such order or it was not paid. */
export async function loadOrderReceipt(orderId: string): Promise<OrderReceipt | null> {
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { items: true, attempts: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] } },
  });
  return order ? orderReceipt(order) : null;
}

/** Sends the receipt to SEQR; throws SeqrError when SEQR does not take it. */
export async function submitOrderReceipt(receipt: OrderReceipt): Promise<void> {
  await seqr.submitPaymentReceipt({
    ersReference: receipt.ersReference,
    mimeType: "text/plain",
    data: new TextEncoder().encode(receipt.text),
    receiptType: "PAYMENT_RECEIPT",
  });
}
