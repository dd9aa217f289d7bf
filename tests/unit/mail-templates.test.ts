import { render, toPlainText } from "@react-email/render";
import { createElement, type ReactElement } from "react";
import { describe, expect, test } from "vitest";

import { env } from "@/lib/env";
import { deliveryOf, formatVatRate, vatPerRate } from "@/lib/mail/format";
import { messageIdFor, normalizeMessageId } from "@/lib/mail/message-id";
import { MerchantNewOrderEmail, merchantNewOrderSubject } from "@/lib/mail/templates/merchant-new-order";
import { OrderConfirmationEmail, orderConfirmationSubject } from "@/lib/mail/templates/order-confirmation";
import type { MailLine, MailShop } from "@/lib/mail/templates/parts";
import { RefundConfirmationEmail, refundConfirmationSubject } from "@/lib/mail/templates/refund-confirmation";
import { ShippedEmail, shippedSubject } from "@/lib/mail/templates/shipped";
import { formatMoney } from "@/lib/money";
import { countryName } from "@/lib/shop/format";

// The e-mails' markup, without a database: each one carries the shop's name and postal address in both parts, and
// nothing in it is wider than a 320 px phone (a fluid single column; max-width only).

const shop: MailShop = {
  name: "Fjällbo",
  address: "Fjällbo AB, Storgatan 1, 111 22 Stockholm, Sweden",
  url: "https://fjallbo.example",
};
const sek = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });
const lines: MailLine[] = [
  { name: "Lingonberry jam, 400 g", quantity: 2, unitPrice: sek(6_900), lineTotal: sek(13_800) },
  { name: "Dala horse, hand-painted", quantity: 1, unitPrice: sek(34_900), lineTotal: sek(34_900) },
];
const ship = { method: "SHIP" as const, address: ["Astrid Andersson", "Storgatan 12", "123 45 Ystad", "Sweden"] };

const emails: Array<[string, ReactElement]> = [
  [
    "order confirmation",
    createElement(OrderConfirmationEmail, {
      shop,
      orderNumber: "#1042",
      paidAt: "1 December 2026 at 10:00",
      lines,
      total: sek(48_700),
      vat: [],
      paymentReference: "ERS-1",
      delivery: ship,
    }),
  ],
  [
    "merchant's new order",
    createElement(MerchantNewOrderEmail, {
      shop,
      orderNumber: "#1042",
      adminUrl: "https://fjallbo.example/admin/orders/q3Vx8mTn2LcR5wYb1KdZ7g",
      customerEmail: "astrid@example.se",
      customerPhone: "+46700643933",
      paidAt: null,
      lines,
      total: sek(48_700),
      vat: [],
      paymentReference: "ERS-1",
      delivery: { method: "PICKUP", shopAddress: shop.address, name: "Astrid Andersson" },
    }),
  ],
  [
    "refund confirmation",
    createElement(RefundConfirmationEmail, {
      shop,
      orderNumber: "#1042",
      refunded: sek(2_000),
      paid: sek(48_700),
      refundedSoFar: sek(2_000),
      remaining: sek(46_700),
      refundedInFull: false,
      refundReference: "ERS-R-1",
      refundedAt: null,
    }),
  ],
  [
    "shipped",
    createElement(ShippedEmail, {
      shop,
      orderNumber: "#1042",
      carrier: "PostNord",
      trackingNumber: "00370712345678901234",
      trackingUrl: "https://tracking.postnord.com/se/?id=00370712345678901234",
      shippedAt: null,
      lines,
      delivery: ship,
    }),
  ],
];

/** Every width the markup fixes in pixels (attributes and styles); max-width is fluid and left out. */
function fixedWidths(html: string): number[] {
  const attributes = [...html.matchAll(/\swidth="(\d+)(?:px)?"/g)].map((match) => Number(match[1]));
  const styles = [...html.matchAll(/(?<![-\w])(?:min-)?width:\s*(\d+(?:\.\d+)?)(px|em|rem)/g)].map((match) =>
    match[2] === "px" ? Number(match[1]) : Number(match[1]) * 16,
  );
  return [...attributes, ...styles];
}

test("the width check sees fixed widths and lets max-width through", () => {
  expect(fixedWidths('<table width="600" style="min-width:400px;max-width:560px;width:30em">')).toEqual([
    600, 400, 480,
  ]);
});

