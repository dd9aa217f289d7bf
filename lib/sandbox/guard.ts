import { env } from "../env.ts";
import { AppError } from "../errors.ts";

// The sandbox exists only when SEQR_MODE=sandbox. proxy.ts turns every /sandbox URL away in live mode, and the
// sandbox's layout does too, but neither covers everything: Server Actions are called by id from any page, a
// page renders alongside its layout rather than after it, and lib/sandbox's functions are plain imports. So every
// entry checks for itself; one forgotten check must never write a terminal password into a live shop's database.
// tests/integration/sandbox-live-mode.test.ts walks every entry in live mode.

export function isSandboxMode(): boolean {
  return env.seqr.mode === "sandbox";
}

/**
 * First line of every lib/sandbox function that reads or writes the sandbox's tables: a 404 in live mode. Pages
 * call `if (!isSandboxMode()) notFound()` instead, for Next's own 404 page (this module stays free of Next: the
 * integration tests' sandbox server imports it outside Next).
 */
export function assertSandboxMode(): void {
  if (!isSandboxMode()) throw new AppError("NOT_FOUND", 404, "Not found.");
}
