import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const eslintConfig = [
  {
    ignores: [".next/**", "node_modules/**", "lib/generated/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      // Settings are read in lib/env.ts only (DEVELOPERS.md); everything else imports `env`.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read settings through `env` from lib/env.ts." },
      ],
      // Logs go through pino (lib/log.ts), as JSON lines.
      "no-console": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // The settings module itself, Next's runtime switch and test set-up may touch process.env.
    files: ["lib/env.ts", "instrumentation.ts", "tests/**", "playwright.config.ts", "vitest.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // A bad setting stops the server with one plain line on stderr, before the logger can exist.
    files: ["lib/env.ts"],
    rules: { "no-console": "off" },
  },
];

export default eslintConfig;
