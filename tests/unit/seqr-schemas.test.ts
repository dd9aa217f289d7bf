import { describe, expect, test } from "vitest";

import { SeqrError } from "@/lib/seqr/errors";
import {
  checkResult,
  toClientSessionInfo,
  toPaymentStatus,
  toRefundErsReference,
  toReport,
  toSentInvoice,
  toTransactionPeriodId,
} from "@/lib/seqr/schemas";
import { parseXml, type XmlElement } from "@/lib/xml";
import { EXPECTED_ERROR_CODES } from "@/tests/support/seqr-result-codes";

// The `return` element as lib/seqr/soap.ts hands it over: parsed with the same repeating elements.
const REPEATING = new Set(["entry", "token", "invoiceRow"]);

function wire(inner: string): XmlElement {
  const parsed = parseXml(`<return>${inner}</return>`, REPEATING).return;
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("test fixture is not an element");
  return parsed;
}

function errorOf(run: () => unknown): SeqrError {
  try {
    run();
  } catch (error) {
    if (error instanceof SeqrError) return error;
    throw error;
  }
  throw new Error("expected a SeqrError");
}

const OK = "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>";
const ERS_REFERENCE = "1234567890123456789012345";

describe("checkResult", () => {
  test("returns the base fields of a successful answer", () => {
    expect(checkResult("refundPayment", wire(`<ersReference>${ERS_REFERENCE}</ersReference>${OK}`))).toEqual({
      resultCode: 0,
      resultDescription: "SUCCESS",
      ersReference: ERS_REFERENCE,
    });
  });

  test("accepts a success without resultDescription", () => {
    expect(checkResult("cancelInvoice", wire("<resultCode>0</resultCode>")).resultCode).toBe(0);
  });

  // The codes, names and transience are written out (tests/support/seqr-result-codes.ts), not read from the code.
  test.each(EXPECTED_ERROR_CODES)(
    "turns result code %i into a result error named after SEQR's constant %s",
    (code, name, _message, transient) => {
      const error = errorOf(() =>
        checkResult("getPaymentStatus", wire(`<resultCode>${code}</resultCode><resultDescription>${name}</resultDescription>`)),
      );
      expect(error.kind).toBe("result");
      expect(error.resultCode).toBe(code);
      expect(error.resultName).toBe(name);
      expect(error.transient).toBe(transient);
      expect(error.is(code)).toBe(true);
    },
  );

  test("names the code after SEQR's table, not after whatever resultDescription says", () => {
    const error = errorOf(() =>
      checkResult("getPaymentStatus", wire("<resultCode>54</resultCode><resultDescription>SOMETHING_ELSE</resultDescription>")),
    );
    expect(error.resultName).toBe("UNKNOWN_INVOICE_REFERENCE");
  });

  test("turns an undocumented result code into a permanent result error", () => {
    const error = errorOf(() => checkResult("sendInvoice", wire("<resultCode>777</resultCode>")));
    expect(error.kind).toBe("result");
    expect(error.resultName).toBe("RESULT_777");
    expect(error.transient).toBe(false);
  });

  test("reads a negative result code as a failure", () => {
    expect(errorOf(() => checkResult("sendInvoice", wire("<resultCode>-1</resultCode>"))).resultCode).toBe(-1);
  });

  test("turns a missing resultCode into a protocol error naming it", () => {
    const error = errorOf(() => checkResult("sendInvoice", wire("<resultDescription>SUCCESS</resultDescription>")));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("missing return.resultCode");
  });

  test.each(["abc", "1.5", "", "0x0"])("turns resultCode %j into a protocol error", (code) => {
    const error = errorOf(() => checkResult("sendInvoice", wire(`<resultCode>${code}</resultCode>`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("return.resultCode");
  });
});

describe("toPaymentStatus", () => {
  test("reads an invoice waiting for payment", () => {
    expect(toPaymentStatus(wire(`${OK}<status>ISSUED</status><version>0</version>`))).toEqual({
      status: "ISSUED",
      version: 0,
      ersReference: undefined,
      receipt: undefined,
      customerTokens: [],
    });
  });

  test("reads a paid invoice with its receipt, amounts exact", () => {
    const status = toPaymentStatus(
      wire(
        `<ersReference>${ERS_REFERENCE}</ersReference>${OK}<status>PAID</status><version>3</version>` +
          "<receipt><terminalId>shop_terminal_1</terminalId><paymentDate>2013-05-14T13:05:00.000+02:00</paymentDate>" +
          "<clientInvoiceId>order-42</clientInvoiceId><invoiceReference>1371046425817</invoiceReference>" +
          `<paymentReference>${ERS_REFERENCE}</paymentReference><payerTerminalId>46700643933</payerTerminalId>` +
          "<receiverName>SEQR Shop</receiverName>" +
          "<invoice><title>Order 42</title><clientInvoiceId>order-42</clientInvoiceId>" +
          "<totalAmount><currency>SEK</currency><value>10.10</value></totalAmount></invoice></receipt>",
      ),
    );
    expect(status).toEqual({
      status: "PAID",
      version: 3,
      ersReference: ERS_REFERENCE,
      receipt: {
        terminalId: "shop_terminal_1",
        paymentDate: new Date("2013-05-14T11:05:00.000Z"),
        clientInvoiceId: "order-42",
        invoiceReference: "1371046425817",
        paymentReference: ERS_REFERENCE,
        payerTerminalId: "46700643933",
        receiverName: "SEQR Shop",
        invoice: { title: "Order 42", clientInvoiceId: "order-42", total: { currency: "SEK", amountMinor: 1010 } },
      },
      customerTokens: [],
    });
  });

  test.each([
    ["0.29", "SEK", 29],
    ["1295", "SEK", 129500],
    ["1234567.89", "EUR", 123456789],
    ["-25.00", "SEK", -2500],
    ["500", "JPY", 500],
  ])("reads receipt total %j %s as exactly %i minor units", (value, currency, amountMinor) => {
    const status = toPaymentStatus(
      wire(
        `${OK}<status>PAID</status><version>1</version><receipt><invoice><totalAmount>` +
          `<currency>${currency}</currency><value>${value}</value></totalAmount></invoice></receipt>`,
      ),
    );
    expect(status.receipt?.invoice?.total).toEqual({ currency, amountMinor });
  });

  test("keeps a PAID whose receipt total has more decimals than the currency, without the total, naming where it is", () => {
    const status = toPaymentStatus(
      wire(
        `${OK}<status>PAID</status><version>1</version><receipt><paymentReference>77</paymentReference><invoice>` +
          "<title>T</title><totalAmount><currency>SEK</currency><value>10.105</value></totalAmount></invoice></receipt>",
      ),
    );
    expect(status.status).toBe("PAID");
    expect(status.version).toBe(1);
    expect(status.receipt?.paymentReference).toBe("77");
    expect(status.receipt?.invoice?.title).toBe("T");
    expect(status.receipt?.invoice?.total).toBeUndefined();
    expect(status.receiptProblems).toHaveLength(1);
    expect(status.receiptProblems?.[0]).toContain("receipt.invoice.totalAmount");
  });

  test("keeps a PAID whose receipt has a paymentDate that is not a date, and its readable total", () => {
    const status = toPaymentStatus(
      wire(
        `${OK}<status>PAID</status><version>2</version><receipt><paymentDate>yesterday</paymentDate><invoice><totalAmount>` +
          "<currency>SEK</currency><value>10.10</value></totalAmount></invoice></receipt>",
      ),
    );
    expect(status.status).toBe("PAID");
    expect(status.receipt?.paymentDate).toBeUndefined();
    expect(status.receipt?.invoice?.total).toEqual({ currency: "SEK", amountMinor: 1010 });
    expect(status.receiptProblems).toEqual([expect.stringContaining("receipt.paymentDate")]);
  });

  test("a fully readable answer has no receiptProblems", () => {
    const status = toPaymentStatus(wire(`${OK}<status>ISSUED</status><version>1</version>`));
    expect(status).not.toHaveProperty("receiptProblems");
  });

  test("still refuses an answer without a version or with an unknown status", () => {
    expect(errorOf(() => toPaymentStatus(wire(`${OK}<status>PAID</status>`))).message).toContain("return.version");
    expect(errorOf(() => toPaymentStatus(wire(`${OK}<status>SETTLED</status><version>1</version>`))).kind).toBe("protocol");
  });

  test("ignores elements it does not know, at any depth", () => {
    const status = toPaymentStatus(
      wire(
        `${OK}<status>ISSUED</status><version>2</version><newerField>x</newerField>` +
          "<receipt><invoice><title>T</title><extra><deep>1</deep></extra></invoice><unknown/></receipt>",
      ),
    );
    expect(status.status).toBe("ISSUED");
    expect(status.version).toBe(2);
    expect(status.receipt?.invoice).toEqual({ title: "T", clientInvoiceId: undefined, total: undefined });
  });

  test("reads elements in any order, as CXF accepted them", () => {
    const status = toPaymentStatus(wire(`<version>5</version><status>FAILED</status>${OK}`));
    expect(status).toMatchObject({ status: "FAILED", version: 5 });
  });

  test("trims whitespace around status and version", () => {
    expect(toPaymentStatus(wire(`${OK}<status> PAID </status><version> 4 </version>`))).toMatchObject({ status: "PAID", version: 4 });
  });

  test.each(["ISSUED", "PAID", "CANCELED", "FAILED", "RESERVED", "PENDING_ISSUER_ACKNOWLEDGE", "EXPIRED"])(
    "accepts SEQR's status %s",
    (value) => {
      expect(toPaymentStatus(wire(`${OK}<status>${value}</status><version>1</version>`)).status).toBe(value);
    },
  );

  test.each(["CANCELLED", "paid", "UNKNOWN", ""])("refuses status %j as a protocol error naming return.status", (value) => {
    const error = errorOf(() => toPaymentStatus(wire(`${OK}<status>${value}</status><version>1</version>`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("return.status");
  });

  test("turns a missing version into a protocol error naming return.version", () => {
    const error = errorOf(() => toPaymentStatus(wire(`${OK}<status>PAID</status>`)));
    expect(error.kind).toBe("protocol");
    expect(error.operation).toBe("getPaymentStatus");
    expect(error.message).toContain("missing return.version");
    expect(error.transient).toBe(false);
  });

  test("turns a missing status into a protocol error naming return.status", () => {
    const error = errorOf(() => toPaymentStatus(wire(`${OK}<version>1</version>`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("return.status");
  });

  test("names both missing elements in one message", () => {
    const error = errorOf(() => toPaymentStatus(wire(OK)));
    expect(error.message).toContain("return.status");
    expect(error.message).toContain("missing return.version");
  });

  test.each(["x", "1.5", ""])("refuses version %j", (value) => {
    const error = errorOf(() => toPaymentStatus(wire(`${OK}<status>PAID</status><version>${value}</version>`)));
    expect(error.message).toContain("return.version must be an integer");
  });

  test("does not call a version that is present but malformed missing", () => {
    const error = errorOf(() =>
      toPaymentStatus(wire(`${OK}<status>PAID</status><version>1</version><version>2</version>`)),
    );
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("return.version");
    expect(error.message).not.toContain("missing return.version");
  });

  test("reads customer tokens as a list, one token or many", () => {
    const one = toPaymentStatus(
      wire(`${OK}<status>PAID</status><version>1</version><customerTokens><token><id>card</id><status>0</status></token></customerTokens>`),
    );
    expect(one.customerTokens).toEqual([{ id: "card", status: 0 }]);

    const many = toPaymentStatus(
      wire(
        `${OK}<status>PAID</status><version>1</version><customerTokens>` +
          "<token><description>Loyalty</description><id>club</id><status>1</status><value>4711</value></token>" +
          "<token><id>card</id><status>0</status></token></customerTokens>",
      ),
    );
    expect(many.customerTokens).toEqual([
      { description: "Loyalty", id: "club", status: 1, value: "4711" },
      { id: "card", status: 0 },
    ]);
  });

  test("reads an empty customerTokens element as no tokens", () => {
    expect(toPaymentStatus(wire(`${OK}<status>PAID</status><version>1</version><customerTokens/>`)).customerTokens).toEqual([]);
  });

  test("keeps the answer but no tokens when a customer token lacks its required status, naming it", () => {
    const status = toPaymentStatus(
      wire(`${OK}<status>PAID</status><version>1</version><customerTokens><token><id>x</id></token></customerTokens>`),
    );
    expect(status.status).toBe("PAID");
    expect(status.customerTokens).toEqual([]);
    expect(status.receiptProblems).toEqual([expect.stringContaining("return.token.0.status")]);
  });
});

describe("toClientSessionInfo", () => {
  const entry = (key: string, value: string) => `<entry><key>${key}</key><value>${value}</value></entry>`;

  test("turns the parameter entries into a record, with msisdn, subscriberKey and authKey lifted out", () => {
    const info = toClientSessionInfo(
      wire(
        `${OK}<parameters>${entry("msisdn", "46700643933")}${entry("subscriberKey", "sk-1")}${entry("authKey", "ak-1")}` +
          `${entry("order", "a b &amp; c")}<entry><key>empty</key><value/></entry><entry><key>absent</key></entry></parameters>`,
      ),
    );
    expect(info).toEqual({
      msisdn: "46700643933",
      subscriberKey: "sk-1",
      authKey: "ak-1",
      parameters: {
        msisdn: "46700643933",
        subscriberKey: "sk-1",
        authKey: "ak-1",
        order: "a b & c",
        empty: "",
        absent: "",
      },
    });
  });

  test("leaves authKey undefined when SEQR did not send it", () => {
    const info = toClientSessionInfo(wire(`${OK}<parameters>${entry("msisdn", "46700643933")}${entry("subscriberKey", "sk")}</parameters>`));
    expect(info.authKey).toBeUndefined();
  });

  test("keeps the msisdn as text, leading digits and all", () => {
    const info = toClientSessionInfo(wire(`${OK}<parameters>${entry("msisdn", "0046700643933")}${entry("subscriberKey", "007")}</parameters>`));
    expect(info.msisdn).toBe("0046700643933");
    expect(info.subscriberKey).toBe("007");
  });

  test("names both msisdn and subscriberKey when neither came back", () => {
    const error = errorOf(() => toClientSessionInfo(wire(`${OK}<parameters>${entry("order", "1")}</parameters>`)));
    expect(error.kind).toBe("protocol");
    expect(error.operation).toBe("getClientSessionInfo");
    expect(error.message).toContain("msisdn");
    expect(error.message).toContain("subscriberKey");
  });

  test("names only subscriberKey when msisdn came back", () => {
    const error = errorOf(() => toClientSessionInfo(wire(`${OK}<parameters>${entry("msisdn", "46700643933")}</parameters>`)));
    expect(error.message).toContain("subscriberKey");
    expect(error.message).not.toContain("msisdn");
  });

  test("counts an empty msisdn as missing", () => {
    const error = errorOf(() =>
      toClientSessionInfo(wire(`${OK}<parameters><entry><key>msisdn</key><value/></entry>${entry("subscriberKey", "sk")}</parameters>`)),
    );
    expect(error.message).toContain("msisdn");
  });

  test("turns an answer without parameters into a protocol error naming return.parameters", () => {
    const error = errorOf(() => toClientSessionInfo(wire(OK)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("return.parameters");
  });

  test("refuses an entry without a key", () => {
    const error = errorOf(() =>
      toClientSessionInfo(wire(`${OK}<parameters><entry><value>x</value></entry>${entry("msisdn", "1")}</parameters>`)),
    );
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("return.parameters.entry.0.key");
  });
});

describe("toSentInvoice", () => {
  test("reads the invoice reference and SEQR's QR code", () => {
    expect(
      toSentInvoice(wire(`${OK}<invoiceQRCode>HTTP://SEQR.SE/R1371046425817</invoiceQRCode><invoiceReference>1371046425817</invoiceReference>`)),
    ).toEqual({ invoiceReference: "1371046425817", invoiceQrCode: "HTTP://SEQR.SE/R1371046425817" });
  });

  test("builds the QR code from the reference when SEQR leaves it out", () => {
    expect(toSentInvoice(wire(`${OK}<invoiceReference>42</invoiceReference>`)).invoiceQrCode).toBe("HTTP://SEQR.SE/R42");
  });

  test("builds the QR code from the reference when SEQR sends it empty", () => {
    expect(toSentInvoice(wire(`${OK}<invoiceQRCode/><invoiceReference>42</invoiceReference>`)).invoiceQrCode).toBe("HTTP://SEQR.SE/R42");
  });

  test.each([
    ["missing", OK],
    ["empty", `${OK}<invoiceReference></invoiceReference>`],
  ])("turns a %s invoiceReference into a protocol error naming it", (_, inner) => {
    const error = errorOf(() => toSentInvoice(wire(inner)));
    expect(error.kind).toBe("protocol");
    expect(error.operation).toBe("sendInvoice");
    expect(error.message).toContain("return.invoiceReference");
  });
});

describe("toReport", () => {
  test("decodes the base64 content to bytes", () => {
    const content = Buffer.from("Datum;Belopp\n2013-05-14;10,10 kr\n", "utf8");
    const report = toReport(
      wire(
        `${OK}<report><title>Dagsrapport</title><mimeType>text/csv</mimeType>` +
          `<content>${content.toString("base64")}</content><contentString>summary</contentString></report>`,
      ),
    );
    expect(report.title).toBe("Dagsrapport");
    expect(report.mimeType).toBe("text/csv");
    expect(report.contentString).toBe("summary");
    expect(Buffer.isBuffer(report.content)).toBe(true);
    expect(report.content?.equals(content)).toBe(true);
  });

  test("decodes binary content byte for byte", () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x80]);
    const report = toReport(wire(`${OK}<report><content>${bytes.toString("base64")}</content></report>`));
    expect(report.content?.equals(bytes)).toBe(true);
  });

  test("accepts base64 broken over lines", () => {
    const text = "x".repeat(100);
    const base64 = Buffer.from(text).toString("base64");
    const wrapped = `${base64.slice(0, 76)}\n${base64.slice(76)}`;
    expect(toReport(wire(`${OK}<report><content>${wrapped}</content></report>`)).content?.toString()).toBe(text);
  });

  test("leaves content undefined when the report has none", () => {
    expect(toReport(wire(`${OK}<report><contentString>only text</contentString></report>`))).toEqual({
      title: undefined,
      mimeType: undefined,
      content: undefined,
      contentString: "only text",
    });
  });

  test("refuses content that is not base64", () => {
    const error = errorOf(() => toReport(wire(`${OK}<report><content>not base64!</content></report>`)));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("return.report.content");
  });

  test("turns an answer without a report into a protocol error naming it", () => {
    const error = errorOf(() => toReport(wire(OK)));
    expect(error.operation).toBe("executeReport");
    expect(error.message).toContain("missing return.report");
  });
});

describe("toTransactionPeriodId and toRefundErsReference", () => {
  test("read their single answer", () => {
    expect(toTransactionPeriodId(wire(`${OK}<transactionPeriodId>17</transactionPeriodId>`))).toBe("17");
    expect(toRefundErsReference(wire(`<ersReference>${ERS_REFERENCE}</ersReference>${OK}`))).toBe(ERS_REFERENCE);
  });

  test("refuse an answer without it", () => {
    expect(errorOf(() => toTransactionPeriodId(wire(OK))).message).toContain("return.transactionPeriodId");
    expect(errorOf(() => toRefundErsReference(wire(OK))).message).toContain("missing return.ersReference");
  });
});
