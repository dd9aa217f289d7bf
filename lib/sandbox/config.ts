import { z } from "zod";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { assertSandboxMode } from "./guard.ts";

// The sandbox's timings live in the database (one row), so that tests can shorten them through the fault API
// and every server process sees the same values.

export const sandboxConfigSchema = z.object({
  /** The commit rule: a payment nobody sees as PAID within this window is reversed. */
  commitWindowMs: z.number().int().min(100).max(600_000),
  /** How long an External Service session token stays usable (then 60). */
  sessionTtlMs: z.number().int().min(100).max(86_400_000),
  /** How long after markTransactionPeriod executeReport still answers 2 (report not ready). */
  reportDelayMs: z.number().int().min(0).max(600_000),
  /** How long an invoice opened in the app counts as being paid (cancelInvoice then answers 51). */
  invoiceInProgressMs: z.number().int().min(0).max(600_000),
});

export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;

export function defaultSandboxConfig(): SandboxConfig {
  return {
    commitWindowMs: env.sandbox.commitWindowMs,
    sessionTtlMs: 15 * 60_000,
    reportDelayMs: 2_000,
    invoiceInProgressMs: 30_000,
  };
}

export async function getSandboxConfig(): Promise<SandboxConfig> {
  assertSandboxMode();
  // A plain read on the hot path; the row is written only the first time (upsert: another process may race us).
  const row =
    (await db.sandboxConfig.findUnique({ where: { id: 1 } })) ??
    (await db.sandboxConfig.upsert({ where: { id: 1 }, create: defaultSandboxConfig(), update: {} }));
  return {
    commitWindowMs: row.commitWindowMs,
    sessionTtlMs: row.sessionTtlMs,
    reportDelayMs: row.reportDelayMs,
    invoiceInProgressMs: row.invoiceInProgressMs,
  };
}

export async function updateSandboxConfig(changes: Partial<SandboxConfig>): Promise<SandboxConfig> {
  assertSandboxMode();
  const current = await getSandboxConfig();
  const next = sandboxConfigSchema.parse({ ...current, ...changes });
  await db.sandboxConfig.update({ where: { id: 1 }, data: next });
  return next;
}
