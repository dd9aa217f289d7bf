import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

import { SANDBOX_DEFAULTS } from "@/lib/env";
import { startSandboxServer, type SandboxServer } from "@/tests/integration/support/sandbox-server";
import { bodyChildXml, childrenNamed, path, soapParts, type XmlTree } from "@/tests/contract/support/soap-message";
import {
  contractTitle,
  schemaErrors,
  seqrSchema,
  seqrWsdlAvailable,
  SEQR_NAMESPACE,
  SOAP_11_NAMESPACE,
} from "@/tests/contract/support/wsdl-schema";

// The sandbox accepts requests shaped like SEQR's documentation samples, as SEQR's CXF endpoint did (CONTRACT.md,
// "Transport": children in any order, unknown ones ignored, optional ones missing). Each sample below is
// hand-written the way the docs wrote them: other namespace prefixes, pretty-printed, context with the password
// first, an extra userId in the principal, no channel/clientComment/clientReference. Each test also proves the
// sample really is off-schema (else it would test nothing), and that the sandbox's answer is on-schema.

const TERMINAL_ID = SANDBOX_DEFAULTS.terminalId;
const PASSWORD = SANDBOX_DEFAULTS.terminalPassword;

let server: SandboxServer;

type Answer = { status: number; xml: string; result: XmlTree };

async function post(envelope: string): Promise<Answer> {
  const response = await fetch(server.soapUrl, {
    method: "POST",
    headers: { "Content-Type": "text/xml; charset=utf-8", SOAPAction: '""' },
    body: envelope,
  });
  const xml = await response.text();
  const { wrapper } = soapParts(xml);
  return { status: response.status, xml, result: path(wrapper, "return") };
}

/** The sandbox's answer is a success, valid against SEQR's schema. */
async function expectSuccess(answer: Answer): Promise<void> {
  expect(answer.status).toBe(200);
  expect(path(answer.result, "resultCode").text).toBe("0");
  expect(await schemaErrors(bodyChildXml(answer.xml), seqrSchema())).toEqual([]);
}

/** The sample is not what SEQR's schema describes: the leniency under test is real. */
async function expectOffSchema(envelope: string): Promise<void> {
  expect(await schemaErrors(bodyChildXml(envelope), seqrSchema())).not.toEqual([]);
}

function textOf(parent: XmlTree, localName: string): string | undefined {
  return childrenNamed(parent, localName)[0]?.text;
}

/** A documentation-style sendInvoice: `soapenv:`/`ser:` prefixes, everything out of the schema's order. */
function documentationSendInvoice(clientInvoiceId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP_11_NAMESPACE}"
                  xmlns:ser="${SEQR_NAMESPACE}">
   <soapenv:Header/>
   <soapenv:Body>
      <ser:sendInvoice>
         <context>
            <password>${PASSWORD}</password>
            <initiatorPrincipalId>
               <type>TERMINALID</type>
               <id>${TERMINAL_ID}</id>
               <userId>9900</userId>
            </initiatorPrincipalId>
            <clientId>Cash register 1.0</clientId>
            <clientRequestTimeout>0</clientRequestTimeout>
         </context>
         <invoice>
            <totalAmount>
               <value>150.00</value>
               <currency>SEK</currency>
            </totalAmount>
            <title>Documentation sample &amp; friends</title>
            <invoiceRows>
               <invoiceRow>
                  <itemTotalAmount>
                     <value>100.00</value>
                     <currency>SEK</currency>
                  </itemTotalAmount>
                  <itemQuantity>2</itemQuantity>
                  <itemUnitPrice>
                     <currency>SEK</currency>
                     <value>50.00</value>
                  </itemUnitPrice>
                  <itemDescription>Coffee</itemDescription>
               </invoiceRow>
               <invoiceRow>
                  <itemDescription>Cake</itemDescription>
                  <itemTaxRate>12</itemTaxRate>
                  <itemTotalAmount>
                     <currency>SEK</currency>
                     <value>50</value>
                  </itemTotalAmount>
                  <itemQuantity>1</itemQuantity>
               </invoiceRow>
            </invoiceRows>
            <clientInvoiceId>${clientInvoiceId}</clientInvoiceId>
            <cashierId>Anna</cashierId>
            <acknowledgmentMode>NO_ACKNOWLEDGMENT</acknowledgmentMode>
            <paymentMode>IMMEDIATE_DEBIT</paymentMode>
            <issueDate>2013-05-02T10:00:00</issueDate>
         </invoice>
      </ser:sendInvoice>
   </soapenv:Body>
