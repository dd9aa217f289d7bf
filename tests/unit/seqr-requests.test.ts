import { describe, expect, test } from "vitest";

import { SeqrAmountError } from "@/lib/seqr/amounts";
import {
  amountElement,
  CLIENT_REFERENCE_MAX_LENGTH,
  contextElement,
  invoiceElement,
  parameterMapElement,
  refundInvoiceElement,
  tokenElements,
  toSeqrDateTime,
  type SeqrContext,
} from "@/lib/seqr/requests";
import type { Invoice } from "@/lib/seqr/types";
import { buildXml, type XmlBuildElement, type XmlBuildNode } from "@/lib/xml";

/** The names of the children that reach the XML (undefined and null ones are left out by buildXml). */
function childNames(element: XmlBuildNode): string[] {
  if (!element || typeof element !== "object" || Array.isArray(element)) throw new Error("not an element");
  return Object.entries(element)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name]) => name);
}

function child(element: XmlBuildNode, name: string): XmlBuildNode {
  if (!element || typeof element !== "object" || Array.isArray(element)) throw new Error("not an element");
  return element[name];
}

/** The opening tags of an element's direct children, in document order, read from the built XML. */
function childTagsInXml(root: XmlBuildElement, rootName: string): string[] {
  const xml = buildXml({ [rootName]: root });
  const inner = xml.slice(xml.indexOf(`<${rootName}>`) + rootName.length + 2, xml.lastIndexOf(`</${rootName}>`));
  const tags: string[] = [];
  let depth = 0;
  for (const match of inner.matchAll(/<(\/?)([A-Za-z]+)[^>]*>/g)) {
    if (match[1] === "/") {
      depth -= 1;
    } else {
      if (depth === 0 && match[2] !== undefined) tags.push(match[2]);
      depth += 1;
    }
  }
  return tags;
}

const INVOICE_ORDER = [
  "paymentMode",
  "acknowledgmentMode",
  "issueDate",
  "title",
  "clientInvoiceId",
  "invoiceRows",
  "totalAmount",
  "cashierId",
  "footer",
  "backURL",
  "notificationUrl",
];

const ROW_ORDER = [
  "itemDescription",
  "itemDiscount",
  "itemEAN",
  "itemQuantity",
  "itemSKU",
  "itemTaxRate",
  "itemTotalAmount",
  "itemUnit",
  "itemUnitPrice",
];

const FULL_INVOICE: Invoice = {
  title: "Order 42",
  clientInvoiceId: "order-42",
  issueDate: new Date("2013-05-14T13:05:09.123Z"),
  currency: "SEK",
  totalMinor: 37400,
  rows: [
    {
      description: "Kaffe",
      sku: "SKU-1",
      ean: "7310865004703",
      quantity: 2,
      unit: "st",
      unitPriceMinor: 19950,
      taxRatePercent: 12,
      discountMinor: 1500,
      totalMinor: 39900,
    },
    { description: "Rabatt", quantity: 1, totalMinor: -2500 },
  ],
  cashierId: "webshop",
  footer: "Tack!",
  backUrl: "https://shop.example.se/orders/42",
  notificationUrl: "https://shop.example.se/api/seqr/notify?order=42",
  paymentMode: "RESERVATION_DESIRED",
  acknowledgmentMode: "OPTIONAL_ACKNOWLEDGMENT",
};

const MINIMAL_INVOICE: Invoice = {
  title: "Order 7",
  clientInvoiceId: "order-7",
  issueDate: new Date("2024-01-02T03:04:05.000Z"),
  currency: "SEK",
  totalMinor: 150000,
  rows: [{ description: "Cykel", quantity: 1, totalMinor: 150000 }],
};

