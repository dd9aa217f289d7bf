import { db } from "../db.ts";
import { reverseOverduePayments } from "./invoices.ts";
import { assertSandboxMode } from "./guard.ts";

// What the fault API and the control page show of an invoice: everything SEQR knows, including the commit
// rule's bookkeeping and every notification sent.

export async function describeInvoice(reference: string) {
  assertSandboxMode();
  await reverseOverduePayments();
  const invoice = await db.sandboxInvoice.findUnique({
    where: { reference },
    include: {
      refunds: { orderBy: { createdAt: "asc" } },
      notifications: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!invoice) return null;
  return {
    invoiceReference: invoice.reference,
    terminalId: invoice.terminalId,
    clientInvoiceId: invoice.clientInvoiceId,
    title: invoice.title,
    status: invoice.status,
    version: invoice.version,
    totalMinor: invoice.totalMinor,
    currency: invoice.currency,
    rows: invoice.rows,
    notificationUrl: invoice.notificationUrl,
    payerMsisdn: invoice.payerMsisdn,
    sessionToken: invoice.sessionToken,
    ersReference: invoice.ersReference,
    paidAt: invoice.paidAt,
    commitDeadline: invoice.commitDeadline,
    committedAt: invoice.committedAt,
    reversedAt: invoice.reversedAt,
    refundedMinor: invoice.refundedMinor,
    refunds: invoice.refunds.map((refund) => ({
      ersReference: refund.ersReference,
      amountMinor: refund.amountMinor,
      currency: refund.currency,
      createdAt: refund.createdAt,
    })),
    notifications: invoice.notifications.map((notification) => ({
      url: notification.url,
      body: notification.body,
      outcome: notification.outcome,
      httpStatus: notification.httpStatus,
      error: notification.error,
      forged: notification.forged,
      createdAt: notification.createdAt,
    })),
  };
}

export async function listRecentInvoices(take = 25) {
  assertSandboxMode();
  await reverseOverduePayments();
  return db.sandboxInvoice.findMany({ orderBy: { createdAt: "desc" }, take });
}

/**
 * The receipts the shop handed SEQR for a payment (submitPaymentReceipt), as the SEQR app shows them with it:
 * plain-text ones as their text, others named by type and size.
 */
export async function receiptsFor(ersReference: string): Promise<{ id: string; receiptType: string | null; text: string }[]> {
  assertSandboxMode();
  const documents = await db.sandboxReceiptDocument.findMany({ where: { ersReference }, orderBy: { createdAt: "asc" } });
  return documents.map((document) => ({
    id: document.id,
    receiptType: document.receiptType,
    text: document.mimeType.startsWith("text/plain")
      ? Buffer.from(document.data, "base64").toString("utf8")
      : `(${document.mimeType}, ${Buffer.from(document.data, "base64").length} bytes)`,
  }));
}
