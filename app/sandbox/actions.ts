"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { sandboxAction } from "@/lib/sandbox/actions";
import { sandboxConfigSchema, updateSandboxConfig } from "@/lib/sandbox/config";
import { armFault, clearFaults, faultInput } from "@/lib/sandbox/faults";
import { expireCommitWindow } from "@/lib/sandbox/invoices";
import { forgeNotification } from "@/lib/sandbox/notifier";
import { resetSandbox } from "@/lib/sandbox/reset";

// The control page's buttons. Each refreshes the page's data afterwards.

/** Form fields arrive as text; empty ones are absent, numeric ones numbers. */
const formNumber = z.preprocess((value) => (value === "" || value === undefined ? undefined : Number(value)), z.number().optional());
const optionalText = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());

/** The fields the form left empty are absent, so the domain schema's defaults and "missing" messages apply. */
function withoutEmptyFields<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export const armFaultAction = sandboxAction(
  z
    .object({
      kind: z.string(),
      operation: optionalText,
      resultCode: formNumber,
      httpStatus: formNumber,
      delayMs: formNumber,
      copies: formNumber,
      count: formNumber,
    })
    .transform(withoutEmptyFields)
    .pipe(faultInput),
  async (fault) => {
    await armFault(fault);
    revalidatePath("/sandbox");
    return { armed: fault.kind };
  },
);

export const clearFaultsAction = sandboxAction(z.object({}), async () => {
  const cleared = await clearFaults();
  revalidatePath("/sandbox");
  return { cleared };
});

export const updateConfigAction = sandboxAction(
  z
    .object({
      commitWindowMs: formNumber,
      sessionTtlMs: formNumber,
      reportDelayMs: formNumber,
      invoiceInProgressMs: formNumber,
    })
    .transform(withoutEmptyFields)
    .pipe(sandboxConfigSchema.partial()),
  async (changes) => {
    const config = await updateSandboxConfig(changes);
    revalidatePath("/sandbox");
    return config;
  },
);

const invoiceReference = z.object({ reference: z.string().regex(/^\d{1,32}$/, "not an invoice reference") });

export const expireCommitWindowAction = sandboxAction(invoiceReference, async ({ reference }) => {
  await expireCommitWindow(reference);
  revalidatePath("/sandbox");
  return { reference };
});

export const forgeNotificationAction = sandboxAction(invoiceReference, async ({ reference }) => {
  await forgeNotification(reference);
  revalidatePath("/sandbox");
  return { reference };
});

export const resetAction = sandboxAction(z.object({}), async () => {
  await resetSandbox();
  revalidatePath("/sandbox");
  return { reset: true };
});
