import { z } from "zod";

import { db } from "../db.ts";
import type { SandboxFault } from "../generated/prisma/client.ts";
import { assertSandboxMode } from "./guard.ts";

// Fault injection (the sandbox's /sandbox/api/faults and its control page): armed faults are rows, consumed one
// use at a time with a conditional update, so that two server processes never both use the last one.

export const SOAP_OPERATIONS = [
  "sendInvoice",
  "getPaymentStatus",
  "cancelInvoice",
  "refundPayment",
  "updateInvoice",
  "submitPaymentReceipt",
  "markTransactionPeriod",
  "executeReport",
  "getClientSessionInfo",
] as const;
export type SoapOperation = (typeof SOAP_OPERATIONS)[number];

const count = z.number().int().min(1).max(1_000).default(1);
const delayMs = z.number().int().min(0).max(120_000);
/**
 * A SOAP fault may be scoped to one invoice: it then applies only to calls that name it (getPaymentStatus,
 * cancelInvoice, updateInvoice), so that a test's fault is used by the calls about its own invoice and by no other
 * caller (the reconciler, another test's order) asking at the same moment.
 */
const invoiceReference = z.string().regex(/^\d{1,40}$/, "is not an invoice reference").optional();

export const faultInput = z.discriminatedUnion("kind", [
  /** The next `count` notifications are not sent at all (as if lost on the way). */
  z.object({ kind: z.literal("drop-notifications"), count }),
  /** The next notification is delivered `copies` times. */
  z.object({ kind: z.literal("repeat-notification"), copies: z.number().int().min(2).max(20), count }),
  /** The next `count` notifications leave `delayMs` late. */
  z.object({ kind: z.literal("delay-notifications"), delayMs, count }),
  /** The next `count` calls of `operation` answer `resultCode` (e.g. 90, 93, 94) without doing anything. */
  z.object({
    kind: z.literal("soap-result"),
    operation: z.enum(SOAP_OPERATIONS),
    resultCode: z.number().int().min(1).max(999),
    count,
    invoiceReference,
  }),
  /** The next `count` calls of `operation` are answered `delayMs` late (to make clients time out). */
  z.object({ kind: z.literal("soap-delay"), operation: z.enum(SOAP_OPERATIONS), delayMs, count, invoiceReference }),
  /** The next `count` calls of `operation` get this HTTP status and a SOAP fault (e.g. 503). */
  z.object({
    kind: z.literal("soap-http-status"),
    operation: z.enum(SOAP_OPERATIONS),
    httpStatus: z.number().int().min(400).max(599),
    count,
    invoiceReference,
  }),
  /**
   * The next `count` getPaymentStatus answers about a paid invoice carry a receipt with parts that do not parse
   * (a paymentDate that is no date, a customer token without its status), as a SEQR upgrade might send.
   */
  z.object({ kind: z.literal("garbled-receipt"), count, invoiceReference }),
]);
export type FaultInput = z.infer<typeof faultInput>;
export type FaultKind = FaultInput["kind"];

export async function armFault(input: FaultInput): Promise<SandboxFault> {
  assertSandboxMode();
  return db.sandboxFault.create({
    data: {
      kind: input.kind,
      operation: "operation" in input ? input.operation : null,
      resultCode: "resultCode" in input ? input.resultCode : null,
      httpStatus: "httpStatus" in input ? input.httpStatus : null,
      delayMs: "delayMs" in input ? input.delayMs : null,
      copies: "copies" in input ? input.copies : null,
      invoiceReference: "invoiceReference" in input ? (input.invoiceReference ?? null) : null,
      remaining: input.count,
    },
  });
}

/**
 * Uses one armed fault of the first of `kinds` that has one, or returns null when none is armed. A fault scoped to
 * the call's invoice comes before an unscoped one; within those, the oldest first. One query finds the candidates,
 * so a call with nothing armed costs one read.
 */
async function consumeFirst(
  kinds: readonly FaultKind[],
  operation: string | null,
  invoiceReference: string | null = null,
): Promise<SandboxFault | null> {
  for (;;) {
    const armed = await db.sandboxFault.findMany({
      where: {
        kind: { in: [...kinds] },
        operation,
        remaining: { gt: 0 },
        invoiceReference: invoiceReference === null ? null : { in: [invoiceReference] },
      },
      orderBy: { createdAt: "asc" },
    });
    const unscoped =
      invoiceReference === null
        ? []
        : await db.sandboxFault.findMany({
            where: { kind: { in: [...kinds] }, operation, remaining: { gt: 0 }, invoiceReference: null },
            orderBy: { createdAt: "asc" },
          });
    const candidates = [...armed, ...unscoped];
    const fault = kinds.map((kind) => candidates.find((candidate) => candidate.kind === kind)).find((found) => found);
    if (!fault) return null;
    const used = await db.sandboxFault.updateMany({
      where: { id: fault.id, remaining: { gt: 0 } },
      data: { remaining: { decrement: 1 } },
    });
    if (used.count === 1) return fault;
    // Another process took the last use of this one; look again.
  }
}

/** Uses one armed fault of this kind (oldest first), or returns null when none is armed. */
export function consumeFault(kind: FaultKind, operation?: string, invoiceReference?: string): Promise<SandboxFault | null> {
  assertSandboxMode();
  return consumeFirst([kind], operation ?? null, invoiceReference ?? null);
}

/**
 * The armed SOAP fault for this call: an HTTP status before a result code before a delay, one scoped to the call's
 * invoice before one for any call of the operation.
 */
export function consumeSoapFault(operation: string, invoiceReference: string | null): Promise<SandboxFault | null> {
  assertSandboxMode();
  return consumeFirst(["soap-http-status", "soap-result", "soap-delay"], operation, invoiceReference);
}

export async function listArmedFaults(): Promise<SandboxFault[]> {
  assertSandboxMode();
  return db.sandboxFault.findMany({ where: { remaining: { gt: 0 } }, orderBy: { createdAt: "asc" } });
}

export async function clearFaults(): Promise<number> {
  assertSandboxMode();
  const { count: cleared } = await db.sandboxFault.deleteMany({});
  return cleared;
}
