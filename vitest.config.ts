import path from "node:path";

import { defineConfig } from "vitest/config";

/** What every integration file gets: one database migrated with the project's own migrations, copied afresh. */
const integration = {
  environment: "node",
  globalSetup: ["tests/integration/support/global-setup.ts"],
  setupFiles: ["tests/integration/support/fresh-database.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

/** Integration files whose assertions are wall-clock schedules: see the "integration-timed" project. */
const timedIntegrationFiles = ["tests/integration/slow-payer.test.ts", "tests/integration/reconciler-processes.test.ts"];

export default defineConfig({
  resolve: {
    alias: { "@": path.resolve(import.meta.dirname) },
  },
  test: {
    // Quiet, deterministic settings for every test run: logs only when something is wrong.
    env: { LOG_LEVEL: "error", NEXT_TELEMETRY_DISABLED: "1" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          ...integration,
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          exclude: timedIntegrationFiles,
        },
      },
      {
        extends: true,
        test: {
          ...integration,
          // The files that hold the reconciler to its schedule in wall-clock time (every live invoice looked at
          // within 3 s). On 2 cores a second test file running beside them takes half the machine: the schedule
          // test's longest gap (with 200 invoices then) went from 2.8 s alone to 3.2 s in a CI run on 11-30. They
          // run after the rest, one at a time, with the machine to themselves.
          name: "integration-timed",
          include: timedIntegrationFiles,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // SEQR's own contract (../shared/seqr): the client's requests and the sandbox's answers against SEQR's
          // WSDL. The only suite that may skip, where that folder is absent.
          ...integration,
          name: "contract",
          include: ["tests/contract/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          // Load on the production build (`next start` on a free loopback port, a database of its own): run after
          // the end-to-end tests, which build it. Its timeouts are set per test, from the size of the run.
          name: "load",
          include: ["tests/load/**/*.test.ts"],
          environment: "node",
        },
      },
    ],
  },
});
