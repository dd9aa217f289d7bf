import { db } from "../db.ts";
import { clientInvoiceIdSchema } from "./schemas.ts";
import { syncPaymentStatus } from "./sync-payment-status.ts";
import type { OrderStatus } from "./state-machine.ts";

/** The checkout page polls about once a second; SEQR is asked at most this often on its behalf. */
const STATUS_ROUTE_SYNC_INTERVAL_MS = 3_000;

/**
 * An order's status for the page following it, and nothing else about it. While an invoice is live, SEQR is
 * asked now and then (the reconciler asks too); otherwise the database's answer is final.
 */
export async function readOrderStatus(clientInvoiceId: string, now = new Date()): Promise<OrderStatus | null> {
  const id = clientInvoiceIdSchema.safeParse(clientInvoiceId);
  if (!id.success) return null;
  const order = await db.order.findUnique({
    where: { clientInvoiceId: id.data },
    select: { id: true, status: true, attempts: { orderBy: { createdAt: "desc" }, take: 1 } },
  });
  if (!order) return null;
  const attempt = order.attempts[0];
  const stale =
    order.status === "INVOICED" &&
    attempt !== undefined &&
    (attempt.lastCheckedAt === null || now.getTime() - attempt.lastCheckedAt.getTime() >= STATUS_ROUTE_SYNC_INTERVAL_MS);
  if (!stale) return order.status;
  return (await syncPaymentStatus(order.id, { trigger: "status-route" })).status;
}
