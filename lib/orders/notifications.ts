import { z } from "zod";

import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { verifyOrderSignature } from "./notification-url.ts";
import { clientInvoiceIdSchema, invoiceReferenceSchema } from "./schemas.ts";
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

export async function receiveNotification(
  query: Record<string, string>,
  body: string,
  sourceAddress: string | null,
): Promise<SyncResult> {
  const parsedQuery = notificationQuery.safeParse(query);
  if (!parsedQuery.success) refuse(400, "INVALID_NOTIFICATION", "invalid notification URL", { sourceAddress });
  const { order: clientInvoiceId, sig } = parsedQuery.data;
  if (!verifyOrderSignature(clientInvoiceId, sig)) {
    refuse(403, "BAD_SIGNATURE", "the notification URL's signature does not match", { clientInvoiceId, sourceAddress });
  }
  if (Buffer.byteLength(body, "utf8") > MAX_NOTIFICATION_BYTES) refuse(413, "TOO_LARGE", "the notification is too large", { clientInvoiceId, sourceAddress });
  const form = notificationForm.safeParse(Object.fromEntries(new URLSearchParams(body)));
  if (!form.success) refuse(400, "INVALID_NOTIFICATION", "the notification's form is malformed", { clientInvoiceId, sourceAddress });
  if (form.data.clientInvoiceId && form.data.clientInvoiceId !== clientInvoiceId) {
    refuse(400, "INVALID_NOTIFICATION", "the notification names another order", { clientInvoiceId, sourceAddress });
  }

  const order = await db.order.findUnique({ where: { clientInvoiceId }, select: { id: true } });
  if (!order) refuse(404, "ORDER_NOT_FOUND", "unknown order", { clientInvoiceId, sourceAddress });
  const attempt = await db.paymentAttempt.findUnique({
    where: { invoiceReference: form.data.invoiceReference },
    select: { id: true, orderId: true },
  });
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
  return syncPaymentStatus(order.id, { trigger: "notification", sourceAddress });
}
