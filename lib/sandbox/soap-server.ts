import { timingSafeEqual } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { db } from "../db.ts";
import type { SandboxInvoice } from "../generated/prisma/client.ts";
import { BodyTooLargeError, readTextCapped } from "../http/body.ts";
import { log } from "../log.ts";
import { resultCodeName } from "../seqr/result-codes.ts";
import { buildXml, parseXml, XmlError, type XmlBuildElement, type XmlBuildNode, type XmlElement } from "../xml.ts";
import { formatAmount } from "./amounts.ts";
import { consumeFault, consumeSoapFault, SOAP_OPERATIONS, type SoapOperation } from "./faults.ts";
import { assertSandboxMode } from "./guard.ts";
import type { InvoiceRowData } from "./invoices.ts";
import { cancelInvoice, issueInvoice, readPaymentStatus, refundPayment, updateInvoice } from "./invoices.ts";
import { executeReport, markTransactionPeriod } from "./reports.ts";
import { readSessionInfo } from "./sessions.ts";
import { SeqrFailure } from "./seqr-failure.ts";
import { element, readAmount, readInvoice, readParameterMap, text } from "./soap-requests.ts";

// POST /sandbox/soap: SEQR's merchant SOAP API as SEQR's Apache CXF endpoint answered it (CONTRACT.md):
// `<ns2:{op}Response><return>…</return>`, business errors as `resultCode`, nulls omitted, children in the WSDL's
// order. Malformed requests get a SOAP fault, as CXF gave one.

const SEQR_NAMESPACE = "http://external.interfaces.ers.seamless.com/";
const SOAP_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/";
const MAX_REQUEST_BYTES = 1_000_000;
const REPEATING_REQUEST_ELEMENTS = new Set(["invoiceRow", "entry", "tokens"]);
const REPORT_OPERATIONS = new Set<SoapOperation>(["markTransactionPeriod", "executeReport"]);

const soapLog = log.child({ component: "sandbox-soap" });

function envelope(body: XmlBuildElement): string {
  return buildXml({ "soap:Envelope": { "@_xmlns:soap": SOAP_NAMESPACE, "soap:Body": body } });
}

function xmlResponse(xml: string, status = 200): Response {
  return new Response(xml, { status, headers: { "Content-Type": "text/xml; charset=utf-8" } });
}

export function soapFault(faultstring: string, status = 500, faultcode = "soap:Client"): Response {
  return xmlResponse(envelope({ "soap:Fault": { faultcode, faultstring } }), status);
}

