import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { cancelAttemptInvoice, isStillLive, type CancelOutcome } from "../orders/cancel-invoice.ts";
import { endOrderByMerchant, isLiveAttempt } from "../orders/merchant-cancel.ts";
import { orderReceipt, submitOrderReceipt } from "../orders/seqr-receipt.ts";
import { syncPaymentStatus } from "../orders/sync-payment-status.ts";
import { SeqrError } from "../seqr/index.ts";
import { actorFieldsOf } from "./actor.ts";
import type { AdminContext } from "./guard.ts";
import { lowerFirst, orderStatusText, seqrProblemText } from "./wording.ts";

// The merchant's actions on one order besides refunds (refunds.ts). Each asks SEQR, never assumes, and leaves an
// ADMIN_ACTION event in the order's timeline saying who (the person, from which address) did what, when, and what
// SEQR answered.

/** Who acts: the signed-in person (every Server Action passes its AdminContext) and their address. */
type Admin = Pick<AdminContext, "address"> & Partial<Pick<AdminContext, "actor">>;
export type ActionOutcome = { message: string };

async function recordAdminAction(
  orderId: string,
  admin: Admin,
  detail: Prisma.InputJsonObject & { action: string },
  extra: { paymentAttemptId?: string; seqrResultCode?: number | null } = {},
): Promise<void> {
  await db.paymentEvent.create({
    data: {
      orderId,
      type: "ADMIN_ACTION",
      source: "admin",
      sourceAddress: admin.address,
      ...actorFieldsOf(admin),
      paymentAttemptId: extra.paymentAttemptId ?? null,
      seqrResultCode: extra.seqrResultCode ?? null,
      detail,
    },
  });
}

async function findOrder(orderId: string) {
  const order = await db.order.findUnique({
    where: { id: orderId },
    include: { attempts: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] }, items: true },
  });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order. Open it again from the orders list.");
  return order;
}

/** Refresh from SEQR: one getPaymentStatus, applied as any other trigger's would be. */
export async function refreshOrder(orderId: string, admin: Admin): Promise<ActionOutcome> {
  await findOrder(orderId);
  const result = await syncPaymentStatus(orderId, { trigger: "admin", sourceAddress: admin.address, fresh: true });
  await recordAdminAction(orderId, admin, {
    action: "refresh",
    queried: result.queried,
    status: result.status,
    error: result.error?.resultName ?? null,
  });
  if (result.error) {
    return { message: `SEQR could not be asked: ${seqrProblemText(result.error)}. The order is unchanged; try again in a moment.` };
  }
  if (!result.queried) {
    return {
      message: `Nothing to ask SEQR: the order is ${lowerFirst(orderStatusText(result.status))}, and SEQR's answer cannot change that.`,
    };
  }
  return {
    message: result.changed
      ? `SEQR's answer changed the order from ${lowerFirst(orderStatusText(result.changed.from))} to ${lowerFirst(orderStatusText(result.changed.to))}.`
      : `SEQR's answer agrees with the shop: the order is ${lowerFirst(orderStatusText(result.status))}.`,
  };
}

/** cancelInvoice's answers (CONTRACT.md), in plain words for the merchant. */
export const CANCEL_EXPLANATIONS: Record<CancelOutcome, string> = {
  canceled: "SEQR canceled the invoice; the customer can no longer pay it.",
  "already-canceled": "SEQR had already canceled this invoice; the order now shows that.",
  "already-paid": "The customer has already paid this invoice, so it cannot be canceled. The payment is now recorded; refund it if the customer should get the money back.",
  "being-paid": "The customer is paying this invoice right now, so it cannot be canceled. Press Refresh from SEQR in a moment to see how it ended.",
  failed: "SEQR did not cancel the invoice.",
};

