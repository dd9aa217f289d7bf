import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// The load test's own production server: `next start` from the build the end-to-end tests made (`.next`), on a
// free loopback port and a database of its own, so that it neither waits for nor disturbs Playwright's server on
// 3100. `next start` serves in the process it is started in, so the child's PID is the server whose memory is read.
// Plain `next start`, on the system's malloc, not `npm start`'s jemalloc (lib/start-server.sh): on jemalloc the
// memory check's baseline (load.test.ts) is read truly at rest (about 195 MiB rather than about 300), and V8
// sometimes takes longer than the 60 s the check waits to give back its heap after 50 connections (194 MiB before,
// 326 MiB 60 s after, in one of two runs), so the check as calibrated would fail on V8's timing, not on a leak.

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");
const PRISMA_BIN = path.resolve("node_modules/.bin/prisma");

export type LoadServer = {
  baseUrl: string;
  databaseUrl: string;
  pid: number;
  /** The server's last lines on stderr, to show when something fails. */
  stderrTail: () => string;
  stop: () => Promise<void>;
};

/** A port nobody listens on right now, on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port for the load test's server");
  return address.port;
}

/**
 * The environment of the shop's commands: the machine's basics only, so that nothing of the runner (vitest's
 * NODE_ENV=test, a DATABASE_URL) leaks in; production, as the server runs, in the sandbox mode chosen on purpose.
 */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "PRISMA_SCHEMA_ENGINE_BINARY"];
  const env: NodeJS.ProcessEnv = { NODE_ENV: "production", SEQR_MODE: "sandbox", NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  // `prisma db seed` runs `tsx`, found beside the project's other tools.
  env.PATH = [path.resolve("node_modules/.bin"), env.PATH].filter(Boolean).join(path.delimiter);
  return { ...env, ...extra };
}

/** A fresh database migrated and seeded exactly as the end-to-end tests' (`prisma migrate deploy`, `prisma db seed`). */
function freshDatabase(dir: string): string {
  const databaseUrl = `file:${path.join(dir, "load.db")}`;
  const env = baseEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: "error" });
  for (const args of [["migrate", "deploy"], ["db", "seed"]]) {
    execFileSync(PRISMA_BIN, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  }
  return databaseUrl;
}

export async function startLoadServer(): Promise<LoadServer> {
  if (!fs.existsSync(".next/BUILD_ID")) {
    throw new Error("the load test serves the production build and there is none: run `npm run build` first");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-load-"));
  let databaseUrl: string;
  try {
    databaseUrl = freshDatabase(dir);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, "start", "--hostname", "127.0.0.1", "--port", String(port)], {
    env: baseEnv({
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: baseUrl,
      // Every request comes from 127.0.0.1's socket: one address, as one abusive client would be.
      TRUSTED_PROXY_COUNT: "0",
      LOG_LEVEL: "error",
    }),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_000);
  });
  // Whatever ends the test run (a failure, Ctrl-C), the server ends with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => process.off("exit", killOnExit));
  let running = true;
  void exited.then(() => (running = false));

  const stop = async () => {
    if (running) {
      child.kill("SIGTERM");
      const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) child.kill("SIGKILL");
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // Ready when /api/health answers 200; a server that exits or never answers fails the test with its own words.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!running) {
      await stop();
      throw new Error(`the load test's server exited at start:\n${stderr}`);
    }
    const healthy = await fetch(`${baseUrl}/api/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the load test's server did not answer /api/health within 60 s:\n${stderr}`);
    }
    await sleep(250);
  }
  if (child.pid === undefined) throw new Error("the load test's server has no PID");
  return { baseUrl, databaseUrl, pid: child.pid, stderrTail: () => stderr, stop };
}

/** The resident memory of a process, in MiB (VmRSS in /proc/<pid>/status). */
export function residentMemoryMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Math.round((Number(kib) / 1024) * 10) / 10;
}

/** A reading of memoryAtRest: the memory then, how long it waited, and whether it saw the fall it waits for. */
export type MemoryReading = { mib: number; waitedSeconds: number; fell: boolean };

/** How long the memory must hold still, after its fall, to count as at rest (memoryAtRest). */
export const REST_SECONDS = 10;

/**
 * The server's memory once it has given back what the last burst of requests took. No one outside the process can
 * force a garbage collection; V8 shrinks the heap by itself some 25-40 s after a load stops (measured on this
 * build: RSS falls by a third or more within two seconds), sometimes in steps with a few seconds between them (a
 * benchmark run read 341 MiB in such a pause, half way down from 682 MiB). Waits for that fall (a reading
 * `fallFraction`, a sixth unless given, below the highest since the call) and then for the memory to hold still
 * (every reading within 2% of the first of them) for `stillSeconds` (REST_SECONDS unless given), or for
 * `maxSeconds`, and returns the reading then.
 */
export async function memoryAtRest(
  pid: number,
  maxSeconds: number,
  options: { stillSeconds?: number; fallFraction?: number } = {},
): Promise<MemoryReading> {
  const stillMs = (options.stillSeconds ?? REST_SECONDS) * 1_000;
  const started = Date.now();
  let highest = residentMemoryMiB(pid);
  let now = highest;
  let fell = false;
  // The reading a still stretch began with, and when; restarted whenever a reading leaves its 2% band.
  let still = { mib: now, since: started };
  while (Date.now() - started < maxSeconds * 1_000) {
    await sleep(500);
    now = residentMemoryMiB(pid);
    highest = Math.max(highest, now);
    if (now <= highest * (1 - (options.fallFraction ?? 1 / 6))) fell = true;
    if (Math.abs(now - still.mib) > still.mib * 0.02) still = { mib: now, since: Date.now() };
    if (fell && Date.now() - still.since >= stillMs) {
      return { mib: now, waitedSeconds: Math.round((Date.now() - started) / 1_000), fell };
    }
  }
  return { mib: now, waitedSeconds: maxSeconds, fell };
}

/**
 * Waits up to `maxSeconds` for the server's memory to come down to `limitMiB` and stop falling (two readings half a
 * second apart within 2%), so that what is reported is where it came to rest; returns the last reading.
 */
export async function memoryDownTo(pid: number, limitMiB: number, maxSeconds: number): Promise<{ mib: number; waitedSeconds: number }> {
  const started = Date.now();
  let previous = Number.POSITIVE_INFINITY;
  let now = residentMemoryMiB(pid);
  while ((now > limitMiB || Math.abs(now - previous) > previous * 0.02) && Date.now() - started < maxSeconds * 1_000) {
    await sleep(500);
    previous = now;
    now = residentMemoryMiB(pid);
  }
  return { mib: now, waitedSeconds: Math.round((Date.now() - started) / 1_000) };
}
