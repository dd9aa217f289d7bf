import { z } from "zod";

import type { XmlElement } from "../xml.ts";
import { fromSeqrAmount, SeqrAmountError } from "./amounts.ts";
import { SeqrError } from "./errors.ts";
import {
  SEQR_INVOICE_STATUSES,
  type ClientSessionInfo,
  type PaymentReceipt,
  type PaymentStatus,
  type Report,
  type SentInvoice,
} from "./types.ts";

// SEQR's answers, validated with zod and then mapped to the shop's types. Unknown elements are ignored (SEQR
// added fields over the years); a missing required element is an error that names it. Every leaf arrives as a
// string (lib/xml.ts keeps them so), which is what lets amounts stay exact.

/** An element that may be absent; `<x/>` (an empty string after parsing) counts as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const text = z.string();
const integer = z
  .string()
  .trim()
  .regex(/^[+-]?\d+$/, "must be an integer")
  .transform(Number)
  .refine((value) => Math.abs(value) <= 2 ** 31 - 1, "is out of range for xs:int");
const dateTime = z
  .string()
  .trim()
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be an xs:dateTime")
  .transform((value) => new Date(value));
/** A list element; a single occurrence is already a list (lib/seqr/soap.ts names the repeating elements). */
const list = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? [] : value), z.array(schema));

const amount = z
  .object({ currency: text, value: text })
  .transform(({ currency, value }, ctx) => {
    try {
      return { currency, amountMinor: fromSeqrAmount(value, currency) };
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof SeqrAmountError ? error.message : "invalid amount" });
      return z.NEVER;
    }
  });

export const baseResponse = z.object({
  resultCode: integer,
  resultDescription: optional(text),
  ersReference: optional(text),
});

const sendInvoiceResponse = baseResponse.extend({
  invoiceQRCode: optional(text),
  invoiceReference: text.min(1, "must not be empty"),
});

/** The receipt's elements, each read on its own (readLeniently): one that does not parse loses only itself. */
const receiptInvoiceShape = {
  title: optional(text),
  clientInvoiceId: optional(text),
  totalAmount: optional(amount),
};
const receiptShape = {
  terminalId: optional(text),
  paymentDate: optional(dateTime),
  clientInvoiceId: optional(text),
  invoiceReference: optional(text),
  paymentReference: optional(text),
  payerTerminalId: optional(text),
  receiverName: optional(text),
};

const customerToken = z.object({
  description: optional(text),
  id: optional(text),
  status: integer,
  value: optional(text),
});

// A PAID answer must never be dropped because an optional part of it is malformed: status and version are
// required, the receipt and the tokens are read part by part and what does not parse is reported, not fatal.
const getPaymentStatusResponse = baseResponse.extend({
  status: z.enum(SEQR_INVOICE_STATUSES),
  receipt: z.unknown().optional(),
  customerTokens: z.unknown().optional(),
  version: integer,
});
const customerTokens = optional(z.object({ token: optional(list(customerToken)) }));

const markTransactionPeriodResponse = baseResponse.extend({ transactionPeriodId: text.min(1, "must not be empty") });

const executeReportResponse = baseResponse.extend({
  report: z.object({
    title: optional(text),
    mimeType: optional(text),
    content: optional(text.regex(/^[A-Za-z0-9+/=\s]*$/, "must be base64")),
    contentString: optional(text),
  }),
});

const getClientSessionInfoResponse = baseResponse.extend({
  parameters: z.object({
    entry: list(z.object({ key: text.min(1), value: optional(text) })),
  }),
});

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = ["return", ...issue.path.map(String)].join(".");
      return issue.code === "invalid_type" && issue.input === undefined ? `missing ${where}` : `${where} ${issue.message}`;
    })
    .join("; ");
}

function parseWith<T extends z.ZodType>(operation: string, schema: T, result: XmlElement): z.output<T> {
  // reportInput: so that describeIssues can tell a missing element from a malformed one.
  const parsed = schema.safeParse(result, { reportInput: true });
  if (!parsed.success) {
    throw new SeqrError(operation, "protocol", { message: `SEQR's answer is invalid: ${describeIssues(parsed.error)}` });
  }
  return parsed.data;
}

/** Turns a non-zero resultCode into a SeqrError; returns the parsed base fields otherwise. */
export function checkResult(operation: string, result: XmlElement): z.output<typeof baseResponse> {
  const base = parseWith(operation, baseResponse, result);
  if (base.resultCode !== 0) {
    throw new SeqrError(operation, "result", {
      resultCode: base.resultCode,
    });
  }
  return base;
}

