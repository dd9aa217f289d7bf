import { db } from "../db.ts";
import { lockRows } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { formatMoney } from "../money.ts";
import { canTransition } from "../orders/state-machine.ts";
import { readStoredReceipt } from "../orders/stored-receipt.ts";
import { WEB_SHOP_CASHIER_ID } from "../orders/invoice.ts";
import { enqueueRefundConfirmation } from "../outbox/enqueue.ts";
import { seqr, SeqrError } from "../seqr/index.ts";
import { actorFields } from "./actor.ts";
import type { AdminContext } from "./guard.ts";
import { parseRefundAmount, refundProblem, statusAfterRefunds, type RefundLedger } from "./refund-amounts.ts";
import {
  priceRefundLines,
  releaseRefundLines,
  reserveRefundLines,
  restockRefundLines,
  type PricedRefundLine,
  type RefundableItem,
  type RequestedLine,
} from "./refund-lines.ts";
import { seqrProblemText } from "./wording.ts";

// Refunds (refundPayment: an amount; refundLines: items and quantities, lib/admin/refund-lines.ts). The amount is
// reserved by writing the Refund row before SEQR is asked, inside the transaction that checks it against what is
// left, under a lock on the payment: two refunds at once can never give back more than was paid, and a form
// submitted twice carries the same requestKey, which is unique, so it refunds once. A line refund reserves its
// units on the order lines in the same transaction. Every refund event names the person who made it.

const refundLog = log.child({ component: "refunds" });

/** SEQR's refund answers (CONTRACT.md, refundPayment), in plain words for the merchant. */
export const REFUND_REFUSALS: Record<number, string> = {
  23: "SEQR does not recognise this payment's reference, so nothing was refunded. Refresh the order from SEQR; if it persists, contact SEQR support.",
  97: "SEQR does not allow a refund of this payment, so nothing was refunded.",
  98: "SEQR says the refunds would add up to more than the payment, so nothing was refunded. Compare this order's refunds with SEQR's report.",
  99: "Your SEQR account does not allow refunds, so nothing was refunded. Ask SEQR to enable refunds for the account.",
};

/** Refunds that count against what is left: confirmed ones, and ones that may have gone through. */
const HOLDING = ["PENDING", "SUCCEEDED", "UNKNOWN"];

type PaidAttempt = { id: string; amountMinor: number; currency: string; receipt: Prisma.JsonValue };

/** What SEQR took: the receipt's total when it has one (an AMOUNT_MISMATCH order may differ from its invoice). */
export function paidAmountOf(attempt: PaidAttempt): { amountMinor: number; currency: string } {
  return readStoredReceipt(attempt.receipt).total ?? { amountMinor: attempt.amountMinor, currency: attempt.currency };
}

export async function refundLedgerOf(
  client: Prisma.TransactionClient | typeof db,
  attempt: PaidAttempt,
): Promise<RefundLedger & { currency: string }> {
  const refunds = await client.refund.findMany({
    where: { paymentAttemptId: attempt.id, status: { in: HOLDING } },
    select: { amountMinor: true, status: true },
  });
  const paid = paidAmountOf(attempt);
  const sum = (status: (s: string) => boolean) =>
    refunds.filter((refund) => status(refund.status)).reduce((total, refund) => total + refund.amountMinor, 0);
  return {
    paidMinor: paid.amountMinor,
    currency: paid.currency,
    refundedMinor: sum((s) => s === "SUCCEEDED"),
    reservedMinor: sum((s) => s !== "SUCCEEDED"),
  };
}

export type RefundOutcome = {
  status: "SUCCEEDED" | "FAILED" | "UNKNOWN";
  /** True when this form had been submitted before: nothing was sent this time. */
  repeated: boolean;
  message: string;
};

/** Who asks for a refund: the address their request came from and the person signed in. */
export type RefundAdmin = Pick<AdminContext, "address" | "actor">;

/** A refund of an amount the merchant typed ("120,50"), checked against what is left of the payment. */
export async function refundPayment(
  input: { orderId: string; paymentAttemptId: string; amount: string; requestKey: string; reason?: string | undefined },
  admin: RefundAdmin,
): Promise<RefundOutcome> {
  const earlier = await db.refund.findUnique({ where: { requestKey: input.requestKey } });
  if (earlier) return describeRepeat(earlier);
  const attempt = await refundableAttempt(input.orderId, input.paymentAttemptId);
  const currency = paidAmountOf(attempt).currency;
  const parsed = parseRefundAmount(input.amount, currency);
  if (!parsed.ok) throw new AppError("INVALID_AMOUNT", 422, parsed.error);
  return makeRefund({ ...input, attempt, currency, amountMinor: parsed.amountMinor, lines: null }, admin);
}

