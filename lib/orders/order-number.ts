import type { Prisma } from "../generated/prisma/client.ts";

/** The number the first order of a new shop gets (the migration starts the counter at FIRST_ORDER_NUMBER - 1). */
export const FIRST_ORDER_NUMBER = 1001;

/**
 * The next short order number, taken inside the transaction that creates the order: the increment is one
 * conditional write on the counter's row, so two orders placed at once wait for each other and get two numbers
 * (on PostgreSQL the row lock, on SQLite the write lock), and a rolled-back order gives its number back.
 * Order.number's unique constraint backs it up.
 */
export async function nextOrderNumber(tx: Prisma.TransactionClient): Promise<number> {
  const counter = await tx.orderNumberCounter.upsert({
    where: { id: 1 },
    // Only a database whose counter row was deleted by hand (the migration writes it) gets here.
    create: { id: 1, lastNumber: FIRST_ORDER_NUMBER },
    update: { lastNumber: { increment: 1 } },
    select: { lastNumber: true },
  });
  return counter.lastNumber;
}

/** How people see and say it: "#1042". */
export function formatOrderNumber(orderNumber: number): string {
  return `#${orderNumber}`;
}