describe("invoiceElement", () => {
  test("lists the children in the order of SEQR's WSDL", () => {
    expect(Object.keys(invoiceElement(FULL_INVOICE))).toEqual(INVOICE_ORDER);
    expect(childTagsInXml(invoiceElement(FULL_INVOICE), "invoice")).toEqual(INVOICE_ORDER);
  });

  test("defaults to an immediate debit without acknowledgment, so the app never waits for an amount", () => {
    const element = invoiceElement(MINIMAL_INVOICE);
    expect(child(element, "paymentMode")).toBe("IMMEDIATE_DEBIT");
    expect(child(element, "acknowledgmentMode")).toBe("NO_ACKNOWLEDGMENT");
  });

  test("keeps a payment and acknowledgment mode that were asked for", () => {
    const element = invoiceElement(FULL_INVOICE);
    expect(child(element, "paymentMode")).toBe("RESERVATION_DESIRED");
    expect(child(element, "acknowledgmentMode")).toBe("OPTIONAL_ACKNOWLEDGMENT");
  });

  test("leaves out optional children that were not given, keeping the order of the rest", () => {
    const element = invoiceElement(MINIMAL_INVOICE);
    expect(childNames(element)).toEqual([
      "paymentMode",
      "acknowledgmentMode",
      "issueDate",
      "title",
      "clientInvoiceId",
      "invoiceRows",
      "totalAmount",
    ]);
    expect(buildXml({ invoice: element })).not.toMatch(/cashierId|footer|backURL|notificationUrl/);
  });

  test("writes the SEQR names backURL and notificationUrl", () => {
    const element = invoiceElement(FULL_INVOICE);
    expect(child(element, "backURL")).toBe(FULL_INVOICE.backUrl);
    expect(child(element, "notificationUrl")).toBe(FULL_INVOICE.notificationUrl);
  });

  test("writes the total in SEQR's decimal form", () => {
    expect(child(invoiceElement(MINIMAL_INVOICE), "totalAmount")).toEqual({ currency: "SEK", value: "1500.00" });
  });

  test("wraps the rows in invoiceRows/invoiceRow, one per row, in order", () => {
    const rows = child(child(invoiceElement(FULL_INVOICE), "invoiceRows"), "invoiceRow");
    expect(Array.isArray(rows)).toBe(true);
    expect((rows as XmlBuildNode[]).map((row) => child(row, "itemDescription"))).toEqual(["Kaffe", "Rabatt"]);
    expect(buildXml({ invoice: invoiceElement(FULL_INVOICE) }).match(/<invoiceRow>/g)).toHaveLength(2);
  });

  test("writes every row's children in the order of SEQR's WSDL", () => {
    const rows = child(child(invoiceElement(FULL_INVOICE), "invoiceRows"), "invoiceRow") as XmlBuildElement[];
    const full = rows[0];
    expect(full).toBeDefined();
    expect(Object.keys(full ?? {})).toEqual(ROW_ORDER);
    expect(childTagsInXml(full ?? {}, "invoiceRow")).toEqual(ROW_ORDER);
  });

  test("writes a row's amounts, quantity and tax rate as SEQR decimals", () => {
    const rows = child(child(invoiceElement(FULL_INVOICE), "invoiceRows"), "invoiceRow") as XmlBuildElement[];
    expect(rows[0]).toEqual({
      itemDescription: "Kaffe",
      itemDiscount: { currency: "SEK", value: "15.00" },
      itemEAN: "7310865004703",
      itemQuantity: "2",
      itemSKU: "SKU-1",
      itemTaxRate: "12",
      itemTotalAmount: { currency: "SEK", value: "399.00" },
      itemUnit: "st",
      itemUnitPrice: { currency: "SEK", value: "199.50" },
    });
  });

  test("keeps a negative row, which balances a discount", () => {
    const rows = child(child(invoiceElement(FULL_INVOICE), "invoiceRows"), "invoiceRow") as XmlBuildElement[];
    expect(childNames(rows[1] ?? {})).toEqual(["itemDescription", "itemQuantity", "itemTotalAmount"]);
    expect(child(rows[1] ?? {}, "itemTotalAmount")).toEqual({ currency: "SEK", value: "-25.00" });
  });

  test("writes a fractional quantity and tax rate as decimals", () => {
    const element = invoiceElement({
      ...MINIMAL_INVOICE,
      rows: [{ description: "Ost", quantity: 0.5, taxRatePercent: 12.5, totalMinor: 150000 }],
    });
    const rows = child(child(element, "invoiceRows"), "invoiceRow") as XmlBuildElement[];
    expect(rows[0]).toMatchObject({ itemQuantity: "0.5", itemTaxRate: "12.5" });
  });

  test("writes a zero tax rate and zero discount rather than leaving them out", () => {
    const element = invoiceElement({
      ...MINIMAL_INVOICE,
      rows: [{ description: "Bok", quantity: 1, taxRatePercent: 0, discountMinor: 0, totalMinor: 150000 }],
    });
    const rows = child(child(element, "invoiceRows"), "invoiceRow") as XmlBuildElement[];
    expect(rows[0]).toMatchObject({ itemTaxRate: "0", itemDiscount: { currency: "SEK", value: "0.00" } });
  });

  test("writes an invoice without rows as an empty invoiceRows", () => {
    const element = invoiceElement({ ...MINIMAL_INVOICE, rows: [] });
    expect(buildXml({ invoice: element })).toContain("<invoiceRows></invoiceRows>");
  });

  test("writes amounts in a currency without decimals as whole numbers", () => {
    const element = invoiceElement({
      ...MINIMAL_INVOICE,
      currency: "JPY",
      totalMinor: 500,
      rows: [{ description: "Te", quantity: 1, totalMinor: 500 }],
    });
    expect(child(element, "totalAmount")).toEqual({ currency: "JPY", value: "500" });
  });

  test("refuses a currency SEQR cannot carry", () => {
    expect(() => invoiceElement({ ...MINIMAL_INVOICE, currency: "KWD" })).toThrow(SeqrAmountError);
  });

  test("refuses an amount that is not whole minor units", () => {
    expect(() => invoiceElement({ ...MINIMAL_INVOICE, totalMinor: 100.5 })).toThrow(SeqrAmountError);
  });
});