/**
 * A refund of items: quantities per order line, the amount worked out here from the order's own lines (unit price
 * × quantity). `restock`: the units go back into stock once SEQR confirms the refund.
 */
export async function refundLines(
  input: {
    orderId: string;
    paymentAttemptId: string;
    lines: readonly RequestedLine[];
    restock: boolean;
    requestKey: string;
    reason?: string | undefined;
  },
  admin: RefundAdmin,
): Promise<RefundOutcome> {
  const earlier = await db.refund.findUnique({ where: { requestKey: input.requestKey } });
  if (earlier) return describeRepeat(earlier);
  const attempt = await refundableAttempt(input.orderId, input.paymentAttemptId);
  const currency = paidAmountOf(attempt).currency;
  if (currency !== attempt.order.currency) {
    throw new AppError("NOT_REFUNDABLE", 409, `This payment was made in ${currency}, not in the order's ${attempt.order.currency}: refund an amount instead.`);
  }
  const items = await db.orderItem.findMany({
    where: { orderId: input.orderId },
    select: { id: true, name: true, sku: true, unitPriceMinor: true, quantity: true, refundedQuantity: true },
  });
  const priced = priceRefundLines(items, input.lines);
  if (!priced.ok) throw new AppError("INVALID_LINES", 422, priced.error);
  return makeRefund(
    { ...input, attempt, currency, amountMinor: priced.amountMinor, lines: { lines: priced.lines, items, restock: input.restock } },
    admin,
  );
}

type RefundAttempt = Awaited<ReturnType<typeof refundableAttempt>>;

async function refundableAttempt(orderId: string, paymentAttemptId: string) {
  const attempt = await db.paymentAttempt.findFirst({
    where: { id: paymentAttemptId, orderId },
    include: { order: { select: { clientInvoiceId: true, currency: true } } },
  });
  if (!attempt || attempt.seqrStatus !== "PAID" || !attempt.ersReference) {
    throw new AppError("NOT_REFUNDABLE", 409, "Only a payment SEQR reports as PAID can be refunded.");
  }
  return { ...attempt, ersReference: attempt.ersReference };
}

/** Reserve (the Refund row, and the lines' units), ask SEQR, record its answer. */
async function makeRefund(
  input: {
    orderId: string;
    requestKey: string;
    reason?: string | undefined;
    attempt: RefundAttempt;
    currency: string;
    amountMinor: number;
    lines: { lines: readonly PricedRefundLine[]; items: readonly RefundableItem[]; restock: boolean } | null;
  },
  admin: RefundAdmin,
): Promise<RefundOutcome> {
  const { attempt, currency, amountMinor } = input;
  const ersReference = attempt.ersReference;

  let refundId: string;
  try {
    refundId = await db.$transaction(async (tx) => {
      // The payment's lock orders the refunds of one payment: each checks what is left only after the one before it
      // has committed its reservation (PostgreSQL runs them at once otherwise, each blind to the other's row).
      await lockRows(tx, "PaymentAttempt", [attempt.id]);
      const refund = await tx.refund.create({
        data: {
          orderId: input.orderId,
          paymentAttemptId: attempt.id,
          requestKey: input.requestKey,
          amountMinor,
          currency,
          status: "PENDING",
          reason: input.reason ?? null,
        },
      });
      if (input.lines) {
        await reserveRefundLines(tx, { refundId: refund.id, orderId: input.orderId, ...input.lines });
      }
      const ledger = await refundLedgerOf(tx, attempt);
      const problem = refundProblem(amountMinor, { ...ledger, reservedMinor: ledger.reservedMinor - amountMinor }, currency);
      if (problem) throw new AppError("REFUND_TOO_LARGE", 422, problem);
      return refund.id;
    });
  } catch (error) {
    // The same form, submitted twice at once: the other submit is refunding it.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const other = await db.refund.findUnique({ where: { requestKey: input.requestKey } });
      if (other) return describeRepeat(other);
    }
    throw error;
  }

  const recorded: RefundEventBase = {
    orderId: input.orderId,
    paymentAttemptId: attempt.id,
    type: "REFUND",
    source: "admin",
    sourceAddress: admin.address,
    ...actorFields(admin.actor),
  };
  const detail = {
    refundId,
    amountMinor,
    currency,
    reason: input.reason ?? null,
    paymentErsReference: ersReference,
    ...(input.lines
      ? {
          lines: input.lines.lines.map(({ sku, name, quantity, amountMinor: lineMinor }) => ({ sku, name, quantity, amountMinor: lineMinor })),
          restock: input.lines.restock,
        }
      : {}),
  };
  let refundErsReference: string;
  try {
    ({ refundErsReference } = await seqr.refundPayment({
      ersReference,
      amountMinor,
      currency,
      title: `Refund of order ${attempt.order.clientInvoiceId}`,
      cashierId: WEB_SHOP_CASHIER_ID,
    }));
  } catch (error) {
    return recordUnconfirmedRefund(refundId, error, recorded, detail);
  }

  // SEQR has given the money back: its reference is the one fact the shop cannot get again, so it goes to the log
  // and onto the row before anything that could fail (the order's update, the timeline). A row left PENDING with
  // its reference is settled from the reconciliation report by that reference.
  refundLog.info({ orderId: input.orderId, refundId, refundErsReference, amountMinor, currency }, "refund made at SEQR");
  await db.refund.updateMany({
    where: { id: refundId, status: "PENDING", ersReference: null },
    data: { ersReference: refundErsReference, seqrResultCode: 0 },
  });
  const applied = await applySucceededRefund({
    refundId,
    refundErsReference,
    from: ["PENDING"],
    completedAt: new Date(),
    recorded,
    detail,
  });
  if (!applied) {
    // Settled from a reconciliation report while SEQR was answering: the report's settlement stands.
    refundLog.warn({ orderId: input.orderId, refundId, refundErsReference }, "refund settled before SEQR's answer was applied");
  }
  return {
    status: "SUCCEEDED",
    repeated: false,
    message: `Refunded ${formatMoney({ amountMinor, currency })}. SEQR's refund reference: ${refundErsReference}.`,
  };
}

