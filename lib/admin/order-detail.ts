import { randomUUID } from "node:crypto";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { ENDABLE_STATUSES, isLiveAttempt } from "../orders/merchant-cancel.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import { deliveryAddressLines, fulfilmentRefusal, fulfilmentText } from "./fulfilment.ts";
import { refundLedgerOf } from "./refunds.ts";
import { refundableMinor } from "./refund-amounts.ts";
import { technicalLog, timelineSteps } from "./timeline.ts";

// Everything the merchant sees about one order: what happened to it (the timeline's steps, and every PaymentEvent
// in words for the details), items, customer and delivery, what was done to send it, every invoice with what can
// still be refunded of it, the refunds, and the messages the shop owes about it.

export async function loadAdminOrder(clientInvoiceId: string) {
  const order = await db.order.findUnique({
    where: { clientInvoiceId },
    include: {
      items: { orderBy: { id: "asc" } },
      attempts: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      refunds: { orderBy: { createdAt: "asc" }, include: { lines: { select: { orderItemId: true, quantity: true, restock: true } } } },
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      sessions: { orderBy: { createdAt: "asc" }, select: { msisdn: true, subscriberKey: true, createdAt: true } },
      outbox: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, kind: true, channel: true, recipient: true, status: true, attempts: true, sentAt: true, lastError: true },
      },
    },
  });
  if (!order) return null;
  const payments = await Promise.all(
    order.attempts
      .filter((attempt) => attempt.seqrStatus === "PAID" && attempt.ersReference)
      .map(async (attempt) => {
        const ledger = await refundLedgerOf(db, attempt);
        return {
          attemptId: attempt.id,
          invoiceReference: attempt.invoiceReference,
          ersReference: attempt.ersReference ?? "",
          ...ledger,
          refundableMinor: refundableMinor(ledger),
          // A fresh key per page view: the same form submitted twice refunds once (lib/admin/refunds.ts).
          requestKey: randomUUID(),
        };
      }),
  );
  return {
    order,
    payments,
    liveInvoice: order.attempts.findLast(isLiveAttempt) ?? null,
    timeline: { steps: timelineSteps(order), log: technicalLog(order) },
    fulfilment: {
      text: fulfilmentText(order),
      /** The address lines of the parcel; null when it is collected at the shop or no details were given. */
      address: deliveryAddressLines(order),
      canShip: fulfilmentRefusal(order, "SHIP") === null,
      canPickUp: fulfilmentRefusal(order, "PICKUP") === null,
    },
    /** Unpaid: the merchant may end it for good (Cancel order). */
    endable: (ENDABLE_STATUSES as readonly string[]).includes(order.status),
  };
}

export type AdminOrder = NonNullable<Awaited<ReturnType<typeof loadAdminOrder>>>;

/**
 * The packing slip: what goes in the parcel and where it goes, with the shop's name and address as the sender.
 * Prices only when the merchant wants them (PACKING_SLIP_PRICES; some parcels are gifts).
 */
export async function loadPackingSlip(clientInvoiceId: string) {
  const order = await db.order.findUnique({
    where: { clientInvoiceId },
    include: { items: { orderBy: { id: "asc" } } },
  });
  if (!order) return null;
  return {
    order,
    address: deliveryAddressLines(order),
    fulfilment: fulfilmentText(order),
    /** Why this order should not be packed (unpaid, refunded, sent already); null when it should. */
    warning: fulfilmentRefusal(order, order.deliveryMethod ?? "SHIP"),
    shop: { name: SHOP_NAME, address: env.mail.shopAddress },
    showPrices: env.fulfilment.packingSlipPrices,
  };
}

export type PackingSlip = NonNullable<Awaited<ReturnType<typeof loadPackingSlip>>>;