</soapenv:Envelope>
`;
}

async function sendDocumentationInvoice(clientInvoiceId = "doc-sample-1"): Promise<string> {
  const answer = await post(documentationSendInvoice(clientInvoiceId));
  await expectSuccess(answer);
  const invoiceReference = textOf(answer.result, "invoiceReference");
  if (!invoiceReference) throw new Error("no invoiceReference in the answer");
  return invoiceReference;
}

describe.skipIf(!seqrWsdlAvailable)(contractTitle("the sandbox accepts requests shaped like SEQR's samples"), () => {
  beforeAll(async () => {
    server = await startSandboxServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    await server.api("POST", "/reset");
  });

  test("sendInvoice: out-of-order invoice and rows, password first, extra userId, no channel", async () => {
    await expectOffSchema(documentationSendInvoice("doc-sample-1"));
    const answer = await post(documentationSendInvoice("doc-sample-1"));
    await expectSuccess(answer);
    const invoiceReference = textOf(answer.result, "invoiceReference");
    expect(invoiceReference).toMatch(/^\d+$/);
    expect(textOf(answer.result, "invoiceQRCode")).toBe(`HTTP://SEQR.SE/R${invoiceReference}`);

    const stored = await server.api("GET", `/invoices/${invoiceReference}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      status: "ISSUED",
      totalMinor: 15_000,
      currency: "SEK",
      title: "Documentation sample & friends",
      clientInvoiceId: "doc-sample-1",
    });
    expect(stored.body.rows).toEqual([
      expect.objectContaining({ description: "Coffee", quantity: "2", unitPriceMinor: 5_000, totalMinor: 10_000 }),
      expect.objectContaining({ description: "Cake", quantity: "1", taxRate: "12", totalMinor: 5_000 }),
    ]);
  });

  test("getPaymentStatus: `SOAP-ENV:`/`ns1:` prefixes, no Header, invoiceVersion first, context last", async () => {
    const invoiceReference = await sendDocumentationInvoice();
    const envelope = `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_11_NAMESPACE}">
  <SOAP-ENV:Body>
    <ns1:getPaymentStatus xmlns:ns1="${SEQR_NAMESPACE}">
      <invoiceVersion>0</invoiceVersion>
      <invoiceReference>${invoiceReference}</invoiceReference>
      <context>
        <initiatorPrincipalId><id>${TERMINAL_ID}</id><type>TERMINALID</type></initiatorPrincipalId>
        <clientRequestTimeout>0</clientRequestTimeout>
        <password>${PASSWORD}</password>
      </context>
    </ns1:getPaymentStatus>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;
    await expectOffSchema(envelope);
    const answer = await post(envelope);
    await expectSuccess(answer);
    expect(textOf(answer.result, "status")).toBe("ISSUED");
    expect(textOf(answer.result, "version")).toBe("1");
  });

  test("a sample-shaped invoice comes back in the WSDL's order in the PAID receipt", async () => {
    const invoiceReference = await sendDocumentationInvoice("doc-sample-2");
    expect((await server.api("POST", `/app/invoices/${invoiceReference}/pay`, {})).status).toBe(200);
    const answer = await post(`<soapenv:Envelope xmlns:soapenv="${SOAP_11_NAMESPACE}" xmlns:ser="${SEQR_NAMESPACE}">
   <soapenv:Body>
      <ser:getPaymentStatus>
         <context>
            <password>${PASSWORD}</password>
            <initiatorPrincipalId><id>${TERMINAL_ID}</id><type>TERMINALID</type></initiatorPrincipalId>
            <clientRequestTimeout>0</clientRequestTimeout>
         </context>
         <invoiceReference>${invoiceReference}</invoiceReference>
         <invoiceVersion>1</invoiceVersion>
      </ser:getPaymentStatus>
   </soapenv:Body>
</soapenv:Envelope>`);
    await expectSuccess(answer);
    expect(textOf(answer.result, "status")).toBe("PAID");
    const echoed = path(answer.result, "receipt", "invoice");
    expect(echoed.children.map((element) => element.localName)).toEqual([
      "paymentMode",
      "acknowledgmentMode",
      "issueDate",
      "title",
      "clientInvoiceId",
      "invoiceRows",
      "totalAmount",
      "cashierId",
    ]);
    expect(textOf(echoed, "title")).toBe("Documentation sample & friends");
  });

  test("cancelInvoice: the bare minimum of a context, plus elements SEQR never defined", async () => {
    const invoiceReference = await sendDocumentationInvoice();
    const envelope = `<?xml version="1.0"?>
<s:Envelope xmlns:s="${SOAP_11_NAMESPACE}" xmlns:seqr="${SEQR_NAMESPACE}">
  <s:Body>
    <seqr:cancelInvoice>
      <invoiceReference>${invoiceReference}</invoiceReference>
      <reason>customer left</reason>
      <context>
        <password>${PASSWORD}</password>
        <initiatorPrincipalId>
          <id>${TERMINAL_ID}</id>
        </initiatorPrincipalId>
        <terminalLocale>sv_SE</terminalLocale>
        <clientRequestTimeout>0</clientRequestTimeout>
      </context>
    </seqr:cancelInvoice>
  </s:Body>
</s:Envelope>`;
    await expectOffSchema(envelope);
    await expectSuccess(await post(envelope));
    expect((await server.api("GET", `/invoices/${invoiceReference}`)).body).toMatchObject({ status: "CANCELED" });
  });

  test("markTransactionPeriod and executeReport: RESELLERUSER with userId first, entries value-before-key", async () => {
    await server.api("PUT", "/config", { reportDelayMs: 0 });
    const context = `
        <context>
          <password>${PASSWORD}</password>
          <clientRequestTimeout>0</clientRequestTimeout>
          <initiatorPrincipalId>
            <userId>9900</userId>
            <type>RESELLERUSER</type>
            <id>${TERMINAL_ID}</id>
          </initiatorPrincipalId>
        </context>`;
    const mark = `<soapenv:Envelope xmlns:soapenv="${SOAP_11_NAMESPACE}" xmlns:ext="${SEQR_NAMESPACE}">
  <soapenv:Body>
    <ext:markTransactionPeriod>
      <parameters>
        <parameter>
          <entry><value>${TERMINAL_ID}</value><key>terminalId</key></entry>
        </parameter>
      </parameters>${context}
    </ext:markTransactionPeriod>
  </soapenv:Body>
</soapenv:Envelope>`;
    await expectOffSchema(mark);
    const marked = await post(mark);
    await expectSuccess(marked);
    const transactionPeriodId = textOf(marked.result, "transactionPeriodId");
    expect(transactionPeriodId).toMatch(/^\d+$/);

    const report = `<soapenv:Envelope xmlns:soapenv="${SOAP_11_NAMESPACE}" xmlns:ext="${SEQR_NAMESPACE}">
  <soapenv:Body>
    <ext:executeReport>
      <language>en</language>
      <parameters>
        <parameter>
          <entry>
            <value>${transactionPeriodId}</value>
            <key>transactionPeriodId</key>
          </entry>
        </parameter>
      </parameters>
      <reportId>TRANSACTION_REPORT</reportId>${context}
    </ext:executeReport>
  </soapenv:Body>
</soapenv:Envelope>`;
    await expectOffSchema(report);
    const reported = await post(report);
    await expectSuccess(reported);
    expect(path(reported.result, "report", "mimeType").text).toBe("text/csv");
    expect(path(reported.result, "report", "contentString").text).toMatch(/^type,time,invoiceReference,/);
  });
});
