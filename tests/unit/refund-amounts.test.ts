import { describe, expect, test } from "vitest";

import { parseRefundAmount, refundableMinor, refundProblem, statusAfterRefunds, type RefundLedger } from "@/lib/admin/refund-amounts";
import { formatMsisdn, priceRefundLines, refundableQuantity, refundRecipient, restockByDefault, type RefundableItem } from "@/lib/admin/refund-lines";
import { formatMoney } from "@/lib/money";
import { toSeqrAmount } from "@/lib/seqr/amounts";
import { seededRandom } from "@/tests/support/seeded-random";

// Refund arithmetic: what the merchant typed, what is left to refund, and what the order becomes. Expected values
// are written out by hand (SEK has 2 decimals, JPY 0, KWD 3 in ISO 4217).

const NBSP = "\u00a0";
const FORMAT_ERROR = (currency: string) => `Enter an amount such as 120,50 (${currency}).`;

describe("parseRefundAmount", () => {
  test.each([
    // [typed, currency, minor units]
    ["120", "SEK", 12000],
    ["120.5", "SEK", 12050],
    ["120,5", "SEK", 12050],
    ["120,50", "SEK", 12050],
    ["120.50", "SEK", 12050],
    ["0,01", "SEK", 1],
    ["0.10", "SEK", 10],
    ["007", "SEK", 700],
    ["1 200,00", "SEK", 120000], // a space between thousands
    [`1${NBSP}200,00`, "SEK", 120000], // a non-breaking space, as sv-SE formatting writes it
    ["1\u202f200,5", "SEK", 120050], // a narrow non-breaking space
    ["1 000 000", "SEK", 100000000],
    ["  12,5  ", "SEK", 1250], // surrounding blanks
    ["\t99,90\n", "SEK", 9990],
    ["10.220", "SEK", 1022], // trailing zeros beyond the currency's decimals are not significant
    ["5,000", "SEK", 500],
    ["9999999999999", "SEK", 999999999999900], // 13 digits: the largest whole part accepted
    ["500", "JPY", 500],
    ["500.0", "JPY", 500],
    ["1", "JPY", 1],
    ["1.234", "KWD", 1234],
    ["1,2", "KWD", 1200],
    ["0.001", "KWD", 1],
    ["12", "KWD", 12000],
  ])("%j %s → %i minor units", (typed, currency, minor) => {
    expect(parseRefundAmount(typed, currency)).toEqual({ ok: true, amountMinor: minor });
  });

  test.each([
    // Signs, exponents, separators in the wrong place and other non-amounts: refused with the format hint.
    ["", "SEK"],
    ["   ", "SEK"],
    ["+5", "SEK"],
    ["-5", "SEK"],
    ["−5", "SEK"], // U+2212, the minus sv-SE formatting writes
    ["-0", "SEK"],
    ["1e3", "SEK"],
    ["1E3", "SEK"],
    ["Infinity", "SEK"],
    ["NaN", "SEK"],
    ["0x10", "SEK"],
    [".5", "SEK"],
    ["5.", "SEK"],
    ["5,", "SEK"],
    ["1,200,00", "SEK"], // only one decimal comma
    ["1.200,50", "SEK"], // a dot for thousands and a comma for decimals
    ["1,2.5", "SEK"],
    ["12 kr", "SEK"],
    ["SEK 12", "SEK"],
    ["١٢", "SEK"], // Arabic-Indic digits
    ["99999999999999", "SEK"], // 14 digits: huge
    ["99999999999999,00", "SEK"],
    ["99999999999999", "JPY"],
  ])("%j (%s) is refused as not an amount", (typed, currency) => {
    expect(parseRefundAmount(typed, currency)).toEqual({ ok: false, error: FORMAT_ERROR(currency) });
  });

  test.each([
    // More decimals than the currency has: refused, never rounded.
    ["10.225", "SEK", "SEK has 2 decimals: 10.225 has more."],
    ["10,001", "SEK", "SEK has 2 decimals: 10,001 has more."],
    ["0,005", "SEK", "SEK has 2 decimals: 0,005 has more."],
    ["500.5", "JPY", "JPY has 0 decimals: 500.5 has more."],
    ["0,1", "JPY", "JPY has 0 decimals: 0,1 has more."],
    ["1.2345", "KWD", "KWD has 3 decimals: 1.2345 has more."],
    [" 10.225 ", "SEK", "SEK has 2 decimals: 10.225 has more."], // the message shows what was typed, trimmed
  ])("%j (%s) has too many decimals", (typed, currency, error) => {
    expect(parseRefundAmount(typed, currency)).toEqual({ ok: false, error });
  });

  test.each([
    ["0", "SEK"],
    ["0,00", "SEK"],
    ["0.0", "SEK"],
    ["000", "SEK"],
    ["0,000", "SEK"], // zeros beyond the decimals are still zero
    ["0", "JPY"],
    ["0.000", "KWD"],
  ])("%j (%s) is refused as zero", (typed, currency) => {
    expect(parseRefundAmount(typed, currency)).toEqual({ ok: false, error: "A refund must be more than zero." });
  });

  test("an amount too large for exact minor units is refused, not rounded", () => {
    // 13 digits of KWD are 16 digits of fils: beyond Number.MAX_SAFE_INTEGER (9007199254740991).
    expect(parseRefundAmount("9999999999999", "KWD")).toEqual({ ok: false, error: "That amount is too large." });
    expect(parseRefundAmount("9999999999999.999", "KWD")).toEqual({ ok: false, error: "That amount is too large." });
    // The largest amounts that fit are exact.
    expect(parseRefundAmount("9007199254740.991", "KWD")).toEqual({ ok: true, amountMinor: 9007199254740991 });
  });
});

