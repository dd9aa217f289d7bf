import { spawn } from "node:child_process";
import { once } from "node:events";

import { afterEach, expect, test } from "vitest";

import { memoryAllocatorOf } from "@/tests/bench/support/processes";
import { DEBIAN_JEMALLOC } from "@/tests/support/jemalloc";

// The benchmark names the allocator the shop's server ran on (its memory row depends on it), read from the server's
// own memory map. npm test installs Debian's libjemalloc2 (tests/support/ensure-test-tools.sh).

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** A Node.js process that idles once it is running, with `env` added to this one's. */
async function idleNode(env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ["-e", "console.log('up'); setInterval(() => {}, 1000)"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await once(child.stdout, "data");
  if (child.pid === undefined) throw new Error("the process did not start");
  return child.pid;
}

test("a process with jemalloc preloaded runs on jemalloc", async () => {
  expect(memoryAllocatorOf(await idleNode({ LD_PRELOAD: DEBIAN_JEMALLOC }))).toBe("jemalloc");
});

test("a process without it runs on the system's malloc", async () => {
  expect(memoryAllocatorOf(await idleNode({ LD_PRELOAD: "" }))).toBe("system malloc");
});
