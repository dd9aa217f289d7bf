import { buildXml, parseXml, XmlError, type XmlBuildElement, type XmlElement, type XmlNode } from "../xml.ts";
import { SeqrError } from "./errors.ts";

// SOAP 1.1 document/literal wrapped, as SEQR's Apache CXF endpoint speaks it (CONTRACT.md, "Transport"): only the
// wrapper element is namespace-qualified; every child is unqualified and nulls are omitted.

export const SEQR_NAMESPACE = "http://external.interfaces.ers.seamless.com/";
export const SOAP_ENVELOPE_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/";

/** Elements that may repeat in SEQR's answers, always parsed as lists. */
const REPEATING_RESPONSE_ELEMENTS = new Set(["entry", "token", "invoiceRow"]);

/** A request envelope: `<ext:{operation}>` wrapping the children in the order given. */
export function buildSoapRequest(operation: string, children: XmlBuildElement): string {
  return buildXml({
    "soapenv:Envelope": {
      "@_xmlns:soapenv": SOAP_ENVELOPE_NAMESPACE,
      "@_xmlns:ext": SEQR_NAMESPACE,
      "soapenv:Header": "",
      "soapenv:Body": { [`ext:${operation}`]: children },
    },
  });
}

function asElement(node: XmlNode | undefined): XmlElement | undefined {
  return node !== undefined && typeof node === "object" && !Array.isArray(node) ? node : undefined;
}

/**
 * Reads `<{operation}Response><return>…</return>` out of a response envelope. A SOAP fault is an `http` error
 * (SEQR reports business errors in `return`, so a fault means the endpoint itself failed); anything else that is
 * not the expected shape is a `protocol` error.
 */
export function parseSoapResponse(operation: string, httpStatus: number, text: string): XmlElement {
  let document: XmlElement;
  try {
    document = parseXml(text, REPEATING_RESPONSE_ELEMENTS);
  } catch (error) {
    if (httpStatus >= 400) throw new SeqrError(operation, "http", { httpStatus, cause: error });
    const reason = error instanceof XmlError ? error.message : "unreadable XML";
    throw new SeqrError(operation, "protocol", { message: `SEQR's answer is not XML (${reason})`, cause: error });
  }
  const body = asElement(asElement(document.Envelope)?.Body);
  const fault = asElement(body?.Fault);
  if (fault) {
    const faultString = typeof fault.faultstring === "string" ? fault.faultstring.slice(0, 200) : "no faultstring";
    throw new SeqrError(operation, "http", {
      httpStatus: httpStatus >= 400 ? httpStatus : 500,
      message: `SEQR answered with a SOAP fault: ${faultString}`,
    });
  }
  if (httpStatus >= 400) throw new SeqrError(operation, "http", { httpStatus });
  const wrapper = asElement(body?.[`${operation}Response`]);
  if (!wrapper) {
    throw new SeqrError(operation, "protocol", { message: `SEQR's answer has no ${operation}Response element` });
  }
  const result = asElement(wrapper.return);
  if (!result) throw new SeqrError(operation, "protocol", { message: `SEQR's answer has no return element` });
  return result;
}