describe("issueDate", () => {
  test("is an xs:dateTime in UTC", () => {
    expect(child(invoiceElement(FULL_INVOICE), "issueDate")).toBe("2013-05-14T13:05:09.123Z");
  });

  test.each([
    ["2013-05-14T13:05:00.000Z", "2013-05-14T13:05:00.000Z"],
    ["2013-05-14T00:30:00.000Z", "2013-05-14T00:30:00.000Z"],
    ["2013-05-14T12:00:00.000Z", "2013-05-14T12:00:00.000Z"],
    ["2013-05-14T23:59:59.999Z", "2013-05-14T23:59:59.999Z"],
  ])("writes %s with a 24-hour clock", (instant, expected) => {
    expect(toSeqrDateTime(new Date(instant))).toBe(expected);
  });

  test("writes an afternoon hour as 13, never as 01", () => {
    const text = toSeqrDateTime(new Date(Date.UTC(2013, 4, 14, 13, 5)));
    expect(text).toMatch(/T13:05:/);
    expect(text).not.toMatch(/T01:05/);
    expect(text).not.toMatch(/[AP]M/i);
  });

  test("converts a time given in another zone to UTC", () => {
    expect(toSeqrDateTime(new Date("2013-05-14T01:05:00+02:00"))).toBe("2013-05-13T23:05:00.000Z");
  });

  test("matches the xs:dateTime form", () => {
    expect(toSeqrDateTime(new Date())).toMatch(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/);
  });
});

describe("contextElement", () => {
  const context: SeqrContext = {
    channel: "WS",
    clientId: "seqr-shop",
    clientReference: "order-42",
    principal: { id: "shop_terminal_1", type: "TERMINALID" },
    password: "secret",
  };

  test("lists the children in the order of SEQR's WSDL, with clientRequestTimeout always 0", () => {
    const element = contextElement(context);
    expect(Object.keys(element)).toEqual([
      "channel",
      "clientComment",
      "clientId",
      "clientReference",
      "clientRequestTimeout",
      "initiatorPrincipalId",
      "password",
    ]);
    expect(element).toEqual({
      channel: "WS",
      clientComment: undefined,
      clientId: "seqr-shop",
      clientReference: "order-42",
      clientRequestTimeout: "0",
      initiatorPrincipalId: { id: "shop_terminal_1", type: "TERMINALID", userId: undefined },
      password: "secret",
    });
  });

  test("sends no clientComment and no userId for a terminal", () => {
    const xml = buildXml({ context: contextElement(context) });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><context><channel>WS</channel><clientId>seqr-shop</clientId>' +
        "<clientReference>order-42</clientReference><clientRequestTimeout>0</clientRequestTimeout>" +
        "<initiatorPrincipalId><id>shop_terminal_1</id><type>TERMINALID</type></initiatorPrincipalId>" +
        "<password>secret</password></context>",
    );
  });

  test("sends the userId of a reseller user, for reports", () => {
    const element = contextElement({ ...context, principal: { id: "reseller", type: "RESELLERUSER", userId: "9900" } });
    expect(child(element, "initiatorPrincipalId")).toEqual({ id: "reseller", type: "RESELLERUSER", userId: "9900" });
  });

  test("cuts clientReference to 32 characters", () => {
    expect(CLIENT_REFERENCE_MAX_LENGTH).toBe(32);
    const long = "0123456789abcdefghijklmnopqrstuvwxyz";
    expect(child(contextElement({ ...context, clientReference: long }), "clientReference")).toBe(long.slice(0, 32));
    expect(child(contextElement({ ...context, clientReference: "x".repeat(32) }), "clientReference")).toBe("x".repeat(32));
  });
});

describe("other request elements", () => {
  test("amountElement writes currency then value", () => {
    expect(Object.keys(amountElement(-2500, "SEK"))).toEqual(["currency", "value"]);
    expect(amountElement(-2500, "SEK")).toEqual({ currency: "SEK", value: "-25.00" });
  });

  test("refundInvoiceElement carries only title, refund amount and cashier, in WSDL order", () => {
    const element = refundInvoiceElement({
      ersReference: "1234567890123456789012345",
      amountMinor: 2500,
      currency: "SEK",
      title: "Refund order 42",
      cashierId: "webshop",
    });
    expect(element).toEqual({ title: "Refund order 42", totalAmount: { currency: "SEK", value: "25.00" }, cashierId: "webshop" });
    expect(Object.keys(element)).toEqual(["title", "totalAmount", "cashierId"]);
  });

  test("tokenElements writes each token in WSDL order with its status as text", () => {
    const tokens = tokenElements([{ id: "club", value: "4711", description: "Loyalty", status: 1 }, { status: 0 }]);
    expect(tokens.map((token) => Object.keys(token))).toEqual([
      ["description", "id", "status", "value"],
      ["description", "id", "status", "value"],
    ]);
    expect(tokens[0]).toEqual({ description: "Loyalty", id: "club", status: "1", value: "4711" });
    expect(childNames(tokens[1] ?? {})).toEqual(["status"]);
    expect(tokens[1]?.status).toBe("0");
  });

  test("parameterMapElement writes key/value entries in the order given", () => {
    const xml = buildXml({ parameters: parameterMapElement({ b: "2", a: "1" }) });
    expect(xml).toContain(
      "<parameters><parameter><entry><key>b</key><value>2</value></entry><entry><key>a</key><value>1</value></entry></parameter></parameters>",
    );
  });
});
