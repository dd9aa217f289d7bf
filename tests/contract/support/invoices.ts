import type { CustomerToken, Invoice } from "@/lib/seqr/types";

// Invoices that use every field SEQR's `invoice` and `paymentInvoiceRow` have, with text that needs escaping
// (&, <, >, quotes), decimals, a discount and a negative row, so that a schema check covers all of them.

/** Text with every character XML must escape somewhere, and an apostrophe and a CDATA end for good measure. */
export const AWKWARD_TEXT = `Mug "Fjord" & saucer <35 cl> it's ]]> fine`;

export function everyFieldInvoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    title: `Fjällbo order 1001 & <gift> "wrapped" 'now'`,
    clientInvoiceId: "order-1001&co",
    issueDate: new Date("2026-11-27T13:05:09.000Z"),
    currency: "SEK",
    totalMinor: 74_700,
    rows: [
      {
        description: "Dala horse, red",
        sku: "DALA-HORSE-RED",
        ean: "7310865004703",
        quantity: 1,
        unit: "pcs",
        unitPriceMinor: 34_900,
        taxRatePercent: 25,
        discountMinor: 2_000,
        totalMinor: 32_900,
      },
      { description: AWKWARD_TEXT, sku: "MUG<35>", quantity: 2, unit: "pcs", unitPriceMinor: 18_400, taxRatePercent: 12.5, totalMinor: 36_800 },
      { description: "Coffee, loose", quantity: 0.5, unit: "kg", unitPriceMinor: 20_000, taxRatePercent: 12, totalMinor: 10_000 },
      { description: "Discount code WINTER & friends", quantity: 1, taxRatePercent: 25, totalMinor: -5_000 },
    ],
    cashierId: "webshop <1>",
    footer: `Thanks & welcome back! <3> "Fjällbo"`,
    backUrl: "https://shop.example/orders/order-1001?lang=sv&view=receipt",
    notificationUrl: "https://shop.example/api/seqr/notify?order=order-1001&sig=abc%2Bdef&from='seqr'",
    paymentMode: "IMMEDIATE_DEBIT",
    acknowledgmentMode: "NO_ACKNOWLEDGMENT",
    ...overrides,
  };
}

/** Only what the shop's Invoice type requires: no cashier, footer, URLs, SKUs, units or unit prices. */
export function minimalInvoice(): Invoice {
  return {
    title: "Order 1002",
    clientInvoiceId: "order-1002",
    issueDate: new Date("2026-11-27T23:59:59.999Z"),
    currency: "SEK",
    totalMinor: 100,
    rows: [{ description: "Sticker", quantity: 1, totalMinor: 100 }],
  };
}

export const EVERY_FIELD_TOKENS: CustomerToken[] = [
  { id: "loyalty-7", value: "Member & <gold>", description: `Fjällbo "club" card`, status: 1 },
  { status: 0 },
];
