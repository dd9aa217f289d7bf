import { z } from "zod";

import { db } from "../db.ts";
import { lockOrder } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import { BodyTooLargeError } from "../http/body.ts";
import { log } from "../log.ts";
import { verifyOrderSignature } from "./notification-url.ts";
import { clientInvoiceIdSchema, invoiceReferenceSchema } from "./schemas.ts";
import { canTransition } from "./state-machine.ts";
import { syncPaymentStatus, type SyncResult } from "./sync-payment-status.ts";

// SEQR's payment notification (CONTRACT.md, step 6): a form POST, unsigned, never retried, sometimes never sent.
// It is only a hint to ask SEQR now. Our own signature on the URL tells us we built it; the body must name an
// invoice of that order; then the order is synced from getPaymentStatus, and nothing in the POST is believed.

export const notificationQuery = z.object({
  order: clientInvoiceIdSchema,
  sig: z.string().regex(/^[0-9a-f]{64}$/i, "is not a signature"),
});

export const notificationForm = z.object({
  invoiceReference: invoiceReferenceSchema,
  clientInvoiceId: z.string().max(64).optional(),
  msisdn: z.string().regex(/^\d{0,20}$/, "is not a phone number").optional(),
  subscriberKey: z.string().max(128).optional(),
});

export const MAX_NOTIFICATION_BYTES = 4_096;
const notificationLog = log.child({ component: "seqr-notification" });

/** Refuses a notification: one log line, no change anywhere. */
function refuse(status: number, code: string, message: string, context: Record<string, unknown>): never {
  notificationLog.warn({ code, ...context }, `notification refused: ${message}`);
  throw new AppError(code, status, message);
}

/**
 * `body` is the form, or how to read it (the route reads the request's stream with a cap): it is read only once the
 * URL's signature checks out, so that a stranger's POST is refused before a byte of its body is read.
 */
export async function receiveNotification(
  query: Record<string, string>,
  body: string | (() => Promise<string>),
  sourceAddress: string | null,
): Promise<SyncResult> {
  const parsedQuery = notificationQuery.safeParse(query);
  if (!parsedQuery.success) refuse(400, "INVALID_NOTIFICATION", "invalid notification URL", { sourceAddress });
  const { order: clientInvoiceId, sig } = parsedQuery.data;
  if (!verifyOrderSignature(clientInvoiceId, sig)) {
    refuse(403, "BAD_SIGNATURE", "the notification URL's signature does not match", { clientInvoiceId, sourceAddress });
  }
  let text: string;
  try {
    text = typeof body === "string" ? body : await body();
  } catch (error) {
    if (error instanceof BodyTooLargeError) refuse(413, "TOO_LARGE", "the notification is too large", { clientInvoiceId, sourceAddress });
    throw error;
  }
  if (Buffer.byteLength(text, "utf8") > MAX_NOTIFICATION_BYTES) refuse(413, "TOO_LARGE", "the notification is too large", { clientInvoiceId, sourceAddress });
  const form = notificationForm.safeParse(Object.fromEntries(new URLSearchParams(text)));
  if (!form.success) refuse(400, "INVALID_NOTIFICATION", "the notification's form is malformed", { clientInvoiceId, sourceAddress });
  if (form.data.clientInvoiceId && form.data.clientInvoiceId !== clientInvoiceId) {
    refuse(400, "INVALID_NOTIFICATION", "the notification names another order", { clientInvoiceId, sourceAddress });
  }

  const order = await db.order.findUnique({ where: { clientInvoiceId }, select: { id: true } });
  if (!order) refuse(404, "ORDER_NOT_FOUND", "unknown order", { clientInvoiceId, sourceAddress });
  const attempt =
    (await db.paymentAttempt.findUnique({
      where: { invoiceReference: form.data.invoiceReference },
      select: { id: true, orderId: true },
    })) ?? (await adoptUnconfirmedInvoice(order.id, form.data.invoiceReference));
  if (!attempt || attempt.orderId !== order.id) {
    refuse(400, "UNKNOWN_INVOICE", "the notification names an invoice this order does not have", {
      clientInvoiceId,
      invoiceReference: form.data.invoiceReference,
      sourceAddress,
    });
  }

  await db.paymentEvent.create({
    data: {
      orderId: order.id,
      paymentAttemptId: attempt.id,
      type: "NOTIFICATION_RECEIVED",
      source: "notification",
      sourceAddress,
      detail: { invoiceReference: form.data.invoiceReference, msisdn: form.data.msisdn ?? null },
    },
  });
  notificationLog.info({ clientInvoiceId, invoiceReference: form.data.invoiceReference, sourceAddress }, "notification received");
  // SEQR's commit rule: ask at once, so that a paid invoice is confirmed well inside its 20 s.
  return syncPaymentStatus(order.id, { trigger: "notification", attemptId: attempt.id, sourceAddress, fresh: true });
}

/**
 * A sendInvoice whose answer never arrived (a timeout, a crash) leaves its attempt SENDING or UNKNOWN, with no
 * reference, while SEQR may hold the invoice. A notification on this order's own signed URL naming a reference the
 * shop does not know is how SEQR tells it: the order's newest such attempt takes the reference, and the sync that
 * follows asks SEQR about it like any other invoice (SEQR answers 54 for a made-up one, which marks it LOST).
 */
async function adoptUnconfirmedInvoice(orderId: string, invoiceReference: string): Promise<{ id: string; orderId: string } | null> {
  const unconfirmed = await db.paymentAttempt.findFirst({
    where: { orderId, state: { in: ["SENDING", "UNKNOWN"] }, invoiceReference: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, orderId: true },
  });
  if (!unconfirmed) return null;
  const adopted = await db.$transaction(async (tx) => {
    // The order first, as every transaction about an order's invoices locks it (lib/db-locks.ts).
    await lockOrder(tx, orderId);
    const taken = await tx.paymentAttempt.updateMany({
      where: { id: unconfirmed.id, invoiceReference: null, state: { in: ["SENDING", "UNKNOWN"] } },
      data: { state: "SENT", invoiceReference, seqrStatus: "ISSUED", finalizedAt: null, nextCheckAt: new Date() },
    });
    if (taken.count === 0) return false;
    await tx.paymentEvent.create({
      data: {
        orderId,
        paymentAttemptId: unconfirmed.id,
        type: "INVOICE_SENT",
        source: "notification",
        detail: { invoiceReference, adopted: "the notification named the invoice whose sendInvoice answer was lost" },
      },
    });
    // The order has an invoice out again, so that SEQR's answer about it can move the order (state-machine.ts).
    const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
    if (order.status === "INVOICED" || !canTransition(order.status, "INVOICED")) return true;
    const moved = await tx.order.updateMany({ where: { id: orderId, status: order.status }, data: { status: "INVOICED" } });
    if (moved.count > 0) {
      await tx.paymentEvent.create({
        data: {
          orderId,
          paymentAttemptId: unconfirmed.id,
          type: "STATUS_CHANGED",
          source: "notification",
          fromStatus: order.status,
          toStatus: "INVOICED",
        },
      });
    }
    return true;
  });
  if (!adopted) return null;
  notificationLog.warn({ orderId, invoiceReference }, "notification named an unconfirmed invoice; adopted");
  return unconfirmed;
}
