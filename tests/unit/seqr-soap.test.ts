import { describe, expect, test } from "vitest";

import { SeqrError } from "@/lib/seqr/errors";
import { buildSoapRequest, parseSoapResponse, SEQR_NAMESPACE, SOAP_ENVELOPE_NAMESPACE } from "@/lib/seqr/soap";
import { parseXml } from "@/lib/xml";

/** A response envelope as SEQR's Apache CXF endpoint writes it. */
function envelope(body: string): string {
  return (
    `<soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NAMESPACE}"><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function response(operation: string, inner: string): string {
  return envelope(`<ns2:${operation}Response xmlns:ns2="${SEQR_NAMESPACE}"><return>${inner}</return></ns2:${operation}Response>`);
}

const FAULT = envelope(
  "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Fault occurred while processing.</faultstring></soap:Fault>",
);

function errorOf(run: () => unknown): SeqrError {
  try {
    run();
  } catch (error) {
    if (error instanceof SeqrError) return error;
    throw error;
  }
  throw new Error("expected a SeqrError");
}

describe("buildSoapRequest", () => {
  const request = buildSoapRequest("getPaymentStatus", {
    context: { channel: "WS", clientRequestTimeout: "0" },
    invoiceReference: "1234",
    invoiceVersion: "0",
  });

  test("is a SOAP 1.1 envelope with an empty header and SEQR's namespace bound to ext", () => {
    expect(request).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NAMESPACE}" xmlns:ext="${SEQR_NAMESPACE}">` +
        "<soapenv:Header></soapenv:Header><soapenv:Body><ext:getPaymentStatus>" +
        "<context><channel>WS</channel><clientRequestTimeout>0</clientRequestTimeout></context>" +
        "<invoiceReference>1234</invoiceReference><invoiceVersion>0</invoiceVersion>" +
        "</ext:getPaymentStatus></soapenv:Body></soapenv:Envelope>",
    );
  });

  test("qualifies only the wrapper element; every child is unqualified", () => {
    const body = request.slice(request.indexOf("<ext:getPaymentStatus>") + "<ext:getPaymentStatus>".length);
    const inner = body.slice(0, body.indexOf("</ext:getPaymentStatus>"));
    expect(inner).not.toMatch(/<\/?[A-Za-z]+:/);
  });

  test("uses the SOAP 1.1 envelope namespace, not SOAP 1.2's", () => {
    expect(SOAP_ENVELOPE_NAMESPACE).toBe("http://schemas.xmlsoap.org/soap/envelope/");
    expect(SEQR_NAMESPACE).toBe("http://external.interfaces.ers.seamless.com/");
  });

  test("leaves out undefined children rather than sending nil", () => {
    const text = buildSoapRequest("cancelInvoice", { invoiceReference: "1", comment: undefined });
    expect(text).not.toContain("comment");
    expect(text).not.toContain("nil");
  });

  test("reads back as the children given, in the same order", () => {
    const parsed = parseXml(request);
    const wrapper = (parsed.Envelope as Record<string, Record<string, unknown>>).Body?.getPaymentStatus;
    expect(wrapper).toEqual({ context: { channel: "WS", clientRequestTimeout: "0" }, invoiceReference: "1234", invoiceVersion: "0" });
    expect(Object.keys(wrapper as object)).toEqual(["context", "invoiceReference", "invoiceVersion"]);
  });
});

