import { env } from "../env.ts";
import { log } from "../log.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import packageJson from "../../package.json" with { type: "json" };
import { createSeqrClient, type SeqrClient } from "./client.ts";

// The shop's one SEQR client, configured from settings. Code that needs SEQR imports `seqr` from here; tests
// build their own with createSeqrClient.

export const SEQR_CLIENT_ID = `${SHOP_NAME} seqr-shop/${packageJson.version}`;

export const seqr: SeqrClient = createSeqrClient({
  soapUrl: env.seqr.soapUrl,
  terminalId: env.seqr.terminalId,
  terminalPassword: env.seqr.terminalPassword,
  reportUserId: env.seqr.reportUserId,
  clientId: SEQR_CLIENT_ID,
  timeoutMs: env.seqr.requestTimeoutMs,
  // Reads only. Three quick attempts fit well inside SEQR's 20 s commit window.
  readRetry: { retries: 2, minTimeoutMs: 250, maxTimeoutMs: 2_000 },
  reportRetry: { retries: 8, minTimeoutMs: 1_000, maxTimeoutMs: 5_000 },
  logger: log.child({ component: "seqr-client" }),
});

export { SeqrError } from "./errors.ts";
export type * from "./types.ts";
