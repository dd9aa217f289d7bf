import { resultCodeMessage, resultCodeName, TRANSIENT_RESULT_CODES } from "./result-codes.ts";

/**
 * Why a SEQR call did not succeed:
 * - `result`: SEQR answered with a non-zero resultCode (a business answer);
 * - `http`: the endpoint answered with an HTTP error or a SOAP fault;
 * - `timeout` / `network`: no answer at all;
 * - `protocol`: an answer that is not what the contract says (malformed XML, a missing required field).
 */
export type SeqrErrorKind = "result" | "http" | "timeout" | "network" | "protocol";

export class SeqrError extends Error {
  override readonly name = "SeqrError";
  /** SEQR's resultCode for `result` errors, otherwise null. */
  readonly resultCode: number | null;
  /** SEQR's constant name (e.g. "UNKNOWN_INVOICE_REFERENCE") or, outside SEQR's codes, "HTTP_503", "TIMEOUT"… */
  readonly resultName: string;
  /** True when asking again later may succeed: nothing was decided (90, 93, 94, HTTP 5xx, no answer). */
  readonly transient: boolean;

  constructor(
    readonly operation: string,
    readonly kind: SeqrErrorKind,
    details: { resultCode?: number; httpStatus?: number; message?: string; cause?: unknown },
  ) {
    const { resultCode, httpStatus } = details;
    let resultName: string;
    let transient: boolean;
    let message: string;
    switch (kind) {
      case "result": {
        const code = resultCode ?? -1;
        resultName = resultCodeName(code);
        transient = TRANSIENT_RESULT_CODES.has(code);
        message = `${resultCodeMessage(code)} (${code} ${resultName})`;
        break;
      }
      case "http":
        resultName = `HTTP_${httpStatus ?? 0}`;
        transient = httpStatus === undefined || httpStatus >= 500;
        message = `SEQR answered HTTP ${httpStatus ?? "error"}`;
        break;
      case "timeout":
        resultName = "TIMEOUT";
        transient = true;
        message = "SEQR did not answer in time";
        break;
      case "network":
        resultName = "CONNECTION_FAILED";
        transient = true;
        message = "Could not reach SEQR";
        break;
      case "protocol":
        resultName = "INVALID_RESPONSE";
        transient = false;
        message = "SEQR's answer does not follow the contract";
        break;
    }
    super(`${operation}: ${details.message ?? message}`, { cause: details.cause });
    this.resultCode = kind === "result" ? (resultCode ?? null) : null;
    this.resultName = resultName;
    this.transient = transient;
  }

  /** True for a business answer with this result code. */
  is(code: number): boolean {
    return this.kind === "result" && this.resultCode === code;
  }
}
