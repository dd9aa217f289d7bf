import type { Invoice } from "@/lib/seqr/types";

// Invoices for tests: two rows that sum to the total, as the shop will send them.

export function sampleInvoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    title: "Fjällbo order 1001",
    clientInvoiceId: `order-${Math.random().toString(36).slice(2, 10)}`,
    issueDate: new Date("2026-11-27T13:05:09.000Z"),
    currency: "SEK",
    totalMinor: 71_700,
    rows: [
      {
        description: "Dala horse, red",
        sku: "DALA-HORSE-RED",
        quantity: 1,
        unitPriceMinor: 34_900,
        taxRatePercent: 25,
        totalMinor: 34_900,
      },
      {
        description: "Mug \"Fjord\" & saucer <35 cl>",
        sku: "MUG-FJORD-35",
        quantity: 2,
        unitPriceMinor: 18_400,
        taxRatePercent: 25,
        totalMinor: 36_800,
      },
    ],
    cashierId: "webshop",
    backUrl: "http://localhost:3000/",
    ...overrides,
  };
}
