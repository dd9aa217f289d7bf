import { spawn } from "node:child_process";

import { expect, test } from "@playwright/test";

// The production server refuses to start on bad settings, with one line naming the variable. Runs the same
// build the other tests use, on a port of its own; the server must exit by itself.
async function startServer(env: Record<string, string>) {
  const child = spawn("npx", ["next", "start", "--port", "3199"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  return { code, stderrLines: stderr.split("\n").filter((line) => line.trim() !== "") };
}

test.describe("start-up with bad settings", () => {
  test("a malformed DATABASE_URL stops the server with one line naming it", async () => {
    const { code, stderrLines } = await startServer({ DATABASE_URL: "mysql://localhost/shop" });
    expect(code).toBe(1);
    expect(stderrLines).toEqual([expect.stringMatching(/^Invalid settings: DATABASE_URL must be a SQLite URL/)]);
  });

  test("SEQR_MODE=live without its settings stops the server naming each one", async () => {
    const { code, stderrLines } = await startServer({ SEQR_MODE: "live" });
    expect(code).toBe(1);
    expect(stderrLines).toHaveLength(1);
    for (const name of ["SEQR_SOAP_URL", "SEQR_TERMINAL_ID", "SEQR_TERMINAL_PASSWORD", "SEQR_SERVICE_ID", "NOTIFICATION_SECRET", "ADMIN_PASSWORD"]) {
      expect(stderrLines[0]).toContain(`${name} is required when SEQR_MODE=live`);
    }
  });
});
