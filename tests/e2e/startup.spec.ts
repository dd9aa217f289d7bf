import { spawn, type ChildProcess } from "node:child_process";

import { expect, test } from "@playwright/test";

import { LIVE_SETTINGS } from "@/tests/support/live-settings";

import { serverErrorLines } from "./support/server-output";

// These tests start servers of their own on fixed ports: one at a time.
test.describe.configure({ mode: "serial" });

/**
 * `npx next start` runs the server as a grandchild: signalling npx alone leaves the server running (and holding
 * its port for the next run). Each server is started in a process group of its own, and the whole group is ended.
 */
function killProcessGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

// The production server refuses to start on bad settings, with one line naming the variable. Runs the same
// build the other tests use, on a port of its own; the server must exit by itself.
async function startServer(env: Record<string, string>) {
  const child = spawn("npx", ["next", "start", "--port", "3199"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => killProcessGroup(child, "SIGKILL"), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  return { code, stderrLines: serverErrorLines(stderr) };
}

test.describe("start-up with bad settings", () => {
  test("a malformed DATABASE_URL stops the server with one line naming it", async () => {
    const { code, stderrLines } = await startServer({ DATABASE_URL: "mysql://localhost/shop" });
    expect(code).toBe(1);
    expect(stderrLines).toEqual([
      "Invalid settings: DATABASE_URL must be file:<path> (SQLite) or postgresql://… (PostgreSQL)",
    ]);
  });

  test("SEQR_MODE=live without its settings stops the server naming each one", async () => {
    const { code, stderrLines } = await startServer({ SEQR_MODE: "live" });
    expect(code).toBe(1);
    expect(stderrLines).toHaveLength(1);
    for (const name of ["SEQR_SOAP_URL", "SEQR_TERMINAL_ID", "SEQR_TERMINAL_PASSWORD", "SEQR_SERVICE_ID", "NOTIFICATION_SECRET", "ADMIN_PASSWORD", "SMTP_URL"]) {
      expect(stderrLines[0]).toContain(`${name} is required when SEQR_MODE=live`);
    }
  });
});

test.describe("live mode", () => {
  test("the SEQR sandbox does not exist: every /sandbox URL answers 404", async ({ request }) => {
    const child = spawn("npx", ["next", "start", "--port", "3198"], {
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: "file:./data/e2e-live.db",
        ...LIVE_SETTINGS,
      },
      stdio: "ignore",
      detached: true,
    });
    try {
      await expect
        .poll(async () => (await request.get("http://localhost:3198/api/health").catch(() => null))?.status() ?? 0, {
          timeout: 20_000,
        })
        .not.toBe(0);
      for (const [method, url] of [
        ["GET", "/sandbox"],
        ["GET", "/sandbox/app?url=HTTP://SEQR.SE/000/LIVESHOP"],
        ["GET", "/sandbox/soap?wsdl"],
        ["POST", "/sandbox/soap"],
        ["POST", "/sandbox/api/reset"],
        ["POST", "/sandbox/api/faults"],
      ] as const) {
        const response = await request.fetch(`http://localhost:3198${url}`, { method, data: method === "POST" ? "{}" : undefined });
        expect(response.status(), `${method} ${url}`).toBe(404);
      }
    } finally {
      killProcessGroup(child, "SIGTERM");
    }
  });
});