describe("parseSoapResponse", () => {
  test("returns the return element of the operation's response", () => {
    const result = parseSoapResponse(
      "getPaymentStatus",
      200,
      response("getPaymentStatus", "<resultCode>0</resultCode><status>ISSUED</status><version>1</version>"),
    );
    expect(result).toEqual({ resultCode: "0", status: "ISSUED", version: "1" });
  });

  test("accepts any namespace prefixes and a pretty-printed envelope", () => {
    const text = `<?xml version="1.0" encoding="UTF-8"?>
      <S:Envelope xmlns:S="${SOAP_ENVELOPE_NAMESPACE}">
        <S:Header/>
        <S:Body>
          <x:sendInvoiceResponse xmlns:x="${SEQR_NAMESPACE}">
            <return>
              <resultCode>0</resultCode>
              <invoiceReference>1371046425817</invoiceReference>
            </return>
          </x:sendInvoiceResponse>
        </S:Body>
      </S:Envelope>`;
    expect(parseSoapResponse("sendInvoice", 200, text)).toEqual({ resultCode: "0", invoiceReference: "1371046425817" });
  });

  test("reads repeating elements as lists even when there is one", () => {
    const result = parseSoapResponse(
      "getClientSessionInfo",
      200,
      response("getClientSessionInfo", "<resultCode>0</resultCode><parameters><entry><key>msisdn</key><value>46700643933</value></entry></parameters>"),
    );
    expect(result.parameters).toEqual({ entry: [{ key: "msisdn", value: "46700643933" }] });
  });

  test("returns a business error in return as data, not as an error: resultCode is the caller's to check", () => {
    const result = parseSoapResponse(
      "getPaymentStatus",
      200,
      response("getPaymentStatus", "<resultCode>54</resultCode><resultDescription>UNKNOWN_INVOICE_REFERENCE</resultDescription>"),
    );
    expect(result).toEqual({ resultCode: "54", resultDescription: "UNKNOWN_INVOICE_REFERENCE" });
  });

  test.each([500, 200])("turns a SOAP fault with HTTP %i into a transient http error", (status) => {
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", status, FAULT));
    expect(error.kind).toBe("http");
    expect(error.transient).toBe(true);
    expect(error.resultCode).toBeNull();
    expect(error.resultName).toBe("HTTP_500");
    expect(error.operation).toBe("getPaymentStatus");
    expect(error.message).toContain("Fault occurred while processing.");
  });

  test("keeps the HTTP status of a fault that came with one", () => {
    expect(errorOf(() => parseSoapResponse("sendInvoice", 503, FAULT)).resultName).toBe("HTTP_503");
  });

  test("cuts a long faultstring short", () => {
    const long = envelope(`<soap:Fault><faultcode>soap:Server</faultcode><faultstring>${"x".repeat(1000)}</faultstring></soap:Fault>`);
    expect(errorOf(() => parseSoapResponse("sendInvoice", 500, long)).message.length).toBeLessThan(400);
  });

  test.each([
    [500, "<html><body>Internal Server Error"],
    [502, "Bad Gateway"],
    [503, ""],
  ])("turns HTTP %i with a body that is not XML into a transient http error", (status, body) => {
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", status, body));
    expect(error.kind).toBe("http");
    expect(error.resultName).toBe(`HTTP_${status}`);
    expect(error.transient).toBe(true);
  });

  test("turns HTTP 404 into an http error that asking again will not fix", () => {
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", 404, "<html>Not Found</html>"));
    expect(error.kind).toBe("http");
    expect(error.resultName).toBe("HTTP_404");
    expect(error.transient).toBe(false);
  });

  test("trusts an HTTP error status over a well-formed body", () => {
    const error = errorOf(() =>
      parseSoapResponse("getPaymentStatus", 500, response("getPaymentStatus", "<resultCode>0</resultCode>")),
    );
    expect(error.kind).toBe("http");
  });

  test.each([
    ["garbage", "garbage"],
    ["an empty body", ""],
    ["truncated XML", "<soap:Envelope><soap:Body><ns2:getPaymentStatusResponse>"],
  ])("turns HTTP 200 with %s into a protocol error", (_, body) => {
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", 200, body));
    expect(error.kind).toBe("protocol");
    expect(error.transient).toBe(false);
    expect(error.resultName).toBe("INVALID_RESPONSE");
    expect(error.message).toContain("not XML");
  });

  test("refuses a 200 answer that carries a DTD as a protocol error", () => {
    const text = `<!DOCTYPE x [<!ENTITY a "b">]>${response("getPaymentStatus", "<resultCode>0</resultCode>")}`;
    expect(errorOf(() => parseSoapResponse("getPaymentStatus", 200, text)).kind).toBe("protocol");
  });

  test("turns well-formed XML that is not a SOAP envelope into a protocol error", () => {
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", 200, "<html><body>Welcome</body></html>"));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("getPaymentStatusResponse");
  });

  test("turns an answer for another operation into a protocol error naming the expected wrapper", () => {
    const error = errorOf(() =>
      parseSoapResponse("getPaymentStatus", 200, response("sendInvoice", "<resultCode>0</resultCode>")),
    );
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("no getPaymentStatusResponse element");
  });

  test("turns an empty body into a protocol error", () => {
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", 200, envelope("")));
    expect(error.kind).toBe("protocol");
  });

  test.each([
    ["no return element", envelope(`<ns2:getPaymentStatusResponse xmlns:ns2="${SEQR_NAMESPACE}"><other>1</other></ns2:getPaymentStatusResponse>`)],
    ["an empty return element", envelope(`<ns2:getPaymentStatusResponse xmlns:ns2="${SEQR_NAMESPACE}"><return/></ns2:getPaymentStatusResponse>`)],
  ])("turns a response wrapper with %s into a protocol error", (_, text) => {
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", 200, text));
    expect(error.kind).toBe("protocol");
    expect(error.message).toContain("no return element");
  });

  test("turns an empty response wrapper into a protocol error", () => {
    const text = envelope(`<ns2:getPaymentStatusResponse xmlns:ns2="${SEQR_NAMESPACE}"></ns2:getPaymentStatusResponse>`);
    const error = errorOf(() => parseSoapResponse("getPaymentStatus", 200, text));
    expect(error.kind).toBe("protocol");
    expect(error.transient).toBe(false);
  });
});
