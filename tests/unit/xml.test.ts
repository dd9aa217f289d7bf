import { describe, expect, test } from "vitest";

import { buildXml, parseXml, XmlError } from "@/lib/xml";

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

describe("parseXml", () => {
  test("keys elements by local name, dropping namespace prefixes and attributes", () => {
    const document = parseXml(
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
        '<ns2:getPaymentStatusResponse xmlns:ns2="http://external.interfaces.ers.seamless.com/" a="1">' +
        "<return><status>PAID</status></return></ns2:getPaymentStatusResponse></soap:Body></soap:Envelope>",
    );
    expect(document).toEqual({ Envelope: { Body: { getPaymentStatusResponse: { return: { status: "PAID" } } } } });
  });

  test("ignores the XML declaration", () => {
    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?><x><b>1</b></x>')).toEqual({ x: { b: "1" } });
  });

  test("keeps every leaf a string, exactly as sent", () => {
    expect(parseXml("<x><value>10.10</value><code>007</code><flag>true</flag></x>")).toEqual({
      x: { value: "10.10", code: "007", flag: "true" },
    });
  });

  test("trims whitespace around text, so pretty-printed documents read like compact ones", () => {
    expect(parseXml("<x>\n  <b>  10.10  </b>\n  <e/>\n</x>")).toEqual({ x: { b: "10.10", e: "" } });
  });

  test("decodes XML's entities and numeric character references", () => {
    const document = parseXml("<x><b>Tom &amp; Jerry &lt;3 &gt; &quot;q&quot; &apos;a&apos; Sm&#229;land &#xE5;</b></x>");
    expect(document).toEqual({ x: { b: "Tom & Jerry <3 > \"q\" 'a' Småland å" } });
  });

  test("does not double-decode an escaped entity", () => {
    expect(parseXml("<x><b>&amp;lt;</b></x>")).toEqual({ x: { b: "&lt;" } });
  });

  test("returns a repeated element as a list", () => {
    expect(parseXml("<x><b>1</b><b>2</b></x>")).toEqual({ x: { b: ["1", "2"] } });
  });

  test("returns an element named as repeating as a list even when it occurs once", () => {
    const repeating = new Set(["entry"]);
    expect(parseXml("<p><entry><key>k</key></entry></p>", repeating)).toEqual({ p: { entry: [{ key: "k" }] } });
    expect(parseXml("<p><entry><key>k</key></entry><entry><key>l</key></entry></p>", repeating)).toEqual({
      p: { entry: [{ key: "k" }, { key: "l" }] },
    });
  });

  test("returns a single occurrence of an element not named as repeating as itself", () => {
    expect(parseXml("<p><entry><key>k</key></entry></p>", new Set(["other"]))).toEqual({ p: { entry: { key: "k" } } });
  });

  test("refuses a document type declaration", () => {
    expect(() => parseXml('<!DOCTYPE x SYSTEM "http://attacker.example/x.dtd"><x/>')).toThrow(XmlError);
    expect(() => parseXml("<!doctype x><x/>")).toThrow(XmlError);
  });

  test("refuses an entity declaration", () => {
    expect(() => parseXml('<!ENTITY xxe SYSTEM "file:///etc/passwd"><x>&xxe;</x>')).toThrow(XmlError);
  });

  test("refuses a billion-laughs document before expanding anything", () => {
    const lol = [
      '<?xml version="1.0"?>',
      "<!DOCTYPE lolz [",
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, level) => {
        const previous = level === 0 ? "lol" : `lol${level}`;
        return ` <!ENTITY lol${level + 1} "${`&${previous};`.repeat(10)}">`;
      }),
      "]>",
      "<lolz>&lol9;</lolz>",
    ].join("\n");
    const started = Date.now();
    expect(() => parseXml(lol)).toThrow(XmlError);
    expect(() => parseXml(lol)).toThrow(/DTD/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("refuses an external entity attack hidden inside a SOAP envelope", () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
      "<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body><r>&x;</r></soap:Body></soap:Envelope>";
    expect(() => parseXml(xxe)).toThrow(XmlError);
  });

  test.each([
    ["an unclosed element", "<x><b>1</x>"],
    ["a mismatched closing tag", "<x><b>1</b></y>"],
    ["plain text", "not xml"],
    ["an empty document", ""],
    ["a truncated document", "<x><b>1</b"],
  ])("refuses %s", (_, text) => {
    expect(() => parseXml(text)).toThrow(XmlError);
    expect(() => parseXml(text)).toThrow(/not well-formed XML/);
  });
});

describe("buildXml", () => {
  test("starts with an XML declaration and writes no whitespace between elements", () => {
    expect(buildXml({ r: { a: "1", b: "2" } })).toBe(`${DECLARATION}<r><a>1</a><b>2</b></r>`);
  });

  test("escapes &, <, >, double and single quotes in text", () => {
    expect(buildXml({ r: { a: `Tom & Jerry <3> "q" 'a'` } })).toBe(
      `${DECLARATION}<r><a>Tom &amp; Jerry &lt;3&gt; &quot;q&quot; &apos;a&apos;</a></r>`,
    );
  });

  test("escapes attribute values, written from @_ keys", () => {
    expect(buildXml({ r: { "@_k": 'a"b&<', a: "1" } })).toBe(`${DECLARATION}<r k="a&quot;b&amp;&lt;"><a>1</a></r>`);
  });

  test("leaves out undefined and null children, at any depth", () => {
    expect(buildXml({ r: { a: "1", b: undefined, c: null, d: { e: undefined, f: "2", g: null } } })).toBe(
      `${DECLARATION}<r><a>1</a><d><f>2</f></d></r>`,
    );
  });

  test("keeps an empty string as an empty element", () => {
    expect(buildXml({ r: { a: "" } })).toBe(`${DECLARATION}<r><a></a></r>`);
  });

  test("writes numbers as text", () => {
    expect(buildXml({ r: { a: 5, b: 0 } })).toBe(`${DECLARATION}<r><a>5</a><b>0</b></r>`);
  });

  test("writes children in the object's key order, not alphabetically", () => {
    expect(buildXml({ r: { z: "1", a: "2", m: { y: "1", b: "2" } } })).toBe(
      `${DECLARATION}<r><z>1</z><a>2</a><m><y>1</y><b>2</b></m></r>`,
    );
  });

  test("writes a list as repeated elements", () => {
    expect(buildXml({ r: { row: [{ n: "1" }, { n: "2" }] } })).toBe(
      `${DECLARATION}<r><row><n>1</n></row><row><n>2</n></row></r>`,
    );
  });

  test("keeps tabs, newlines and non-ASCII text", () => {
    expect(buildXml({ r: { a: "å\tb\nc" } })).toBe(`${DECLARATION}<r><a>å\tb\nc</a></r>`);
  });

  test.each([
    ["\u0001", "a start-of-heading"],
    ["\u0000", "a NUL"],
    ["\u000B", "a vertical tab"],
    ["\u001F", "a unit separator"],
    ["\uFFFF", "a non-character"],
  ])("refuses text with %j (%s), which XML cannot carry even escaped", (character) => {
    expect(() => buildXml({ r: { a: `x${character}y` } })).toThrow(XmlError);
  });

  test("names where the forbidden character is", () => {
    expect(() => buildXml({ r: { rows: [{ a: "ok" }, { a: "bad\u0001" }] } })).toThrow("r.rows[1].a");
  });

  test("produces text that parseXml reads back unchanged", () => {
    const tree = { r: { a: `Tom & Jerry <3> "q" 'a' Småland`, b: { c: "1" } } };
    expect(parseXml(buildXml(tree))).toEqual(tree);
  });
});
