import { db } from "../db.ts";
import { lockOrder } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { cancelAttemptInvoice } from "./cancel-invoice.ts";
import { isLiveAttempt } from "./merchant-cancel.ts";
import { clientInvoiceIdSchema } from "./schemas.ts";
import { LIVE_INVOICE_STATUSES, SETTLED_STATUSES } from "./state-machine.ts";
import { releaseStock } from "./stock-reservation.ts";
import { isPlacingCart } from "./views.ts";

// "Change order" on the checkout page: the shopper takes back an order they have not paid, to change it in the
// cart (which still holds its items: lib/cart/checkout-cart.ts) and check out again. The order is withdrawn for
// good (EXPIRED, as an order left unpaid ends), so that nothing can pay it any more, and what it held of the stock
// goes back on sale. Only while nothing can be paid: an invoice the shopper could still pay is canceled at SEQR
// first (cancel-invoice.ts, reason WITHDRAWN), and SEQR's answer decides, exactly as for the merchant's cancel
// (merchant-cancel.ts). A paid order is never withdrawn: every move is a conditional update from an unpaid state.

/** How the withdrawal is recorded: the STATUS_CHANGED event's, or the canceled invoice's, `detail.reason`. */
export const WITHDRAWN_REASON = "WITHDRAWN";

/** The trigger recorded on the order's events: the shopper, on the checkout page. */
const TRIGGER = "checkout";

export type WithdrawResult = {
  /**
   * withdrawn: this call withdrew it; already-ended: it was withdrawn, expired or ended by the shop before (a second
   * press); confirming: SEQR canceled its invoice but could not be asked afterwards, so the order follows at the
   * next look (the reconciler's) and holds its units until then.
   */
  outcome: "withdrawn" | "already-ended" | "confirming";
  /** The order's short number (formatOrderNumber), for the cart to say which order it was. */
  number: number;
};

/** How often the decision is taken again when the order moved under it (a Pay, SEQR's answer). */
const ROUNDS = 3;

/** No invoice out that the shopper could pay, and none being sent: the order can be withdrawn at once. */
const NO_INVOICE_OUT = {
  attempts: { none: { OR: [{ state: "SENDING" as const }, { state: "SENT" as const, seqrStatus: { in: LIVE_INVOICE_STATUSES } }] } },
};

/**
 * Withdraws the order `clientInvoiceId` for the browser whose cart placed it (`cartId`, its cart cookie); any
 * other browser is told there is no such order, as it would be for an unknown id.
 */
export async function withdrawOrder(
  clientInvoiceId: string,
  cartId: string | null,
  options: { sourceAddress?: string | null; now?: () => Date } = {},
): Promise<WithdrawResult> {
  const now = options.now ?? (() => new Date());
  const sourceAddress = options.sourceAddress ?? null;
  const id = clientInvoiceIdSchema.safeParse(clientInvoiceId);
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = id.success
      ? await db.order.findUnique({
          where: { clientInvoiceId: id.data },
          include: { attempts: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] } },
        })
      : null;
    if (!order || !isPlacingCart(order.cartId, cartId)) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
    if (SETTLED_STATUSES.has(order.status)) throw alreadyPaid();
    if (order.status === "EXPIRED" || order.status === "CANCELED_BY_MERCHANT") return { outcome: "already-ended", number: order.number };

    const live = order.attempts.find(isLiveAttempt);
    if (live) {
      const outcome = await withdrawWithLiveInvoice(order.id, live, { sourceAddress, now });
      if (outcome) return { outcome, number: order.number };
      continue;
    }

    const at = now();
    if ((order.invoicingUntil && order.invoicingUntil > at) || order.attempts.some((attempt) => attempt.state === "SENDING")) {
      throw payStarting();
    }
    const from = order.status;
    const withdrawn = await db.$transaction(async (tx) => {
      // The order's lock first (lib/db-locks.ts), so that the update below reads its invoices as they are now.
      await lockOrder(tx, order.id);
      // The whole decision in one conditional update: still unpaid in the state read above, no Pay holding the
      // order's lease, no invoice out or being sent. Whatever moved the order meanwhile makes it match no row.
      const moved = await tx.order.updateMany({
        where: { id: order.id, status: from, OR: [{ invoicingUntil: null }, { invoicingUntil: { lte: at } }], ...NO_INVOICE_OUT },
        data: { status: "EXPIRED", expiredAt: at },
      });
      if (moved.count === 0) return false;
      await tx.paymentEvent.create({
        data: {
          orderId: order.id,
          type: "STATUS_CHANGED",
          source: TRIGGER,
          sourceAddress,
          fromStatus: from,
          toStatus: "EXPIRED",
          detail: { reason: WITHDRAWN_REASON, invoiceOut: false },
        },
      });
      await releaseStock(tx, order.id, { trigger: TRIGGER });
      return true;
    });
    if (withdrawn) {
      log.info({ orderId: order.id, from }, "order withdrawn by the shopper");
      return { outcome: "withdrawn", number: order.number };
    }
  }
  throw new AppError("ORDER_BUSY", 409, "This order is changing right now (a payment may be starting). Please try again in a moment.");
}

