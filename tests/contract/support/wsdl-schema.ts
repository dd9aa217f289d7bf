import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { validateXML } from "xmllint-wasm";

import { planContractSuite } from "./availability";

// SEQR's own WSDL (../shared/seqr, beside this repository) as the judge of every message in the contract suite:
// the <xs:schema> inside it, compiled and applied by libxml2 (xmllint-wasm), so that "valid" means what it
// meant to SEQR's CXF endpoint, not what the shop's own parser happens to accept.

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
export const SEQR_WSDL_RELATIVE_PATH = "../shared/seqr/ERSWSExternalClientService.wsdl";
export const SEQR_WSDL_PATH = path.resolve(REPO_ROOT, SEQR_WSDL_RELATIVE_PATH);

/**
 * The one condition under which the contract suite skips: SEQR's WSDL is not checked out beside the repo, on a
 * developer's machine. Under CI the same absence fails every contract file as it loads (./availability.ts).
 */
const plan = planContractSuite({
  wsdlFound: existsSync(SEQR_WSDL_PATH),
  wsdlPath: SEQR_WSDL_PATH,
  relativePath: SEQR_WSDL_RELATIVE_PATH,
  ci: process.env.CI,
});
if (plan.action === "fail") throw new Error(plan.message);

export const seqrWsdlAvailable = plan.action === "run";

/** A describe title that says why it was skipped, where it is skipped (ESLint keeps `console` out of tests). */
export function contractTitle(title: string): string {
  return plan.action === "skip" ? `${title} (${plan.note})` : title;
}

if (plan.action === "skip") process.stderr.write(`SEQR contract suite ${plan.note} (at ${SEQR_WSDL_PATH})\n`);

export const SEQR_NAMESPACE = "http://external.interfaces.ers.seamless.com/";
export const SOAP_11_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/";

/** The eight operations of SEQR's WSDL that the shop's client calls. */
export const WSDL_OPERATIONS = [
  "sendInvoice",
  "getPaymentStatus",
  "cancelInvoice",
  "refundPayment",
  "updateInvoice",
  "submitPaymentReceipt",
  "markTransactionPeriod",
  "executeReport",
] as const;
export type WsdlOperation = (typeof WSDL_OPERATIONS)[number];

/** The ninth, from SEQR's separate session service (CONTRACT.md); not in the WSDL. */
export type ContractOperation = WsdlOperation | "getClientSessionInfo";

export function readSeqrWsdl(): string {
  return readFileSync(SEQR_WSDL_PATH, "utf8");
}

/** The single `<xs:schema>…</xs:schema>` of a WSDL's `wsdl:types`, as text (it declares its own namespaces). */
export function extractSchema(wsdl: string): string {
  const start = wsdl.indexOf("<xs:schema");
  const endTag = "</xs:schema>";
  const end = wsdl.indexOf(endTag);
  if (start < 0 || end < start) throw new Error("the WSDL has no <xs:schema> element");
  if (wsdl.indexOf("<xs:schema", start + 1) >= 0) throw new Error("the WSDL has more than one <xs:schema>");
  return wsdl.slice(start, end + endTag.length);
}

/** SEQR's schema with further top-level declarations appended (they may use SEQR's types through `tns:`). */
export function extendSchema(schema: string, declarations: string): string {
  const endTag = "</xs:schema>";
  const at = schema.lastIndexOf(endTag);
  if (at < 0) throw new Error("not an <xs:schema>");
  return `${schema.slice(0, at)}${declarations}\n${endTag}`;
}

/**
 * getClientSessionInfo as CONTRACT.md describes it (it is not in SEQR's WSDL): the request is `context` and `key`
 * (the External Service TOKEN); the answer's `return` is an erswsResponse (resultCode, resultDescription) plus
 * `parameters` holding `entry` {key, value} elements. Written here from the prose, reusing the WSDL's own
 * clientContext, erswsResponse and parameter types, and independent of the sandbox's copy in lib/sandbox/wsdl.ts.
 */
export const CLIENT_SESSION_INFO_DECLARATIONS = `
<xs:element name="getClientSessionInfo" type="tns:contractGetClientSessionInfo"/>
<xs:element name="getClientSessionInfoResponse" type="tns:contractGetClientSessionInfoResponse"/>
<xs:complexType name="contractGetClientSessionInfo">
<xs:sequence>
<xs:element name="context" type="tns:clientContext"/>
<xs:element name="key" type="xs:string"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="contractGetClientSessionInfoResponse">
<xs:sequence>
<xs:element name="return" type="tns:contractClientSessionInfoResponse"/>
</xs:sequence>
</xs:complexType>
<xs:complexType name="contractClientSessionInfoResponse">
<xs:complexContent>
<xs:extension base="tns:erswsResponse">
<xs:sequence>
<xs:element minOccurs="0" name="parameters">
<xs:complexType>
<xs:sequence>
<xs:element maxOccurs="unbounded" minOccurs="0" name="entry" type="tns:parameter"/>
</xs:sequence>
</xs:complexType>
</xs:element>
</xs:sequence>
</xs:extension>
</xs:complexContent>
</xs:complexType>`;

let seqrSchemaCache: string | undefined;

/** The schema of SEQR's WSDL, read from ../shared at first use. */
export function seqrSchema(): string {
  seqrSchemaCache ??= extractSchema(readSeqrWsdl());
  return seqrSchemaCache;
}

/** SEQR's schema plus getClientSessionInfo as CONTRACT.md describes it. */
export function seqrSchemaWithSessionInfo(): string {
  return extendSchema(seqrSchema(), CLIENT_SESSION_INFO_DECLARATIONS);
}

/** The schema that judges an operation's messages: SEQR's WSDL, extended only for getClientSessionInfo. */
export function schemaFor(operation: ContractOperation): string {
  return operation === "getClientSessionInfo" ? seqrSchemaWithSessionInfo() : seqrSchema();
}

/**
 * libxml2's complaints about `xml` against `schema`: [] when the document is schema-valid. A schema that does not
 * compile, or a document that is not well-formed, also yields complaints (never a silent pass).
 */
export async function schemaErrors(xml: string, schema: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: "message.xml", contents: xml }],
    schema: [{ fileName: "schema.xsd", contents: schema }],
  });
  if (result.valid) return [];
  const messages = result.errors.map((error) => error.message);
  return messages.length > 0 ? messages : [result.rawOutput.trim() || "invalid (no message from xmllint)"];
}
