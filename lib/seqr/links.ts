// The addresses the SEQR app understands (CONTRACT.md, "The External Service flow"), and the one function that
// turns them into links a shopper can tap.
//
// Canonical texts use the HTTP scheme in capitals, as SEQR printed them in QR codes:
//   HTTP://SEQR.SE/000/<SERVICE_ID>?p1=v1   start an External Service ("000" is the service routing key)
//   HTTP://SEQR.SE/R<invoiceReference>      pay an invoice
// A link tapped on the phone itself uses the SEQR:// scheme instead, which opens the app.

export const WIZARD_CANCEL_ACTION = "SEQR-ACTION://WIZARD/CANCEL";

/** `HTTP://SEQR.SE/000/SEQRSHOP?order=abc`: what a service QR code encodes. Parameters are percent-encoded. */
export function serviceQrText(serviceId: string, parameters: Record<string, string> = {}): string {
  const query = new URLSearchParams(parameters).toString();
  return `HTTP://SEQR.SE/000/${encodeURIComponent(serviceId)}${query ? `?${query}` : ""}`;
}

/** `HTTP://SEQR.SE/R1234`: what an invoice QR code encodes (and sendInvoice's invoiceQRCode). */
export function invoiceQrText(invoiceReference: string): string {
  return `HTTP://SEQR.SE/R${encodeURIComponent(invoiceReference)}`;
}

/**
 * The link a shopper taps to hand a SEQR URL to the SEQR app. With `appUrl` set (the sandbox's simulated app,
 * `SEQR_APP_URL`) it is `<appUrl>?url=<percent-encoded SEQR URL>`; without it, it is the SEQR URL itself with the
 * SEQR:// scheme, which a real phone opens in the app. SEQR-ACTION:// links pass through unchanged.
 */
export function seqrAppLink(seqrUrl: string, appUrl: string | undefined): string {
  if (appUrl) return `${appUrl}?url=${encodeURIComponent(seqrUrl)}`;
  return seqrUrl.replace(/^https?:\/\//i, "SEQR://");
}