// Mapping from SEQR's wire types to the shop's, one function per answer.

export function toSentInvoice(result: XmlElement): SentInvoice {
  const wire = parseWith("sendInvoice", sendInvoiceResponse, result);
  return {
    invoiceReference: wire.invoiceReference,
    invoiceQrCode: wire.invoiceQRCode ?? `HTTP://SEQR.SE/R${wire.invoiceReference}`,
  };
}

export function toPaymentStatus(result: XmlElement): PaymentStatus {
  const wire = parseWith("getPaymentStatus", getPaymentStatusResponse, result);
  const problems: string[] = [];
  const receiptWire = readLeniently(receiptShape, wire.receipt, "receipt", problems);
  const invoiceWire = readLeniently(
    receiptInvoiceShape,
    isElement(wire.receipt) ? wire.receipt.invoice : undefined,
    "receipt.invoice",
    problems,
  );
  const paymentReceipt: PaymentReceipt | undefined = receiptWire && {
    terminalId: receiptWire.terminalId,
    paymentDate: receiptWire.paymentDate,
    clientInvoiceId: receiptWire.clientInvoiceId,
    invoiceReference: receiptWire.invoiceReference,
    paymentReference: receiptWire.paymentReference,
    payerTerminalId: receiptWire.payerTerminalId,
    receiverName: receiptWire.receiverName,
    invoice: invoiceWire && {
      title: invoiceWire.title,
      clientInvoiceId: invoiceWire.clientInvoiceId,
      total: invoiceWire.totalAmount,
    },
  };
  const tokens = customerTokens.safeParse(wire.customerTokens);
  if (!tokens.success) problems.push(`customerTokens: ${describeIssues(tokens.error)}`);
  return {
    status: wire.status,
    version: wire.version,
    ersReference: wire.ersReference,
    receipt: paymentReceipt,
    customerTokens: tokens.success ? (tokens.data?.token ?? []) : [],
    ...(problems.length > 0 ? { receiptProblems: problems } : {}),
  };
}

function isElement(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads an element's children one by one against `shape`: each that parses is kept, each that does not is named in
 * `problems` and left out. Undefined when the element is absent (or `<x/>`).
 */
function readLeniently<S extends Record<string, z.ZodType>>(
  shape: S,
  value: unknown,
  path: string,
  problems: string[],
): { [K in keyof S]?: z.output<S[K]> } | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isElement(value)) {
    problems.push(`${path} is not an element`);
    return {};
  }
  const read: { [K in keyof S]?: z.output<S[K]> } = {};
  for (const [key, schema] of Object.entries(shape) as [keyof S & string, z.ZodType][]) {
    const parsed = schema.safeParse(value[key]);
    if (parsed.success) read[key] = parsed.data as z.output<S[typeof key]>;
    else problems.push(`${path}.${key}: ${parsed.error.issues.map((issue) => issue.message).join(", ")}`);
  }
  return read;
}

export function toTransactionPeriodId(result: XmlElement): string {
  return parseWith("markTransactionPeriod", markTransactionPeriodResponse, result).transactionPeriodId;
}

export function toReport(result: XmlElement): Report {
  const { report } = parseWith("executeReport", executeReportResponse, result);
  return {
    title: report.title,
    mimeType: report.mimeType,
    content: report.content === undefined ? undefined : Buffer.from(report.content, "base64"),
    contentString: report.contentString,
  };
}

export function toClientSessionInfo(result: XmlElement): ClientSessionInfo {
  const wire = parseWith("getClientSessionInfo", getClientSessionInfoResponse, result);
  const parameters: Record<string, string> = {};
  for (const { key, value } of wire.parameters.entry) parameters[key] = value ?? "";
  const missing = ["msisdn", "subscriberKey"].filter((key) => !parameters[key]);
  if (missing.length > 0) {
    throw new SeqrError("getClientSessionInfo", "protocol", {
      message: `SEQR's answer is invalid: missing parameters ${missing.join(", ")}`,
    });
  }
  return {
    msisdn: parameters.msisdn ?? "",
    subscriberKey: parameters.subscriberKey ?? "",
    authKey: parameters.authKey,
    parameters,
  };
}

export function toRefundErsReference(result: XmlElement): string {
  const base = parseWith("refundPayment", baseResponse, result);
  if (!base.ersReference) {
    throw new SeqrError("refundPayment", "protocol", { message: "SEQR's answer is invalid: missing return.ersReference" });
  }
  return base.ersReference;
}
