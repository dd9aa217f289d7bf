// The client's vocabulary. Wire words (status names, modes) are SEQR's exactly; amounts are the shop's integer
// minor units, converted at the border by lib/seqr/amounts.ts.

/** CONTRACT.md: CANCELED with one L; EXPIRED only in later versions. Anything but ISSUED and PENDING_ISSUER_ACKNOWLEDGE is final. */
export const SEQR_INVOICE_STATUSES = [
  "ISSUED",
  "PAID",
  "CANCELED",
  "FAILED",
  "RESERVED",
  "PENDING_ISSUER_ACKNOWLEDGE",
  "EXPIRED",
] as const;
export type SeqrInvoiceStatus = (typeof SEQR_INVOICE_STATUSES)[number];

export type SeqrPaymentMode = "IMMEDIATE_DEBIT" | "RESERVATION_DESIRED" | "RESERVATION_REQUIRED";
export type SeqrAcknowledgmentMode = "NO_ACKNOWLEDGMENT" | "OPTIONAL_ACKNOWLEDGMENT" | "REQUIRE_ACKNOWLEDGMENT";

export type InvoiceRow = {
  description: string;
  sku?: string;
  ean?: string;
  /** Units of the item; SEQR's itemQuantity is a decimal, so 0.5 (kg) is allowed. */
  quantity: number;
  unit?: string;
  unitPriceMinor?: number;
  /** Percent, e.g. 25 for 25 % VAT. */
  taxRatePercent?: number;
  discountMinor?: number;
  /** The row's total, which SEQR requires; negative rows (discounts) may balance the invoice. */
  totalMinor: number;
};

export type Invoice = {
  title: string;
  /** The merchant's own order id. */
  clientInvoiceId: string;
  issueDate: Date;
  currency: string;
  totalMinor: number;
  rows: InvoiceRow[];
  cashierId?: string;
  footer?: string;
  backUrl?: string;
  notificationUrl?: string;
  /** Defaults to IMMEDIATE_DEBIT, SEQR's normal payment. */
  paymentMode?: SeqrPaymentMode;
  /** Defaults to NO_ACKNOWLEDGMENT: with any other mode the app waits forever for an amount (CONTRACT.md). */
  acknowledgmentMode?: SeqrAcknowledgmentMode;
};

export type CustomerToken = { id?: string; value?: string; description?: string; status: number };

export type SentInvoice = { invoiceReference: string; invoiceQrCode: string };

export type ReceiptInvoice = {
  title?: string;
  clientInvoiceId?: string;
  total?: { amountMinor: number; currency: string };
};

export type PaymentReceipt = {
  terminalId?: string;
  paymentDate?: Date;
  clientInvoiceId?: string;
  invoiceReference?: string;
  /** Equals the payment's ersReference. */
  paymentReference?: string;
  payerTerminalId?: string;
  receiverName?: string;
  invoice?: ReceiptInvoice;
};

export type PaymentStatus = {
  status: SeqrInvoiceStatus;
  /** Goes up on every change; send it back as `invoiceVersion` next time. */
  version: number;
  /** SEQR's payment reference, present only when PAID; refunds and receipts need it. */
  ersReference?: string;
  receipt?: PaymentReceipt;
  customerTokens: CustomerToken[];
  /**
   * Parts of the receipt (or the tokens) that could not be read, in plain words; absent when all of it was. The
   * rest of the answer stands: a PAID is never dropped over a malformed optional part.
   */
  receiptProblems?: string[];
};

export type CancelResult = {
  /** SEQR answered 95: the invoice was canceled before, which is as good as canceling it now. */
  alreadyCanceled: boolean;
};

export type Refund = {
  /** The ersReference of the payment being refunded. */
  ersReference: string;
  amountMinor: number;
  currency: string;
  title: string;
  cashierId?: string;
};

export type RefundResult = { refundErsReference: string };

export type ReceiptDocument = {
  ersReference: string;
  mimeType: string;
  data: Uint8Array;
  receiptType?: string;
};

export type Report = {
  title?: string;
  mimeType?: string;
  content?: Buffer;
  contentString?: string;
};

export type ClientSessionInfo = {
  msisdn: string;
  subscriberKey: string;
  authKey?: string;
  /** Every parameter SEQR returned, including the QR code's own query parameters. */
  parameters: Record<string, string>;
};