/**
 * SEQR did not confirm the refund. Only its clear refusals (23, 97, 98, 99: nothing was refunded) release the
 * amount as FAILED. Everything else leaves the refund UNKNOWN with its amount held: 90/93/94 say SEQR or its bank
 * was in trouble, not that nothing happened; no answer, an HTTP error or an answer that cannot be read may follow
 * a refund SEQR made. The merchant settles an UNKNOWN refund from the reconciliation report.
 */
async function recordUnconfirmedRefund(
  refundId: string,
  error: unknown,
  recorded: RefundEventBase,
  detail: Record<string, unknown>,
): Promise<RefundOutcome> {
  const seqrError = error instanceof SeqrError ? error : null;
  const outcome = seqrError && isRefusal(seqrError) ? "FAILED" : "UNKNOWN";
  const resultCode = seqrError?.resultCode ?? null;
  const errorName = seqrError?.resultName ?? "UNEXPECTED_ERROR";
  if (!seqrError) refundLog.error({ refundId, err: error }, "refundPayment failed unexpectedly");
  await db.$transaction(async (tx) => {
    // Conditional: a refund settled from a report in the meantime keeps that settlement.
    const moved = await tx.refund.updateMany({
      where: { id: refundId, status: "PENDING", settledAt: null },
      data: { status: outcome, seqrResultCode: resultCode, completedAt: new Date() },
    });
    if (moved.count === 0) return;
    // Refused: nothing was refunded, so the units it reserved can be refunded again. An UNKNOWN refund keeps them.
    const released = outcome === "FAILED" ? await releaseRefundLines(tx, refundId) : [];
    await tx.paymentEvent.create({
      data: {
        ...recorded,
        seqrResultCode: resultCode,
        detail: { ...detail, outcome, error: errorName, ...(released.length > 0 ? { unitsReleased: released } : {}) } as Prisma.InputJsonObject,
      },
    });
  });
  refundLog.warn({ orderId: recorded.orderId, refundId, resultName: errorName, outcome }, "refund not confirmed");
  return { status: outcome, repeated: false, message: seqrError ? explainRefundError(seqrError) : UNKNOWN_REFUND_MESSAGE };
}

function isRefusal(error: SeqrError): boolean {
  return error.kind === "result" && error.resultCode !== null && Object.hasOwn(REFUND_REFUSALS, error.resultCode);
}

export type RefundEventBase = {
  orderId: string;
  paymentAttemptId: string;
  type: "REFUND";
  source: string;
  sourceAddress: string | null;
  /** The person who made the refund, or settled it (actorFields). */
  actorAccountId: string;
  actorName: string;
};

/**
 * The one path by which a refund becomes SUCCEEDED: SEQR's answer to refundPayment, or the merchant settling it
 * from a reconciliation report that lists it. Conditional on the refund still being in one of `from` and not
 * settled, so that the answer and a settlement (or two settlements) apply it once; false when it was not.
 */
