import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { env } from "@/lib/env";

import { shopBaseUrl } from "./shop-address";

// `npm run reconcile` (lib/orders/reconcile-command.ts) as a deployment runs it: a process of its own, sharing the
// shop's database (this test file's) and asking SEQR (this test process's sandbox, at shop-address.ts's server).

export type Reconciler = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const started: Reconciler[] = [];

/** `npm run reconcile [-- args]`, as package.json runs it: node itself with tsx's loader, so SIGTERM reaches it. */
export function startReconcileScript(args: string[] = [], extraEnv: Record<string, string> = {}): Reconciler {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("lib/orders/reconcile-command.ts"), ...args], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      PUBLIC_BASE_URL: shopBaseUrl,
      LOG_LEVEL: "error",
      RECONCILER_INTERVAL_MS: "100",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, so that clean-up can end it and anything it started.
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const reconciler = { child, output: () => output, exited };
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

/** Ends a reconciler that is still running, and anything it started. */
export function killGroup(reconciler: Reconciler, signal: NodeJS.Signals) {
  const { child } = reconciler;
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Kills every reconciler this file started that is still running: a test that failed half-way must not leave one
 * working on the next test's invoices.
 */
export function killRunningReconcilers() {
  for (const reconciler of started) {
    if (reconciler.child.exitCode === null && reconciler.child.signalCode === null) killGroup(reconciler, "SIGKILL");
  }
}
