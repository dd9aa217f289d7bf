import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { onSqlite } from "./support/test-database";

// `next build` needs no database: a checkout is built before its database exists (CI, a Docker image, a new
// machine), and a build must never write to the production database it happens to be pointed at. Every page that
// reads data renders at request time (app/layout.tsx), so the build opens no connection at all.
//
// One real production build (about a minute), into the project's .next like `npm run build`: npm test runs the
// integration suite before the end-to-end suite, which builds again. It runs in the SQLite run only, since what the
// build does is the same whichever database DATABASE_URL names.

/** A "database" that counts the connections made to it and closes each at once. */
async function countingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("the listener has no port");
  return {
    port: address.port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function nextBuild(env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.resolve("node_modules/.bin/next"), ["build"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, output }));
  });
}

describe.runIf(onSqlite)("next build", () => {
  test("succeeds with no database, and never connects to the one DATABASE_URL names", { timeout: 300_000 }, async () => {
    const database = await countingListener();
    try {
      // As `npm run build` runs it: NODE_ENV production (not the test runner's), no mode chosen (the build needs none).
      const environment: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: `postgresql://shop@127.0.0.1:${database.port}/shop`,
        NEXT_TELEMETRY_DISABLED: "1",
      };
      delete environment.SEQR_MODE;
      const result = await nextBuild(environment);
      expect(result.status, result.output).toBe(0);
      expect(database.connections(), "connections the build opened to the database").toBe(0);
    } finally {
      await database.close();
    }
  });
});
