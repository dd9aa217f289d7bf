import pino from "pino";
import { beforeAll, describe, expect, test } from "vitest";

import { createSeqrClient, type SeqrClient } from "@/lib/seqr/client";
import { AWKWARD_TEXT, everyFieldInvoice, EVERY_FIELD_TOKENS, minimalInvoice } from "@/tests/contract/support/invoices";
import {
  bodyChildXml,
  descendants,
  path,
  seqrAnswer,
  soapParts,
  type XmlTree,
} from "@/tests/contract/support/soap-message";
import {
  contractTitle,
  schemaErrors,
  schemaFor,
  seqrSchema,
  seqrSchemaWithSessionInfo,
  seqrWsdlAvailable,
  SEQR_NAMESPACE,
  SOAP_11_NAMESPACE,
  type ContractOperation,
} from "@/tests/contract/support/wsdl-schema";

// The shop's SEQR client (lib/seqr) against SEQR's own WSDL: every request it can send, captured byte for byte by
// a fetch that answers like SEQR, has its SOAP Body's child validated by libxml2 against the <xs:schema> of
// ../shared/seqr/ERSWSExternalClientService.wsdl; the envelope, headers and context are checked against
// CONTRACT.md. getClientSessionInfo, which the WSDL lacks, is judged by an XSD written from CONTRACT.md.

const SOAP_URL = "https://seqr.example/soap/merchant/cashregister-2";
const TERMINAL = { id: "shop_terminal_1", password: `pa<ss> & "word"` };
const REPORT_USER_ID = "9900";

/** The `return` content of a successful SEQR answer per operation, in the WSDL's element order. */
const CANNED_RETURNS: Record<ContractOperation, string> = {
  sendInvoice:
    "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>" +
    "<invoiceQRCode>HTTP://SEQR.SE/R1234567890123</invoiceQRCode><invoiceReference>1234567890123</invoiceReference>",
  getPaymentStatus:
    "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription><status>ISSUED</status><version>1</version>",
  cancelInvoice: "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>",
  refundPayment:
    "<ersReference>1000000000000000000000042</ersReference><resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>",
  updateInvoice: "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>",
  submitPaymentReceipt: "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>",
  markTransactionPeriod:
    "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription><transactionPeriodId>42</transactionPeriodId>",
  executeReport:
    "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>" +
    "<report><title>Transactions</title><mimeType>text/csv</mimeType><content>YSxi</content><contentString>a,b</contentString></report>",
  getClientSessionInfo:
    "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription><parameters>" +
    "<entry><key>msisdn</key><value>46700643933</value></entry>" +
    "<entry><key>subscriberKey</key><value>3A5F1B</value></entry>" +
    "<entry><key>authKey</key><value>7734</value></entry></parameters>",
};

type SentRequest = { url: string; method: string | undefined; headers: Headers; body: string };

/** The shop's client with a fetch that records each request and answers it as SEQR would have. */
function recordingClient(): { seqr: SeqrClient; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fakeSeqr: typeof fetch = async (input, init) => {
    const body = typeof init?.body === "string" ? init.body : "";
    sent.push({ url: String(input), method: init?.method, headers: new Headers(init?.headers), body });
    const operation = soapParts(body).wrapper.localName as ContractOperation;
    return new Response(seqrAnswer(operation, CANNED_RETURNS[operation]), {
      status: 200,
      headers: { "Content-Type": "text/xml; charset=utf-8" },
    });
  };
  const seqr = createSeqrClient({
    soapUrl: SOAP_URL,
    terminalId: TERMINAL.id,
    terminalPassword: TERMINAL.password,
    reportUserId: REPORT_USER_ID,
    clientId: "seqr-shop contract tests",
    timeoutMs: 5_000,
    readRetry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
    reportRetry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 },
    logger: pino({ level: "silent" }),
    fetch: fakeSeqr,
  });
  return { seqr, sent };
}

type RequestCase = {
  operation: ContractOperation;
  /** What the case covers, for the test name. */
  variant: string;
  call: (seqr: SeqrClient) => Promise<unknown>;
  /** Checks of the request's content beyond the schema: mainly that escaped text arrives exactly as given. */
  content?: (wrapper: XmlTree) => void;
};

const RECEIPT_BYTES = Uint8Array.from({ length: 256 }, (_, index) => index);