/** `return` with the base fields first (erswsResponse), then the operation's own, as the WSDL orders them. */
function answer(operation: string, resultCode: number, fields: { ersReference?: string } & XmlBuildElement = {}) {
  const { ersReference, ...extension } = fields;
  const result: XmlBuildElement = {
    ersReference,
    resultCode: String(resultCode),
    resultDescription: resultCodeName(resultCode),
    ...(resultCode === 0 ? extension : {}),
    // The WSDL makes `version` a required int, which CXF always wrote, 0 when there was no invoice to read.
    ...(operation === "getPaymentStatus" && resultCode !== 0 ? { version: "0" } : {}),
  };
  return xmlResponse(
    envelope({ [`ns2:${operation}Response`]: { "@_xmlns:ns2": SEQR_NAMESPACE, return: result } }),
  );
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** context.initiatorPrincipalId and password: 29 unknown terminal, 20 wrong password, 21 wrong principal type. */
async function authenticate(operation: SoapOperation, context: XmlElement | undefined): Promise<string> {
  const principal = element(context?.initiatorPrincipalId);
  const id = text(principal, "id");
  const type = text(principal, "type") ?? "TERMINALID";
  if (!id) throw new SeqrFailure(29, "no initiatorPrincipalId");
  const terminal = await db.sandboxTerminal.findUnique({ where: { id } });
  if (!terminal) throw new SeqrFailure(29, `unknown terminal ${id}`);
  if (!sameSecret(text(context, "password") ?? "", terminal.password)) throw new SeqrFailure(20, "wrong password");
  const expected = REPORT_OPERATIONS.has(operation) ? "RESELLERUSER" : "TERMINALID";
  // A reseller user of the terminal may act for it (CONTRACT.md: RESELLERUSER for reports, with a userId).
  if (type !== expected && !(type === "RESELLERUSER" && expected === "TERMINALID")) {
    throw new SeqrFailure(21, `${operation} needs a ${expected} principal`);
  }
  return terminal.id;
}

function amountElement(minor: number, currency: string): XmlBuildElement {
  return { currency, value: formatAmount(minor, currency) };
}

function invoiceEcho(invoice: SandboxInvoice): XmlBuildElement {
  const rows = invoice.rows as InvoiceRowData[];
  const amount = (minor: number | undefined) => (minor === undefined ? undefined : amountElement(minor, invoice.currency));
  return {
    paymentMode: invoice.paymentMode,
    acknowledgmentMode: invoice.acknowledgmentMode,
    issueDate: invoice.issueDate,
    title: invoice.title,
    clientInvoiceId: invoice.clientInvoiceId,
    invoiceRows: rows.length
      ? {
          invoiceRow: rows.map((row) => ({
            itemDescription: row.description,
            itemDiscount: amount(row.discountMinor),
            itemEAN: row.ean,
            itemQuantity: row.quantity,
            itemSKU: row.sku,
            itemTaxRate: row.taxRate,
            itemTotalAmount: amount(row.totalMinor),
            itemUnit: row.unit,
            itemUnitPrice: amount(row.unitPriceMinor),
          })),
        }
      : undefined,
    totalAmount: amountElement(invoice.totalMinor, invoice.currency),
    cashierId: invoice.cashierId,
    footer: invoice.footer,
    backURL: invoice.backUrl,
    notificationUrl: invoice.notificationUrl,
  };
}

async function receiptFor(invoice: SandboxInvoice): Promise<XmlBuildElement> {
  const terminal = await db.sandboxTerminal.findUnique({ where: { id: invoice.terminalId } });
  return {
    terminalId: invoice.terminalId,
    paymentDate: invoice.paidAt?.toISOString(),
    clientInvoiceId: invoice.clientInvoiceId,
    invoiceReference: invoice.reference,
    paymentReference: invoice.ersReference,
    payerTerminalId: invoice.payerMsisdn,
    receiverName: terminal?.name,
    invoice: invoiceEcho(invoice),
  };
}

type Handler = (terminalId: string, request: XmlElement) => Promise<Response>;

const handlers: Record<SoapOperation, Handler> = {
  async sendInvoice(terminalId, request) {
    const reference = await issueInvoice(terminalId, readInvoice(element(request.invoice)));
    return answer("sendInvoice", 0, { invoiceQRCode: `HTTP://SEQR.SE/R${reference}`, invoiceReference: reference });
  },

  async getPaymentStatus(terminalId, request) {
    const reference = text(request, "invoiceReference");
    if (!reference) throw new SeqrFailure(54, "no invoiceReference");
    const invoice = await readPaymentStatus(terminalId, reference);
    const paid = invoice.status === "PAID";
    const receipt = paid ? await receiptFor(invoice) : undefined;
    const garbled = paid && (await consumeFault("garbled-receipt", undefined, reference));
    return answer("getPaymentStatus", 0, {
      ersReference: paid ? (invoice.ersReference ?? undefined) : undefined,
      status: invoice.status,
      receipt: garbled ? { ...receipt, paymentDate: "the day before yesterday" } : receipt,
      ...(garbled ? { customerTokens: { token: [{ id: "loyalty" }] } } : {}),
      version: String(invoice.version),
    });
  },

  async cancelInvoice(terminalId, request) {
    const reference = text(request, "invoiceReference");
    if (!reference) throw new SeqrFailure(54, "no invoiceReference");
    await cancelInvoice(terminalId, reference);
    return answer("cancelInvoice", 0);
  },

  async refundPayment(terminalId, request) {
    const ersReference = text(request, "ersReference");
    if (!ersReference) throw new SeqrFailure(23, "no ersReference");
    const invoice = element(request.invoice);
    const amount = readAmount(element(invoice?.totalAmount), "totalAmount");
    const refundReference = await refundPayment(terminalId, {
      ersReference,
      amountMinor: amount.minor,
      currency: amount.currency,
      title: text(invoice, "title"),
      cashierId: text(invoice, "cashierId"),
    });
    return answer("refundPayment", 0, { ersReference: refundReference });
  },

  async updateInvoice(terminalId, request) {
    const reference = text(request, "invoiceReference");
    if (!reference) throw new SeqrFailure(54, "no invoiceReference");
    await updateInvoice(terminalId, reference, readInvoice(element(request.invoice)));
    return answer("updateInvoice", 0);
  },

  async submitPaymentReceipt(terminalId, request) {
    const ersReference = text(request, "ersReference");
    const invoice = ersReference ? await db.sandboxInvoice.findUnique({ where: { ersReference } }) : null;
    if (!ersReference || !invoice || invoice.terminalId !== terminalId) throw new SeqrFailure(23, "no such payment");
    const document = element(request.receiptDocument);
    const mimeType = text(document, "mimeType");
    const data = text(document, "receiptData")?.replace(/\s+/g, "");
    if (!mimeType || !data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
      throw new SeqrFailure(49, "receiptDocument needs a mimeType and base64 receiptData");
    }
    await db.sandboxReceiptDocument.create({
      data: { ersReference, mimeType, receiptType: text(document, "receiptType") ?? null, data },
    });
    return answer("submitPaymentReceipt", 0);
  },

  async markTransactionPeriod(terminalId, request) {
    const parameters = readParameterMap(element(request.parameters));
    const periodTerminal = parameters.get("terminalId") ?? terminalId;
    if (periodTerminal !== terminalId) throw new SeqrFailure(21, "a reseller user may only close its own terminal's period");
    return answer("markTransactionPeriod", 0, { transactionPeriodId: await markTransactionPeriod(terminalId) });
  },

  async executeReport(terminalId, request) {
    const report = await executeReport(
      terminalId,
      text(request, "reportId") ?? "",
      readParameterMap(element(request.parameters)),
    );
    return answer("executeReport", 0, {
      report: {
        title: report.title,
        mimeType: report.mimeType,
        content: Buffer.from(report.contentString).toString("base64"),
        contentString: report.contentString,
      },
    });
  },

  async getClientSessionInfo(_terminalId, request) {
    const token = text(request, "key");
    if (!token) throw new SeqrFailure(63, "no key");
    const entries = await readSessionInfo(token);
    return answer("getClientSessionInfo", 0, {
      parameters: { entry: entries.map(([key, value]): XmlBuildNode => ({ key, value })) },
    });
  },
};

function isOperation(name: string): name is SoapOperation {
  return (SOAP_OPERATIONS as readonly string[]).includes(name);
}

/**
 * Answers one SOAP request. The caller (the /sandbox/soap route, through sandboxRoute) has made sure the sandbox
 * is on and its registry exists; operations that read an invoice's state run the commit rule's sweep themselves.
 */
export async function handleSoapRequest(request: Request): Promise<Response> {
  assertSandboxMode();
  const started = performance.now();
  let body: string;
  try {
    // A stream read that stops at the cap, whatever the framing (lib/http/body.ts).
    body = await readTextCapped(request, MAX_REQUEST_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return soapFault("Request too large", 413);
    throw error;
  }

  let document: XmlElement;
  try {
    document = parseXml(body, REPEATING_REQUEST_ELEMENTS);
  } catch (error) {
    return soapFault(`Unmarshalling Error: ${error instanceof XmlError ? error.message : "not XML"}`);
  }
  const soapBody = element(element(document.Envelope)?.Body);
  const operation = soapBody ? Object.keys(soapBody)[0] : undefined;
  if (!soapBody || !operation) return soapFault("No SOAP Body with an operation");
  if (!isOperation(operation)) return soapFault(`Unexpected wrapper element {${SEQR_NAMESPACE}}${operation} found`);
  const requestElement = element(soapBody[operation]) ?? {};

  let resultCode = 0;
  try {
    const fault = await consumeSoapFault(operation, text(requestElement, "invoiceReference") ?? null);
    if (fault?.kind === "soap-http-status") {
      resultCode = -1;
      return soapFault("Injected failure (sandbox fault API)", fault.httpStatus ?? 503, "soap:Server");
    }
    if (fault?.kind === "soap-delay" && fault.delayMs) await sleep(fault.delayMs);
    if (fault?.kind === "soap-result" && fault.resultCode !== null) throw new SeqrFailure(fault.resultCode, "injected");

    const terminalId = await authenticate(operation, element(requestElement.context));
    return await handlers[operation](terminalId, requestElement);
  } catch (error) {
    if (error instanceof SeqrFailure) {
      resultCode = error.resultCode;
      soapLog.info({ operation, resultCode, reason: error.reason }, "sandbox answered with a result code");
      return answer(operation, error.resultCode);
    }
    resultCode = 90;
    soapLog.error({ err: error, operation }, "sandbox failed");
    return answer(operation, 90);
  } finally {
    soapLog.debug({ operation, resultCode, durationMs: Math.round(performance.now() - started) }, "soap call");
  }
}
