import { env } from "../env.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { OutboxChannel } from "../generated/prisma/enums.ts";
import { log } from "../log.ts";
import {
  dedupeKeyOf,
  MERCHANT_NEW_ORDER,
  ORDER_CONFIRMATION,
  OUTBOX_PAYLOADS,
  REFUND_CONFIRMATION,
  SEQR_RECEIPT,
  SHIPPED,
  type OutboxKind,
  type OutboxPayload,
} from "./payloads.ts";

// Messages are queued inside the transaction of the change they announce (the order moving to PAID, a refund
// recorded, the order marked shipped): the message exists exactly when the change does, and the worker
// (worker.ts) delivers it afterwards, at least once.
//
// Each function must be called where its event happens once: after the conditional update that makes the change
// (fulfilOrder's claim of fulfilledAt, the refund's row, the move to SHIPPED), or under the order's lock
// (lib/db-locks.ts). A second call for the same event then finds the message already queued and adds nothing. The
// unique dedupeKey is the last guard: two callers racing past that check would fail the second transaction rather
// than queue the message twice. (Catching the unique violation instead would not do: on PostgreSQL a failed
// statement aborts the whole transaction, the change it belongs to included.)

type Tx = Prisma.TransactionClient;

const enqueueLog = log.child({ component: "outbox" });

type NewMessage<K extends OutboxKind> = {
  orderId: string;
  kind: K;
  /** The order or the refund the message is about: the dedupeKey is "<kind>:<eventId>". */
  eventId: string;
  channel: OutboxChannel;
  recipient: string | null;
  payload: OutboxPayload<K>;
};

/** Queues one message unless the same event's message is already queued; returns whether it queued it. */
async function enqueue<K extends OutboxKind>(tx: Tx, message: NewMessage<K>): Promise<boolean> {
  const dedupeKey = dedupeKeyOf(message.kind, message.eventId);
  const existing = await tx.outboxMessage.findUnique({ where: { dedupeKey }, select: { id: true } });
  if (existing) return false;
  await tx.outboxMessage.create({
    data: {
      orderId: message.orderId,
      kind: message.kind,
      channel: message.channel,
      dedupeKey,
      recipient: message.recipient,
      // Parsed here too, so that a payload the worker could not read is never written.
      payload: OUTBOX_PAYLOADS[message.kind].parse(message.payload),
    },
  });
  return true;
}

/**
 * After the move to PAID (fulfilOrder, in that transaction): the customer's order confirmation, the merchant's
 * new-order e-mail (when MERCHANT_EMAIL is set) and the shop's receipt for the customer's SEQR app.
 *
 * An order without an e-mail address (paid before the shop asked for delivery details, or a product-code order
 * whose shopper never gave one) gets no confirmation row: there is nobody to send it to, and a message that can
 * never be delivered would only wait on the dashboard with a *Send again* that cannot work. The merchant's e-mail
 * and the SEQR receipt still go. `order` is the order's contact as fulfilOrder read it in that transaction, after
 * the payer was recorded (the receipt goes to the app that paid). Returns the kinds queued.
 */
export async function enqueueOrderPaidMessages(
  tx: Tx,
  orderId: string,
  order: { customerEmail: string | null; customerMsisdn: string | null },
): Promise<OutboxKind[]> {
  const queued: OutboxKind[] = [];
  if (order.customerEmail) {
    const message = { orderId, kind: ORDER_CONFIRMATION, eventId: orderId, channel: "EMAIL", recipient: order.customerEmail, payload: {} } as const;
    if (await enqueue(tx, message)) queued.push(ORDER_CONFIRMATION);
  } else {
    enqueueLog.info({ orderId }, "paid order has no e-mail address: no order confirmation is sent");
  }
  const merchantEmail = env.mail.merchantEmail;
  if (merchantEmail) {
    const message = { orderId, kind: MERCHANT_NEW_ORDER, eventId: orderId, channel: "EMAIL", recipient: merchantEmail, payload: {} } as const;
    if (await enqueue(tx, message)) queued.push(MERCHANT_NEW_ORDER);
  }
  // The receipt is attached to SEQR's payment, so it needs the payment's reference (applyAnswer has just written it).
  const paid = await tx.paymentAttempt.findFirst({
    where: { orderId, seqrStatus: "PAID", ersReference: { not: null } },
    select: { id: true },
  });
  if (paid) {
    const message = { orderId, kind: SEQR_RECEIPT, eventId: orderId, channel: "SEQR_RECEIPT", recipient: order.customerMsisdn, payload: {} } as const;
    if (await enqueue(tx, message)) queued.push(SEQR_RECEIPT);
  } else {
    enqueueLog.warn({ orderId }, "paid order has no SEQR payment reference: no SEQR receipt is sent");
  }
  return queued;
}

/**
 * After a refund SEQR confirmed (in the transaction that records it): the customer's refund confirmation. None
 * when the order has no e-mail address. Returns whether it queued one.
 */
export async function enqueueRefundConfirmation(tx: Tx, refund: { refundId: string; orderId: string }): Promise<boolean> {
  const { customerEmail } = await tx.order.findUniqueOrThrow({ where: { id: refund.orderId }, select: { customerEmail: true } });
  if (!customerEmail) return false;
  return enqueue(tx, {
    orderId: refund.orderId,
    kind: REFUND_CONFIRMATION,
    eventId: refund.refundId,
    channel: "EMAIL",
    recipient: customerEmail,
    payload: { refundId: refund.refundId },
  });
}

/**
 * After the merchant marked the order shipped (in that transaction): the customer's shipped e-mail with the
 * carrier and tracking, read when it is sent. None when the order has no e-mail address. Returns whether it
 * queued one.
 */
export async function enqueueShippedMessage(tx: Tx, orderId: string): Promise<boolean> {
  const { customerEmail } = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { customerEmail: true } });
  if (!customerEmail) return false;
  return enqueue(tx, { orderId, kind: SHIPPED, eventId: orderId, channel: "EMAIL", recipient: customerEmail, payload: {} });
}
