import { render, toPlainText } from "@react-email/render";
import { createElement, type FunctionComponent } from "react";

import { paidAmountOf } from "../admin/refunds.ts";
import { db } from "../db.ts";
import { env } from "../env.ts";
import { formatMoney } from "../money.ts";
import { formatOrderNumber } from "../orders/order-number.ts";
import { parseOutboxContent } from "../outbox/payloads.ts";
import { formatShopDateTime } from "../shop/format.ts";
import { deliveryOf, httpUrlOrNull, mailShop, vatPerRate } from "./format.ts";
import { MerchantNewOrderEmail, merchantNewOrderSubject } from "./templates/merchant-new-order.tsx";
import { OrderConfirmationEmail, orderConfirmationSubject } from "./templates/order-confirmation.tsx";
import type { MailLine } from "./templates/parts.tsx";
import { RefundConfirmationEmail, refundConfirmationSubject } from "./templates/refund-confirmation.tsx";
import { ShippedEmail, shippedSubject } from "./templates/shipped.tsx";

// Every e-mail the shop sends, built when it is sent from what the database holds then (the outbox's payloads stay
// small: lib/outbox/payloads.ts). A message rendered twice (a retry, *Send again*) says the same thing, except that
// an order's items or address changed in between would show as they are now; a refund's figures are those of the
// refund itself and the ones before it, whenever it is sent.

export type RenderedEmail = { subject: string; html: string; text: string };

/** What renderEmail reads of an OutboxMessage. */
export type RenderableMessage = { kind: string; orderId: string; payload: unknown };

export class MailContentError extends Error {
  override readonly name = "MailContentError";
}

export async function renderEmail(message: RenderableMessage): Promise<RenderedEmail> {
  const content = parseOutboxContent(message);
  switch (content.kind) {
    case "ORDER_CONFIRMATION": {
      const order = await loadMailOrder(message.orderId);
      const props = { shop: mailShop(), ...order.summary };
      return finish(orderConfirmationSubject(props), OrderConfirmationEmail, props);
    }
    case "MERCHANT_NEW_ORDER": {
      const order = await loadMailOrder(message.orderId);
      const props = {
        shop: mailShop(),
        ...order.summary,
        adminUrl: `${env.publicBaseUrl}/admin/orders/${encodeURIComponent(order.row.clientInvoiceId)}`,
        customerEmail: order.row.customerEmail,
        customerPhone: order.row.customerMsisdn ? `+${order.row.customerMsisdn}` : null,
      };
      return finish(merchantNewOrderSubject(props), MerchantNewOrderEmail, props);
    }
    case "REFUND_CONFIRMATION": {
      const props = { shop: mailShop(), ...(await loadRefund(message.orderId, content.payload.refundId)) };
      return finish(refundConfirmationSubject(props), RefundConfirmationEmail, props);
    }
    case "SHIPPED": {
      const order = await loadMailOrder(message.orderId);
      const { row } = order;
      if (row.fulfilmentStatus !== "SHIPPED" || !row.carrier || !row.trackingNumber) {
        throw new MailContentError(
          `Order ${row.clientInvoiceId} is not marked shipped with a carrier and tracking number.`,
        );
      }
      const props = {
        shop: mailShop(),
        orderNumber: order.summary.orderNumber,
        carrier: row.carrier,
        trackingNumber: row.trackingNumber,
        trackingUrl: httpUrlOrNull(row.trackingUrl),
        shippedAt: row.shippedAt ? formatShopDateTime(row.shippedAt) : null,
        lines: order.summary.lines,
        delivery: order.summary.delivery,
      };
      return finish(shippedSubject(props), ShippedEmail, props);
    }
    case "SEQR_RECEIPT":
      throw new MailContentError("A SEQR receipt goes to the SEQR app, not by e-mail.");
  }
}

async function finish<P extends object>(
  subject: string,
  component: FunctionComponent<P>,
  props: P,
): Promise<RenderedEmail> {
  const html = await render(createElement(component, props));
  return { subject, html, text: toPlainText(html) };
}

async function loadMailOrder(orderId: string) {
  const row = await db.order.findUnique({
    where: { id: orderId },
    include: {
      items: { orderBy: { id: "asc" } },
      attempts: { where: { seqrStatus: "PAID" }, orderBy: { createdAt: "desc" }, take: 1 },
    },
  });
  if (!row) throw new MailContentError(`Order ${orderId} does not exist.`);
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: row.currency });
  const lines: MailLine[] = row.items.map((item) => ({
    name: item.name,
    quantity: item.quantity,
    unitPrice: money(item.unitPriceMinor),
    lineTotal: money(item.lineTotalMinor),
  }));
  return {
    row,
    summary: {
      orderNumber: formatOrderNumber(row.number),
      paidAt: row.paidAt ? formatShopDateTime(row.paidAt) : null,
      lines,
      total: money(row.totalMinor),
      vat: vatPerRate(row.items, row.currency),
      paymentReference: row.attempts[0]?.ersReference ?? null,
      delivery: deliveryOf(row),
    },
  };
}

/**
 * A refund SEQR confirmed, with the figures as of that refund: the refunds of the same payment before it (in the
 * order they were asked for) and what remains paid after it. Later refunds do not change what this e-mail says.
 */
async function loadRefund(orderId: string, refundId: string) {
  const refund = await db.refund.findUnique({
    where: { id: refundId },
    include: { order: { select: { number: true } }, paymentAttempt: true },
  });
  if (!refund || refund.orderId !== orderId)
    throw new MailContentError(`Refund ${refundId} of order ${orderId} does not exist.`);
  if (refund.status !== "SUCCEEDED") {
    throw new MailContentError(`Refund ${refundId} is ${refund.status}: only a refund SEQR confirmed is announced.`);
  }
  const confirmed = await db.refund.findMany({
    where: { paymentAttemptId: refund.paymentAttemptId, status: "SUCCEEDED" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, amountMinor: true },
  });
  const upToThis = confirmed.slice(0, confirmed.findIndex((earlier) => earlier.id === refund.id) + 1);
  const refundedSoFarMinor = upToThis.reduce((sum, earlier) => sum + earlier.amountMinor, 0);
  const paid = paidAmountOf(refund.paymentAttempt);
  const remainingMinor = Math.max(0, paid.amountMinor - refundedSoFarMinor);
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: paid.currency });
  return {
    orderNumber: formatOrderNumber(refund.order.number),
    refunded: formatMoney({ amountMinor: refund.amountMinor, currency: refund.currency }),
    paid: money(paid.amountMinor),
    refundedSoFar: money(refundedSoFarMinor),
    remaining: money(remainingMinor),
    refundedInFull: remainingMinor === 0,
    refundReference: refund.ersReference,
    refundedAt: refund.completedAt ? formatShopDateTime(refund.completedAt) : null,
  };
}
