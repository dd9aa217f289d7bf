import { defineConfig, devices } from "@playwright/test";

import { E2E_DATABASE_URL, E2E_ON_POSTGRESQL, E2E_SQLITE_FILE } from "./tests/e2e/support/e2e-database";

// End-to-end tests drive Debian's Chromium against the production build (`next build` + `next start`) on a
// database of their own, created afresh, migrated and seeded for every run: SQLite's data/e2e.db, or with
// `npm run test:e2e:postgresql` a new database on a PostgreSQL server that run starts (E2E_DATABASE_URL).
const PORT = 3100;
const BASE_URL = `http://localhost:${PORT}`;
/**
 * The build does not depend on the database (both Prisma clients are bundled): a run straight after another one
 * may keep its .next (E2E_REUSE_BUILD=1, run-on-postgresql.ts --reuse-build). Without a build, it builds.
 */
const BUILD = process.env.E2E_REUSE_BUILD === "1" ? "{ test -f .next/BUILD_ID || npm run build; }" : "npm run build";

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

const desktop = { ...devices["Desktop Chrome"], channel: undefined };
/** Specs that change the sandbox globally (its faults, or closing its transaction period): the "faults" project runs them, alone. */
const GLOBAL_FAULT_SPECS = /(payment-faults|sandbox-control|admin-reconciliation)\.spec\.ts/;
/** Two servers of its own behind a proxy of its own, on PostgreSQL only: the "multi-instance" project runs it, last. */
const MULTI_INSTANCE_SPEC = /multi-instance\.spec\.ts/;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "desktop", use: { ...desktop }, testIgnore: [GLOBAL_FAULT_SPECS, MULTI_INSTANCE_SPEC], grepInvert: /@phone-only/ },
    // Start-up checks concern the server, not the browser: the desktop project covers them.
    {
      name: "phone",
      // A 390 px wide phone (today's most common width); specs check 320 px (the narrowest WCAG reflow width) with
      // test.use({ viewport: PHONE_320 }) where the layout matters.
      use: { ...devices["Pixel 7"], viewport: { width: 390, height: 844 } },
      testIgnore: [GLOBAL_FAULT_SPECS, MULTI_INSTANCE_SPEC, /startup\.spec\.ts/],
      grepInvert: /@desktop-only/,
    },
    // Faults are global to the sandbox: an armed fault (or "Disarm all faults") would hit whichever test pays
    // next. These specs run after every other project has finished, on one worker, one test at a time.
    {
      name: "faults",
      use: { ...desktop },
      testMatch: GLOBAL_FAULT_SPECS,
      dependencies: ["desktop", "phone"],
      fullyParallel: false,
      workers: 1,
    },
    // Two more `next start` processes (the same build) on a database of their own: after everything else, so that
    // their load slows no other test and their commit-window timings meet no other test's load. Alone:
    // `--project multi-instance --no-deps`.
    {
      name: "multi-instance",
      use: { ...desktop },
      testMatch: MULTI_INSTANCE_SPEC,
      dependencies: ["faults"],
      fullyParallel: false,
      workers: 1,
    },
  ],
  webServer: {
    command: [
      // PostgreSQL's database is new (run-on-postgresql.ts creates it); SQLite's file is removed here.
      ...(E2E_ON_POSTGRESQL ? [] : [`rm -f ${E2E_SQLITE_FILE} ${E2E_SQLITE_FILE}-wal ${E2E_SQLITE_FILE}-shm`]),
      "npm run db:migrate",
      "npm run db:seed",
      BUILD,
      // As `npm start` starts the server (on jemalloc where the machine has it), without its set-up check (prestart).
      `sh lib/start-server.sh --port ${PORT}`,
    ].join(" && "),
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      DATABASE_URL: E2E_DATABASE_URL,
      PUBLIC_BASE_URL: BASE_URL,
      // `next start` is a production server: it runs the sandbox only when told to (lib/env.ts).
      SEQR_MODE: "sandbox",
      NEXT_TELEMETRY_DISABLED: "1",
      // The tests stand in for a proxy: each browser sends X-Forwarded-For with an address of its own
      // (tests/e2e/support/admin.ts), which the shop believes only when it trusts one proxy in front of it.
      TRUSTED_PROXY_COUNT: "1",
      LOG_LEVEL: "warn",
      // Short enough for a test to watch an unpaid invoice expire; far longer than any test takes to pay one.
      INVOICE_TIMEOUT_MS: "45000",
    },
  },
});
