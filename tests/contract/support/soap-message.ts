import { XMLParser } from "fast-xml-parser";

import { SEQR_NAMESPACE, SOAP_11_NAMESPACE } from "./wsdl-schema";

// SOAP messages as the contract suite reads them: a namespace-aware element tree (the shop's own lib/xml.ts drops
// prefixes, which is exactly what these tests must not do) and the SOAP Body's child cut out of the exact bytes
// sent, so that the schema judges what went over the wire.

export type XmlTree = {
  /** The qualified name as written, e.g. `ext:sendInvoice`. */
  name: string;
  localName: string;
  /** The namespace URI the element is in; undefined for an unqualified element. */
  namespace: string | undefined;
  attributes: Record<string, string>;
  children: XmlTree[];
  /** The element's own text (entities decoded), whitespace between child elements excluded. */
  text: string;
};

type OrderedNode = Record<string, unknown>;

const orderedParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function toTree(node: OrderedNode, inScope: ReadonlyMap<string, string>): XmlTree | undefined {
  const name = Object.keys(node).find((key) => key !== ":@" && key !== "#text" && key !== "#comment");
  if (name === undefined) return undefined;
  const attributes = { ...((node[":@"] as Record<string, string> | undefined) ?? {}) };
  const scope = new Map(inScope);
  for (const [attribute, value] of Object.entries(attributes)) {
    if (attribute === "xmlns") scope.set("", value);
    else if (attribute.startsWith("xmlns:")) scope.set(attribute.slice("xmlns:".length), value);
  }
  const colon = name.indexOf(":");
  const prefix = colon >= 0 ? name.slice(0, colon) : "";
  const namespace = scope.get(prefix) || undefined;
  if (prefix !== "" && namespace === undefined) throw new Error(`undeclared namespace prefix in <${name}>`);
  const children: XmlTree[] = [];
  let text = "";
  for (const child of (node[name] as OrderedNode[] | undefined) ?? []) {
    if (typeof child["#text"] === "string") text += child["#text"];
    else {
      const tree = toTree(child, scope);
      if (tree) children.push(tree);
    }
  }
  return {
    name,
    localName: colon >= 0 ? name.slice(colon + 1) : name,
    namespace,
    attributes,
    children,
    text: children.length > 0 ? text.trim() : text,
  };
}

/** The document element of `xml`, with every element's namespace resolved. */
export function parseTree(xml: string): XmlTree {
  const nodes = orderedParser.parse(xml) as OrderedNode[];
  const roots = nodes.map((node) => toTree(node, new Map())).filter((tree) => tree !== undefined);
  if (roots.length !== 1 || !roots[0]) throw new Error(`expected one document element, found ${roots.length}`);
  return roots[0];
}

/** The child elements called `localName`. */
export function childrenNamed(parent: XmlTree, localName: string): XmlTree[] {
  return parent.children.filter((child) => child.localName === localName);
}

/** The one child called `localName`; throws when there is none or more than one. */
export function child(parent: XmlTree, localName: string): XmlTree {
  const found = childrenNamed(parent, localName);
  if (found.length !== 1 || !found[0]) {
    throw new Error(`<${parent.name}> has ${found.length} <${localName}> children, expected 1`);
  }
  return found[0];
}

/** Follows a path of local names from `root`, e.g. `path(wrapper, "context", "initiatorPrincipalId", "type")`. */
export function path(root: XmlTree, ...names: string[]): XmlTree {
  return names.reduce(child, root);
}

/** Every element below `root` (not `root` itself), depth first. */
export function descendants(root: XmlTree): XmlTree[] {
  return root.children.flatMap((element) => [element, ...descendants(element)]);
}

/** The SOAP 1.1 envelope's parts: `Body` and its single child (the operation's wrapper element). */
export function soapParts(envelopeXml: string): { envelope: XmlTree; header: XmlTree | undefined; body: XmlTree; wrapper: XmlTree } {
  const envelope = parseTree(envelopeXml);
  const body = child(envelope, "Body");
  if (body.children.length !== 1 || !body.children[0]) {
    throw new Error(`the SOAP Body has ${body.children.length} child elements, expected 1`);
  }
  return { envelope, header: childrenNamed(envelope, "Header")[0], body, wrapper: body.children[0] };
}

const START_TAG = (localName: string) => new RegExp(`<(?:([A-Za-z_][\\w.-]*):)?${localName}\\b[^>]*>`);
const NAMESPACE_DECLARATION = /\sxmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*("[^"]*"|'[^']*')/g;

function declarations(startTag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of startTag.matchAll(NAMESPACE_DECLARATION)) found.set(match[1] ?? "", match[0].trim());
  return found;
}

/**
 * The SOAP Body's child element as a standalone document, cut from the exact text of `envelopeXml` (no
 * re-serialisation), with the namespace declarations it inherits from `Envelope` and `Body` copied onto its own
 * start tag: `<ext:sendInvoice xmlns:ext="…">…</ext:sendInvoice>`.
 */
export function bodyChildXml(envelopeXml: string): string {
  const envelopeTag = START_TAG("Envelope").exec(envelopeXml);
  const bodyTag = START_TAG("Body").exec(envelopeXml);
  if (!envelopeTag || !bodyTag) throw new Error("not a SOAP envelope with a Body");
  const bodyEnd = `</${bodyTag[1] ? `${bodyTag[1]}:` : ""}Body>`;
  const end = envelopeXml.lastIndexOf(bodyEnd);
  if (end < 0) throw new Error(`no ${bodyEnd}`);
  const content = envelopeXml.slice(bodyTag.index + bodyTag[0].length, end).trim();
  const wrapperTag = /^<([^\s/>]+)([^>]*)>/.exec(content);
  if (!wrapperTag) throw new Error("the SOAP Body does not start with an element");
  const inherited = new Map([...declarations(envelopeTag[0]), ...declarations(bodyTag[0])]);
  const own = declarations(wrapperTag[0]);
  const added = [...inherited].filter(([prefix]) => !own.has(prefix)).map(([, declaration]) => ` ${declaration}`);
  const tagName = wrapperTag[1] ?? "";
  return `<${tagName}${added.join("")}${content.slice(1 + tagName.length)}`;
}

/** A SEQR-style answer as SEQR's CXF endpoint wrote it: `<ns2:{op}Response><return>…</return>`. */
export function seqrAnswer(operation: string, returnContent: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soap:Envelope xmlns:soap="${SOAP_11_NAMESPACE}"><soap:Body>` +
    `<ns2:${operation}Response xmlns:ns2="${SEQR_NAMESPACE}"><return>${returnContent}</return></ns2:${operation}Response>` +
    `</soap:Body></soap:Envelope>`
  );
}
