import { actorFieldsOf } from "../admin/actor.ts";
import type { AdminContext } from "../admin/guard.ts";
import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { outboxKindText } from "./payloads.ts";

// The merchant's *Send again* on a message the worker set aside (DEAD): it goes back to the worker as new, with its
// tries counted from zero, and the order's timeline says who asked for it.

export type ResendOutcome = { message: string; clientInvoiceId: string };

export async function resendOutboxMessage(
  messageId: string,
  admin: Pick<AdminContext, "address"> & Partial<Pick<AdminContext, "actor">>,
): Promise<ResendOutcome> {
  // Read before the transaction, which is kept to its writes: what the timeline records of the failure.
  const message = await db.outboxMessage.findUnique({
    where: { id: messageId },
    include: { order: { select: { clientInvoiceId: true } } },
  });
  if (!message) throw new AppError("MESSAGE_NOT_FOUND", 404, "There is no such message.");
  await db.$transaction(async (tx) => {
    // Only a DEAD message moves: two presses (or two admins) send it again once.
    const moved = await tx.outboxMessage.updateMany({
      where: { id: messageId, status: "DEAD" },
      data: { status: "PENDING", attempts: 0, nextAttemptAt: new Date(), leaseUntil: null, lastError: null },
    });
    if (moved.count === 0) {
      throw new AppError("MESSAGE_NOT_DEAD", 409, "This message is no longer set aside: it is waiting to be sent, or was sent.");
    }
    await tx.paymentEvent.create({
      data: {
        orderId: message.orderId,
        type: "ADMIN_ACTION",
        source: "admin",
        sourceAddress: admin.address,
        ...actorFieldsOf(admin),
        detail: {
          action: "resend-message",
          outboxMessageId: message.id,
          kind: message.kind,
          recipient: message.recipient,
          attempts: message.attempts,
          lastError: message.lastError,
        },
      },
    });
  });
  return {
    clientInvoiceId: message.order.clientInvoiceId,
    message: `${outboxKindText(message.kind)} for order ${message.order.clientInvoiceId}: it will be sent again in a moment.`,
  };
}
