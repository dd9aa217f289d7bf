import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { sandboxWsdl } from "@/lib/sandbox/wsdl";
import { startSandboxServer, type SandboxServer } from "@/tests/integration/support/sandbox-server";
import { bodyChildXml, childrenNamed, descendants, parseTree, seqrAnswer, type XmlTree } from "@/tests/contract/support/soap-message";
import {
  CLIENT_SESSION_INFO_DECLARATIONS,
  contractTitle,
  extendSchema,
  extractSchema,
  readSeqrWsdl,
  schemaErrors,
  seqrSchema,
  seqrWsdlAvailable,
  SEQR_NAMESPACE,
  WSDL_OPERATIONS,
} from "@/tests/contract/support/wsdl-schema";

// The WSDL the sandbox serves (lib/sandbox/wsdl.ts) against SEQR's own: every type it shares with SEQR's WSDL is
// SEQR's, unchanged (compared as parsed XML, so only layout may differ); it is a schema libxml2 compiles and that
// accepts real messages; and it declares exactly the nine operations the sandbox implements.

const ADDRESS = "http://127.0.0.1:3000/sandbox/soap?a=1&b=2";
const NINE_OPERATIONS = [...WSDL_OPERATIONS, "getClientSessionInfo"].sort();

/** The top-level declarations of a schema by kind and name, e.g. `complexType invoice`, as parsed trees. */
function topLevelDeclarations(schema: string): Map<string, XmlTree> {
  const declarations = new Map<string, XmlTree>();
  for (const declaration of parseTree(schema).children) {
    const key = `${declaration.localName} ${declaration.attributes.name ?? ""}`;
    if (declarations.has(key)) throw new Error(`${key} is declared twice`);
    declarations.set(key, declaration);
  }
  return declarations;
}

/** The declarations SEQR's schema needs for `elements`: theirs and every type they reach through `tns:` references. */
function closureOf(declarations: Map<string, XmlTree>, elements: string[]): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    const declaration = declarations.get(key);
    if (!declaration) throw new Error(`SEQR's schema has no ${key}`);
    if (seen.has(key)) return;
    seen.add(key);
    for (const element of [declaration, ...descendants(declaration)]) {
      for (const reference of [element.attributes.type, element.attributes.base]) {
        if (!reference?.startsWith("tns:")) continue;
        const name = reference.slice("tns:".length);
        visit(declarations.has(`complexType ${name}`) ? `complexType ${name}` : `simpleType ${name}`);
      }
    }
  };
  for (const element of elements) visit(`element ${element}`);
  return [...seen].sort();
}

function names(parent: XmlTree, localName: string): string[] {
  return childrenNamed(parent, localName)
    .map((element) => element.attributes.name ?? "")
    .sort();
}

const SAMPLE_SEND_INVOICE = `<ext:sendInvoice xmlns:ext="${SEQR_NAMESPACE}"><context><channel>WS</channel>
<clientRequestTimeout>0</clientRequestTimeout><initiatorPrincipalId><id>t</id><type>TERMINALID</type></initiatorPrincipalId>
<password>p</password></context><invoice><paymentMode>IMMEDIATE_DEBIT</paymentMode><acknowledgmentMode>NO_ACKNOWLEDGMENT</acknowledgmentMode>
<issueDate>2026-11-27T13:05:09.000Z</issueDate><title>Order &amp; more</title><clientInvoiceId>o-1</clientInvoiceId>
<invoiceRows><invoiceRow><itemDescription>Horse</itemDescription><itemQuantity>1</itemQuantity><itemTaxRate>25</itemTaxRate>
<itemTotalAmount><currency>SEK</currency><value>349.00</value></itemTotalAmount></invoiceRow></invoiceRows>
<totalAmount><currency>SEK</currency><value>349.00</value></totalAmount><notificationUrl>https://shop.example/n?a=1&amp;b=2</notificationUrl>
</invoice><tokens><status>1</status></tokens></ext:sendInvoice>`;

