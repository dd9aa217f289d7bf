"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { AppError } from "@/lib/errors";
import { sandboxAction } from "@/lib/sandbox/actions";
import { sandboxConfigSchema, updateSandboxConfig } from "@/lib/sandbox/config";
import { armFault, clearFaults, faultInput } from "@/lib/sandbox/faults";
import { expireCommitWindow } from "@/lib/sandbox/invoices";
import { notifyMerchant } from "@/lib/sandbox/notifier";
import { resetSandbox } from "@/lib/sandbox/reset";
import { describeInvoice } from "@/lib/sandbox/views";

// The control page's buttons. Each refreshes the page's data afterwards.

/** Form fields arrive as text; empty ones are absent, numeric ones numbers. */
const formNumber = z.preprocess((value) => (value === "" || value === undefined ? undefined : Number(value)), z.number().optional());
const optionalText = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());

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
    .transform((fields, ctx) => {
      const parsed = faultInput.safeParse(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: "custom", message: issue.message });
      return z.NEVER;
    }),
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
  z.object({
    commitWindowMs: formNumber,
    sessionTtlMs: formNumber,
    reportDelayMs: formNumber,
    invoiceInProgressMs: formNumber,
  }),
  async (changes) => {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const parsed = sandboxConfigSchema.partial().safeParse(defined);
    if (!parsed.success) throw new AppError("INVALID_CONFIG", 400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const config = await updateSandboxConfig(parsed.data);
    revalidatePath("/sandbox");
    return config;
  },
);

const invoiceReference = z.object({ reference: z.string().regex(/^\d{1,32}$/, "not an invoice reference") });

export const expireCommitWindowAction = sandboxAction(invoiceReference, async ({ reference }) => {
  if (!(await expireCommitWindow(reference))) {
    throw new AppError("NOT_AWAITING_COMMIT", 409, "Only a PAID invoice nobody has confirmed yet has a commit window.");
  }
  revalidatePath("/sandbox");
  return { reference };
});

export const forgeNotificationAction = sandboxAction(invoiceReference, async ({ reference }) => {
  const invoice = await describeInvoice(reference);
  if (!invoice?.notificationUrl) throw new AppError("NO_NOTIFICATION_URL", 409, "That invoice has no notificationUrl.");
  if (invoice.status === "PAID") throw new AppError("INVOICE_PAID", 409, "That invoice is paid: a notification would not be forged.");
  await notifyMerchant(reference, { forged: true });
  revalidatePath("/sandbox");
  return { reference };
});

export const resetAction = sandboxAction(z.object({}), async () => {
  await resetSandbox();
  revalidatePath("/sandbox");
  return { reset: true };
});
