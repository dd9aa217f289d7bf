import { spawn } from "node:child_process";
import { once } from "node:events";

import { afterEach, expect, test } from "vitest";

import { memoryAtRest, REST_SECONDS, residentMemoryMiB } from "@/tests/load/support/load-server";

// The memory row of `npm run bench` reads a server's memory "at rest" (memoryAtRest). V8 gives memory back in steps,
// and a reading taken in the pause between two steps is not at rest: a benchmark run read 341 MiB that way, half way
// down from 682 MiB. Here a process of our own gives back its memory in two steps, a few seconds apart, and
// memoryAtRest must read where it ends, not the pause.

const STEP_MIB = 200;
const PAUSE_MS = 4_000;

// Two blocks written through (so they are resident), then freed one at a time with a pause between.
const TWO_STEPS = `
let first = Buffer.alloc(${STEP_MIB} * 1024 * 1024, 1);
let second = Buffer.alloc(${STEP_MIB} * 1024 * 1024, 1);
process.stdout.write("ready\\n");
setTimeout(() => { first = null; globalThis.gc(); }, 1000);
setTimeout(() => { second = null; globalThis.gc(); }, 1000 + ${PAUSE_MS});
setInterval(() => {}, 1000);
`;

let child: ReturnType<typeof spawn> | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

test(
  "memory given back in two steps is read after the second, not in the pause between them",
  async () => {
    child = spawn(process.execPath, ["--expose-gc", "-e", TWO_STEPS], { stdio: ["ignore", "pipe", "inherit"] });
    const { pid, stdout } = child;
    if (pid === undefined || !stdout) throw new Error("the child process has no PID or no output");
    await once(stdout, "data");
    const loaded = residentMemoryMiB(pid);
    expect(loaded).toBeGreaterThan(2 * STEP_MIB);

    const rest = await memoryAtRest(pid, 30);

    expect(rest.fell).toBe(true);
    // In the pause the process still holds one block (STEP_MIB more than at the end).
    expect(rest.mib).toBeLessThan(loaded - 1.5 * STEP_MIB);
    expect(rest.waitedSeconds).toBeGreaterThanOrEqual(Math.floor((1_000 + PAUSE_MS) / 1_000) + REST_SECONDS - 1);
  },
  45_000,
);
