"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { checkShipment, markPickedUp, markShipped, shipmentFields } from "@/lib/admin/fulfilment";
import { adminAction } from "@/lib/admin/guard";
import { cancelOrderInvoice, endOrder, refreshOrder, sendOrderReceipt } from "@/lib/admin/order-actions";
import { refundPayment } from "@/lib/admin/refunds";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";

// The merchant's actions on one order. Each is built with adminAction (session and origin first), validated by
// zod, and recorded in the order's timeline by lib/admin.

const orderInput = z.object({ clientInvoiceId: clientInvoiceIdSchema });

async function orderIdOf(clientInvoiceId: string): Promise<string> {
  const order = await db.order.findUnique({ where: { clientInvoiceId }, select: { id: true } });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  return order.id;
}

function refreshPage(clientInvoiceId: string) {
  revalidatePath(`/admin/orders/${clientInvoiceId}`);
}

export const refreshOrderAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await refreshOrder(await orderIdOf(clientInvoiceId), admin);
  refreshPage(clientInvoiceId);
  return outcome;
});

export const cancelInvoiceAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await cancelOrderInvoice(await orderIdOf(clientInvoiceId), admin);
  refreshPage(clientInvoiceId);
  return outcome;
});

/** Cancel order: ends an unpaid order for good (its live invoice canceled at SEQR first). */
export const endOrderAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await endOrder(await orderIdOf(clientInvoiceId), admin);
  refreshPage(clientInvoiceId);
  return outcome;
});

export const sendReceiptAction = adminAction(orderInput, async ({ clientInvoiceId }, admin) => {
  const outcome = await sendOrderReceipt(await orderIdOf(clientInvoiceId), admin);
  refreshPage(clientInvoiceId);
  return outcome;
});

const refundInput = orderInput.extend({
  paymentAttemptId: z.string().min(1).max(40),
  amount: z.string().trim().min(1, "enter the amount to refund").max(20, "is too long"),
  requestKey: z.uuid("is not a refund form's key: reload the page"),
  reason: z.preprocess((value) => (value === "" ? undefined : value), z.string().trim().max(200, "must be at most 200 characters").optional()),
});

export const refundAction = adminAction(refundInput, async (input, admin) => {
  const outcome = await refundPayment(
    {
      orderId: await orderIdOf(input.clientInvoiceId),
      paymentAttemptId: input.paymentAttemptId,
      amount: input.amount,
      requestKey: input.requestKey,
      reason: input.reason,
    },
    admin,
  );
  refreshPage(input.clientInvoiceId);
  if (outcome.status !== "SUCCEEDED" && !outcome.repeated) throw new AppError("REFUND_NOT_MADE", 422, outcome.message);
  return outcome;
});

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
