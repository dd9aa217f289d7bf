import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

import { expect, test } from "vitest";

import { env } from "@/lib/env";
import { ensureSandboxRegistry, TEST_SUBSCRIBERS } from "@/lib/sandbox/registry";
import { resetSandbox } from "@/lib/sandbox/reset";

// Several server processes share one sandbox (its state is in the database). A reset through one of them must never
// show the others a sandbox without its terminal, service or subscribers: their SEQR calls would fail ("unknown
// terminal") until the resetting process had rebuilt them, or for good if it died in between, since each process
// builds the registry once.

test("another process never sees the sandbox without its registry while one resets it", async () => {
  await ensureSandboxRegistry();
  // Another server process, looking at the registry while this one resets it (support/sandbox-registry-watcher.ts).
  const watcher = spawn(
    process.execPath,
    ["--import", "tsx", path.resolve("tests/integration/support/sandbox-registry-watcher.ts"), String(TEST_SUBSCRIBERS.length)],
    { env: { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: "error" }, stdio: ["pipe", "pipe", "inherit"] },
  );
  let output = "";
  watcher.stdout.setEncoding("utf8");
  watcher.stdout.on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = once(watcher, "exit");
  try {
    const started = Date.now();
    while (!output.includes("watching\n")) {
      if (watcher.exitCode !== null || Date.now() - started > 20_000) throw new Error(`the watcher did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (let reset = 0; reset < 25; reset += 1) await resetSandbox();
  } finally {
    watcher.stdin.end();
    await exited;
  }

  const seen = JSON.parse(output.trim().split("\n").at(-1) ?? "") as { looks: number; incomplete: unknown[] };
  expect(seen.looks).toBeGreaterThan(25);
  expect(seen.incomplete, `${seen.incomplete.length} of ${seen.looks} looks saw the registry incomplete`).toEqual([]);
});
