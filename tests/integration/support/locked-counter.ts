// A separate process that counts up one product's stock the hard way, as a second server would: each round reads
// the stock, awaits, and writes it back plus one, in a transaction that takes the row's lock first (lib/db-locks.ts).
// tests/integration/concurrency.test.ts runs several at once on the test file's database (DATABASE_URL).
import { setTimeout as sleep } from "node:timers/promises";

import { db } from "../../../lib/db.ts";
import { lockRows } from "../../../lib/db-locks.ts";

const [productId, rounds] = process.argv.slice(2);
if (!productId || !rounds) throw new Error("usage: locked-counter <productId> <rounds>");

try {
  for (let round = 0; round < Number(rounds); round += 1) {
    await db.$transaction(async (tx) => {
      await lockRows(tx, "Product", [productId]);
      const { stock } = await tx.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true } });
      await sleep(2);
      await tx.product.update({ where: { id: productId }, data: { stock: stock + 1 } });
    });
  }
} finally {
  await db.$disconnect();
}
