import pino from "pino";

import { env } from "./env.ts";

/**
 * The one logger: JSON lines on stdout, one event per line. Secrets and SEQR session tokens must never be
 * logged; the paths below are censored in case one slips into a logged object.
 */
export const log = pino({
  level: env.logLevel,
  base: { service: "seqr-shop" },
  redact: {
    paths: ["password", "*.password", "token", "*.token", "key", "*.key", "authorization", "*.authorization"],
    censor: "[redacted]",
  },
});
