import pino from "pino";

import { SANDBOX_DEFAULTS } from "@/lib/env";
import { createSeqrClient, type SeqrClientConfig } from "@/lib/seqr/client";

/** The shop's SEQR client as a merchant back end in tests uses it: the sandbox's terminal, quick retries, no logs. */
export function testSeqrClient(soapUrl: string, overrides: Partial<SeqrClientConfig> = {}) {
  return createSeqrClient({
    soapUrl,
    terminalId: SANDBOX_DEFAULTS.terminalId,
    terminalPassword: SANDBOX_DEFAULTS.terminalPassword,
    reportUserId: "9900",
    clientId: "seqr-shop tests",
    timeoutMs: 5_000,
    readRetry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50 },
    reportRetry: { retries: 5, minTimeoutMs: 50, maxTimeoutMs: 200 },
    logger: pino({ level: "silent" }),
    ...overrides,
  });
}
