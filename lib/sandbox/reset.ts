import { db } from "../db.ts";
import { writeSandboxRegistry } from "./registry.ts";
import { assertSandboxMode } from "./guard.ts";

/**
 * Forgets everything the sandbox has seen and rebuilds its registry from settings (for tests and demos), in one
 * transaction: another server process sees the sandbox as it was or as it is after, never without its terminal,
 * service and subscribers, and a process that dies half-way leaves it as it was.
 */
export async function resetSandbox(): Promise<void> {
  assertSandboxMode();
  await db.$transaction(async (tx) => {
    await tx.sandboxNotification.deleteMany({});
    await tx.sandboxRefund.deleteMany({});
    await tx.sandboxReceiptDocument.deleteMany({});
    await tx.sandboxLedgerEntry.deleteMany({});
    await tx.sandboxInvoice.deleteMany({});
    await tx.sandboxSession.deleteMany({});
    await tx.sandboxTransactionPeriod.deleteMany({});
    await tx.sandboxFault.deleteMany({});
    await tx.sandboxSubscriber.deleteMany({});
    await tx.sandboxService.deleteMany({});
    await tx.sandboxTerminal.deleteMany({});
    await tx.sandboxConfig.deleteMany({});
    await writeSandboxRegistry(tx);
  });
}