const SAMPLE_PAID_STATUS = bodyChildXml(
  seqrAnswer(
    "getPaymentStatus",
    "<ersReference>1000000000000000000000042</ersReference><resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>" +
      "<status>PAID</status><receipt><terminalId>t</terminalId><paymentDate>2026-11-27T13:06:00.000Z</paymentDate>" +
      "<invoiceReference>1234567890123</invoiceReference><paymentReference>1000000000000000000000042</paymentReference>" +
      "<invoice><title>Order</title><totalAmount><currency>SEK</currency><value>349.00</value></totalAmount></invoice></receipt>" +
      "<version>2</version>",
  ),
);

const SAMPLE_SESSION_INFO = bodyChildXml(
  seqrAnswer(
    "getClientSessionInfo",
    "<resultCode>0</resultCode><resultDescription>SUCCESS</resultDescription>" +
      "<parameters><entry><key>msisdn</key><value>46700643933</value></entry><entry><key>subscriberKey</key><value>k</value></entry></parameters>",
  ),
);

describe.skipIf(!seqrWsdlAvailable)(contractTitle("the sandbox's WSDL against SEQR's"), () => {
  let sandboxDefinitions: XmlTree;
  let sandboxSchema: string;

  beforeAll(() => {
    const wsdl = sandboxWsdl(ADDRESS);
    expect(XMLValidator.validate(wsdl), "the sandbox's WSDL must be well-formed XML").toBe(true);
    sandboxDefinitions = parseTree(wsdl);
    sandboxSchema = extractSchema(wsdl);
  });

  test("every type and element it shares with SEQR's WSDL is SEQR's, unchanged", () => {
    const seqr = topLevelDeclarations(seqrSchema());
    const sandbox = topLevelDeclarations(sandboxSchema);
    const shared = [...sandbox.keys()].filter((key) => seqr.has(key));
    // Everything SEQR's schema declares for the eight operations (requests, answers and every type they use) is
    // among the shared declarations, so none of it can have been rewritten under a new name.
    const needed = closureOf(seqr, WSDL_OPERATIONS.flatMap((operation) => [operation, `${operation}Response`]));
    expect(needed).toEqual(expect.arrayContaining(["complexType clientContext", "complexType invoice", "simpleType invoiceStatus"]));
    expect(needed.filter((key) => !sandbox.has(key))).toEqual([]);
    for (const key of shared) expect({ key, declaration: sandbox.get(key) }).toEqual({ key, declaration: seqr.get(key) });
  });

  test("it adds only getClientSessionInfo's types and elements to SEQR's", () => {
    const seqr = topLevelDeclarations(seqrSchema());
    const added = [...topLevelDeclarations(sandboxSchema).keys()].filter((key) => !seqr.has(key)).sort();
    expect(added).toEqual([
      "complexType erswsClientSessionInfoResponse",
      "complexType getClientSessionInfo",
      "complexType getClientSessionInfoResponse",
      "element getClientSessionInfo",
      "element getClientSessionInfoResponse",
    ]);
  });

  test("its schema keeps SEQR's schema attributes (target namespace, unqualified children)", () => {
    const seqr = parseTree(seqrSchema()).attributes;
    expect(parseTree(sandboxSchema).attributes).toEqual(seqr);
    expect(seqr).toMatchObject({ targetNamespace: SEQR_NAMESPACE, elementFormDefault: "unqualified" });
  });

  test.each([
    ["a sendInvoice request", SAMPLE_SEND_INVOICE],
    ["a PAID getPaymentStatus answer", SAMPLE_PAID_STATUS],
    ["a getClientSessionInfo answer", SAMPLE_SESSION_INFO],
  ])("it is a schema libxml2 compiles, and it accepts %s", async (_what, message) => {
    expect(await schemaErrors(message, sandboxSchema)).toEqual([]);
  });

  test("its schema is strict where SEQR's is: it rejects an out-of-order request", async () => {
    const outOfOrder = SAMPLE_SEND_INVOICE.replace(
      /(<title>.*?<\/title>)(<clientInvoiceId>.*?<\/clientInvoiceId>)/,
      "$2$1",
    );
    expect(outOfOrder).not.toBe(SAMPLE_SEND_INVOICE);
    expect(await schemaErrors(outOfOrder, sandboxSchema)).not.toEqual([]);
  });

  test("its getClientSessionInfo agrees with CONTRACT.md's (the suite's own XSD)", async () => {
    const contractSchema = extendSchema(seqrSchema(), CLIENT_SESSION_INFO_DECLARATIONS);
    expect(await schemaErrors(SAMPLE_SESSION_INFO, contractSchema)).toEqual([]);
    const request = `<ext:getClientSessionInfo xmlns:ext="${SEQR_NAMESPACE}"><context><clientRequestTimeout>0</clientRequestTimeout></context><key>0000002012-63506374</key></ext:getClientSessionInfo>`;
    expect(await schemaErrors(request, contractSchema)).toEqual([]);
    expect(await schemaErrors(request, sandboxSchema)).toEqual([]);
  });

  test("it declares exactly the nine operations, as document/literal with soapAction \"\"", () => {
    const schemaElements = names(parseTree(sandboxSchema), "element");
    expect(schemaElements).toEqual(NINE_OPERATIONS.flatMap((operation) => [operation, `${operation}Response`]).sort());
    expect(names(sandboxDefinitions, "message")).toEqual(schemaElements);

    const portTypes = childrenNamed(sandboxDefinitions, "portType");
    expect(portTypes).toHaveLength(1);
    expect(names(portTypes[0] as XmlTree, "operation")).toEqual(NINE_OPERATIONS);

    const bindings = childrenNamed(sandboxDefinitions, "binding");
    expect(bindings).toHaveLength(1);
    const binding = bindings[0] as XmlTree;
    expect(childrenNamed(binding, "binding")[0]?.attributes).toMatchObject({
      style: "document",
      transport: "http://schemas.xmlsoap.org/soap/http",
    });
    expect(names(binding, "operation")).toEqual(NINE_OPERATIONS);
    for (const operation of childrenNamed(binding, "operation")) {
      expect(childrenNamed(operation, "operation")[0]?.attributes).toEqual({ soapAction: "", style: "document" });
      for (const direction of [...childrenNamed(operation, "input"), ...childrenNamed(operation, "output")]) {
        expect(childrenNamed(direction, "body")[0]?.attributes).toEqual({ use: "literal" });
      }
    }
  });

  test("it keeps SEQR's service, port and binding names, with the address given (escaped)", () => {
    const seqr = parseTree(readSeqrWsdl());
    expect(sandboxDefinitions.attributes).toEqual(seqr.attributes);
    const service = childrenNamed(sandboxDefinitions, "service")[0];
    expect(service?.attributes.name).toBe(childrenNamed(seqr, "service")[0]?.attributes.name);
    const port = childrenNamed(service as XmlTree, "port")[0] as XmlTree;
    expect(port.attributes).toEqual(childrenNamed(childrenNamed(seqr, "service")[0] as XmlTree, "port")[0]?.attributes);
    expect(childrenNamed(port, "address")[0]?.attributes.location).toBe(ADDRESS);
  });
});

describe.skipIf(!seqrWsdlAvailable)(contractTitle("the WSDL the sandbox serves"), () => {
  let server: SandboxServer;
  beforeAll(async () => {
    server = await startSandboxServer();
  });
  afterAll(() => server.close());

  test("GET /sandbox/soap?wsdl serves it with its own address", async () => {
    const response = await fetch(`${server.soapUrl}?wsdl`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toBe(sandboxWsdl(server.soapUrl));
  });
});
