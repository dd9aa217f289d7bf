import { defineConfig, devices } from "@playwright/test";

// End-to-end tests drive Debian's Chromium against the production build (`next build` + `next start`) on a
// database of their own, created afresh, migrated and seeded for every run.
const PORT = 3100;
const BASE_URL = `http://localhost:${PORT}`;
const E2E_DATABASE = "data/e2e.db";

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
    { name: "desktop", use: { ...desktop }, testIgnore: GLOBAL_FAULT_SPECS, grepInvert: /@phone-only/ },
    // Start-up checks concern the server, not the browser: the desktop project covers them.
    {
      name: "phone",
      use: { ...devices["Pixel 7"] },
      testIgnore: [GLOBAL_FAULT_SPECS, /startup\.spec\.ts/],
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
  ],
  webServer: {
    command: [
      `rm -f ${E2E_DATABASE} ${E2E_DATABASE}-wal ${E2E_DATABASE}-shm`,
      "npm run db:migrate",
      "npm run db:seed",
      "npm run build",
      `npx next start --port ${PORT}`,
    ].join(" && "),
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      DATABASE_URL: `file:./${E2E_DATABASE}`,
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
