import http from "node:http";
import type { AddressInfo } from "node:net";

import { shopBaseUrl } from "./shop-address";

// Import right after ./shop-address, before anything reads settings. It points the shop's SEQR client at a relay
// on a port of its own that passes every SOAP call on to the sandbox (shop-address's server) and its answer back,
// unchanged, except where a test holds one answer: the sandbox has answered that call, and the answer waits in
// the relay until the test releases it. That is how an answer arrives late *and old* (SEQR read the invoice
// before something newer happened to it) at exactly the moment a test chooses, with no timing to win or lose. The
// sandbox's own soap-delay fault cannot do this: it waits before the sandbox reads the invoice, so a delayed
// answer is always the newest.

type Hold = {
  operation: string;
  invoiceReference: string;
  reached: () => void;
  released: Promise<void>;
};

const holds: Hold[] = [];
const releases = new Set<() => void>();

const OPERATION = /<(?:[\w.-]+:)?(sendInvoice|getPaymentStatus|cancelInvoice|refundPayment|updateInvoice|submitPaymentReceipt|markTransactionPeriod|executeReport|getClientSessionInfo)[\s>]/;
const INVOICE_REFERENCE = /<(?:[\w.-]+:)?invoiceReference>\s*(\d+)\s*</;

const relay = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    void (async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && !["host", "connection", "content-length"].includes(name)) headers.set(name, value);
      }
      try {
        const answer = await fetch(`${shopBaseUrl}${request.url ?? "/"}`, { method: request.method, headers, body: request.method === "GET" ? undefined : body });
        const text = await answer.text();
        const operation = OPERATION.exec(body)?.[1];
        const invoiceReference = INVOICE_REFERENCE.exec(body)?.[1];
        const index = holds.findIndex((hold) => hold.operation === operation && hold.invoiceReference === invoiceReference);
        if (index >= 0) {
          const [hold] = holds.splice(index, 1);
          hold?.reached();
          await hold?.released;
        }
        response.writeHead(answer.status, { "Content-Type": answer.headers.get("content-type") ?? "text/xml; charset=utf-8" });
        response.end(text);
      } catch (error) {
        response.writeHead(502, { "Content-Type": "text/plain" });
        response.end(`relay: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  });
});
await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
// Not a reason for the test process to stay alive.
relay.unref();

process.env.SEQR_SOAP_URL = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/sandbox/soap`;
// A held answer is released within the test's own steps; the longest read timeout the settings allow keeps the
// client waiting for it rather than giving up and asking again.
process.env.SEQR_READ_TIMEOUT_MS = "8000";

export type HeldAnswer = {
  /** Resolves once the sandbox has answered the held call (its answer is then what SEQR knew at that moment). */
  answered: Promise<void>;
  /** Lets the answer go on to the shop. */
  release: () => void;
};

/** Holds the answer to the next call of `operation` about this invoice, until `release()`. */
export function holdNextAnswer(operation: string, invoiceReference: string): HeldAnswer {
  let reached!: () => void;
  const answered = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  releases.add(release);
  holds.push({ operation, invoiceReference, reached, released });
  return { answered, release };
}

/** Drops holds nobody reached and lets every held answer go (after each test, so none outlives its test). */
export function releaseAllAnswers(): void {
  holds.length = 0;
  for (const release of releases) release();
  releases.clear();
}
