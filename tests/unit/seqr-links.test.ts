import { describe, expect, test } from "vitest";

import { invoiceQrText, seqrAppLink, serviceQrText, WIZARD_CANCEL_ACTION } from "@/lib/seqr/links";

const APP_URL = "http://localhost:3000/sandbox/app";

/** The query parameters of a QR text, as any URL reader decodes them. */
function queryOf(text: string): [string, string][] {
  const query = text.includes("?") ? text.slice(text.indexOf("?") + 1) : "";
  return [...new URLSearchParams(query).entries()];
}

describe("serviceQrText", () => {
  test("is HTTP://SEQR.SE/000/<service id> without parameters", () => {
    expect(serviceQrText("SEQRSHOP")).toBe("HTTP://SEQR.SE/000/SEQRSHOP");
    expect(serviceQrText("SEQRSHOP", {})).toBe("HTTP://SEQR.SE/000/SEQRSHOP");
  });

  test("appends the parameters as a query string, in the order given", () => {
    expect(serviceQrText("SEQRSHOP", { order: "abc", lang: "sv" })).toBe("HTTP://SEQR.SE/000/SEQRSHOP?order=abc&lang=sv");
  });

  test("percent-encodes parameters, so that reserved characters cannot split or end the query", () => {
    const parameters = { order: "a b&c=d", "x y": "å/?#%+", empty: "" };
    const text = serviceQrText("SEQRSHOP", parameters);
    expect(text.startsWith("HTTP://SEQR.SE/000/SEQRSHOP?")).toBe(true);
    const query = text.slice(text.indexOf("?") + 1);
    expect(query).not.toMatch(/[ #?/å]/);
    expect(query.split("&")).toHaveLength(3);
    expect(query).toContain("%C3%A5");
    expect(query).toContain("%26");
    expect(query).toContain("%3D");
    expect(query).toContain("%25");
    expect(query).toContain("%2B");
    expect(queryOf(text)).toEqual(Object.entries(parameters));
  });

  test("percent-encodes the service id into a single path segment", () => {
    expect(serviceQrText("SEQR SHOP/1")).toBe("HTTP://SEQR.SE/000/SEQR%20SHOP%2F1");
  });
});

describe("invoiceQrText", () => {
  test("is HTTP://SEQR.SE/R<invoiceReference>, as sendInvoice's invoiceQRCode", () => {
    expect(invoiceQrText("1234567890")).toBe("HTTP://SEQR.SE/R1234567890");
  });

  test("percent-encodes a reference that is not a plain number", () => {
    expect(invoiceQrText("12 3/4")).toBe("HTTP://SEQR.SE/R12%203%2F4");
  });
});

describe("seqrAppLink with a simulated app", () => {
  test.each([
    "HTTP://SEQR.SE/R1234",
    "HTTP://SEQR.SE/000/SEQRSHOP?order=a%20b&x=1",
    "http://seqr.se/000/SEQRSHOP",
  ])("hands %s to the app as its percent-encoded url parameter", (seqrUrl) => {
    const link = seqrAppLink(seqrUrl, APP_URL);
    expect(link).toBe(`${APP_URL}?url=${encodeURIComponent(seqrUrl)}`);
    expect(new URL(link).searchParams.get("url")).toBe(seqrUrl);
  });

  test("keeps the HTTP scheme inside the handed-over URL", () => {
    expect(seqrAppLink("HTTP://SEQR.SE/R1234", APP_URL)).toBe(`${APP_URL}?url=HTTP%3A%2F%2FSEQR.SE%2FR1234`);
  });

  test("wraps the wizard-cancel action too", () => {
    expect(seqrAppLink(WIZARD_CANCEL_ACTION, APP_URL)).toBe(`${APP_URL}?url=SEQR-ACTION%3A%2F%2FWIZARD%2FCANCEL`);
  });
});

describe("seqrAppLink for a real phone", () => {
  test.each([
    ["HTTP://SEQR.SE/R1234", "SEQR://SEQR.SE/R1234"],
    ["http://SEQR.SE/R1234", "SEQR://SEQR.SE/R1234"],
    ["Http://SEQR.SE/R1234", "SEQR://SEQR.SE/R1234"],
    ["https://SEQR.SE/R1234", "SEQR://SEQR.SE/R1234"],
    ["HTTP://SEQR.SE/000/SEQRSHOP?order=abc", "SEQR://SEQR.SE/000/SEQRSHOP?order=abc"],
  ])("turns %s into %s", (seqrUrl, expected) => {
    expect(seqrAppLink(seqrUrl, undefined)).toBe(expected);
  });

  test("replaces only the leading scheme, not an http:// inside the parameters", () => {
    expect(seqrAppLink("HTTP://SEQR.SE/000/S?back=HTTP://shop", undefined)).toBe("SEQR://SEQR.SE/000/S?back=HTTP://shop");
  });

  test("passes the wizard-cancel action through unchanged", () => {
    expect(seqrAppLink(WIZARD_CANCEL_ACTION, undefined)).toBe("SEQR-ACTION://WIZARD/CANCEL");
  });

  test("treats an empty app URL as no app URL", () => {
    expect(seqrAppLink("HTTP://SEQR.SE/R1234", "")).toBe("SEQR://SEQR.SE/R1234");
  });
});
