import "../env-files.ts";

import { z } from "zod";

import { db } from "../db.ts";
import { log } from "../log.ts";
import { deliverOutboxOnce, OUTBOX_LEASE_MS, startOutboxWorker } from "./worker.ts";

// `npm run outbox`: the outbox worker on its own, for a deployment that delivers messages apart from the web
// servers (set OUTBOX_WORKER=off there) or beside them (they share the messages through leases). `-- --once`
// delivers what is due now and prints what it did. `-- --lease-ms=N` shortens the claim's lease (a worker that dies
// mid-send leaves its message to the others after that long; the end-to-end test uses it).

const argsSchema = z.object({
  once: z.boolean(),
  leaseMs: z.coerce.number().int().min(1_000, "--lease-ms must be at least 1000").max(600_000, "--lease-ms must be at most 600000"),
});

const leaseArgument = process.argv.find((arg) => arg.startsWith("--lease-ms="));
const parsed = argsSchema.safeParse({
  once: process.argv.includes("--once"),
  leaseMs: leaseArgument ? leaseArgument.slice("--lease-ms=".length) : OUTBOX_LEASE_MS,
});
if (!parsed.success) {
  log.fatal(parsed.error.issues[0]?.message ?? "invalid arguments");
  process.exit(2);
}
const { once, leaseMs } = parsed.data;

if (once) {
  try {
    log.info(await deliverOutboxOnce({ leaseMs }), "outbox pass");
  } finally {
    await db.$disconnect();
  }
} else {
  const stop = startOutboxWorker({ leaseMs });
  const shutdown = () => {
    void stop()
      .then(() => db.$disconnect())
      .finally(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
