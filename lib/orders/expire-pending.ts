import { databaseProvider, db } from "../db.ts";
import { env } from "../env.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { releaseStock } from "./stock-reservation.ts";

// Orders nobody ever sent an invoice for (the shopper left the checkout) end as EXPIRED after a set time
// (PENDING_ORDER_TIMEOUT_MS, default 24 h): no longer payable, and whatever they held goes back on sale. Called
// by the reconciler's loop; each call does a bounded amount of work, the next call picks up the rest.

/** Orders looked at per call when the caller does not say. */
const DEFAULT_LIMIT = 100;

/** Attempts that mean a Pay is under way or an invoice is out: such an order is not abandoned. */
const ACTIVE_ATTEMPT_STATES = ["SENDING", "SENT"] as const;

export type ExpirePendingResult = {
  /** The orders this call moved to EXPIRED. */
  expired: string[];
  /** Candidates found (at most `limit`); more than expired when a Pay or another caller got to one first. */
  found: number;
};

/**
 * PostgreSQL: locks the order for this transaction if it is still PENDING and nobody else holds it (another
 * reconciler's sweep expiring it, a Pay taking its lease); false means leave it to them, so that several reconcilers
 * share the candidates instead of queueing on the same rows. The conditional update below stays the guarantee.
 * SQLite has one writer at a time: nothing to skip.
 */
async function claimPendingOrder(tx: Prisma.TransactionClient, orderId: string): Promise<boolean> {
  if (databaseProvider !== "postgresql") return true;
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Order" WHERE "id" = ${orderId} AND "status" = 'PENDING' FOR NO KEY UPDATE SKIP LOCKED`;
  return locked.length === 1;
}

export async function expireStalePendingOrders(
  options: { now?: () => Date; pendingTimeoutMs?: number; limit?: number } = {},
): Promise<ExpirePendingResult> {
  const at = (options.now ?? (() => new Date()))();
  const pendingTimeoutMs = options.pendingTimeoutMs ?? env.orders.pendingTimeoutMs;
  const cutoff = new Date(at.getTime() - pendingTimeoutMs);
  // The same conditions twice: to find candidates, then as the guarantee in each order's update, since a Pay may
  // have taken an order (its lease, a SENDING attempt) between the two.
  const stale: Prisma.OrderWhereInput = {
    status: "PENDING",
    createdAt: { lt: cutoff },
    OR: [{ invoicingUntil: null }, { invoicingUntil: { lte: at } }],
    attempts: { none: { state: { in: [...ACTIVE_ATTEMPT_STATES] } } },
  };

  const candidates = await db.order.findMany({
    where: stale,
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: options.limit ?? DEFAULT_LIMIT,
  });

  const expired: string[] = [];
  for (const { id } of candidates) {
    const moved = await db.$transaction(async (tx) => {
      if (!(await claimPendingOrder(tx, id))) return false;
      const updated = await tx.order.updateMany({ where: { id, ...stale }, data: { status: "EXPIRED", expiredAt: at } });
      if (updated.count === 0) return false;
      await tx.paymentEvent.create({
        data: {
          orderId: id,
          type: "STATUS_CHANGED",
          source: "reconciler",
          fromStatus: "PENDING",
          toStatus: "EXPIRED",
          detail: { reason: "NO_INVOICE", pendingTimeoutMs },
        },
      });
      await releaseStock(tx, id, { trigger: "reconciler" });
      return true;
    });
    if (moved) expired.push(id);
  }
  return { expired, found: candidates.length };
}
