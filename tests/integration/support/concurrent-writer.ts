// A separate process that writes to the shop's database the way a busy server does: many short interactive
// transactions. tests/integration/database.test.ts runs several at once, and one beside a transaction of its own.
import { createPrismaClient } from "../../../lib/db.ts";

const [databaseUrl, sku, rounds] = process.argv.slice(2);
if (!databaseUrl || !sku || !rounds) throw new Error("usage: concurrent-writer <databaseUrl> <sku> <rounds>");

const db = createPrismaClient(databaseUrl);
try {
  for (let round = 0; round < Number(rounds); round += 1) {
    await db.$transaction(async (tx) => {
      await tx.product.update({ where: { sku }, data: { stock: { increment: 1 } } });
      // Hold the write lock across an await, as a request doing real work would.
      await new Promise((resolve) => setTimeout(resolve, 2));
      await tx.product.findUniqueOrThrow({ where: { sku } });
    });
  }
} finally {
  await db.$disconnect();
}