const ledger = (paidMinor: number, refundedMinor: number, reservedMinor: number): RefundLedger => ({ paidMinor, refundedMinor, reservedMinor });

describe("refundableMinor", () => {
  test.each([
    // [paid, refunded, reserved, left]
    [34900, 0, 0, 34900],
    [34900, 10000, 0, 24900],
    [34900, 0, 10000, 24900], // a refund SEQR has not answered holds its amount
    [34900, 10000, 4900, 20000],
    [34900, 34900, 0, 0],
    [34900, 30000, 4900, 0],
    [0, 0, 0, 0],
    // Over-committed books (a receipt lower than what was already given back) never go below zero.
    [34900, 40000, 0, 0],
    [34900, 30000, 10000, 0],
  ])("paid %i, refunded %i, held %i → %i left", (paid, refunded, reserved, left) => {
    expect(refundableMinor(ledger(paid, refunded, reserved))).toBe(left);
  });
});

describe("refundProblem", () => {
  test.each([
    // [amount, paid, refunded, reserved]: fits.
    [1, 34900, 0, 0],
    [34900, 34900, 0, 0], // all of it
    [24900, 34900, 10000, 0], // exactly what is left
    [20000, 34900, 10000, 4900],
    [100, 34900, 34800, 0],
  ])("%i of (paid %i, refunded %i, held %i) may be refunded", (amount, paid, refunded, reserved) => {
    expect(refundProblem(amount, ledger(paid, refunded, reserved), "SEK")).toBeNull();
  });

  test.each([
    [0, ledger(34900, 0, 0)],
    [-1, ledger(34900, 0, 0)],
    [-34900, ledger(34900, 0, 0)],
    [0, ledger(34900, 34900, 0)], // zero is refused as zero even when nothing is left
  ])("%i is refused as not more than zero", (amount, books) => {
    expect(refundProblem(amount, books, "SEK")).toBe("A refund must be more than zero.");
  });

  test("a payment refunded in full says so", () => {
    expect(refundProblem(1, ledger(34900, 34900, 0), "SEK")).toBe("This payment has been refunded in full.");
    expect(refundProblem(100, ledger(34900, 50000, 0), "SEK")).toBe("This payment has been refunded in full.");
  });

  test("when the rest is held by an unanswered refund, the message says so rather than 'refunded in full'", () => {
    const held = "Nothing is left to refund: the rest is held by a refund SEQR has not confirmed.";
    expect(refundProblem(1, ledger(34900, 0, 34900), "SEK")).toBe(held);
    expect(refundProblem(1, ledger(34900, 30000, 4900), "SEK")).toBe(held);
  });

  test.each([
    // [amount, books, currency, message]: the amount left, in the shop's Swedish formatting.
    [24901, ledger(34900, 10000, 0), "SEK", `Only 249,00${NBSP}kr is left to refund on this payment; nothing was refunded.`],
    [200000, ledger(125050, 0, 0), "SEK", `Only 1${NBSP}250,50${NBSP}kr is left to refund on this payment; nothing was refunded.`],
    [20051, ledger(125050, 100000, 5000), "SEK", `Only 200,50${NBSP}kr is left to refund on this payment; nothing was refunded.`],
    [600, ledger(1500, 1000, 0), "JPY", `Only 500${NBSP}JPY is left to refund on this payment; nothing was refunded.`],
    [6000, ledger(12345, 10000, 0), "KWD", `Only 2,345${NBSP}KWD is left to refund on this payment; nothing was refunded.`],
  ])("%i is more than is left (%o %s)", (amount, books, currency, message) => {
    expect(refundProblem(amount, books, currency)).toBe(message);
  });
});

