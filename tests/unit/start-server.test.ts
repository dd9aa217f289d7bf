import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, expect, test } from "vitest";

import { DEBIAN_JEMALLOC } from "@/tests/support/jemalloc";

// `npm start` runs lib/start-server.sh, which starts `next start` on jemalloc when the machine has it
// (docs/performance.md, "Memory"). Here `next` is a stand-in of the test's own, first on PATH: a Node.js process
// that reports its arguments, its allocator settings and whether jemalloc is really loaded into it (its memory map).
// npm test installs Debian's libjemalloc2 (tests/support/ensure-test-tools.sh).

const SCRIPT = path.resolve("lib/start-server.sh");

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-start-server-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const report = path.join(scratch, "report.cjs");
fs.writeFileSync(
  report,
  `process.stdout.write(JSON.stringify({
    args: process.argv.slice(2),
    ldPreload: process.env.LD_PRELOAD ?? null,
    mallocConf: process.env.MALLOC_CONF ?? null,
    jemallocLoaded: require("node:fs").readFileSync("/proc/self/maps", "utf8").includes("libjemalloc"),
  }));`,
);
const bin = path.join(scratch, "bin");
fs.mkdirSync(bin);
fs.writeFileSync(path.join(bin, "next"), `#!/bin/sh\nexec "${process.execPath}" "${report}" "$@"\n`);
fs.chmodSync(path.join(bin, "next"), 0o755);

type Report = { args: string[]; ldPreload: string | null; mallocConf: string | null; jemallocLoaded: boolean };

function npmStart(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync("/bin/sh", [SCRIPT, ...args], {
    env: { NODE_ENV: "production", PATH: `${bin}:/usr/bin:/bin`, ...env },
    encoding: "utf8",
  });
  return { status: result.status, stderr: result.stderr.trim(), report: result.stdout ? (JSON.parse(result.stdout) as Report) : null };
}

test("the machine has jemalloc where the script looks for it first (npm test installs Debian's libjemalloc2)", () => {
  expect(fs.existsSync(DEBIAN_JEMALLOC), `${DEBIAN_JEMALLOC} is missing: apt-get install libjemalloc2`).toBe(true);
});

test("starts `next start` with the arguments given, on jemalloc, purging on its own thread", () => {
  const run = npmStart(["--port", "3456", "--hostname", "127.0.0.1"]);
  expect(run.status).toBe(0);
  expect(run.report).toEqual({
    args: ["start", "--port", "3456", "--hostname", "127.0.0.1"],
    ldPreload: DEBIAN_JEMALLOC,
    mallocConf: "background_thread:true",
    jemallocLoaded: true,
  });
});

test("keeps a library already preloaded and jemalloc settings chosen by the caller", () => {
  const run = npmStart([], { LD_PRELOAD: "libc.so.6", MALLOC_CONF: "background_thread:true,dirty_decay_ms:5000" });
  expect(run.report).toMatchObject({ ldPreload: `${DEBIAN_JEMALLOC}:libc.so.6`, mallocConf: "background_thread:true,dirty_decay_ms:5000", jemallocLoaded: true });
});

test("MEMORY_ALLOCATOR=system: the system's malloc, nothing preloaded", () => {
  const run = npmStart(["--port", "3456"], { MEMORY_ALLOCATOR: "system" });
  expect(run.status).toBe(0);
  expect(run.report).toEqual({ args: ["start", "--port", "3456"], ldPreload: null, mallocConf: null, jemallocLoaded: false });
});

test("another MEMORY_ALLOCATOR: one line naming the setting, and no server", () => {
  const run = npmStart([], { MEMORY_ALLOCATOR: "tcmalloc" });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe('MEMORY_ALLOCATOR must be jemalloc or system, not "tcmalloc"');
  expect(run.report).toBeNull();
});
