import path from "node:path";

import { createPrismaClient, type PrismaClient } from "@/lib/db";

// The end-to-end server's database (playwright.config.ts), opened by the tests themselves to check what a page
// cannot show: events, outbox, stock. Tests only read it; the server is the one that writes.

export const E2E_DATABASE_URL = `file:${path.resolve("data/e2e.db")}`;

export function openShopDatabase(): PrismaClient {
  return createPrismaClient(E2E_DATABASE_URL);
}

/** An order with what happened to it, oldest event first. */
export function loadOrder(db: PrismaClient, clientInvoiceId: string) {
  return db.order.findUniqueOrThrow({
    where: { clientInvoiceId },
    include: {
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      outbox: true,
      attempts: { orderBy: { createdAt: "asc" } },
    },
  });
}

export type LoadedOrder = Awaited<ReturnType<typeof loadOrder>>;

/** The STATUS_CHANGED events that made the order PAID: exactly one when the transition happened once. */
export function transitionsToPaid(order: LoadedOrder) {
  return order.events.filter((event) => event.type === "STATUS_CHANGED" && event.toStatus === "PAID");
}

export function eventsOfType(order: LoadedOrder, type: LoadedOrder["events"][number]["type"]) {
  return order.events.filter((event) => event.type === type);
}
