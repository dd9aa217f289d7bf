"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { adminAction } from "@/lib/admin/guard";
import { fetchAndCompare, findReconciliationRun, reconcileNewPeriod } from "@/lib/admin/reconciliation";
import { settleRefund } from "@/lib/admin/refund-settlement";
import { AppError } from "@/lib/errors";

function summary(run: { status: string; mismatchCount: number; error: string | null } | null): { message: string } {
  if (!run) throw new AppError("RUN_NOT_FOUND", 404, "There is no such reconciliation. Reload the Reconciliation page and try again.");
  if (run.status !== "COMPLETED") throw new AppError("RECONCILIATION_FAILED", 502, run.error ?? "SEQR's report could not be fetched. Press Fetch the report again in a moment.");
  return {
    message:
      run.mismatchCount === 0
        ? "SEQR's report and the shop agree."
        : `${run.mismatchCount} ${run.mismatchCount === 1 ? "difference" : "differences"} between SEQR's report and the shop: see below.`,
  };
}

export const reconcileAction = adminAction(z.object({}), async () => {
  const runId = await reconcileNewPeriod();
  revalidatePath("/admin/reconciliation");
  return summary(await findReconciliationRun(runId));
});

export const refetchReportAction = adminAction(z.object({ runId: z.string().min(1).max(40) }), async ({ runId }) => {
  await fetchAndCompare(runId);
  revalidatePath("/admin/reconciliation");
  return summary(await findReconciliationRun(runId));
});

/**
 * One click on a refund SEQR never confirmed: settled as done, or released, as the run's report says. A refund's
 * settlement moves money in the books (and stock): only an owner may do it.
 */
export const settleRefundAction = adminAction(
  z.object({ refundId: z.string().min(1).max(40), runId: z.string().min(1).max(40) }),
  async (input, admin) => {
    const { message, clientInvoiceId } = await settleRefund(input, admin);
    revalidatePath("/admin/reconciliation");
    revalidatePath(`/admin/orders/${clientInvoiceId}`);
    return { message };
  },
  { ownerOnly: true },
);