function expectInvoiceText(invoiceElement: XmlTree, invoice: ReturnType<typeof everyFieldInvoice>) {
  expect(path(invoiceElement, "title").text).toBe(invoice.title);
  expect(path(invoiceElement, "clientInvoiceId").text).toBe(invoice.clientInvoiceId);
  expect(path(invoiceElement, "footer").text).toBe(invoice.footer);
  expect(path(invoiceElement, "cashierId").text).toBe(invoice.cashierId);
  expect(path(invoiceElement, "backURL").text).toBe(invoice.backUrl);
  expect(path(invoiceElement, "notificationUrl").text).toBe(invoice.notificationUrl);
  const rows = path(invoiceElement, "invoiceRows").children;
  expect(rows.map((row) => path(row, "itemDescription").text)).toEqual(invoice.rows.map((row) => row.description));
  expect(rows.map((row) => path(row, "itemTotalAmount", "value").text)).toEqual(["329.00", "368.00", "100.00", "-50.00"]);
  expect(path(rows[0] as XmlTree, "itemDiscount", "value").text).toBe("20.00");
  expect(rows.map((row) => path(row, "itemQuantity").text)).toEqual(["1", "2", "0.5", "1"]);
  expect(path(invoiceElement, "totalAmount", "value").text).toBe("747.00");
}

function expectTokens(wrapper: XmlTree) {
  const tokens = wrapper.children.filter((element) => element.localName === "tokens");
  expect(tokens.map((token) => token.children.map((element) => `${element.localName}=${element.text}`))).toEqual([
    ["description=Fjällbo \"club\" card", "id=loyalty-7", "status=1", "value=Member & <gold>"],
    ["status=0"],
  ]);
}

const REQUEST_CASES: RequestCase[] = [
  {
    operation: "sendInvoice",
    variant: "every optional field, tokens and text that needs escaping",
    call: (seqr) => seqr.sendInvoice(everyFieldInvoice(), EVERY_FIELD_TOKENS),
    content: (wrapper) => {
      expectInvoiceText(path(wrapper, "invoice"), everyFieldInvoice());
      expectTokens(wrapper);
    },
  },
  {
    operation: "sendInvoice",
    variant: "only the required fields",
    call: (seqr) => seqr.sendInvoice(minimalInvoice()),
    content: (wrapper) => {
      expect(path(wrapper, "invoice").children.map((element) => element.localName)).toEqual([
        "paymentMode",
        "acknowledgmentMode",
        "issueDate",
        "title",
        "clientInvoiceId",
        "invoiceRows",
        "totalAmount",
      ]);
      expect(wrapper.children.map((element) => element.localName)).toEqual(["context", "invoice"]);
    },
  },
  {
    operation: "getPaymentStatus",
    variant: "first read (invoiceVersion 0)",
    call: (seqr) => seqr.getPaymentStatus("1234567890123"),
    content: (wrapper) => {
      expect(path(wrapper, "invoiceReference").text).toBe("1234567890123");
      expect(path(wrapper, "invoiceVersion").text).toBe("0");
    },
  },
  {
    operation: "getPaymentStatus",
    variant: "a later read (the last version seen)",
    call: (seqr) => seqr.getPaymentStatus("1234567890123", 3),
    content: (wrapper) => expect(path(wrapper, "invoiceVersion").text).toBe("3"),
  },
  {
    operation: "cancelInvoice",
    variant: "an invoice reference",
    call: (seqr) => seqr.cancelInvoice("1234567890123"),
    content: (wrapper) => expect(path(wrapper, "invoiceReference").text).toBe("1234567890123"),
  },
  {
    operation: "refundPayment",
    variant: "a partial refund with a title that needs escaping",
    call: (seqr) =>
      seqr.refundPayment({
        ersReference: "1000000000000000000000007",
        amountMinor: 2_550,
        currency: "SEK",
        title: AWKWARD_TEXT,
        cashierId: "support & returns",
      }),
    content: (wrapper) => {
      expect(path(wrapper, "ersReference").text).toBe("1000000000000000000000007");
      expect(path(wrapper, "invoice", "title").text).toBe(AWKWARD_TEXT);
      expect(path(wrapper, "invoice", "cashierId").text).toBe("support & returns");
      expect(path(wrapper, "invoice", "totalAmount", "value").text).toBe("25.50");
    },
  },
  {
    operation: "updateInvoice",
    variant: "every optional field and tokens",
    call: (seqr) => seqr.updateInvoice("1234567890123", everyFieldInvoice(), EVERY_FIELD_TOKENS),
    content: (wrapper) => {
      expect(path(wrapper, "invoiceReference").text).toBe("1234567890123");
      expectInvoiceText(path(wrapper, "invoice"), everyFieldInvoice());
      expectTokens(wrapper);
    },
  },
  {
    operation: "submitPaymentReceipt",
    variant: "binary receipt data (base64) with the default receiptType",
    call: (seqr) =>
      seqr.submitPaymentReceipt({ ersReference: "1000000000000000000000007", mimeType: "application/pdf", data: RECEIPT_BYTES }),
    content: (wrapper) => {
      const document = path(wrapper, "receiptDocument");
      expect(Buffer.from(path(document, "receiptData").text, "base64")).toEqual(Buffer.from(RECEIPT_BYTES));
      expect(path(document, "receiptType").text).toBe("PAYMENT_RECEIPT");
      expect(path(document, "mimeType").text).toBe("application/pdf");
    },
  },
  {
    operation: "markTransactionPeriod",
    variant: "no parameters",
    call: (seqr) => seqr.markTransactionPeriod(),
  },
  {
    operation: "markTransactionPeriod",
    variant: "parameters that need escaping",
    call: (seqr) => seqr.markTransactionPeriod({ terminalId: TERMINAL.id, note: AWKWARD_TEXT }),
    content: (wrapper) => {
      const entries = path(wrapper, "parameters", "parameter").children;
      expect(entries.map((entry) => [path(entry, "key").text, path(entry, "value").text])).toEqual([
        ["terminalId", TERMINAL.id],
        ["note", AWKWARD_TEXT],
      ]);
    },
  },
  {
    operation: "executeReport",
    variant: "a report id, the default language and parameters",
    call: (seqr) => seqr.executeReport({ reportId: "TRANSACTION_REPORT", parameters: { transactionPeriodId: "42" } }),
    content: (wrapper) => {
      expect(path(wrapper, "reportId").text).toBe("TRANSACTION_REPORT");
      expect(path(wrapper, "language").text).toBe("en");
      expect(path(wrapper, "parameters", "parameter", "entry", "key").text).toBe("transactionPeriodId");
    },
  },
  {
    operation: "executeReport",
    variant: "no parameters and another language",
    call: (seqr) => seqr.executeReport({ reportId: "TRANSACTION_REPORT", language: "sv" }),
  },
  {
    operation: "getClientSessionInfo",
    variant: "a session token (XSD from CONTRACT.md)",
    call: (seqr) => seqr.getClientSessionInfo("0000002012-63506374"),
    content: (wrapper) => expect(path(wrapper, "key").text).toBe("0000002012-63506374"),
  },
];

