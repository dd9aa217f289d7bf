import { db } from "../db.ts";
import { ORDER_CONFIRMATION, SEQR_RECEIPT } from "../outbox/payloads.ts";

// What a paid order's pages may promise: only the messages the shop has really queued for it (OutboxMessage rows,
// written with the move to PAID by fulfilOrder), each with where it goes. An order the shop is still checking
// (NEEDS_ATTENTION, or paid after its units were gone) has none, and its pages promise none.

export type PaidMessagesView = {
  /** The order confirmation e-mail; `to` is null where the page may not show the address. */
  confirmation: { to: string | null; sent: boolean } | null;
  /** The shop's receipt in the customer's SEQR app (submitPaymentReceipt). */
  seqrReceipt: { sent: boolean } | null;
  /** The shop holds the order back to look at it (Order.attentionReason). */
  underReview: boolean;
};

/** `showAddress`: only the order's own shopper (the placing browser, the customer's SEQR session) sees it. */
export async function loadPaidMessages(
  where: { id: string } | { clientInvoiceId: string },
  options: { showAddress: boolean },
): Promise<PaidMessagesView> {
  const order = await db.order.findUnique({
    where,
    select: {
      attentionReason: true,
      outbox: { where: { kind: { in: [ORDER_CONFIRMATION, SEQR_RECEIPT] } }, select: { kind: true, recipient: true, status: true } },
    },
  });
  const confirmation = order?.outbox.find((message) => message.kind === ORDER_CONFIRMATION);
  const receipt = order?.outbox.find((message) => message.kind === SEQR_RECEIPT);
  return {
    confirmation: confirmation
      ? { to: options.showAddress ? confirmation.recipient : null, sent: confirmation.status === "SENT" }
      : null,
    seqrReceipt: receipt ? { sent: receipt.status === "SENT" } : null,
    underReview: !!order?.attentionReason && !confirmation,
  };
}
