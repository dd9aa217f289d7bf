import { describe, expect, test } from "vitest";

import { orderFilterSchema, orderWhere, parseOrderFilter } from "@/lib/admin/order-list";

// The orders list's filter, read from search parameters. What it finds in the database is tested in
// tests/integration/admin-queries.test.ts; here only what it accepts, refuses and turns into.

type Params = Record<string, string | string[] | undefined>;

const STATUSES = ["PENDING", "INVOICED", "PAID", "FAILED", "CANCELED", "EXPIRED", "NEEDS_ATTENTION", "PARTIALLY_REFUNDED", "REFUNDED"];

function accepted(params: Params) {
  const result = parseOrderFilter(params);
  if (!result.success) throw new Error(`refused: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

/** [path, message] for every problem. */
function refused(params: Params): [string, string][] {
  const result = parseOrderFilter(params);
  if (result.success) throw new Error(`accepted: ${JSON.stringify(result.data)}`);
  return result.error.issues.map((issue) => [issue.path.join("."), issue.message]);
}

describe("parseOrderFilter", () => {
  test("no parameters: everything, page 1", () => {
    expect(accepted({})).toEqual({ page: 1 });
  });

  test("blank parameters (an empty form submitted) mean not given", () => {
    expect(accepted({ status: "", from: "", to: "", q: "", page: "" })).toEqual({ page: 1 });
    expect(accepted({ status: undefined, from: undefined, to: undefined, q: undefined, page: undefined })).toEqual({ page: 1 });
  });

  test("a full filter", () => {
    expect(accepted({ status: "PAID", from: "2026-11-01", to: "2026-11-27", q: "46701234567", page: "3" })).toEqual({
      status: "PAID",
      from: "2026-11-01",
      to: "2026-11-27",
      q: "46701234567",
      page: 3,
    });
  });

  test.each(STATUSES)("status %s is accepted", (status) => {
    expect(accepted({ status }).status).toBe(status);
  });

  test.each(["paid", "Paid", "BOGUS", "PAID ", "REFUND", "0"])("status %j is refused with a message", (status) => {
    expect(refused({ status })).toEqual([["status", "is not an order status"]]);
  });

  test("dates must be calendar dates written YYYY-MM-DD", () => {
    expect(refused({ from: "2026-02-30" })).toEqual([["from", "is not a calendar date"]]);
    expect(refused({ to: "2026-1-5" })).toContainEqual(["to", "must be a date such as 2026-11-27"]);
    expect(refused({ from: "27/11/2026" })).toContainEqual(["from", "must be a date such as 2026-11-27"]);
  });

  test("from after to is refused, on the from field; the same day or either alone is fine", () => {
    expect(refused({ from: "2026-11-28", to: "2026-11-27" })).toEqual([["from", "must not be after the end date"]]);
    expect(refused({ from: "2027-01-01", to: "2026-12-31" })).toEqual([["from", "must not be after the end date"]]);
    expect(accepted({ from: "2026-11-27", to: "2026-11-27" })).toMatchObject({ from: "2026-11-27", to: "2026-11-27" });
    expect(accepted({ from: "2026-11-28" })).toEqual({ from: "2026-11-28", page: 1 });
    expect(accepted({ to: "2026-11-27" })).toEqual({ to: "2026-11-27", page: 1 });
  });

  test("the search is trimmed; only blanks is no search", () => {
    expect(accepted({ q: "  abc  " }).q).toBe("abc");
    expect(accepted({ q: "\t+46 70 123 45 67\n" }).q).toBe("+46 70 123 45 67");
    expect(accepted({ q: "    " }).q).toBeUndefined();
  });

  test("the search is at most 100 characters, counted after trimming", () => {
    expect(accepted({ q: "x".repeat(100) }).q).toHaveLength(100);
    expect(accepted({ q: `   ${"x".repeat(100)}   ` }).q).toBe("x".repeat(100));
    expect(refused({ q: "x".repeat(101) })).toEqual([["q", "must be at most 100 characters"]]);
  });

  test.each([
    ["1", 1],
    ["2", 2],
    ["25", 25],
    [" 4 ", 4],
    ["100000", 100_000],
  ])("page %j → %i", (page, expected) => {
    expect(accepted({ page }).page).toBe(expected);
  });

  test.each(["0", "-1", "2.5", "abc", "1e9", "100001"])("page %j is refused", (page) => {
    expect(refused({ page }).map(([path]) => path)).toEqual(["page"]);
  });

  test("repeated parameters (?status=PAID&status=BOGUS): only the first value counts", () => {
    expect(accepted({ status: ["PAID", "BOGUS"], q: ["first", "second"], page: ["2", "x"], from: ["2026-11-01", "nonsense"] })).toEqual({
      status: "PAID",
      q: "first",
      page: 2,
      from: "2026-11-01",
    });
    expect(refused({ status: ["BOGUS", "PAID"] })).toEqual([["status", "is not an order status"]]);
    expect(accepted({ status: [] })).toEqual({ page: 1 });
  });

  test("unknown parameters are ignored", () => {
    expect(accepted({ sort: "amount", utm_source: "x" })).toEqual({ page: 1 });
  });

  test("orderFilterSchema itself reads already-parsed values the same way", () => {
    expect(orderFilterSchema.parse({ status: "REFUNDED", page: 7 })).toEqual({ status: "REFUNDED", page: 7 });
  });
});

describe("orderWhere", () => {
  // Only the parts whose shape carries meaning: dates become instants in the shop's zone, and a search for digits
  // also looks for a phone number without its spaces, dashes and "+".

  test("no filter: no condition", () => {
    expect(orderWhere({})).toEqual({ AND: [] });
  });

  test("a search that is not a phone number looks only at order and invoice references", () => {
    expect(orderWhere({ q: "Ab-12_xyz" })).toEqual({
      AND: [{ OR: [{ clientInvoiceId: "Ab-12_xyz" }, { attempts: { some: { invoiceReference: "Ab-12_xyz" } } }] }],
    });
    // Fewer than 4 digits would match almost every number.
    expect(orderWhere({ q: "123" })).toEqual({
      AND: [{ OR: [{ clientInvoiceId: "123" }, { attempts: { some: { invoiceReference: "123" } } }] }],
    });
  });

  test.each([
    ["46701234567", "46701234567"],
    ["+46 70-123 45 67", "46701234567"],
    ["4567", "4567"],
    ["123456789012345", "123456789012345"],
  ])("a search for %j also looks for msisdns containing %s", (q, digits) => {
    expect(orderWhere({ q })).toEqual({
      AND: [
        {
          OR: [{ clientInvoiceId: q }, { attempts: { some: { invoiceReference: q } } }, { customerMsisdn: { contains: digits } }],
        },
      ],
    });
  });

  test.each([
    ["070-123 45 67", ["0701234567", "46701234567"]],
    ["0701234567", ["0701234567", "46701234567"]],
    ["0046 70 123 45 67", ["46701234567"]],
  ])("a Swedish number written %j also looks for its international digits", (q, fragments) => {
    expect(orderWhere({ q })).toEqual({
      AND: [
        {
          OR: [
            { clientInvoiceId: q },
            { attempts: { some: { invoiceReference: q } } },
            ...fragments.map((digits) => ({ customerMsisdn: { contains: digits } })),
          ],
        },
      ],
    });
  });

  test("a search of more than 15 digits is no phone number", () => {
    const q = "1234567890123456";
    expect(orderWhere({ q })).toEqual({ AND: [{ OR: [{ clientInvoiceId: q }, { attempts: { some: { invoiceReference: q } } }] }] });
  });
});
