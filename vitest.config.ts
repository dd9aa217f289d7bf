import path from "node:path";

import { defineConfig } from "vitest/config";

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
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // One database migrated with the project's own migrations, copied afresh for every test file.
          globalSetup: ["tests/integration/support/global-setup.ts"],
          setupFiles: ["tests/integration/support/fresh-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // SEQR's own contract (../shared/seqr): the client's requests and the sandbox's answers against SEQR's
          // WSDL. The only suite that may skip, where that folder is absent.
          name: "contract",
          include: ["tests/contract/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/integration/support/global-setup.ts"],
          setupFiles: ["tests/integration/support/fresh-database.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
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
