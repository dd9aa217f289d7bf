import { db } from "../db.ts";
import { ensureSandboxRegistry, forgetSandboxRegistry } from "./registry.ts";
import { assertSandboxMode } from "./guard.ts";

/** Forgets everything the sandbox has seen and rebuilds its registry from settings (for tests and demos). */
export async function resetSandbox(): Promise<void> {
  assertSandboxMode();
  await db.$transaction([
    db.sandboxNotification.deleteMany({}),
    db.sandboxRefund.deleteMany({}),
    db.sandboxReceiptDocument.deleteMany({}),
    db.sandboxLedgerEntry.deleteMany({}),
    db.sandboxInvoice.deleteMany({}),
    db.sandboxSession.deleteMany({}),
    db.sandboxTransactionPeriod.deleteMany({}),
    db.sandboxFault.deleteMany({}),
    db.sandboxSubscriber.deleteMany({}),
    db.sandboxService.deleteMany({}),
    db.sandboxTerminal.deleteMany({}),
    db.sandboxConfig.deleteMany({}),
  ]);
  forgetSandboxRegistry();
  await ensureSandboxRegistry();
}
