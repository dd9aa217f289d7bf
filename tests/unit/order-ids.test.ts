import { describe, expect, test } from "vitest";

import { hashSessionToken, newClientInvoiceId } from "@/lib/orders/ids";
import { clientInvoiceIdSchema, invoiceReferenceSchema, sessionTokenSchema } from "@/lib/orders/schemas";

describe("newClientInvoiceId", () => {
  test("is 22 URL-safe characters matching clientInvoiceIdSchema", () => {
    for (let i = 0; i < 200; i += 1) {
      const id = newClientInvoiceId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(clientInvoiceIdSchema.safeParse(id).success, id).toBe(true);
      // URL-safe: survives a query string unchanged.
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  test("carries 128 bits: decodes to 16 bytes", () => {
    expect(Buffer.from(newClientInvoiceId(), "base64url")).toHaveLength(16);
  });

  test("10 000 ids are all distinct", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newClientInvoiceId()));
    expect(ids.size).toBe(10_000);
  });
});

describe("clientInvoiceIdSchema", () => {
  test.each([
    ["21 characters", "A".repeat(21)],
    ["23 characters", "A".repeat(23)],
    ["empty", ""],
    ["standard base64 '+'", `${"A".repeat(21)}+`],
    ["standard base64 '/'", `${"A".repeat(21)}/`],
    ["padding", `${"A".repeat(20)}==`],
    ["a space", `${"A".repeat(21)} `],
  ])("refuses %s", (_what, value) => {
    expect(clientInvoiceIdSchema.safeParse(value).success).toBe(false);
  });
});

describe("hashSessionToken", () => {
  test("is a 64-hex SHA-256 (known answers)", () => {
    expect(hashSessionToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashSessionToken("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  test("is 64 lower-case hex characters, deterministic", () => {
    const token = "0000002012-63506374";
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(token)).toBe(hashSessionToken(token));
  });

  test("differs for different tokens", () => {
    expect(hashSessionToken("0000002012-63506374")).not.toBe(hashSessionToken("0000002012-63506375"));
    expect(hashSessionToken("a")).not.toBe(hashSessionToken("A"));
  });

  test("hashes the token's UTF-8 bytes", () => {
    expect(hashSessionToken("é")).toBe(hashSessionToken("\u00e9"));
    expect(hashSessionToken("é")).not.toBe(hashSessionToken("e\u0301"));
  });

  test("does not contain the token", () => {
    expect(hashSessionToken("0000002012-63506374")).not.toContain("63506374");
  });
});

describe("sessionTokenSchema", () => {
  test.each(["0000002012-63506374", "abc", "A.b_c~d-e", "x".repeat(200)])("accepts %j", (token) => {
    expect(sessionTokenSchema.parse(token)).toBe(token);
  });

  test("trims surrounding whitespace", () => {
    expect(sessionTokenSchema.parse("  0000002012-63506374\n")).toBe("0000002012-63506374");
  });

  test.each([
    ["a space inside", "0000002012 63506374"],
    ["a '#'", "#0000002012-63506374"],
    ["a '#' inside", "0000002012#63506374"],
    ["overlong (201)", "x".repeat(201)],
    ["empty", ""],
    ["only spaces", "   "],
    ["a '/'", "0000002012/63506374"],
    ["a '?'", "0000002012?x=1"],
    ["a '&'", "0000002012&63506374"],
    ["a '%'", "0000002012%2063506374"],
    ["non-ASCII", "0000002012-6350637ä"],
  ])("refuses %s", (_what, token) => {
    expect(sessionTokenSchema.safeParse(token).success).toBe(false);
  });
});

describe("invoiceReferenceSchema", () => {
  test.each(["1", "0", "1234567890", "0000000001", "9".repeat(32)])("accepts %j", (reference) => {
    expect(invoiceReferenceSchema.parse(reference)).toBe(reference);
  });

  test.each([
    ["empty", ""],
    ["a letter", "12a"],
    ["a sign", "-1"],
    ["a plus", "+1"],
    ["a decimal point", "1.5"],
    ["a leading space", " 123"],
    ["a trailing newline", "123\n"],
    ["33 digits", "9".repeat(33)],
    ["Arabic-Indic digits", "\u0661\u0662\u0663"],
    ["full-width digits", "\uff11\uff12\uff13"],
  ])("refuses %s", (_what, reference) => {
    expect(invoiceReferenceSchema.safeParse(reference).success).toBe(false);
  });
});
