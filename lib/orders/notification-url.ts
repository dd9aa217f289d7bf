import { createHmac, timingSafeEqual } from "node:crypto";

import { env } from "../env.ts";

// SEQR's notification is unsigned (CONTRACT.md, step 6), so the shop signs the URL it hands SEQR: the order id
// in the query string plus an HMAC-SHA256 of it under NOTIFICATION_SECRET. A POST whose `sig` does not match was
// not built by us. It still proves nothing about the payment: only getPaymentStatus does.

export function signOrderId(clientInvoiceId: string, secret: string = env.notificationSecret): string {
  return createHmac("sha256", secret).update(clientInvoiceId, "utf8").digest("hex");
}

export function verifyOrderSignature(
  clientInvoiceId: string,
  signature: string,
  secret: string = env.notificationSecret,
): boolean {
  const expected = Buffer.from(signOrderId(clientInvoiceId, secret), "hex");
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `<PUBLIC_BASE_URL>/api/seqr/notification?order=<clientInvoiceId>&sig=<hmac>`: sendInvoice's notificationUrl. */
export function notificationUrlFor(clientInvoiceId: string, baseUrl: string = env.publicBaseUrl): string {
  const query = new URLSearchParams({ order: clientInvoiceId, sig: signOrderId(clientInvoiceId) });
  return `${baseUrl}/api/seqr/notification?${query.toString()}`;
}
