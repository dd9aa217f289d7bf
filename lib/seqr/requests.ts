import type { XmlBuildElement } from "../xml.ts";
import { toSeqrAmount, toSeqrDecimal } from "./amounts.ts";
import type { CustomerToken, Invoice, InvoiceRow, Refund } from "./types.ts";

// The shop's types turned into SEQR's request elements, each in the order of SEQR's WSDL
// (ERSWSExternalClientService.wsdl); undefined values are omitted from the XML, as SEQR omits nulls.

export type PrincipalType = "TERMINALID" | "RESELLERUSER";

export type SeqrContext = {
  channel: string;
  clientId: string;
  /** Max 32 characters; quoted to SEQR support to find a call. */
  clientReference: string;
  principal: { id: string; type: PrincipalType; userId?: string };
  password: string;
};

export const CLIENT_REFERENCE_MAX_LENGTH = 32;

export function contextElement(context: SeqrContext): XmlBuildElement {
  return {
    channel: context.channel,
    clientComment: undefined,
    clientId: context.clientId,
    clientReference: context.clientReference.slice(0, CLIENT_REFERENCE_MAX_LENGTH),
    // CONTRACT.md: required by the schema and always 0.
    clientRequestTimeout: "0",
    initiatorPrincipalId: {
      id: context.principal.id,
      type: context.principal.type,
      userId: context.principal.userId,
    },
    password: context.password,
  };
}

export function amountElement(amountMinor: number, currency: string): XmlBuildElement {
  return { currency, value: toSeqrAmount(amountMinor, currency) };
}

function rowElement(row: InvoiceRow, currency: string): XmlBuildElement {
  return {
    itemDescription: row.description,
    itemDiscount: row.discountMinor === undefined ? undefined : amountElement(row.discountMinor, currency),
    itemEAN: row.ean,
    itemQuantity: toSeqrDecimal(row.quantity),
    itemSKU: row.sku,
    itemTaxRate: row.taxRatePercent === undefined ? undefined : toSeqrDecimal(row.taxRatePercent),
    itemTotalAmount: amountElement(row.totalMinor, currency),
    itemUnit: row.unit,
    itemUnitPrice: row.unitPriceMinor === undefined ? undefined : amountElement(row.unitPriceMinor, currency),
  };
}

/** xs:dateTime in UTC with a 24-hour clock (one official plugin wrote a 12-hour clock; CONTRACT.md). */
export function toSeqrDateTime(date: Date): string {
  return date.toISOString();
}

export function invoiceElement(invoice: Invoice): XmlBuildElement {
  return {
    paymentMode: invoice.paymentMode ?? "IMMEDIATE_DEBIT",
    // Anything else makes the SEQR app wait forever for an amount (CONTRACT.md).
    acknowledgmentMode: invoice.acknowledgmentMode ?? "NO_ACKNOWLEDGMENT",
    issueDate: toSeqrDateTime(invoice.issueDate),
    title: invoice.title,
    clientInvoiceId: invoice.clientInvoiceId,
    invoiceRows: { invoiceRow: invoice.rows.map((row) => rowElement(row, invoice.currency)) },
    totalAmount: amountElement(invoice.totalMinor, invoice.currency),
    cashierId: invoice.cashierId,
    footer: invoice.footer,
    backURL: invoice.backUrl,
    notificationUrl: invoice.notificationUrl,
  };
}

/** refundPayment's `invoice` carries only the refund: title, cashier and the amount to give back. */
export function refundInvoiceElement(refund: Refund): XmlBuildElement {
  return {
    title: refund.title,
    totalAmount: amountElement(refund.amountMinor, refund.currency),
    cashierId: refund.cashierId,
  };
}

export function tokenElements(tokens: readonly CustomerToken[]): XmlBuildElement[] {
  return tokens.map((token) => ({
    description: token.description,
    id: token.id,
    status: String(token.status),
    value: token.value,
  }));
}

/** SEQR's parameterMap: `<parameters><parameter><entry><key/><value/></entry>…</parameter></parameters>`. */
export function parameterMapElement(parameters: Record<string, string>): XmlBuildElement {
  return {
    parameter: { entry: Object.entries(parameters).map(([key, value]) => ({ key, value })) },
  };
}
