import { z } from "zod";

import { db } from "../db.ts";
import type { SandboxFault } from "../generated/prisma/client.ts";

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
  }),
  /** The next `count` calls of `operation` are answered `delayMs` late (to make clients time out). */
  z.object({ kind: z.literal("soap-delay"), operation: z.enum(SOAP_OPERATIONS), delayMs, count }),
  /** The next `count` calls of `operation` get this HTTP status and a SOAP fault (e.g. 503). */
  z.object({
    kind: z.literal("soap-http-status"),
    operation: z.enum(SOAP_OPERATIONS),
    httpStatus: z.number().int().min(400).max(599),
    count,
  }),
]);
export type FaultInput = z.infer<typeof faultInput>;
export type FaultKind = FaultInput["kind"];

export async function armFault(input: FaultInput): Promise<SandboxFault> {
  return db.sandboxFault.create({
    data: {
      kind: input.kind,
      operation: "operation" in input ? input.operation : null,
      resultCode: "resultCode" in input ? input.resultCode : null,
      httpStatus: "httpStatus" in input ? input.httpStatus : null,
      delayMs: "delayMs" in input ? input.delayMs : null,
      copies: "copies" in input ? input.copies : null,
      remaining: input.count,
    },
  });
}

/**
 * Uses one armed fault of the first of `kinds` that has one (oldest first within a kind), or returns null when
 * none is armed. One query finds the candidates, so a call with nothing armed costs one read.
 */
async function consumeFirst(kinds: readonly FaultKind[], operation: string | null): Promise<SandboxFault | null> {
  for (;;) {
    const armed = await db.sandboxFault.findMany({
      where: { kind: { in: [...kinds] }, operation, remaining: { gt: 0 } },
      orderBy: { createdAt: "asc" },
    });
    const fault = kinds.map((kind) => armed.find((candidate) => candidate.kind === kind)).find((found) => found);
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
export function consumeFault(kind: FaultKind, operation?: string): Promise<SandboxFault | null> {
  return consumeFirst([kind], operation ?? null);
}

/** The armed SOAP fault for this operation: an HTTP status before a result code before a delay. */
export function consumeSoapFault(operation: string): Promise<SandboxFault | null> {
  return consumeFirst(["soap-http-status", "soap-result", "soap-delay"], operation);
}

export async function listArmedFaults(): Promise<SandboxFault[]> {
  return db.sandboxFault.findMany({ where: { remaining: { gt: 0 } }, orderBy: { createdAt: "asc" } });
}

export async function clearFaults(): Promise<number> {
  const { count: cleared } = await db.sandboxFault.deleteMany({});
  return cleared;
}
