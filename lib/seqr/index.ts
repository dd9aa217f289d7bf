import { env } from "../env.ts";
import { log } from "../log.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import packageJson from "../../package.json" with { type: "json" };
import { createSeqrClient, type RetryPolicy, type SeqrClient } from "./client.ts";

// The shop's one SEQR client, configured from settings. Code that needs SEQR imports `seqr` from here; tests
// build their own with createSeqrClient.

export const SEQR_CLIENT_ID = `${SHOP_NAME} seqr-shop/${packageJson.version}`;

/**
 * Reads (getPaymentStatus, getClientSessionInfo): one retry after a short pause. SEQR's 20 s commit window runs
 * from the payment, and the reconciler looks every 2 s; a read that hangs is abandoned after SEQR_READ_TIMEOUT_MS
 * (3 s) and tried once more, so that try, pause and retry (at most SEQR_READ_WORST_CASE_MS, 6.5 s) end well inside
 * the window, with room for the next look's own try and retry after that.
 */
export const SEQR_READ_RETRY: RetryPolicy = { retries: 1, minTimeoutMs: 200, maxTimeoutMs: 500 };

/** The longest a read can take before it answers or fails: every try times out, every pause is the longest. */
export const SEQR_READ_WORST_CASE_MS =
  env.seqr.readTimeoutMs * (1 + SEQR_READ_RETRY.retries) + SEQR_READ_RETRY.maxTimeoutMs * SEQR_READ_RETRY.retries;

/** The longest a write (sendInvoice, cancelInvoice, refundPayment…) can take: one try, never retried. */
export const SEQR_WRITE_WORST_CASE_MS = env.seqr.requestTimeoutMs;

export const seqr: SeqrClient = createSeqrClient({
  soapUrl: env.seqr.soapUrl,
  terminalId: env.seqr.terminalId,
  terminalPassword: env.seqr.terminalPassword,
  reportUserId: env.seqr.reportUserId,
  clientId: SEQR_CLIENT_ID,
  timeoutMs: env.seqr.requestTimeoutMs,
  readTimeoutMs: env.seqr.readTimeoutMs,
  readRetry: SEQR_READ_RETRY,
  reportRetry: { retries: 8, minTimeoutMs: 1_000, maxTimeoutMs: 5_000 },
  logger: log.child({ component: "seqr-client" }),
});

export { SeqrError } from "./errors.ts";
export type * from "./types.ts";
