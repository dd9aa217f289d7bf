import type { XmlElement, XmlNode } from "../xml.ts";
import { isKnownCurrency, parseAmount } from "./amounts.ts";
import type { InvoiceData, InvoiceRowData } from "./invoices.ts";
import { SeqrFailure } from "./seqr-failure.ts";

// Reading SEQR requests the way SEQR's CXF endpoint did (CONTRACT.md, "Transport"): child elements in any order,
// unknown ones ignored, optional ones may be missing. Invalid invoice data is 49, a bad notificationUrl 64.

export function element(node: XmlNode | undefined): XmlElement | undefined {
  return node !== undefined && typeof node === "object" && !Array.isArray(node) ? node : undefined;
}

/** A child's text; undefined when absent or empty (`<x/>`), as SEQR treats a missing optional field. */
export function text(parent: XmlElement | undefined, name: string): string | undefined {
  const value = parent?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function list(parent: XmlElement | undefined, name: string): XmlElement[] {
  const value = parent?.[name];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.map((item) => element(item) ?? {});
}

const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const XS_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;
const PAYMENT_MODES = new Set(["IMMEDIATE_DEBIT", "RESERVATION_DESIRED", "RESERVATION_REQUIRED"]);
const ACKNOWLEDGMENT_MODES = new Set(["NO_ACKNOWLEDGMENT", "OPTIONAL_ACKNOWLEDGMENT", "REQUIRE_ACKNOWLEDGMENT"]);

/** An `amount` element in minor units; 49 when it is missing a part, has more than 2 decimals or an unknown currency. */
export function readAmount(node: XmlElement | undefined, what: string, expectedCurrency?: string) {
  const currency = text(node, "currency");
  const value = text(node, "value");
  if (!currency || !value) throw new SeqrFailure(49, `${what} needs a currency and a value`);
  if (!isKnownCurrency(currency)) throw new SeqrFailure(49, `${what}: unknown currency ${currency}`);
  if (expectedCurrency && currency !== expectedCurrency) {
    throw new SeqrFailure(49, `${what} is in ${currency}, the invoice in ${expectedCurrency}`);
  }
  const minor = parseAmount(value, currency);
  if (minor === null) throw new SeqrFailure(49, `${what}: "${value}" is not an amount with at most 2 decimals`);
  return { currency, minor };
}

function readRow(row: XmlElement, index: number, currency: string): InvoiceRowData {
  const what = `invoiceRow ${index + 1}`;
  const quantity = text(row, "itemQuantity");
  if (!quantity || !DECIMAL.test(quantity)) throw new SeqrFailure(49, `${what} needs a decimal itemQuantity`);
  const taxRate = text(row, "itemTaxRate");
  if (taxRate !== undefined && !DECIMAL.test(taxRate)) throw new SeqrFailure(49, `${what}: itemTaxRate is not a decimal`);
  const optionalAmount = (name: string) =>
    element(row[name]) ? readAmount(element(row[name]), `${what} ${name}`, currency).minor : undefined;
  return {
    description: text(row, "itemDescription"),
    sku: text(row, "itemSKU"),
    ean: text(row, "itemEAN"),
    quantity,
    unit: text(row, "itemUnit"),
    unitPriceMinor: optionalAmount("itemUnitPrice"),
    taxRate,
    discountMinor: optionalAmount("itemDiscount"),
    totalMinor: readAmount(element(row.itemTotalAmount), `${what} itemTotalAmount`, currency).minor,
  };
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/** sendInvoice's and updateInvoice's `invoice`, checked as SEQR checked it. */
export function readInvoice(node: XmlElement | undefined): InvoiceData {
  if (!node) throw new SeqrFailure(49, "no invoice");
  const paymentMode = text(node, "paymentMode");
  if (paymentMode !== undefined && !PAYMENT_MODES.has(paymentMode)) throw new SeqrFailure(49, "unknown paymentMode");
  // Reservations (RESERVED, commitReservation) are not part of what the sandbox emulates.
  if (paymentMode !== undefined && paymentMode !== "IMMEDIATE_DEBIT") throw new SeqrFailure(91, "reservations are not emulated");
  const acknowledgmentMode = text(node, "acknowledgmentMode");
  if (acknowledgmentMode !== undefined && !ACKNOWLEDGMENT_MODES.has(acknowledgmentMode)) {
    throw new SeqrFailure(49, "unknown acknowledgmentMode");
  }
  if (acknowledgmentMode !== undefined && acknowledgmentMode !== "NO_ACKNOWLEDGMENT") {
    // CONTRACT.md: with acknowledgment the app waits forever for an amount; the sandbox refuses it outright.
    throw new SeqrFailure(91, "acknowledgment modes other than NO_ACKNOWLEDGMENT are not emulated");
  }
  const issueDate = text(node, "issueDate");
  if (issueDate !== undefined && (!XS_DATE_TIME.test(issueDate) || Number.isNaN(Date.parse(issueDate)))) {
    throw new SeqrFailure(49, "issueDate is not an xs:dateTime");
  }
  const total = readAmount(element(node.totalAmount), "totalAmount");
  const rows = list(element(node.invoiceRows), "invoiceRow").map((row, index) => readRow(row, index, total.currency));
  const rowsSum = rows.reduce((sum, row) => sum + row.totalMinor, 0);
  if (rows.length > 0 && rowsSum !== total.minor) {
    throw new SeqrFailure(49, `the rows sum to ${rowsSum}, the total is ${total.minor} (minor units)`);
  }
  const notificationUrl = text(node, "notificationUrl");
  if (notificationUrl !== undefined && !isHttpUrl(notificationUrl)) {
    throw new SeqrFailure(64, "notificationUrl is not an absolute http(s) URL");
  }
  return {
    paymentMode,
    acknowledgmentMode,
    issueDate,
    title: text(node, "title"),
    clientInvoiceId: text(node, "clientInvoiceId"),
    currency: total.currency,
    totalMinor: total.minor,
    rows,
    cashierId: text(node, "cashierId"),
    footer: text(node, "footer"),
    backUrl: text(node, "backURL"),
    notificationUrl,
  };
}

/** SEQR's parameterMap (`parameters/parameter/entry`), also accepting entries straight under `parameters`. */
export function readParameterMap(node: XmlElement | undefined): Map<string, string> {
  const entries = [...list(element(node?.parameter), "entry"), ...list(node, "entry")];
  const map = new Map<string, string>();
  for (const entry of entries) {
    const key = text(entry, "key");
    if (key) map.set(key, text(entry, "value") ?? "");
  }
  return map;
}
