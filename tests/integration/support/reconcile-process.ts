import { env } from "@/lib/env";
import { signalGroup, startScript, type ScriptProcess } from "@/tests/support/script-process";

import { shopBaseUrl } from "./shop-address";

// `npm run reconcile` (lib/orders/reconcile-command.ts) as a deployment runs it: a process of its own, sharing the
// shop's database (this test file's) and asking SEQR (this test process's sandbox, at shop-address.ts's server).

export type Reconciler = ScriptProcess;

const started: Reconciler[] = [];

export function startReconcileScript(args: string[] = [], extraEnv: Record<string, string> = {}): Reconciler {
  const reconciler = startScript("lib/orders/reconcile-command.ts", args, {
    ...process.env,
    DATABASE_URL: env.databaseUrl,
    PUBLIC_BASE_URL: shopBaseUrl,
    LOG_LEVEL: "error",
    RECONCILER_INTERVAL_MS: "100",
    ...extraEnv,
  });
  started.push(reconciler);
  return reconciler;
}

/** The JSON log lines a reconciler has printed (pino, one object a line). */
export function logLines(reconciler: Reconciler): Record<string, unknown>[] {
  return reconciler
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function exitOf(reconciler: Reconciler, timeoutMs = 10_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the reconciler did not exit within ${timeoutMs} ms; output:\n${reconciler.output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([reconciler.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kills every reconciler this file started that is still running: a test that failed half-way must not leave one
 * working on the next test's invoices.
 */
export function killRunningReconcilers() {
  for (const reconciler of started) signalGroup(reconciler, "SIGKILL");
}
