import { EntityDecoder } from "@nodable/entities";
import { XMLBuilder, XMLParser } from "fast-xml-parser";

// XML in and out, through fast-xml-parser, for SEQR's SOAP messages (the client in lib/seqr and the sandbox in
// lib/sandbox). Nothing here knows SEQR; it only makes the library's settings safe and identical everywhere.

export class XmlError extends Error {
  override readonly name = "XmlError";
}

/** An element's content: text, child elements by local name, or a list when the element repeats. */
export type XmlNode = string | XmlElement | XmlNode[];
export type XmlElement = { [name: string]: XmlNode };

// A DOCTYPE is how entity-expansion ("billion laughs") and external-entity attacks begin; SOAP forbids DTDs
// (SOAP 1.1 §3), so any document carrying one is refused before it is parsed.
const DTD_PATTERN = /<!DOCTYPE|<!ENTITY/i;

// Characters XML 1.0 cannot carry at all, even escaped.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * Parses an XML document into plain objects keyed by local names (namespace prefixes dropped, attributes
 * ignored, leading and trailing whitespace of text trimmed, so that pretty-printed documents read the same as
 * compact ones). Every leaf stays a string, so that amounts such as "10.10" reach the caller exactly as sent;
 * `repeating` names the elements that are always returned as lists, however many times they occur.
 */
export function parseXml(text: string, repeating: ReadonlySet<string> = new Set()): XmlElement {
  if (DTD_PATTERN.test(text)) throw new XmlError("DTDs and entity declarations are not accepted");
  const parser = new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    // XML's five entities and numeric character references (&#229; for "å"), nothing from HTML.
    entityDecoder: new EntityDecoder({ numericAllowed: true }),
    isArray: (name) => repeating.has(name),
  });
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (error) {
    throw new XmlError(`not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null) throw new XmlError("not an XML document");
  return parsed as XmlElement;
}

/** An element to build: children in the order given; undefined and null children are left out. */
export type XmlBuildNode = string | number | XmlBuildElement | XmlBuildNode[] | undefined | null;
export type XmlBuildElement = { [name: string]: XmlBuildNode };

function assertValidText(node: XmlBuildNode, path: string): void {
  if (typeof node === "string") {
    if (INVALID_XML_CHARS.test(node)) throw new XmlError(`${path} contains a character XML cannot carry`);
  } else if (Array.isArray(node)) {
    node.forEach((child, index) => assertValidText(child, `${path}[${index}]`));
  } else if (node && typeof node === "object") {
    for (const [name, child] of Object.entries(node)) assertValidText(child, path ? `${path}.${name}` : name);
  }
}

function dropEmpty(node: XmlBuildNode): XmlBuildNode {
  if (Array.isArray(node)) return node.map(dropEmpty);
  if (node && typeof node === "object") {
    const out: XmlBuildElement = {};
    for (const [name, child] of Object.entries(node)) {
      if (child === undefined || child === null) continue;
      out[name] = dropEmpty(child);
    }
    return out;
  }
  return node;
}

/**
 * Serialises an element tree. Text is escaped by the library (&, <, >, quotes); attributes are written from keys
 * starting with "@_". Children appear in the object's key order, which is how callers keep a schema's order.
 */
export function buildXml(root: XmlBuildElement): string {
  assertValidText(root, "");
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    suppressEmptyNode: false,
    processEntities: true,
    format: false,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(dropEmpty(root)) as string}`;
}
