import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

// The project's own processes started by tests: `next start`, and the commands (`npm run reconcile`, `npm run
// outbox`) as package.json starts them, node itself with tsx's loader, so that signals reach the command and not a
// wrapper.

export type ScriptProcess = {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** `command args…` with exactly `env`, in a process group of its own (see signalGroup), its output kept. */
export function startInGroup(command: string, args: string[], env: NodeJS.ProcessEnv): ScriptProcess {
  const child = spawn(command, args, {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, so that clean-up can end it and anything it started.
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** `node --import tsx <script> [args]` with exactly `env`, in a process group of its own. */
export function startScript(script: string, args: string[], env: NodeJS.ProcessEnv): ScriptProcess {
  return startInGroup(process.execPath, ["--import", "tsx", path.resolve(script), ...args], env);
}

/** Sends `signal` to the process and anything it started, unless it has already ended. */
export function signalGroup(started: ScriptProcess, signal: NodeJS.Signals): void {
  const { child } = started;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