/**
 * An invoice is out: SEQR cancels it first, and SEQR's answer decides. The sync after the cancel moves the order
 * (WITHDRAWN → EXPIRED, state-machine.ts) and releases its units, once however many withdrawals race. Null: the
 * order moved some other way meanwhile (SEQR said FAILED): decide again.
 */
async function withdrawWithLiveInvoice(
  orderId: string,
  live: { id: string; orderId: string; invoiceReference: string },
  options: { sourceAddress: string | null; now: () => Date },
): Promise<WithdrawResult["outcome"] | null> {
  const result = await cancelAttemptInvoice(
    { id: live.id, orderId: live.orderId, invoiceReference: live.invoiceReference },
    { reason: WITHDRAWN_REASON, trigger: TRIGGER, sourceAddress: options.sourceAddress, now: options.now },
  );
  switch (result.outcome) {
    case "already-paid":
      throw alreadyPaid();
    case "being-paid":
      throw new AppError(
        "CUSTOMER_PAYING",
        409,
        "This order is being paid in the SEQR app right now, so it cannot be changed. Finish or cancel the payment in the app first.",
      );
    case "failed":
      throw new AppError(
        "SEQR_UNAVAILABLE",
        409,
        "We could not reach SEQR to stop this order's payment, so nothing was changed. Please try again in a moment.",
      );
    case "canceled":
    case "already-canceled":
      break;
  }
  const order = await db.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
  if (order.status === "EXPIRED") {
    log.info({ orderId, invoiceReference: live.invoiceReference }, "order withdrawn by the shopper");
    return "withdrawn";
  }
  if (SETTLED_STATUSES.has(order.status)) throw alreadyPaid();
  if (order.status === "CANCELED_BY_MERCHANT") return "already-ended";
  const attempt = await db.paymentAttempt.findUniqueOrThrow({ where: { id: live.id } });
  if (!isLiveAttempt(attempt)) return null;
  // SEQR canceled it (0/95) but could not be asked afterwards: the cancel and its reason stand, and the next look
  // at the invoice reads CANCELED as WITHDRAWN. Nothing can pay it any more.
  if (result.sync?.error) return "confirming";
  throw new AppError(
    "INVOICE_STILL_OPEN",
    409,
    "SEQR still shows this order's payment as open, so nothing was changed. Please try again in a moment.",
  );
}

/** Whether an EXPIRED order ended because its shopper withdrew it ("Change order"), not because time ran out. */
export async function wasWithdrawn(where: { id: string } | { clientInvoiceId: string }): Promise<boolean> {
  const order = await db.order.findUnique({
    where,
    select: {
      status: true,
      events: { where: { type: { in: ["STATUS_CHANGED", "INVOICE_CANCELED"] } }, select: { detail: true } },
    },
  });
  if (order?.status !== "EXPIRED") return false;
  return order.events.some(({ detail }) => typeof detail === "object" && detail !== null && !Array.isArray(detail) && detail.reason === WITHDRAWN_REASON);
}

function alreadyPaid(): AppError {
  return new AppError("ORDER_PAID", 409, "This order is paid, so it can no longer be changed.");
}

function payStarting(): AppError {
  return new AppError(
    "PAY_IN_PROGRESS",
    409,
    "A payment for this order is starting in the SEQR app right now, so it cannot be changed. Finish or cancel it in the app, then try again.",
  );
}