describe("statusAfterRefunds", () => {
  test.each([
    // [paid, refunded, status]
    [34900, 1, "PARTIALLY_REFUNDED"],
    [34900, 10000, "PARTIALLY_REFUNDED"],
    [34900, 34899, "PARTIALLY_REFUNDED"],
    [34900, 34900, "REFUNDED"],
    // More given back than the shop counts as paid (books disagreeing with SEQR) is still nothing left.
    [34900, 34901, "REFUNDED"],
    [1, 1, "REFUNDED"],
  ])("paid %i, refunded %i → %s", (paid, refunded, status) => {
    expect(statusAfterRefunds(paid, refunded)).toBe(status);
  });
});

describe("refund arithmetic (property: random sequences of refunds against one payment)", () => {
  type Pending = { amountMinor: number };

  test.each([1, 2, 3, 42, 2025, 31337])("seed %i: refunded + held never exceeds paid; REFUNDED exactly when all of it came back", (seed) => {
    const random = seededRandom(seed);
    const int = (max: number) => Math.floor(random() * max);

    for (let run = 0; run < 200; run++) {
      // Small payments make "exactly all of it" common; large ones exercise the arithmetic.
      const paid = random() < 0.5 ? 1 + int(500) : 1 + int(10_000_000);
      let refunded = 0;
      const held: Pending[] = [];
      const heldMinor = () => held.reduce((total, refund) => total + refund.amountMinor, 0);
      const books = () => ledger(paid, refunded, heldMinor());

      for (let step = 0; step < 40; step++) {
        const action = random();
        if (action < 0.6 || held.length === 0) {
          // The merchant asks for an amount: what is left, a bit more or less, a random share, or nonsense.
          const left = paid - refunded - heldMinor();
          const kind = int(6);
          const amount =
            kind === 0 ? left : kind === 1 ? left + 1 + int(3) : kind === 2 ? left - int(3) : kind === 3 ? 1 + int(paid) : kind === 4 ? -int(3) : 1 + int(Math.max(1, Math.ceil(left / 3)));
          const problem = refundProblem(amount, books(), "SEK");
          // The rule written out independently: accepted exactly when 0 < amount ≤ paid − refunded − held.
          expect(problem === null, `${amount} of paid ${paid}, refunded ${refunded}, held ${heldMinor()}`).toBe(amount > 0 && amount <= left);
          if (problem === null) held.push({ amountMinor: amount });
        } else {
          // SEQR answers one held refund: confirmed, refused, or (still) silent.
          const index = int(held.length);
          const outcome = int(3);
          if (outcome === 0) {
            const [answered] = held.splice(index, 1);
            refunded += answered?.amountMinor ?? 0;
          } else if (outcome === 1) {
            held.splice(index, 1);
          }
        }
        expect(refunded + heldMinor()).toBeLessThanOrEqual(paid);
        expect(refundableMinor(books())).toBe(paid - refunded - heldMinor());
        if (refunded > 0) expect(statusAfterRefunds(paid, refunded) === "REFUNDED").toBe(refunded === paid);
      }

      // Every held refund is finally answered; then the remainder, if any, is refunded in one go.
      for (const refund of held.splice(0)) if (random() < 0.5) refunded += refund.amountMinor;
      expect(refunded).toBeLessThanOrEqual(paid);
      if (refunded > 0) expect(statusAfterRefunds(paid, refunded)).toBe(refunded === paid ? "REFUNDED" : "PARTIALLY_REFUNDED");
      const rest = paid - refunded;
      if (rest > 0) {
        expect(refundProblem(rest + 1, books(), "SEK")).not.toBeNull();
        expect(refundProblem(rest, books(), "SEK")).toBeNull();
        refunded += rest;
      } else {
        expect(refundProblem(1, books(), "SEK")).toBe("This payment has been refunded in full.");
      }
      expect(statusAfterRefunds(paid, refunded)).toBe("REFUNDED");
    }
  });
});

describe("Refund everything: the amount the button writes reads back as exactly what is left", () => {
  test.each([1, 7, 99, 100, 86450, 123456789, 999999999999999])("%i öre", (left) => {
    const written = toSeqrAmount(left, "SEK").replace(".", ",");
    expect(parseRefundAmount(written, "SEK")).toEqual({ ok: true, amountMinor: left });
  });

  test("the button names it as the shop writes money", () => {
    expect(formatMoney({ amountMinor: 86450, currency: "SEK" })).toBe(`864,50${NBSP}kr`);
  });
});

