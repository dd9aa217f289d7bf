import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

import { SANDBOX_DEFAULTS } from "@/lib/env";
import type { SeqrClient } from "@/lib/seqr/client";
import { clientFor, startSandboxServer, type SandboxServer } from "@/tests/integration/support/sandbox-server";
import { everyFieldInvoice, EVERY_FIELD_TOKENS } from "@/tests/contract/support/invoices";
import { bodyChildXml, childrenNamed, descendants, path, soapParts, type XmlTree } from "@/tests/contract/support/soap-message";
import {
  contractTitle,
  schemaErrors,
  schemaFor,
  seqrWsdlAvailable,
  SEQR_NAMESPACE,
  SOAP_11_NAMESPACE,
  type ContractOperation,
} from "@/tests/contract/support/wsdl-schema";

// The sandbox's answers against SEQR's own WSDL: the shop's client drives the real sandbox over HTTP, a fetch
// wrapper records every exchange, and each answer's SOAP Body child (`ns2:{op}Response`) is validated by libxml2
// against the <xs:schema> of ../shared/seqr/ERSWSExternalClientService.wsdl, for successes and business errors
// alike (getClientSessionInfo against the XSD written from CONTRACT.md).

type Exchange = { request: string; status: number; contentType: string | null; response: string };

let server: SandboxServer;
let seqr: SeqrClient;
const exchanges: Exchange[] = [];

const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  exchanges.push({
    request: typeof init?.body === "string" ? init.body : "",
    status: response.status,
    contentType: response.headers.get("content-type"),
    response: await response.clone().text(),
  });
  return response;
};

/** The last exchange's answer, checked as SEQR's CXF endpoint wrote it and against SEQR's schema; its `return`. */
async function checkedAnswer(operation: ContractOperation, resultCode: number, resultDescription: string): Promise<XmlTree> {
  const exchange = exchanges.at(-1);
  if (!exchange) throw new Error("no SOAP exchange was recorded");
  expect(soapParts(exchange.request).wrapper.localName).toBe(operation);
  // Business errors are answers, not SOAP faults (CONTRACT.md, "Transport").
  expect(exchange.status).toBe(200);
  expect(exchange.contentType).toBe("text/xml; charset=utf-8");

  const { envelope, wrapper } = soapParts(exchange.response);
  expect(envelope.namespace).toBe(SOAP_11_NAMESPACE);
  expect(wrapper.localName).toBe(`${operation}Response`);
  expect(wrapper.namespace).toBe(SEQR_NAMESPACE);
  expect(wrapper.children.map((element) => element.name)).toEqual(["return"]);
  expect(descendants(wrapper).filter((element) => element.namespace !== undefined).map((element) => element.name)).toEqual([]);

  const result = path(wrapper, "return");
  expect(path(result, "resultCode").text).toBe(String(resultCode));
  expect(path(result, "resultDescription").text).toBe(resultDescription);

  expect(await schemaErrors(bodyChildXml(exchange.response), schemaFor(operation))).toEqual([]);
  // The request that produced it is SEQR-valid too (with the sandbox's real data, e.g. its references).
  expect(await schemaErrors(bodyChildXml(exchange.request), schemaFor(operation))).toEqual([]);
  return result;
}

/** Runs a call that SEQR answers with a business error; the client's rejection is expected. */
async function failing(call: Promise<unknown>): Promise<void> {
  await expect(call).rejects.toThrow();
}

function textOf(parent: XmlTree, localName: string): string | undefined {
  return childrenNamed(parent, localName)[0]?.text;
}

async function issuedInvoice(): Promise<string> {
  const invoice = everyFieldInvoice({ notificationUrl: `${server.notifyUrl}?order=order-1001&sig=abc%2Bdef` });
  return (await seqr.sendInvoice(invoice, EVERY_FIELD_TOKENS)).invoiceReference;
}

async function paidInvoice(): Promise<{ invoiceReference: string; ersReference: string }> {
  const invoiceReference = await issuedInvoice();
  expect((await server.api("POST", `/app/invoices/${invoiceReference}/pay`, {})).status).toBe(200);
  const { ersReference } = await seqr.getPaymentStatus(invoiceReference);
  if (!ersReference) throw new Error("the paid invoice has no ersReference");
  return { invoiceReference, ersReference };
}

