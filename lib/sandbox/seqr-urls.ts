// What the SEQR app can scan or be handed (CONTRACT.md, "The External Service flow"). Scheme and host in any
// case, HTTP: or SEQR: (HTTPS: too, which phones' QR readers sometimes write).

export type ScannedCode =
  | { kind: "service"; serviceId: string; parameters: [string, string][] }
  | { kind: "invoice"; invoiceReference: string }
  | { kind: "wizard-cancel" }
  | { kind: "unknown" };

const SEQR_URL = /^(?:https?|seqr):\/\/seqr\.se\/(.*)$/i;

export function parseSeqrCode(text: string): ScannedCode {
  const input = text.trim();
  if (/^seqr-action:\/\/wizard\/cancel\/?$/i.test(input)) return { kind: "wizard-cancel" };
  const match = SEQR_URL.exec(input);
  if (!match) return { kind: "unknown" };
  const rest = match[1] ?? "";
  const service = /^000\/([^/?#]+)\/?(?:\?([^#]*))?$/.exec(rest);
  if (service) {
    let serviceId: string;
    try {
      serviceId = decodeURIComponent(service[1] ?? "");
    } catch {
      return { kind: "unknown" };
    }
    return { kind: "service", serviceId, parameters: [...new URLSearchParams(service[2] ?? "").entries()] };
  }
  const invoice = /^R(\d{1,32})\/?$/i.exec(rest);
  if (invoice) return { kind: "invoice", invoiceReference: invoice[1] ?? "" };
  return { kind: "unknown" };
}
