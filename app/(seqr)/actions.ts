"use server";

import { z } from "zod";

import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readPaymentOutcome } from "@/lib/orders/outcome";
import { requestPayment } from "@/lib/orders/request-payment";
import { invoiceReferenceSchema, sessionTokenSchema } from "@/lib/orders/schemas";
import { findOrderBySessionToken, openOrderSession } from "@/lib/orders/seqr-sessions";
import { loadOrderView } from "@/lib/orders/views";
import { seqrAppLink, serviceQrText } from "@/lib/seqr/links";
import { validatedAction } from "@/lib/validated-action";

// The External Service pages' back end. The TOKEN travels in a POST body, never in a URL: the pages read it from
// the fragment (CONTRACT.md, step 3). Anyone can call them with a made-up token, and each
// may cost a SEQR call, so each is rate limited per address (lib/http/rate-limit.ts).

const tokenInput = z.object({ token: sessionTokenSchema });

/** The link that starts the service again for the same order: "try again" after a decline or a cancel. */
function appLinks(clientInvoiceId: string) {
  return { tryAgainLink: seqrAppLink(serviceQrText(env.seqr.serviceId, { order: clientInvoiceId }), env.seqr.appUrl) };
}

/** /order#TOKEN: who is paying (getClientSessionInfo) and for what. */
export const openOrderAction = validatedAction(tokenInput, async ({ token }) => {
  const { orderId, clientInvoiceId } = await openOrderSession(token);
  const order = await loadOrderView({ id: orderId });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "This order no longer exists.");
  return { order, ...appLinks(clientInvoiceId) };
}, { rateLimit: "orderSession" });

/** Pay: an invoice for the order (a live one is reused), then the app opens it. */
export const payOrderAction = validatedAction(tokenInput, async ({ token }) => {
  const session = await findOrderBySessionToken(token);
  if (!session) throw new AppError("SESSION_UNKNOWN", 404, "Open this order from the SEQR app again.");
  const { invoiceReference } = await requestPayment(session.orderId);
  return { open: seqrAppLink(`SEQR://SEQR.SE/R${invoiceReference}`, env.seqr.appUrl) };
}, { rateLimit: "pay" });

/** /success, /failure, /cancel: what really happened to the payment. */
export const readOutcomeAction = validatedAction(
  z.object({ token: sessionTokenSchema, invoiceReference: invoiceReferenceSchema.optional() }),
  async ({ token, invoiceReference }) => {
    const order = await readPaymentOutcome(token, invoiceReference);
    return { order, ...appLinks(order.clientInvoiceId) };
  },
  { rateLimit: "paymentOutcome" },
);
