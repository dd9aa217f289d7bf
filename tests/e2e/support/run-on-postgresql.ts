import { spawn } from "node:child_process";
import path from "node:path";

import { adminQuery, startPostgres } from "../../support/postgres-server.ts";

// `npm run test:e2e:postgresql`: the end-to-end suite once more, on a real PostgreSQL 15 this run starts from the
// machine's binaries and stops afterwards. It creates an empty database, names it in E2E_DATABASE_URL, and runs
// `playwright test` with whatever arguments it was given: playwright.config.ts gives that URL to the server (whose
// command migrates and seeds it), and the specs open it (support/e2e-database.ts). The multi-instance spec, which
// needs PostgreSQL, creates a database of its own on the same server.
//
//   node --import tsx tests/e2e/support/run-on-postgresql.ts [--reuse-build] [playwright test arguments…]
//
// --reuse-build keeps a .next an earlier run just built (the build does not depend on the database): `npm test`
// runs this straight after the SQLite run.

const DATABASE = "e2e";
const REUSE_BUILD = "--reuse-build";

function runPlaywright(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(path.resolve("node_modules/.bin/playwright"), ["test", ...args], { env, stdio: "inherit" });
  // Ctrl-C reaches Playwright from the terminal (the same process group); a SIGTERM sent to this process alone
  // is passed on. Either way Playwright stops its server and ends, and PostgreSQL is stopped after it.
  const forward = () => child.kill("SIGTERM");
  process.on("SIGTERM", forward);
  process.on("SIGINT", () => undefined);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const reuseBuild = args.includes(REUSE_BUILD);
  const server = await startPostgres();
  try {
    await adminQuery(server, `CREATE DATABASE "${DATABASE}"`);
    const databaseUrl = server.url(DATABASE);
    process.stdout.write(`--- end-to-end tests on PostgreSQL: ${databaseUrl}\n`);
    return await runPlaywright(
      args.filter((arg) => arg !== REUSE_BUILD),
      { ...process.env, E2E_DATABASE_URL: databaseUrl, ...(reuseBuild ? { E2E_REUSE_BUILD: "1" } : {}) },
    );
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:e2e:postgresql: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