/** Cancel invoice: only while the order's current invoice is live. */
export async function cancelOrderInvoice(orderId: string, admin: Admin): Promise<ActionOutcome> {
  const order = await findOrder(orderId);
  const attempt = order.attempts.find(isLiveAttempt);
  if (!attempt) {
    throw new AppError("NO_LIVE_INVOICE", 409, "This order has no invoice waiting for payment, so there is nothing to cancel.");
  }
  const result = await cancelAttemptInvoice(attempt, { reason: "MERCHANT", trigger: "admin", sourceAddress: admin.address });
  await recordAdminAction(
    orderId,
    admin,
    {
      action: "cancel-invoice",
      invoiceReference: attempt.invoiceReference,
      outcome: result.outcome,
      status: result.sync?.status ?? order.status,
      error: result.error?.resultName ?? null,
    },
    { paymentAttemptId: attempt.id, seqrResultCode: result.error?.resultCode ?? null },
  );
  const explanation = CANCEL_EXPLANATIONS[result.outcome];
  if ((result.outcome === "canceled" || result.outcome === "already-canceled") && (await isStillLive(attempt.id))) {
    return { message: "SEQR accepted the cancel but still reports the invoice as open, so the customer may still pay it. Refresh, or cancel again in a moment." };
  }
  if (result.outcome === "failed") {
    const why = result.error ? ` SEQR answered: ${seqrProblemText(result.error)}.` : "";
    return { message: `${explanation}${why} The invoice may still be paid; try again in a moment.` };
  }
  return { message: explanation };
}

/**
 * Cancel order: ends an unpaid order for good (lib/orders/merchant-cancel.ts), its live invoice canceled first.
 * A refusal is recorded too, so that the timeline shows the merchant tried and what stopped it.
 */
export async function endOrder(orderId: string, admin: Admin): Promise<ActionOutcome> {
  const order = await findOrder(orderId);
  try {
    const result = await endOrderByMerchant(orderId, { sourceAddress: admin.address, actor: admin.actor });
    await recordAdminAction(orderId, admin, {
      action: "end-order",
      outcome: result.outcome,
      status: result.status,
      invoiceReference: result.invoice?.invoiceReference ?? null,
      invoiceOutcome: result.invoice?.outcome ?? null,
    });
    return { message: END_EXPLANATIONS[result.outcome] };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await recordAdminAction(orderId, admin, { action: "end-order", outcome: "refused", status: order.status, code: error.code });
    throw error;
  }
}

const END_EXPLANATIONS = {
  ended: "The order is canceled for good: the customer can no longer pay it, nothing was charged, and its items are back in stock.",
  "already-ended": "This order was already canceled; nothing changed.",
  confirming:
    "SEQR canceled the order's invoice, but could not be asked for its status just now. The order shows as canceled as soon as SEQR confirms it; refresh in a moment.",
} as const;

/** Send receipt: the shop's receipt for a paid order, as text, to SEQR (submitPaymentReceipt), again. */
export async function sendOrderReceipt(orderId: string, admin: Admin): Promise<ActionOutcome> {
  const receipt = orderReceipt(await findOrder(orderId));
  if (!receipt) throw new AppError("NOT_PAID", 409, "Only a paid order has a receipt to send.");
  const { paymentAttemptId, ersReference, text } = receipt;
  try {
    await submitOrderReceipt(receipt);
  } catch (error) {
    if (!(error instanceof SeqrError)) throw error;
    await recordAdminAction(
      orderId,
      admin,
      { action: "send-receipt", ersReference, outcome: "failed", error: error.resultName },
      { paymentAttemptId, seqrResultCode: error.resultCode },
    );
    return { message: `SEQR did not take the receipt: ${seqrProblemText(error)}. Try again in a moment.` };
  }
  await recordAdminAction(
    orderId,
    admin,
    { action: "send-receipt", ersReference, outcome: "sent", bytes: text.length },
    { paymentAttemptId, seqrResultCode: 0 },
  );
  return { message: "The receipt was sent to SEQR; the customer sees it with the payment in the SEQR app." };
}

export { receiptText } from "../orders/seqr-receipt.ts";