describe.skipIf(!seqrWsdlAvailable)(contractTitle("the sandbox's answers against SEQR's WSDL"), () => {
  beforeAll(async () => {
    server = await startSandboxServer();
    // No retries: each call is one exchange, and error answers reach the test as they are.
    seqr = clientFor(server, {
      fetch: recordingFetch,
      readRetry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
      reportRetry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    await server.api("POST", "/reset");
    exchanges.length = 0;
  });

  describe("sendInvoice", () => {
    test("success: invoiceQRCode and invoiceReference", async () => {
      const invoiceReference = await issuedInvoice();
      const result = await checkedAnswer("sendInvoice", 0, "SUCCESS");
      expect(textOf(result, "invoiceReference")).toBe(invoiceReference);
      expect(textOf(result, "invoiceQRCode")).toBe(`HTTP://SEQR.SE/R${invoiceReference}`);
    });

    test("49 for rows that do not sum to the total", async () => {
      await failing(seqr.sendInvoice(everyFieldInvoice({ totalMinor: 1 })));
      const result = await checkedAnswer("sendInvoice", 49, "INVALID_INVOICE_DATA");
      expect(textOf(result, "invoiceReference")).toBeUndefined();
    });

    test("20 for a wrong password, 29 for an unknown terminal", async () => {
      await failing(clientFor(server, { fetch: recordingFetch, terminalPassword: "nope" }).sendInvoice(everyFieldInvoice()));
      await checkedAnswer("sendInvoice", 20, "INVALID_PASSWORD");
      await failing(clientFor(server, { fetch: recordingFetch, terminalId: "ghost" }).sendInvoice(everyFieldInvoice()));
      await checkedAnswer("sendInvoice", 29, "UNKNOWN_TERMINAL");
    });
  });

  describe("getPaymentStatus", () => {
    test("ISSUED: status and version, no ersReference or receipt", async () => {
      const invoiceReference = await issuedInvoice();
      await seqr.getPaymentStatus(invoiceReference);
      const result = await checkedAnswer("getPaymentStatus", 0, "SUCCESS");
      expect(textOf(result, "status")).toBe("ISSUED");
      expect(textOf(result, "version")).toBe("1");
      expect(childrenNamed(result, "ersReference")).toEqual([]);
      expect(childrenNamed(result, "receipt")).toEqual([]);
    });

    test("PAID: ersReference and a receipt echoing the whole invoice", async () => {
      const invoiceReference = await issuedInvoice();
      await server.api("POST", `/app/invoices/${invoiceReference}/pay`, {});
      await seqr.getPaymentStatus(invoiceReference, 1);
      const result = await checkedAnswer("getPaymentStatus", 0, "SUCCESS");
      expect(textOf(result, "status")).toBe("PAID");
      expect(textOf(result, "version")).toBe("2");
      const ersReference = textOf(result, "ersReference");
      expect(ersReference).toMatch(/^\d{25}$/);
      const receipt = path(result, "receipt");
      expect(textOf(receipt, "paymentReference")).toBe(ersReference);
      expect(textOf(receipt, "invoiceReference")).toBe(invoiceReference);
      expect(textOf(receipt, "terminalId")).toBe(SANDBOX_DEFAULTS.terminalId);
      expect(textOf(receipt, "paymentDate")).toBeDefined();
      const echoed = path(receipt, "invoice");
      const sent = everyFieldInvoice();
      expect(textOf(echoed, "title")).toBe(sent.title);
      expect(textOf(echoed, "footer")).toBe(sent.footer);
      expect(path(echoed, "invoiceRows").children.map((row) => textOf(row, "itemDescription"))).toEqual(
        sent.rows.map((row) => row.description),
      );
      expect(path(echoed, "totalAmount", "value").text).toBe("747.00");
    });

    test.each([
      ["decline", "FAILED"],
      ["cancel", "CANCELED"],
    ])("after the subscriber chose %s in the app: %s, without a receipt", async (action, status) => {
      const invoiceReference = await issuedInvoice();
      expect((await server.api("POST", `/app/invoices/${invoiceReference}/${action}`, {})).status).toBe(200);
      await seqr.getPaymentStatus(invoiceReference, 1);
      const result = await checkedAnswer("getPaymentStatus", 0, "SUCCESS");
      expect(textOf(result, "status")).toBe(status);
      expect(childrenNamed(result, "receipt")).toEqual([]);
    });

    test("CANCELED after a payment nobody committed in time was reversed", async () => {
      const invoiceReference = await issuedInvoice();
      await server.api("POST", `/app/invoices/${invoiceReference}/pay`, {});
      expect((await server.api("POST", `/invoices/${invoiceReference}/expire-commit-window`)).status).toBe(200);
      await seqr.getPaymentStatus(invoiceReference, 1);
      const result = await checkedAnswer("getPaymentStatus", 0, "SUCCESS");
      expect(textOf(result, "status")).toBe("CANCELED");
      expect(childrenNamed(result, "ersReference")).toEqual([]);
    });

    test("54 for an unknown invoice, still with the version the WSDL requires", async () => {
      await failing(seqr.getPaymentStatus("1234567890123"));
      const result = await checkedAnswer("getPaymentStatus", 54, "UNKNOWN_INVOICE_REFERENCE");
      expect(textOf(result, "version")).toBe("0");
      expect(childrenNamed(result, "status")).toEqual([]);
    });

    test("20 for a wrong password, with the version too", async () => {
      await failing(clientFor(server, { fetch: recordingFetch, terminalPassword: "nope" }).getPaymentStatus("1"));
      const result = await checkedAnswer("getPaymentStatus", 20, "INVALID_PASSWORD");
      expect(textOf(result, "version")).toBe("0");
    });

    test("an injected 93 (system busy) answer", async () => {
      await server.api("POST", "/faults", { kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 1 });
      await failing(seqr.getPaymentStatus("1234567890123"));
      await checkedAnswer("getPaymentStatus", 93, "SYSTEM_BUSY");
    });
  });

  describe("cancelInvoice", () => {
    test("success, then 95 for the second cancel", async () => {
      const invoiceReference = await issuedInvoice();
      await seqr.cancelInvoice(invoiceReference);
      await checkedAnswer("cancelInvoice", 0, "SUCCESS");
      await seqr.cancelInvoice(invoiceReference);
      await checkedAnswer("cancelInvoice", 95, "INVOICE_ALREADY_CANCELED");
    });

    test("50 for a paid invoice", async () => {
      const { invoiceReference } = await paidInvoice();
      await failing(seqr.cancelInvoice(invoiceReference));
      await checkedAnswer("cancelInvoice", 50, "CANNOT_CANCEL_PAID_INVOICE");
    });
  });

  describe("refundPayment", () => {
    test("success: a new ersReference for the refund, then 98 when refunds would exceed the payment", async () => {
      const { ersReference } = await paidInvoice();
      await seqr.refundPayment({ ersReference, amountMinor: 2_550, currency: "SEK", title: "Return & <more>", cashierId: "support" });
      const result = await checkedAnswer("refundPayment", 0, "SUCCESS");
      expect(textOf(result, "ersReference")).toMatch(/^\d{25}$/);
      expect(textOf(result, "ersReference")).not.toBe(ersReference);

      await failing(seqr.refundPayment({ ersReference, amountMinor: 74_700, currency: "SEK", title: "Everything" }));
      await checkedAnswer("refundPayment", 98, "REFUNDS_EXCEED_PAYMENT");
    });

    test("23 for an unknown ersReference", async () => {
      await failing(seqr.refundPayment({ ersReference: "1".repeat(25), amountMinor: 100, currency: "SEK", title: "x" }));
      await checkedAnswer("refundPayment", 23, "UNKNOWN_ERS_REFERENCE");
    });
  });

  describe("updateInvoice", () => {
    test("success, then 64 for a notification URL that is not http(s)", async () => {
      const invoiceReference = await issuedInvoice();
      await seqr.updateInvoice(invoiceReference, everyFieldInvoice({ notificationUrl: `${server.notifyUrl}?v=2&x=y` }));
      await checkedAnswer("updateInvoice", 0, "SUCCESS");
      await failing(seqr.updateInvoice(invoiceReference, everyFieldInvoice({ notificationUrl: "ftp://shop.example/" })));
      await checkedAnswer("updateInvoice", 64, "INVALID_NOTIFICATION_URL");
    });
  });

  describe("submitPaymentReceipt", () => {
    test("success for a payment, 23 for an unknown one", async () => {
      const { ersReference } = await paidInvoice();
      const data = new TextEncoder().encode("Kvitto: 747,00 kr & tack <3");
      await seqr.submitPaymentReceipt({ ersReference, mimeType: "text/plain", data });
      await checkedAnswer("submitPaymentReceipt", 0, "SUCCESS");
      await failing(seqr.submitPaymentReceipt({ ersReference: "42", mimeType: "text/plain", data }));
      await checkedAnswer("submitPaymentReceipt", 23, "UNKNOWN_ERS_REFERENCE");
    });
  });

  describe("markTransactionPeriod and executeReport", () => {
    test("a period id; a report with base64 content and its text", async () => {
      await server.api("PUT", "/config", { reportDelayMs: 0 });
      await paidInvoice();
      const { transactionPeriodId } = await seqr.markTransactionPeriod();
      const period = await checkedAnswer("markTransactionPeriod", 0, "SUCCESS");
      expect(textOf(period, "transactionPeriodId")).toBe(transactionPeriodId);

      await seqr.executeReport({ reportId: "TRANSACTION_REPORT", parameters: { transactionPeriodId } });
      const report = path(await checkedAnswer("executeReport", 0, "SUCCESS"), "report");
      expect(textOf(report, "mimeType")).toBe("text/csv");
      const contentString = textOf(report, "contentString") ?? "";
      expect(contentString).toContain("PAYMENT,");
      expect(Buffer.from(textOf(report, "content") ?? "", "base64").toString("utf8")).toBe(contentString);
    });

    test("2 while the report is not ready", async () => {
      await server.api("PUT", "/config", { reportDelayMs: 60_000 });
      const { transactionPeriodId } = await seqr.markTransactionPeriod();
      await failing(seqr.executeReport({ reportId: "TRANSACTION_REPORT", parameters: { transactionPeriodId } }));
      const result = await checkedAnswer("executeReport", 2, "REPORT_NOT_READY");
      expect(childrenNamed(result, "report")).toEqual([]);
    });

    test("21 for a period closed with a TERMINALID principal instead of a RESELLERUSER", async () => {
      await recordingFetch(server.soapUrl, {
        method: "POST",
        headers: { "Content-Type": "text/xml; charset=utf-8", SOAPAction: '""' },
        body: terminalMarkTransactionPeriod(),
      });
      await checkedAnswer("markTransactionPeriod", 21, "ACCESS_DENIED");
    });
  });

  describe("getClientSessionInfo (XSD from CONTRACT.md)", () => {
    test("success: msisdn, subscriberKey, authKey and the QR code's parameters as entries", async () => {
      const scanned = await server.api("POST", "/app/scan", { url: "HTTP://SEQR.SE/000/SEQRSHOP?order=abc123&lang=sv" });
      expect(scanned.status).toBe(200);
      await seqr.getClientSessionInfo(scanned.body.sessionToken as string);
      const result = await checkedAnswer("getClientSessionInfo", 0, "SUCCESS");
      const entries = path(result, "parameters").children.map((entry) => [textOf(entry, "key"), textOf(entry, "value")]);
      expect(entries.map(([key]) => key)).toEqual(["msisdn", "subscriberKey", "authKey", "order", "lang"]);
      expect(entries).toContainEqual(["order", "abc123"]);
    });

    test("63 for an unknown token", async () => {
      await failing(seqr.getClientSessionInfo("0000000000-00000000"));
      const result = await checkedAnswer("getClientSessionInfo", 63, "UNKNOWN_TOKEN");
      expect(childrenNamed(result, "parameters")).toEqual([]);
    });
  });
});

/** markTransactionPeriod as the terminal itself rather than a reseller user, which only reports may not do. */
function terminalMarkTransactionPeriod(): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_11_NAMESPACE}" xmlns:ext="${SEQR_NAMESPACE}"><soapenv:Body>` +
    `<ext:markTransactionPeriod><context><clientRequestTimeout>0</clientRequestTimeout>` +
    `<initiatorPrincipalId><id>${SANDBOX_DEFAULTS.terminalId}</id><type>TERMINALID</type></initiatorPrincipalId>` +
    `<password>${SANDBOX_DEFAULTS.terminalPassword}</password></context></ext:markTransactionPeriod>` +
    `</soapenv:Body></soapenv:Envelope>`
  );
}
