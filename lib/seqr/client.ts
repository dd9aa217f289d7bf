import { randomUUID } from "node:crypto";

import pRetry from "p-retry";
import type { Logger } from "pino";

import { BodyTooLargeError, readTextCapped } from "../http/body.ts";
import type { XmlBuildElement, XmlElement } from "../xml.ts";
import { SeqrError } from "./errors.ts";
import {
  contextElement,
  invoiceElement,
  parameterMapElement,
  refundInvoiceElement,
  tokenElements,
  type PrincipalType,
  type SeqrContext,
} from "./requests.ts";
import {
  checkResult,
  toClientSessionInfo,
  toPaymentStatus,
  toRefundErsReference,
  toReport,
  toSentInvoice,
  toTransactionPeriodId,
} from "./schemas.ts";
import { buildSoapRequest, parseSoapResponse } from "./soap.ts";
import type {
  CancelResult,
  ClientSessionInfo,
  CustomerToken,
  Invoice,
  PaymentStatus,
  ReceiptDocument,
  Refund,
  RefundResult,
  Report,
  SentInvoice,
} from "./types.ts";

export type RetryPolicy = {
  /** Further attempts after the first. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
};

export type SeqrClientConfig = {
  soapUrl: string;
  terminalId: string;
  terminalPassword: string;
  /** The RESELLERUSER user id for markTransactionPeriod and executeReport (CONTRACT.md: e.g. 9900). */
  reportUserId: string;
  /** The software's name and version, sent as context.clientId. */
  clientId: string;
  /** Per attempt; a call that takes longer is abandoned with a transient `timeout` SeqrError. */
  timeoutMs: number;
  /**
   * Per try of the retried reads (getPaymentStatus, getClientSessionInfo), instead of timeoutMs: a read that hangs
   * is abandoned early enough for its retry to answer inside SEQR's 20 s commit window. Default: timeoutMs.
   */
  readTimeoutMs?: number;
  /** For the reads: getPaymentStatus, getClientSessionInfo. */
  readRetry: RetryPolicy;
  /** executeReport while SEQR answers 2 (REPORT_NOT_READY): "retry in a few s". */
  reportRetry: RetryPolicy;
  logger: Logger;
  fetch?: typeof fetch;
};

type CallOptions = {
  principalType?: PrincipalType;
  /** Reads only: writes are never retried blindly (a retried sendInvoice could bill twice). */
  retry?: RetryPolicy;
  /** Per try; default config.timeoutMs. */
  timeoutMs?: number;
  retryOn?: (error: SeqrError) => boolean;
  /** Names what the call is about in the log line (never a password or a session token). */
  logContext?: Record<string, unknown>;
};

const retryTransient = (error: SeqrError) => error.transient;

/** An answer past this is refused unread (a `protocol` error): far above any answer SEQR's operations give. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export type SeqrClient = ReturnType<typeof createSeqrClient>;

/**
 * SEQR's merchant API, one function per operation, in the shop's terms. Each call is one SOAP request (reads
 * retried with exponential backoff and jitter on transient failures) and one log line.
 */
