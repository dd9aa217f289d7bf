import "../env-files.ts";

import { db } from "../db.ts";
import { log } from "../log.ts";
import { reconcileOnce, startReconciler, sweepOnce } from "./reconciler.ts";

// `npm run reconcile`: the reconciler on its own, for a deployment that runs it apart from the web servers (set
// RECONCILER=off there) or beside them (they share the work through leases). `-- --once` runs a single pass and
// prints what it did (the due invoices, then the tidying the running reconciler does every few seconds).

if (process.argv.includes("--once")) {
  try {
    const report = await reconcileOnce();
    log.info(report, "reconcile pass");
    log.info(await sweepOnce(), "sweep");
  } finally {
    await db.$disconnect();
  }
} else {
  const stop = startReconciler();
  const shutdown = () => {
    void stop()
      .then(() => db.$disconnect())
      .finally(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
