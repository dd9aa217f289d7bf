import { createHash, randomBytes } from "node:crypto";

/** The public order id sent to SEQR as clientInvoiceId and carried in QR codes: 128 random bits, URL-safe. */
export function newClientInvoiceId(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * Only a hash of a session token is stored: an External Service TOKEN (it proves the app's session) or an admin
 * session's cookie. Whoever reads the database cannot use what they read.
 */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
