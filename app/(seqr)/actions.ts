"use server";

import { z } from "zod";

import { deliveryFormState, saveOrExplain, type DeliveryFormState } from "@/app/_components/delivery-form-state";
import { readCartId } from "@/lib/cart/cart-cookie";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { loadSessionDelivery, saveSessionDeliveryDetails, type SessionDelivery } from "@/lib/orders/delivery";
import { checkoutLinkFor, readPaymentOutcome } from "@/lib/orders/outcome";
import { loadPaidMessages } from "@/lib/orders/paid-messages";
import { loadPaymentWindow } from "@/lib/orders/payment-window";
import { wasWithdrawn } from "@/lib/orders/withdraw-order";
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

/**
 * What the order page may show of the order's delivery details: whether they are complete (Pay needs them), the
 * details themselves to the order's customer only, and whether this page asks for them (a product code's order).
 */
function deliveryFor(session: SessionDelivery | null) {
  const complete = session?.delivery.complete ?? false;
  const editable = session?.editable ?? false;
  return {
    complete,
    editable,
    details: session?.isCustomer ? session.delivery : null,
    /** Why this page does not ask for missing details itself. */
    missing:
      complete || editable
        ? null
        : session?.placedByCart
          ? "This order has no delivery details yet. Give them on the shop's checkout page, then scan the code again."
          : "This order has no delivery details yet. Only the customer who opened it first can give them.",
  };
}

/** /order#TOKEN: who is paying (getClientSessionInfo) and for what. */
export const openOrderAction = validatedAction(tokenInput, async ({ token }) => {
  const { orderId, clientInvoiceId } = await openOrderSession(token);
  const order = await loadOrderView({ id: orderId });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "This order no longer exists.");
  const session = await loadSessionDelivery(token);
  const messages = await loadPaidMessages({ id: orderId }, { showAddress: !!session?.isCustomer });
  // How long the shopper has to pay once Pay sends the invoice, or until when the invoice out now stays open.
  const paymentWindow = await loadPaymentWindow({ id: orderId });
  return {
    order,
    delivery: deliveryFor(session),
    messages,
    paymentWindow,
    /** A cart's order: an expired one is ordered again from the cart; a product code's, by scanning it again. */
    placedByCart: session?.placedByCart ?? false,
    /** Expired because the shopper withdrew it on the checkout page ("Change order"), not because time ran out. */
    withdrawn: await wasWithdrawn({ id: orderId }),
    ...appLinks(clientInvoiceId),
  };
}, { rateLimit: "orderSession" });

const saveDetails = validatedAction(
  z.looseObject({ token: sessionTokenSchema }),
  async ({ token, ...details }) => saveOrExplain(() => saveSessionDeliveryDetails(token, details)),
  { rateLimit: "orderSession" },
);

/**
 * The order page's delivery details form (a product code's order, in the app). A plain form post with the
 * session's TOKEN in a hidden field, so it needs no script to send: the page comes back with the answer.
 */
export async function saveOrderDeliveryAction(_previous: DeliveryFormState, formData: FormData): Promise<DeliveryFormState> {
  const state = deliveryFormState(await saveDetails(null, formData), formData);
  // Without a script the page cannot read the TOKEN from its fragment again: the answer carries it back.
  const token = sessionTokenSchema.safeParse(formData.get("token"));
  return state?.ok === false && token.success ? { ...state, token: token.data } : state;
}

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
    const session = await loadSessionDelivery(token);
    const messages = session
      ? await loadPaidMessages({ id: session.orderId }, { showAddress: session.isCustomer })
      : { confirmation: null, seqrReceipt: null, underReview: false };
    const checkoutLink = await checkoutLinkFor(order.clientInvoiceId, await readCartId());
    return { order, messages, checkoutLink, ...appLinks(order.clientInvoiceId) };
  },
  { rateLimit: "paymentOutcome" },
);