const RESELLER_OPERATIONS = new Set<ContractOperation>(["markTransactionPeriod", "executeReport"]);

/** The single request a call sent, checked against CONTRACT.md's transport rules; its SOAP parts. */
async function sendOne(testCase: RequestCase) {
  const { seqr, sent } = recordingClient();
  await testCase.call(seqr);
  expect(sent).toHaveLength(1);
  const request = sent[0] as SentRequest;
  expect(request.url).toBe(SOAP_URL);
  expect(request.method).toBe("POST");
  expect(request.headers.get("content-type")).toBe("text/xml; charset=utf-8");
  expect(request.headers.get("soapaction")).toBe('""');
  return { request, ...soapParts(request.body) };
}

describe.skipIf(!seqrWsdlAvailable)(contractTitle("the client's requests against SEQR's WSDL"), () => {
  beforeAll(() => {
    // Read ../shared once, up front, so that a broken WSDL fails here with a clear error.
    expect(seqrSchema()).toContain('targetNamespace="http://external.interfaces.ers.seamless.com/"');
  });

  test.each(REQUEST_CASES.map((testCase) => [testCase.operation, testCase.variant, testCase] as const))(
    "%s (%s): the SOAP Body's child is valid against SEQR's schema",
    async (operation, _variant, testCase) => {
      const { request } = await sendOne(testCase);
      const wrapperXml = bodyChildXml(request.body);
      expect(wrapperXml).toMatch(new RegExp(`^<ext:${operation}\\s[^>]*xmlns:ext="${SEQR_NAMESPACE}"`));
      expect(await schemaErrors(wrapperXml, schemaFor(operation))).toEqual([]);
    },
  );

  test.each(REQUEST_CASES.map((testCase) => [testCase.operation, testCase.variant, testCase] as const))(
    "%s (%s): SOAP 1.1 envelope, qualified wrapper, unqualified children, content intact",
    async (operation, _variant, testCase) => {
      const { envelope, body, wrapper } = await sendOne(testCase);
      expect(envelope.localName).toBe("Envelope");
      expect(envelope.namespace).toBe(SOAP_11_NAMESPACE);
      expect(body.namespace).toBe(SOAP_11_NAMESPACE);
      expect(wrapper.localName).toBe(operation);
      expect(wrapper.namespace).toBe(SEQR_NAMESPACE);
      expect(wrapper.name).toContain(":");
      const qualified = descendants(wrapper).filter((element) => element.namespace !== undefined);
      expect(qualified.map((element) => element.name)).toEqual([]);
      testCase.content?.(wrapper);
    },
  );

  test.each(REQUEST_CASES.map((testCase) => [testCase.operation, testCase.variant, testCase] as const))(
    "%s (%s): context comes first, with the principal CONTRACT.md prescribes",
    async (operation, _variant, testCase) => {
      const { wrapper } = await sendOne(testCase);
      const context = wrapper.children[0];
      expect(context?.localName).toBe("context");
      if (!context) return;
      expect(path(context, "clientRequestTimeout").text).toBe("0");
      expect(path(context, "channel").text).toBe("WS");
      expect(path(context, "clientId").text).toBe("seqr-shop contract tests");
      const clientReference = path(context, "clientReference").text;
      expect(clientReference.length).toBeGreaterThan(0);
      expect(clientReference.length).toBeLessThanOrEqual(32);
      expect(path(context, "password").text).toBe(TERMINAL.password);
      const principal = path(context, "initiatorPrincipalId");
      expect(path(principal, "id").text).toBe(TERMINAL.id);
      if (RESELLER_OPERATIONS.has(operation)) {
        expect(path(principal, "type").text).toBe("RESELLERUSER");
        expect(path(principal, "userId").text).toBe(REPORT_USER_ID);
      } else {
        expect(path(principal, "type").text).toBe("TERMINALID");
        expect(principal.children.map((element) => element.localName)).toEqual(["id", "type"]);
      }
    },
  );

  test("every operation the client has is covered above", () => {
    const { seqr } = recordingClient();
    expect(new Set(REQUEST_CASES.map((testCase) => testCase.operation))).toEqual(new Set(Object.keys(seqr)));
  });
});

