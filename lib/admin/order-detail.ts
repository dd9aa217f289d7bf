import { randomUUID } from "node:crypto";

import { db } from "../db.ts";
import { ENDABLE_STATUSES, isLiveAttempt } from "../orders/merchant-cancel.ts";
import { refundLedgerOf } from "./refunds.ts";
import { refundableMinor } from "./refund-amounts.ts";

// Everything the merchant sees about one order: items, customer, every invoice with what can still be refunded
// of it, the refunds, and the full PaymentEvent timeline, oldest first.

export async function loadAdminOrder(clientInvoiceId: string) {
  const order = await db.order.findUnique({
    where: { clientInvoiceId },
    include: {
      items: { orderBy: { id: "asc" } },
      attempts: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      refunds: { orderBy: { createdAt: "asc" } },
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      sessions: { orderBy: { createdAt: "asc" }, select: { msisdn: true, subscriberKey: true, createdAt: true } },
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
    /** Unpaid: the merchant may end it for good (Cancel order). */
    endable: (ENDABLE_STATUSES as readonly string[]).includes(order.status),
  };
}

export type AdminOrder = NonNullable<Awaited<ReturnType<typeof loadAdminOrder>>>;
