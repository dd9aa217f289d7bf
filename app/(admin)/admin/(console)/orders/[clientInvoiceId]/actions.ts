"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { checkShipment, markPickedUp, markShipped, shipmentFields } from "@/lib/admin/fulfilment";
import { adminAction } from "@/lib/admin/guard";
import { cancelOrderInvoice, endOrder, refreshOrder, sendOrderReceipt } from "@/lib/admin/order-actions";
import { refundFormInput } from "@/lib/admin/refund-lines";
import { refundLines, refundPayment } from "@/lib/admin/refunds";
import { catalogChanged } from "@/lib/catalog/cached";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";

// The merchant's actions on one order. Each is built with adminAction (session and origin first), validated by
// zod, and recorded in the order's timeline by lib/admin.

const orderInput = z.object({ clientInvoiceId: clientInvoiceIdSchema });

async function orderIdOf(clientInvoiceId: string): Promise<string> {
  const order = await db.order.findUnique({ where: { clientInvoiceId }, select: { id: true } });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order. Open it again from the orders list.");
  return order.id;
}

function refreshPage(clientInvoiceId: string) {
  revalidatePath(`/admin/orders/${clientInvoiceId}`);
}

/** After an action that can give stock back (a canceled order's, a refund's restock): the shop shows it at once. */
function refreshPageAndStock(clientInvoiceId: string) {
  refreshPage(clientInvoiceId);
  catalogChanged();
}

export const refreshOrderAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await refreshOrder(await orderIdOf(clientInvoiceId), admin);
  refreshPageAndStock(clientInvoiceId);
  return outcome;
});

export const cancelInvoiceAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await cancelOrderInvoice(await orderIdOf(clientInvoiceId), admin);
  refreshPageAndStock(clientInvoiceId);
  return outcome;
});

/** Cancel order: ends an unpaid order for good (its live invoice canceled at SEQR first). */
export const endOrderAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await endOrder(await orderIdOf(clientInvoiceId), admin);
  refreshPageAndStock(clientInvoiceId);
  return outcome;
});

export const sendReceiptAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await sendOrderReceipt(await orderIdOf(clientInvoiceId), admin);
  refreshPage(clientInvoiceId);
  return outcome;
});

/**
 * Refund: an amount, or items and quantities (the amount then worked out on the server from the order's lines;
 * any amount sent along is ignored). Only an owner may refund: a staff member's form changes nothing.
 */
export const refundAction = adminAction(
  refundFormInput,
  async (input, admin) => {
    const common = {
      orderId: await orderIdOf(input.clientInvoiceId),
      paymentAttemptId: input.paymentAttemptId,
      requestKey: input.requestKey,
      reason: input.reason,
    };
    const outcome =
      input.mode === "lines"
        ? await refundLines({ ...common, lines: input.lines, restock: input.restock }, admin)
        : await refundPayment({ ...common, amount: input.amount ?? "" }, admin);
    refreshPageAndStock(input.clientInvoiceId);
    if (outcome.status !== "SUCCEEDED" && !outcome.repeated) throw new AppError("REFUND_NOT_MADE", 422, outcome.message);
    return outcome;
  },
  { ownerOnly: true },
);

/** Mark shipped: carrier and tracking number; sends the customer the shipped e-mail. */
export const markShippedAction = adminAction(
  orderInput.extend(shipmentFields).superRefine(checkShipment),
  async ({ clientInvoiceId, carrier, trackingNumber, trackingUrl }, admin) => {
    const outcome = await markShipped(await orderIdOf(clientInvoiceId), { carrier, trackingNumber, trackingUrl }, admin);
    refreshPage(clientInvoiceId);
    return outcome;
  },
);

/** Picked up: the customer collected the order at the shop. */
export const markPickedUpAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await markPickedUp(await orderIdOf(clientInvoiceId), admin);
  refreshPage(clientInvoiceId);
  return outcome;
});
