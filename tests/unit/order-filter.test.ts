import { describe, expect, test } from "vitest";

import { orderFilterSchema, orderWhere, parseOrderFilter } from "@/lib/admin/order-list";
import { caseVariants, formatPhoneNumber, msisdnPrefixOf, planSearch, prefixSuccessor } from "@/lib/admin/order-search";

// The orders list's filter, read from search parameters, and how its search box reads what was typed. What they
// find in the database is tested in tests/integration/admin-queries.test.ts; here only what they accept, refuse and
// turn into.

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
  // Only the parts whose shape carries meaning: dates become instants in the shop's zone. The search needs the
  // database (tests/integration/admin-queries.test.ts); what it reads the query as is planSearch's, below.

  test("no filter: no condition", () => {
    expect(orderWhere({})).toEqual({ AND: [] });
  });

  test("a day is the shop's day, from midnight to midnight in Stockholm", () => {
    expect(orderWhere({ from: "2026-11-30", to: "2026-11-30" })).toEqual({
      AND: [{ createdAt: { gte: new Date("2026-11-29T23:00:00.000Z"), lt: new Date("2026-11-30T23:00:00.000Z") } }],
    });
  });
});

describe("planSearch: what the search box's text may be", () => {
  test.each([
    ["1042", { number: 1042, reference: "1042", emailPrefix: "1042", idPrefix: "1042" }],
    // With "#", only the order number.
    ["#1042", { number: 1042 }],
    ["# 1042", { number: 1042 }],
  ])("%j", (query, plan) => {
    expect(planSearch(query)).toEqual(plan);
  });

  test("an order id, or the start of one: any case, also an e-mail start and a reference", () => {
    expect(planSearch("aB3-x_Y")).toEqual({ idPrefix: "aB3-x_Y", emailPrefix: "aB3-x_Y", reference: "aB3-x_Y" });
  });

  test("an e-mail address is no order id", () => {
    expect(planSearch("Anna@Example.se")).toEqual({ emailPrefix: "Anna@Example.se", reference: "Anna@Example.se" });
  });

  test("a phone number written with spaces is only a phone number", () => {
    expect(planSearch("070-064 39 33")).toEqual({ msisdnPrefix: "46700643933" });
    expect(planSearch("+46 70 064 39 33")).toEqual({ msisdnPrefix: "46700643933" });
  });

  test("words with spaces are nothing the search can find", () => {
    expect(planSearch("Anna Svensson")).toEqual({});
  });

  test("ten digits or more are no order number", () => {
    expect(planSearch("0700643933")).toEqual({ msisdnPrefix: "46700643933", reference: "0700643933", emailPrefix: "0700643933", idPrefix: "0700643933" });
  });
});

describe("msisdnPrefixOf: a phone number as SEQR's msisdn (international digits)", () => {
  test.each([
    ["070-064 39 33", "46700643933"],
    ["0700643933", "46700643933"],
    ["070 064 39 33", "46700643933"],
    ["070.064.39.33", "46700643933"],
    ["+46 70 064 39 33", "46700643933"],
    ["+46 (0)70 064 39 33", "46700643933"],
    ["+46700643933", "46700643933"],
    ["0046 70 064 39 33", "46700643933"],
    ["46700643933", "46700643933"],
    ["46 70-064 39 33", "46700643933"],
    // The start of a number.
    ["070-064", "4670064"],
    ["08-123 45", "46812345"],
    // Another country's, written internationally.
    ["+47 912 34 567", "4791234567"],
  ])("%j → %s", (query, msisdn) => {
    expect(msisdnPrefixOf(query)).toBe(msisdn);
  });

  test.each(["1042", "12345678", "0700", "anna@example.se", "070-064 39 33 x", "+", "", "1234567890123456", "+46 7O 064"])("%j is no phone number", (query) => {
    expect(msisdnPrefixOf(query)).toBeNull();
  });
});

describe("formatPhoneNumber", () => {
  test.each([
    ["46700643933", "070-064 39 33"],
    ["46701234567", "070-123 45 67"],
    ["4681234567", "081234567"],
    ["4791234567", "+4791234567"],
  ])("%s → %s", (msisdn, written) => {
    expect(formatPhoneNumber(msisdn)).toBe(written);
  });

  test("what it formats, the search finds again", () => {
    expect(msisdnPrefixOf(formatPhoneNumber("46700643933"))).toBe("46700643933");
  });
});

describe("caseVariants and prefixSuccessor: a prefix in any case as ranges of an index", () => {
  test("every way of writing the letters; other characters as they are", () => {
    expect(caseVariants("aB1")).toEqual(["ab1", "aB1", "Ab1", "AB1"]);
    expect(caseVariants("12-_")).toEqual(["12-_"]);
    expect(caseVariants("")).toEqual([""]);
    // "ß" upper-cases to two letters: kept as typed.
    expect(caseVariants("ß")).toEqual(["ß"]);
  });

  test("the upper bound lies after every string with that prefix, and is a digit or a letter moved on", () => {
    expect(prefixSuccessor("abc")).toBe("abd");
    expect(prefixSuccessor("AbC")).toBe("AbD");
    expect(prefixSuccessor("4670064393")).toBe("4670064394");
    // "9", "z", "Z" and punctuation would become punctuation: the bound moves an earlier character on instead.
    expect(prefixSuccessor("4670064399")).toBe("46700644");
    expect(prefixSuccessor("abz")).toBe("ac");
    expect(prefixSuccessor("aZ")).toBe("b");
    expect(prefixSuccessor("anna.")).toBe("annb");
    expect(prefixSuccessor("a-_")).toBe("b");
    expect(prefixSuccessor("z9-")).toBeNull();
    expect(prefixSuccessor("")).toBeNull();
    for (const prefix of ["abc", "4670064399", "abz", "anna.", "a-_"]) {
      const bound = prefixSuccessor(prefix) ?? "";
      for (const value of [prefix, `${prefix}z`, `${prefix}~`, `${prefix}\u00e5`, `${prefix}\uffff`]) expect(value >= prefix && value < bound, value).toBe(true);
    }
    expect("abd" < (prefixSuccessor("abc") ?? "")).toBe(false);
  });
});
