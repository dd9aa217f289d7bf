import { describe, expect, test } from "vitest";

import { parseSeqrCode } from "@/lib/sandbox/seqr-urls";

describe("parseSeqrCode for service codes", () => {
  test("reads the service id and its parameters", () => {
    expect(parseSeqrCode("HTTP://SEQR.SE/000/SEQRSHOP?order=abc&lang=sv")).toEqual({
      kind: "service",
      serviceId: "SEQRSHOP",
      parameters: [
        ["order", "abc"],
        ["lang", "sv"],
      ],
    });
  });

  test("reads a service code without parameters", () => {
    expect(parseSeqrCode("HTTP://SEQR.SE/000/SEQRSHOP")).toEqual({ kind: "service", serviceId: "SEQRSHOP", parameters: [] });
  });

  test.each([
    "HTTP://SEQR.SE/000/SEQRSHOP?a=1",
    "http://seqr.se/000/SEQRSHOP?a=1",
    "Http://Seqr.Se/000/SEQRSHOP?a=1",
    "SEQR://SEQR.SE/000/SEQRSHOP?a=1",
    "seqr://seqr.se/000/SEQRSHOP?a=1",
    "HTTPS://SEQR.SE/000/SEQRSHOP?a=1",
    "https://seqr.se/000/SEQRSHOP?a=1",
  ])("accepts %s, scheme and host in any case", (text) => {
    expect(parseSeqrCode(text)).toEqual({ kind: "service", serviceId: "SEQRSHOP", parameters: [["a", "1"]] });
  });

  test("keeps the service id's own case", () => {
    expect(parseSeqrCode("http://seqr.se/000/SeqrShop")).toMatchObject({ serviceId: "SeqrShop" });
  });

  test("keeps parameters in their order, repeated names included", () => {
    expect(parseSeqrCode("HTTP://SEQR.SE/000/X?b=2&a=1&b=3")).toMatchObject({
      parameters: [
        ["b", "2"],
        ["a", "1"],
        ["b", "3"],
      ],
    });
  });

  test("percent-decodes parameter names and values", () => {
    expect(parseSeqrCode("HTTP://SEQR.SE/000/X?x%20y=a%20b&y=%C3%A5&amp=%26%3D%3F")).toMatchObject({
      parameters: [
        ["x y", "a b"],
        ["y", "å"],
        ["amp", "&=?"],
      ],
    });
  });

  test("reads a plus in the query as a space, as a form-encoded query string", () => {
    expect(parseSeqrCode("HTTP://SEQR.SE/000/X?z=a+b")).toMatchObject({ parameters: [["z", "a b"]] });
  });

  test("keeps an empty parameter value", () => {
    expect(parseSeqrCode("HTTP://SEQR.SE/000/X?empty=&a=1")).toMatchObject({
      parameters: [
        ["empty", ""],
        ["a", "1"],
      ],
    });
  });

  test("percent-decodes the service id", () => {
    expect(parseSeqrCode("HTTP://SEQR.SE/000/SEQR%20SHOP")).toMatchObject({ kind: "service", serviceId: "SEQR SHOP" });
  });

  test("accepts a trailing slash after the service id", () => {
    expect(parseSeqrCode("SEQR://SEQR.SE/000/SEQRSHOP/?a=1")).toEqual({
      kind: "service",
      serviceId: "SEQRSHOP",
      parameters: [["a", "1"]],
    });
  });

  test("ignores whitespace around the scanned text", () => {
    expect(parseSeqrCode("  HTTP://SEQR.SE/000/SEQRSHOP\n")).toMatchObject({ kind: "service", serviceId: "SEQRSHOP" });
  });

  test.each([
    ["a malformed percent-escape in the service id", "HTTP://SEQR.SE/000/%E0%A4%A"],
    ["no service id", "HTTP://SEQR.SE/000/"],
    ["another routing key", "HTTP://SEQR.SE/001/SEQRSHOP"],
    ["a deeper path", "HTTP://SEQR.SE/000/SEQRSHOP/extra"],
  ])("does not read %s as a service code", (_, text) => {
    expect(parseSeqrCode(text)).toEqual({ kind: "unknown" });
  });
});

describe("parseSeqrCode for invoice codes", () => {
  test.each([
    ["HTTP://SEQR.SE/R1371046425817", "1371046425817"],
    ["SEQR://SEQR.SE/R1371046425817", "1371046425817"],
    ["seqr://seqr.se/R42", "42"],
    ["https://SEQR.SE/R42", "42"],
    ["HTTP://SEQR.SE/r42", "42"],
    ["HTTP://SEQR.SE/R42/", "42"],
    [`HTTP://SEQR.SE/R${"9".repeat(32)}`, "9".repeat(32)],
  ])("reads %s as invoice %s", (text, invoiceReference) => {
    expect(parseSeqrCode(text)).toEqual({ kind: "invoice", invoiceReference });
  });

  test.each([
    ["no digits", "HTTP://SEQR.SE/R"],
    ["letters in the reference", "HTTP://SEQR.SE/R12a"],
    ["a reference longer than 32 digits", `HTTP://SEQR.SE/R${"9".repeat(33)}`],
    ["a query string", "HTTP://SEQR.SE/R42?x=1"],
  ])("does not read a code with %s as an invoice", (_, text) => {
    expect(parseSeqrCode(text)).toEqual({ kind: "unknown" });
  });
});

describe("parseSeqrCode for the wizard-cancel action", () => {
  test.each(["SEQR-ACTION://WIZARD/CANCEL", "seqr-action://wizard/cancel", "SEQR-ACTION://WIZARD/CANCEL/", " SEQR-ACTION://WIZARD/CANCEL "])(
    "reads %j as cancel",
    (text) => {
      expect(parseSeqrCode(text)).toEqual({ kind: "wizard-cancel" });
    },
  );

  test.each(["SEQR-ACTION://WIZARD/OTHER", "SEQR-ACTION://WIZARD/CANCEL/NOW", "HTTP://SEQR.SE/WIZARD/CANCEL"])(
    "does not read %j as cancel",
    (text) => {
      expect(parseSeqrCode(text)).toEqual({ kind: "unknown" });
    },
  );
});

describe("parseSeqrCode for everything else", () => {
  test.each([
    ["an empty text", ""],
    ["plain words", "hello"],
    ["another host", "HTTP://EXAMPLE.COM/000/SEQRSHOP"],
    ["a host that only starts with seqr.se", "HTTP://SEQR.SE.evil.example/R42"],
    ["a host with a port", "HTTP://SEQR.SE:80/R42"],
    ["another scheme", "ftp://seqr.se/R42"],
    ["no scheme", "SEQR.SE/R42"],
    ["the bare host", "HTTP://SEQR.SE/"],
    ["a URL of the shop", "https://shop.example.se/seqr/order#0000002012-63506374"],
  ])("reads %s as unknown", (_, text) => {
    expect(parseSeqrCode(text)).toEqual({ kind: "unknown" });
  });
});
