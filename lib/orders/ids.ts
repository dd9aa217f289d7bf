import { createHash, randomBytes } from "node:crypto";

/** The public order id sent to SEQR as clientInvoiceId and carried in QR codes: 128 random bits, URL-safe. */
export function newClientInvoiceId(): string {
  return randomBytes(16).toString("base64url");
}

/** Only a hash of an External Service TOKEN is stored: the TOKEN itself proves the app's session. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