describe.each(emails)("the %s e-mail", (_name, email) => {
  test("carries the shop's name and postal address in its HTML and its plain text", async () => {
    const html = await render(email);
    const text = toPlainText(html);
    for (const part of [html, text]) {
      expect(part).toContain(shop.name);
      expect(part).toContain(shop.address);
    }
  });

  test("names the order by its short number, #1042, in its HTML and its plain text", async () => {
    const html = await render(email);
    expect(html).toContain("#1042");
    expect(toPlainText(html)).toMatch(/Order number\s+#1042/);
  });

  test("fits a 320 px screen: one fluid column, no fixed width over 320 px, no images, styles or scripts", async () => {
    const html = await render(email);
    expect(fixedWidths(html).filter((width) => width > 320)).toEqual([]);
    expect(html).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    expect(html).not.toMatch(/<(img|style|script|link)\b/i);
  });
});

describe("subjects", () => {
  test("the customer's read \"Your order #1042 …\"; the merchant's \"New order #1042: …\"", () => {
    const orderNumber = "#1042";
    expect(orderConfirmationSubject({ orderNumber })).toBe("Your order #1042 is confirmed");
    expect(refundConfirmationSubject({ orderNumber, refunded: sek(2_000) })).toBe(`Your order #1042: ${sek(2_000)} refunded`);
    expect(shippedSubject({ orderNumber })).toBe("Your order #1042 is on its way");
    expect(merchantNewOrderSubject({ orderNumber, total: sek(48_700) })).toBe(`New order #1042: ${sek(48_700)}`);
  });
});

describe("words and figures", () => {
  test("VAT rates in per cent", () => {
    expect([2500, 1200, 600, 1250, 0].map(formatVatRate)).toEqual(["25 %", "12 %", "6 %", "12.5 %", "0 %"]);
  });

  test("VAT per rate: each line's share, as the order rounded it, summed per rate, highest rate first", () => {
    const items = [
      { name: "jam", quantity: 2, unitPriceMinor: 6_900, lineTotalMinor: 13_800, taxRateBps: 1200 },
      { name: "horse", quantity: 1, unitPriceMinor: 34_900, lineTotalMinor: 34_900, taxRateBps: 2500 },
      { name: "coffee", quantity: 1, unitPriceMinor: 11_900, lineTotalMinor: 11_900, taxRateBps: 1200 },
    ];
    // 138,00 × 12/112 = 14,79 (rounded); 119,00 × 12/112 = 12,75; 349,00 × 25/125 = 69,80.
    expect(vatPerRate(items, "SEK")).toEqual([
      { rate: "25 %", amount: sek(6_980) },
      { rate: "12 %", amount: sek(1_479 + 1_275) },
    ]);
  });

  test("a delivery address in the Swedish order, the country by name; pickup; nothing given", () => {
    const base = {
      deliveryName: "Astrid Andersson",
      deliveryStreet: "Storgatan 12",
      deliveryPostcode: "123 45",
      deliveryCity: "Ystad",
    };
    expect(deliveryOf({ ...base, deliveryMethod: "SHIP", deliveryCountry: "SE" })).toEqual({
      method: "SHIP",
      address: ["Astrid Andersson", "Storgatan 12", "123 45 Ystad", "Sweden"],
    });
    expect(deliveryOf({ ...base, deliveryMethod: "PICKUP", deliveryCountry: null })).toMatchObject({
      method: "PICKUP",
      name: "Astrid Andersson",
    });
    expect(deliveryOf({ ...base, deliveryMethod: null, deliveryCountry: null })).toEqual({ method: "NONE" });
    expect(countryName("NO")).toBe("Norway");
    expect(countryName("not a code")).toBe("not a code");
  });
});

describe("Message-IDs", () => {
  test("one per event, a valid msg-id: the dedupe key's ':' made a '.', at the shop's host", () => {
    expect(messageIdFor("ORDER_CONFIRMATION:cm9abc123")).toBe(
      `<ORDER_CONFIRMATION.cm9abc123@${new URL(env.publicBaseUrl).hostname}>`,
    );
    expect(messageIdFor("REFUND_CONFIRMATION:cm9xyz")).toMatch(/^<[A-Za-z0-9._]+@[a-z0-9.-]+>$/);
  });

  test("brackets added when missing, never doubled", () => {
    expect(normalizeMessageId("a.b@shop.example")).toBe("<a.b@shop.example>");
    expect(normalizeMessageId("<a.b@shop.example>")).toBe("<a.b@shop.example>");
  });
});
