import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

import { nextBinIn, ROOT } from "./build.ts";

// The processes the benchmark starts: production servers (`next start`), and its own helpers (the delayed SEQR
// sandbox, the bare notification server). Each is stopped at the end, and killed when the benchmark dies.

export type Started = {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The process's last output, to show when something fails. */
  outputTail: () => string;
  stop: () => Promise<void>;
};

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port on 127.0.0.1");
  return address.port;
}

/**
 * The environment of the shop's processes: the machine's basics only, so that nothing of the shell the benchmark
 * runs in (a DATABASE_URL, a LOG_LEVEL) leaks in, plus `extra`.
 */
export function shopEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "PRISMA_SCHEMA_ENGINE_BINARY"];
  const env: Record<string, string> = { NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of keep) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH = [path.join(ROOT, "node_modules/.bin"), env.PATH].filter(Boolean).join(path.delimiter);
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

/** Starts `command args…`, keeping the last 8 kB of its output. */
export function startProcess(name: string, command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; stdin?: "pipe" }): Started {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env, stdio: [options.stdin ?? "ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  return {
    name,
    pid: child.pid,
    child,
    outputTail: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const ended = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!ended) child.kill("SIGKILL");
      }
      await exited;
    },
  };
}

/** Waits until `url` answers 200, at most `timeoutMs`; fails with the process's own words when it exits or never does. */
export async function waitUntilAnswering(started: Started, url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`${started.name} exited at start:\n${started.outputTail()}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
      async (response) => {
        await response.body?.cancel();
        return response.status === 200;
      },
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) {
      await started.stop();
      throw new Error(`${started.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${started.outputTail()}`);
    }
    await sleep(250);
  }
}

/**
 * `next start` serving the build in `dir` on 127.0.0.1:`port`, ready when `readyPath` answers 200. With `asNpmStart`,
 * started as `npm start` starts the shop: lib/start-server.sh (jemalloc where the machine has it), which replaces
 * itself with `next start` (exec), so the PID is the server's; its `next` is the repository's (shopEnv's PATH), the
 * package the copy's node_modules link to.
 */
export async function startNextServer(
  name: string,
  dir: string,
  port: number,
  env: Record<string, string>,
  readyPath: string,
  options: { asNpmStart?: boolean } = {},
): Promise<Started> {
  const serve = [dir, "--hostname", "127.0.0.1", "--port", String(port)];
  const [command, args] = options.asNpmStart
    ? ["/bin/sh", [path.join(ROOT, "lib/start-server.sh"), ...serve]]
    : [process.execPath, [nextBinIn(dir), "start", ...serve]];
  const started = startProcess(name, command, args, { cwd: dir, env: shopEnv({ NODE_ENV: "production", ...env }) });
  await waitUntilAnswering(started, `http://127.0.0.1:${port}${readyPath}`);
  return started;
}

/**
 * The allocator process `pid` runs on, read from its own memory map (Linux /proc): jemalloc when the library is
 * mapped into it (`npm start` preloads it where the machine has it), else the system's malloc (glibc's). The
 * memory row's reading depends on it (docs/performance.md, "Memory: jemalloc"), so the report names it.
 */
export function memoryAllocatorOf(pid: number): "jemalloc" | "system malloc" {
  return fs.readFileSync(`/proc/${pid}/maps`, "utf8").includes("libjemalloc") ? "jemalloc" : "system malloc";
}

/**
 * A helper script of the benchmark run with tsx (`node --import tsx <script>`), ready when it prints a line
 * `{"ready": …}` on stdout, which is returned.
 */
export async function startHelper<T>(name: string, script: string, env: Record<string, string>, timeoutMs = 60_000): Promise<{ started: Started; ready: T }> {
  const started = startProcess(name, process.execPath, ["--import", "tsx", script], { env: shopEnv(env) });
  const ready = await new Promise<T>((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${started.outputTail()}`)), timeoutMs);
    started.child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((candidate) => candidate.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ready: T }).ready);
      }
    });
    started.child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${started.outputTail()}`));
    });
  });
  return { started, ready };
}

/** A helper that answers commands: one line on its stdin, one JSON line on its stdout. */
export type Conversation = {
  started: Started;
  /** What the helper said when it was ready. */
  ready: Record<string, unknown>;
  ask: (command: string, timeoutMs?: number) => Promise<Record<string, unknown>>;
  /** Says "quit" and waits for the helper to end. */
  end: () => Promise<void>;
};

/** Starts a helper script that first prints `{"ready":{…}}` when ready, then one JSON line per command it is sent. */
export async function startConversation(name: string, script: string, env: Record<string, string>, readyTimeoutMs: number): Promise<Conversation> {
  const started = startProcess(name, process.execPath, ["--import", "tsx", script], { env: shopEnv(env), stdin: "pipe" });
  const stdout = started.child.stdout;
  const stdin = started.child.stdin;
  if (!stdout || !stdin) throw new Error(`${name} has no stdin or stdout`);
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  readline.createInterface({ input: stdout }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  const nextLine = (timeoutMs: number, what: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const queued = lines.shift();
      if (queued !== undefined) return resolve(JSON.parse(queued) as Record<string, unknown>);
      const timer = setTimeout(() => reject(new Error(`${name}: no answer to ${what} within ${timeoutMs / 1000} s:\n${started.outputTail()}`)), timeoutMs);
      const exited = () => reject(new Error(`${name} ended before it answered ${what}:\n${started.outputTail()}`));
      started.child.once("exit", exited);
      waiting.push((line) => {
        clearTimeout(timer);
        started.child.off("exit", exited);
        resolve(JSON.parse(line) as Record<string, unknown>);
      });
    });
  let ready: Record<string, unknown>;
  try {
    const first = await nextLine(readyTimeoutMs, "starting");
    if (typeof first.ready !== "object" || first.ready === null) throw new Error(`${name} said ${JSON.stringify(first)} instead of {"ready":…}`);
    ready = first.ready as Record<string, unknown>;
  } catch (error) {
    await started.stop();
    throw error;
  }
  return {
    started,
    ready,
    ask: (command, timeoutMs = 60_000) => {
      const answer = nextLine(timeoutMs, `"${command}"`);
      stdin.write(`${command}\n`);
      return answer;
    },
    end: async () => {
      if (started.child.exitCode === null) stdin.end("quit\n");
      const ended = await Promise.race([
        new Promise<boolean>((resolve) => (started.child.exitCode !== null ? resolve(true) : started.child.once("exit", () => resolve(true)))),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
      ]);
      if (!ended) await started.stop();
    },
  };
}