describe.skipIf(!seqrWsdlAvailable)(contractTitle("the schema checks above can fail"), () => {
  async function validSendInvoiceBody(): Promise<string> {
    const { request } = await sendOne(REQUEST_CASES[0] as RequestCase);
    const xml = bodyChildXml(request.body);
    expect(await schemaErrors(xml, seqrSchema())).toEqual([]);
    return xml;
  }

  test.each([
    ["elements out of schema order", (xml: string) => xml.replace(/(<title>.*?<\/title>)(<clientInvoiceId>.*?<\/clientInvoiceId>)/, "$2$1")],
    ["the required clientRequestTimeout missing", (xml: string) => xml.replace("<clientRequestTimeout>0</clientRequestTimeout>", "")],
    ["a qualified child", (xml: string) => xml.replace("<context>", "<ext:context>").replace("</context>", "</ext:context>")],
    ["an amount that is not an xs:decimal", (xml: string) => xml.replace("<value>747.00</value>", "<value>747,00</value>")],
    ["an unknown paymentMode", (xml: string) => xml.replace("IMMEDIATE_DEBIT", "DIRECT_DEBIT")],
    ["an issueDate that is not an xs:dateTime", (xml: string) => xml.replace(/<issueDate>[^<]*</, "<issueDate>27/11/2026 1:05 PM<")],
    ["an unknown element", (xml: string) => xml.replace("<footer>", "<note>x</note><footer>")],
  ])("SEQR's schema rejects a sendInvoice with %s", async (_what, mutate) => {
    const valid = await validSendInvoiceBody();
    const broken = mutate(valid);
    expect(broken).not.toBe(valid);
    expect(await schemaErrors(broken, seqrSchema())).not.toEqual([]);
  });

  test("SEQR's schema requires getPaymentStatus's invoiceVersion", async () => {
    const { request } = await sendOne(REQUEST_CASES[2] as RequestCase);
    const xml = bodyChildXml(request.body);
    expect(await schemaErrors(xml, seqrSchema())).toEqual([]);
    expect(await schemaErrors(xml.replace(/<invoiceVersion>0<\/invoiceVersion>/, ""), seqrSchema())).not.toEqual([]);
  });

  test("the getClientSessionInfo XSD requires the key and rejects unknown elements", async () => {
    const { request } = await sendOne(REQUEST_CASES.at(-1) as RequestCase);
    const xml = bodyChildXml(request.body);
    expect(await schemaErrors(xml, seqrSchemaWithSessionInfo())).toEqual([]);
    expect(await schemaErrors(xml.replace(/<key>[^<]*<\/key>/, ""), seqrSchemaWithSessionInfo())).not.toEqual([]);
    expect(await schemaErrors(xml.replace("<key>", "<token>x</token><key>"), seqrSchemaWithSessionInfo())).not.toEqual([]);
  });

  test("getClientSessionInfo is not in SEQR's WSDL itself (hence the XSD from CONTRACT.md)", async () => {
    const { request } = await sendOne(REQUEST_CASES.at(-1) as RequestCase);
    expect(await schemaErrors(bodyChildXml(request.body), seqrSchema())).not.toEqual([]);
  });

  test.each(Object.entries(CANNED_RETURNS))("the canned %s answer the fake SEQR gives is itself valid", async (operation, content) => {
    const answer = bodyChildXml(seqrAnswer(operation, content));
    expect(await schemaErrors(answer, schemaFor(operation as ContractOperation))).toEqual([]);
  });
});