export async function applySucceededRefund(change: {
  refundId: string;
  refundErsReference: string;
  from: readonly string[];
  completedAt: Date;
  settledAt?: Date;
  /** The event to record; its person is named on the stock changes of a line refund's restock too. */
  recorded: RefundEventBase;
  detail: Record<string, unknown>;
}): Promise<boolean> {
  const { refundId, refundErsReference, recorded } = change;
  return db.$transaction(async (tx) => {
    // The conditional update first: it is the guard against applying it twice.
    const moved = await tx.refund.updateMany({
      where: { id: refundId, status: { in: [...change.from] }, settledAt: null },
      data: {
        status: "SUCCEEDED",
        ersReference: refundErsReference,
        seqrResultCode: 0,
        completedAt: change.completedAt,
        ...(change.settledAt ? { settledAt: change.settledAt } : {}),
      },
    });
    if (moved.count === 0) return false;
    const refund = await tx.refund.findUniqueOrThrow({ where: { id: refundId } });
    // The increment holds the order's row until the end of the transaction: a refund applied at the same moment
    // waits here, then reads this one's total and status, so the last of them moves the order to REFUNDED.
    const order = await tx.order.update({
      where: { id: recorded.orderId },
      data: { refundedMinor: { increment: refund.amountMinor } },
      include: { attempts: { where: { seqrStatus: "PAID" } } },
    });
    const paidMinor = order.attempts.reduce((total, attempt) => total + paidAmountOf(attempt).amountMinor, 0);
    const target = statusAfterRefunds(paidMinor, order.refundedMinor);
    // An order that is not settled (a payment on an invoice it had replaced) keeps its status; the refund is
    // still recorded against the payment.
    const movedOrder = canTransition(order.status, target)
      ? await tx.order.updateMany({ where: { id: order.id, status: order.status }, data: { status: target } })
      : { count: 0 };
    // Refunded in full before it was sent: nothing is to be sent. Conditional, so that an order already shipped or
    // collected keeps that (markShipped holds the order's lock, and this update waits for it).
    const notToShip =
      movedOrder.count > 0 && target === "REFUNDED"
        ? await tx.order.updateMany({ where: { id: order.id, fulfilmentStatus: "UNFULFILLED" }, data: { fulfilmentStatus: "NOT_TO_SHIP" } })
        : { count: 0 };
    // A line refund's units go back into stock now that the money has gone back, and only now: once, as this
    // transaction is (and each line's restockedAt guards it again).
    const restocked = await restockRefundLines(tx, {
      refundId,
      orderNumber: order.number,
      actor: { actorAccountId: recorded.actorAccountId, actorName: recorded.actorName },
      now: new Date(),
    });
    await tx.paymentEvent.create({
      data: {
        ...recorded,
        seqrResultCode: 0,
        ...(movedOrder.count > 0 ? { fromStatus: order.status, toStatus: target } : {}),
        detail: {
          ...change.detail,
          outcome: "SUCCEEDED",
          refundErsReference,
          ...(notToShip.count > 0 ? { fulfilment: "NOT_TO_SHIP" } : {}),
          ...(restocked.length > 0 ? { restocked } : {}),
        } as Prisma.InputJsonObject,
      },
    });
    // The customer's refund confirmation, queued with the refund it confirms: once, as this transaction is.
    await enqueueRefundConfirmation(tx, { refundId, orderId: recorded.orderId });
    return true;
  });
}

const UNKNOWN_REFUND_MESSAGE =
  "SEQR gave no answer the shop could read, so the refund may or may not have gone through. Its amount stays held: check SEQR's report (Reconciliation) before refunding again.";

export function explainRefundError(error: SeqrError): string {
  const refusal = error.resultCode === null ? undefined : REFUND_REFUSALS[error.resultCode];
  if (refusal) return refusal;
  if (error.kind === "result") {
    return `SEQR answered “${seqrProblemText(error)}” without saying whether the refund went through. Its amount stays held: check SEQR's report (Reconciliation) before refunding again.`;
  }
  return UNKNOWN_REFUND_MESSAGE;
}

function describeRepeat(refund: { status: string; amountMinor: number; currency: string; ersReference: string | null }): RefundOutcome {
  const amount = formatMoney({ amountMinor: refund.amountMinor, currency: refund.currency });
  const status = refund.status === "SUCCEEDED" || refund.status === "FAILED" ? refund.status : "UNKNOWN";
  const message =
    refund.status === "SUCCEEDED"
      ? `This refund of ${amount} was already made (SEQR's reference ${refund.ersReference}); it was not sent again.`
      : refund.status === "FAILED"
        ? `This refund of ${amount} was already tried and refused; it was not sent again.`
        : `This refund of ${amount} is already being made; it was not sent again.`;
  return { status, repeated: true, message };
}