export function createSeqrClient(config: SeqrClientConfig) {
  const doFetch = config.fetch ?? fetch;
  const readTimeoutMs = config.readTimeoutMs ?? config.timeoutMs;

  function context(principalType: PrincipalType, clientReference: string): SeqrContext {
    return {
      channel: "WS",
      clientId: config.clientId,
      clientReference,
      principal:
        principalType === "RESELLERUSER"
          ? { id: config.terminalId, type: "RESELLERUSER", userId: config.reportUserId }
          : { id: config.terminalId, type: "TERMINALID" },
      password: config.terminalPassword,
    };
  }

  async function attempt(operation: string, ctx: SeqrContext, body: XmlBuildElement, timeoutMs: number): Promise<XmlElement> {
    const xml = buildSoapRequest(operation, { context: contextElement(ctx), ...body });
    let response: Response;
    let text: string;
    try {
      response = await doFetch(config.soapUrl, {
        method: "POST",
        headers: { "Content-Type": "text/xml; charset=utf-8", SOAPAction: '""' },
        body: xml,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      // Read as a stream with a cap: an endpoint that answers without end cannot make the shop buffer it all.
      text = await readTextCapped(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new SeqrError(operation, "protocol", { message: `the answer is larger than ${MAX_ANSWER_BYTES} bytes`, cause: error });
      }
      const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new SeqrError(operation, timedOut ? "timeout" : "network", { cause: error });
    }
    const result = parseSoapResponse(operation, response.status, text);
    checkResult(operation, result);
    return result;
  }

  /** `buildBody` runs inside the call, so that a request that cannot be built fails like any other call. */
  async function call(operation: string, buildBody: () => XmlBuildElement, options: CallOptions = {}): Promise<XmlElement> {
    const started = performance.now();
    let attempts = 0;
    let clientReference: string | undefined;
    let body: XmlBuildElement;
    const run = async () => {
      attempts += 1;
      // 32 hex characters, SEQR's limit: each attempt's own, logged so that SEQR's support can find it.
      clientReference = randomUUID().replaceAll("-", "");
      const ctx = context(options.principalType ?? "TERMINALID", clientReference);
      return attempt(operation, ctx, body, options.timeoutMs ?? config.timeoutMs);
    };
    const logLine = (fields: Record<string, unknown>) => ({
      operation,
      durationMs: Math.round(performance.now() - started),
      attempts,
      clientReference,
      ...options.logContext,
      ...fields,
    });
    try {
      body = buildBody();
      const policy = options.retry;
      const result = policy
        ? await pRetry(run, {
            retries: policy.retries,
            minTimeout: policy.minTimeoutMs,
            maxTimeout: policy.maxTimeoutMs,
            factor: 2,
            randomize: true,
            shouldRetry: ({ error }) => error instanceof SeqrError && (options.retryOn ?? retryTransient)(error),
          })
        : await run();
      config.logger.info(logLine({ resultCode: 0 }), "seqr call");
      return result;
    } catch (error) {
      const seqrError =
        error instanceof SeqrError
          ? error
          : // The request itself could not be built (an amount SEQR cannot carry, text XML cannot hold).
            new SeqrError(operation, "protocol", {
              message: `could not build the request: ${error instanceof Error ? error.message : String(error)}`,
              cause: error,
            });
      config.logger.warn(
        logLine({
          resultCode: seqrError.resultCode,
          resultName: seqrError.resultName,
          transient: seqrError.transient,
        }),
        "seqr call failed",
      );
      throw seqrError;
    }
  }

  return {
    /** Issues an invoice. Never retried: a lost answer may still have created one (look it up, do not resend). */
    async sendInvoice(invoice: Invoice, tokens: readonly CustomerToken[] = []): Promise<SentInvoice> {
      const result = await call(
        "sendInvoice",
        () => ({ invoice: invoiceElement(invoice), tokens: tokenElements(tokens) }),
        { logContext: { clientInvoiceId: invoice.clientInvoiceId } },
      );
      return toSentInvoice(result);
    },

    /** The invoice's status; `lastSeenVersion` is the `version` of the previous answer (0 the first time). */
    async getPaymentStatus(invoiceReference: string, lastSeenVersion = 0): Promise<PaymentStatus> {
      const result = await call(
        "getPaymentStatus",
        () => ({ invoiceReference, invoiceVersion: String(lastSeenVersion) }),
        { retry: config.readRetry, timeoutMs: readTimeoutMs, logContext: { invoiceReference } },
      );
      return toPaymentStatus(result);
    },

    /** Cancels an unpaid invoice. 95 (already canceled) counts as success (CONTRACT.md). */
    async cancelInvoice(invoiceReference: string): Promise<CancelResult> {
      try {
        await call("cancelInvoice", () => ({ invoiceReference }), { logContext: { invoiceReference } });
        return { alreadyCanceled: false };
      } catch (error) {
        if (error instanceof SeqrError && error.is(95)) return { alreadyCanceled: true };
        throw error;
      }
    },

    /** Gives back part or all of a payment. Never retried: a lost answer may still have refunded. */
    async refundPayment(refund: Refund): Promise<RefundResult> {
      const result = await call(
        "refundPayment",
        () => ({ ersReference: refund.ersReference, invoice: refundInvoiceElement(refund) }),
        { logContext: { ersReference: refund.ersReference, amountMinor: refund.amountMinor } },
      );
      return { refundErsReference: toRefundErsReference(result) };
    },

    async updateInvoice(invoiceReference: string, invoice: Invoice, tokens: readonly CustomerToken[] = []) {
      await call(
        "updateInvoice",
        () => ({ invoiceReference, invoice: invoiceElement(invoice), tokens: tokenElements(tokens) }),
        { logContext: { invoiceReference, clientInvoiceId: invoice.clientInvoiceId } },
      );
    },

    async submitPaymentReceipt(document: ReceiptDocument): Promise<void> {
      await call(
        "submitPaymentReceipt",
        () => ({
          ersReference: document.ersReference,
          receiptDocument: {
            mimeType: document.mimeType,
            receiptData: Buffer.from(document.data).toString("base64"),
            receiptType: document.receiptType ?? "PAYMENT_RECEIPT",
          },
        }),
        { logContext: { ersReference: document.ersReference } },
      );
    },

    /** Closes the current transaction period (a RESELLERUSER call) and names it. */
    async markTransactionPeriod(parameters: Record<string, string> = {}): Promise<{ transactionPeriodId: string }> {
      const result = await call(
        "markTransactionPeriod",
        () => ({ parameters: parameterMapElement(parameters) }),
        { principalType: "RESELLERUSER" },
      );
      return { transactionPeriodId: toTransactionPeriodId(result) };
    },

    /** Runs a report, asking again with backoff while SEQR answers 2 (not ready) or a transient failure. */
    async executeReport(request: {
      reportId: string;
      language?: string;
      parameters?: Record<string, string>;
    }): Promise<Report> {
      const result = await call(
        "executeReport",
        () => ({
          reportId: request.reportId,
          language: request.language ?? "en",
          parameters: parameterMapElement(request.parameters ?? {}),
        }),
        {
          principalType: "RESELLERUSER",
          retry: config.reportRetry,
          retryOn: (error) => error.transient || error.is(2),
          logContext: { reportId: request.reportId },
        },
      );
      return toReport(result);
    },

    /** What SEQR knows about an External Service session: msisdn, subscriberKey and the QR code's parameters. */
    async getClientSessionInfo(token: string): Promise<ClientSessionInfo> {
      // The token is a bearer credential for the shopper's session: it is sent, never logged.
      const result = await call("getClientSessionInfo", () => ({ key: token }), { retry: config.readRetry, timeoutMs: readTimeoutMs });
      return toClientSessionInfo(result);
    },
  };
}
