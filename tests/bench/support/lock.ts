import { spawn, spawnSync } from "node:child_process";

// The machine-wide lock that `next build` and browser runs take (`flock /tmp/e2e.lock …`, docs/testing.md): a build
// replaces .next under a running end-to-end server, and two browser runs at once slow each other down. The lock is
// held by a child `flock` whose command waits on its stdin: closing that stdin (or this process dying) releases it.

const LOCK_FILE = process.env.BENCH_LOCK_FILE ?? "/tmp/e2e.lock";
/** How long to wait for another holder (an end-to-end run takes several minutes). */
const LOCK_WAIT_MS = Number(process.env.BENCH_LOCK_WAIT_S ?? 1_200) * 1_000;

function flockAvailable(): boolean {
  return spawnSync("flock", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Runs `work` while holding the lock. Without `flock` on the machine (not Linux), runs it unlocked and says so.
 * Fails, naming the lock file, when the lock is not free within BENCH_LOCK_WAIT_S.
 */
export async function withMachineLock<T>(what: string, say: (line: string) => void, work: () => Promise<T>): Promise<T> {
  if (process.env.BENCH_LOCK === "off" || !flockAvailable()) {
    say(`${what}: without ${LOCK_FILE} (${process.env.BENCH_LOCK === "off" ? "BENCH_LOCK=off" : "no flock on this machine"})`);
    return work();
  }
  const holder = spawn("flock", [LOCK_FILE, "sh", "-c", "echo locked; exec cat"], { stdio: ["pipe", "pipe", "inherit"] });
  const waitStarted = Date.now();
  const waitingNote = setTimeout(() => say(`${what}: waiting for ${LOCK_FILE} (another build or browser run holds it)`), 2_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: ${LOCK_FILE} was not free within ${LOCK_WAIT_MS / 1000} s`)), LOCK_WAIT_MS);
      holder.stdout.once("data", () => {
        clearTimeout(timer);
        resolve();
      });
      holder.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${what}: flock ${LOCK_FILE} exited with ${code} before taking the lock`));
      });
    });
  } catch (error) {
    holder.kill("SIGKILL");
    throw error;
  } finally {
    clearTimeout(waitingNote);
  }
  const waitedS = Math.round((Date.now() - waitStarted) / 1000);
  if (waitedS > 1) say(`${what}: took ${LOCK_FILE} after ${waitedS} s`);
  try {
    return await work();
  } finally {
    holder.stdin.end();
    await new Promise<void>((resolve) => {
      if (holder.exitCode !== null || holder.signalCode !== null) return resolve();
      holder.once("exit", () => resolve());
      setTimeout(() => {
        holder.kill("SIGKILL");
        resolve();
      }, 5_000).unref();
    });
  }
}
