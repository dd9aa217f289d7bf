import { db } from "../db.ts";
import { seqr, SeqrError } from "../seqr/index.ts";
import { isLiveInvoiceStatus } from "./state-machine.ts";
import { syncPaymentStatus, type SyncResult, type SyncTrigger } from "./sync-payment-status.ts";

// Canceling an invoice at SEQR, for the reconciler (unpaid past the timeout) and the merchant. SEQR's answer
// decides what the order becomes: the cancel only asks, and getPaymentStatus afterwards tells.

/**
 * Why the shop canceled (state-machine.ts): EXPIRED makes the order EXPIRED; MERCHANT (the merchant canceled this
 * invoice) makes it CANCELED, payable again; ORDER_ENDED (the merchant ended the order) makes it
 * CANCELED_BY_MERCHANT; REPLACED (Pay is about to send a new invoice) leaves the order as it is; WITHDRAWN (the
 * shopper's "Change order", withdraw-order.ts) makes it EXPIRED.
 */
export type CancelReason = "EXPIRED" | "MERCHANT" | "ORDER_ENDED" | "REPLACED" | "WITHDRAWN";

export type CancelOutcome =
  /** SEQR canceled it now (0) or had already (95). */
  | "canceled"
  | "already-canceled"
  /** 50: the customer paid it; the sync has recorded the payment. */
  | "already-paid"
  /** 51: the customer is paying it right now; ask again in a moment. */
  | "being-paid"
  /** Any other failure: nothing changed at SEQR as far as the shop knows. */
  | "failed";

/** `error` is SEQR's answer when it was not a success: the failure, or 50/51. */
export type CancelResult = { outcome: CancelOutcome; sync: SyncResult | null; error?: SeqrError };

type AttemptRow = { id: string; orderId: string; invoiceReference: string | null };

export async function cancelAttemptInvoice(
  attempt: AttemptRow,
  options: { reason: CancelReason; trigger: SyncTrigger; sourceAddress?: string | null; now?: () => Date },
): Promise<CancelResult> {
  const recorded = {
    orderId: attempt.orderId,
    paymentAttemptId: attempt.id,
    source: options.trigger,
    sourceAddress: options.sourceAddress ?? null,
  };
  // An attempt SEQR never gave a reference for (SENDING, REFUSED, UNKNOWN) has no invoice the shop could name.
  const invoiceReference = attempt.invoiceReference;
  if (invoiceReference === null) return { outcome: "failed", sync: null };
  // Mark the reason first: when SEQR then reports CANCELED, the state machine reads it as this reason.
  await db.paymentAttempt.update({ where: { id: attempt.id }, data: { cancelReason: options.reason } });
  let outcome: CancelOutcome;
  let answered: SeqrError | undefined;
  try {
    const result = await seqr.cancelInvoice(invoiceReference);
    outcome = result.alreadyCanceled ? "already-canceled" : "canceled";
    await db.paymentEvent.create({
      data: {
        ...recorded,
        type: "INVOICE_CANCELED",
        seqrResultCode: result.alreadyCanceled ? 95 : 0,
        detail: { reason: options.reason, alreadyCanceled: result.alreadyCanceled },
      },
    });
  } catch (error) {
    if (!(error instanceof SeqrError)) throw error;
    await db.paymentEvent.create({
      data: {
        ...recorded,
        type: "ERROR",
        seqrResultCode: error.resultCode,
        detail: { operation: "cancelInvoice", error: error.resultName },
      },
    });
    // Nothing was canceled, so no reason stands.
    await db.paymentAttempt.update({ where: { id: attempt.id }, data: { cancelReason: null } });
    outcome = error.is(50) ? "already-paid" : error.is(51) ? "being-paid" : "failed";
    answered = error;
  }
  // After every cancel, whatever it answered, ask SEQR where the invoice stands: a cancel that failed may still
  // have been paid (or canceled) meanwhile, and only getPaymentStatus says so.
  const sync = await syncPaymentStatus(attempt.orderId, {
    trigger: options.trigger,
    attemptId: attempt.id,
    fresh: true,
    sourceAddress: options.sourceAddress ?? null,
    ...(options.now ? { now: options.now } : {}),
  });
  // SEQR answered that it is still live (a cancel that did not take): it was not canceled by us after all. Without
  // an answer the reason stands, so that the next look reads a CANCELED as this cancel's.
  if (outcome !== "failed" && sync.queried && (await isStillLive(attempt.id))) {
    await db.paymentAttempt.update({ where: { id: attempt.id }, data: { cancelReason: null } });
  }
  return { outcome, sync, ...(answered ? { error: answered } : {}) };
}

export async function isStillLive(attemptId: string): Promise<boolean> {
  const attempt = await db.paymentAttempt.findUnique({ where: { id: attemptId }, select: { state: true, seqrStatus: true } });
  return attempt?.state === "SENT" && attempt.seqrStatus !== null && isLiveInvoiceStatus(attempt.seqrStatus);
}