describe("priceRefundLines", () => {
  const jam: RefundableItem = { id: "a-jam", name: "Lingonberry jam, 400 g", sku: "JAM", unitPriceMinor: 6900, quantity: 3, refundedQuantity: 0 };
  const socks: RefundableItem = { id: "b-socks", name: "Wool socks", sku: "SOCKS", unitPriceMinor: 19950, quantity: 2, refundedQuantity: 1 };
  const items = [jam, socks];

  test("unit price × quantity per line, summed in öre; zero lines left out; lines in id order", () => {
    expect(
      priceRefundLines(items, [
        { orderItemId: "b-socks", quantity: 1 },
        { orderItemId: "a-jam", quantity: "2" },
      ]),
    ).toEqual({
      ok: true,
      amountMinor: 2 * 6900 + 19950,
      lines: [
        { orderItemId: "a-jam", name: jam.name, sku: "JAM", quantity: 2, amountMinor: 13800 },
        { orderItemId: "b-socks", name: socks.name, sku: "SOCKS", quantity: 1, amountMinor: 19950 },
      ],
    });
    expect(priceRefundLines(items, [{ orderItemId: "a-jam", quantity: 3 }, { orderItemId: "b-socks", quantity: "0" }])).toMatchObject({
      ok: true,
      amountMinor: 20700,
      lines: [{ orderItemId: "a-jam", quantity: 3 }],
    });
  });

  test.each([
    [[{ orderItemId: "b-socks", quantity: 2 }], "Wool socks: only 1 of 2 can still be refunded; nothing was refunded."],
    [[{ orderItemId: "a-jam", quantity: 4 }], "Lingonberry jam, 400 g: only 3 of 3 can still be refunded; nothing was refunded."],
    [[{ orderItemId: "a-jam", quantity: 0 }], "Choose how many of at least one item to refund."],
    [[], "Choose how many of at least one item to refund."],
    [[{ orderItemId: "c-other", quantity: 1 }], "That item is not part of this order. Reload the page and choose again."],
    [[{ orderItemId: "a-jam", quantity: 1 }, { orderItemId: "a-jam", quantity: 1 }], "That item is not part of this order. Reload the page and choose again."],
    [[{ orderItemId: "a-jam", quantity: "1.5" }], "Enter how many of each item to refund as a whole number, such as 2."],
    [[{ orderItemId: "a-jam", quantity: -1 }], "Enter how many of each item to refund as a whole number, such as 2."],
    [[{ orderItemId: "a-jam", quantity: "" }], "Enter how many of each item to refund as a whole number, such as 2."],
    [[{ orderItemId: "a-jam", quantity: "1e1" }], "Enter how many of each item to refund as a whole number, such as 2."],
  ])("%j is refused: %s", (requested, error) => {
    expect(priceRefundLines(items, requested)).toEqual({ ok: false, error });
  });

  test("a line refunded in full says so", () => {
    expect(priceRefundLines([{ ...socks, refundedQuantity: 2 }], [{ orderItemId: "b-socks", quantity: 1 }])).toEqual({
      ok: false,
      error: "Wool socks: all 2 are refunded already, or being refunded; nothing was refunded.",
    });
    expect(refundableQuantity({ quantity: 2, refundedQuantity: 2 })).toBe(0);
    expect(refundableQuantity({ quantity: 5, refundedQuantity: 1 })).toBe(4);
  });
});

describe("who and what the confirmation names", () => {
  test.each([
    ["46700643933", "070-064 39 33"],
    ["46701234567", "070-123 45 67"],
    ["46739876543", "073-987 65 43"],
    ["4681234567", "+4681234567"], // a Stockholm landline: left international
    ["4915112345678", "+4915112345678"],
  ])("msisdn %s is written %s", (msisdn, written) => {
    expect(formatMsisdn(msisdn)).toBe(written);
  });

  test("the phone first, then the e-mail, then 'the customer'", () => {
    expect(refundRecipient({ customerMsisdn: "46700643933", customerEmail: "astrid@example.se" })).toBe("070-064 39 33");
    expect(refundRecipient({ customerMsisdn: null, customerEmail: "astrid@example.se" })).toBe("astrid@example.se");
    expect(refundRecipient({ customerMsisdn: null, customerEmail: null })).toBe("the customer");
  });

  test("items go back into stock by default only while the order has not left the shop", () => {
    expect(restockByDefault("UNFULFILLED")).toBe(true);
    expect(restockByDefault("NOT_TO_SHIP")).toBe(true);
    expect(restockByDefault("SHIPPED")).toBe(false);
    expect(restockByDefault("PICKED_UP")).toBe(false);
  });
});
