import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import pg from "pg";

// A real PostgreSQL 15 server for the tests, started from the machine's own binaries (Debian's `postgresql`
// package; tests/support/ensure-test-tools.sh installs it where it is missing) in a temporary folder, and stopped
// and deleted afterwards. Nothing is mocked: the shop talks to it over TCP on loopback like to any PostgreSQL.

const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";
/** The role the tests connect as: the cluster's superuser, trusted on loopback only. */
const ROLE = "shop";

export type PostgresServer = {
  /** A connection URL for `database` on this server. */
  url(database: string): string;
  port: number;
  /** Stops the server (fast shutdown) and deletes its folder. */
  stop(): Promise<void>;
};

export function postgresBinariesPresent(): boolean {
  return fs.existsSync(path.join(POSTGRES_BIN, "postgres")) && fs.existsSync(path.join(POSTGRES_BIN, "initdb"));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** initdb refuses to run as root: as root, run PostgreSQL's programs as the `postgres` user Debian creates. */
function asServerUser(program: string, args: string[]): [string, string[]] {
  const binary = path.join(POSTGRES_BIN, program);
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

async function waitUntilReady(url: string, server: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with code ${server.exitCode} while starting`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections in time: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Starts a fresh cluster: fsync and synchronous commits off (test data need not survive a power cut), enough
 * connections for several shop processes each with a pool.
 */
export async function startPostgres(): Promise<PostgresServer> {
  if (!postgresBinariesPresent()) {
    throw new Error(
      `PostgreSQL 15 is not installed at ${POSTGRES_BIN}: run "apt-get install -y postgresql" (npm test does it on Debian).`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-postgres-"));
  const dataDir = path.join(dir, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir]);
  const [initdb, initdbArgs] = asServerUser("initdb", [
    "-D",
    dataDir,
    "-U",
    ROLE,
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  execFileSync(initdb, initdbArgs, { stdio: ["ignore", "ignore", "pipe"] });

  const port = await freePort();
  const [postgres, postgresArgs] = asServerUser("postgres", [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=400",
    "-c",
    "shared_buffers=256MB",
  ]);
  const server = spawn(postgres, postgresArgs, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const url = (database: string) => `postgresql://${ROLE}@127.0.0.1:${port}/${database}`;
  try {
    await waitUntilReady(url("postgres"), server, Date.now() + 30_000);
  } catch (error) {
    server.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${String(error)}\n${log}`);
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (server.exitCode !== null) return resolve();
        server.once("exit", () => resolve());
        // SIGINT is PostgreSQL's "fast" shutdown. It goes to the postmaster itself: runuser does not pass SIGINT on,
        // and killing runuser instead left postgres running, its folder deleted, and its stderr pipe holding the
        // test runner open. runuser exits when postgres has.
        const postmaster = postmasterPid(dataDir) ?? server.pid;
        signal(postmaster, "SIGINT");
        setTimeout(() => {
          signal(postmaster, "SIGKILL");
          server.kill("SIGKILL");
        }, 10_000).unref();
      }).then(() => fs.rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}

/** The postmaster's process id: the first line of postmaster.pid in its data folder. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number | undefined, name: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Runs `sql` on the server's maintenance database (CREATE DATABASE cannot run inside a transaction). */
export async function adminQuery(server: Pick<PostgresServer, "url">, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url("postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
