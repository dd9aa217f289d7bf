// SEQR's result codes (CONTRACT.md, "Operations a webshop uses" and "Other codes"). Business errors arrive as
// `return.resultCode` in a normal response, never as SOAP faults; `resultDescription` carries the constant's name.

export const SEQR_RESULT_CODES = {
  0: { name: "SUCCESS", message: "Success" },
  2: { name: "REPORT_NOT_READY", message: "The report is not ready yet; ask again in a few seconds" },
  20: { name: "INVALID_PASSWORD", message: "Wrong terminal password" },
  21: { name: "ACCESS_DENIED", message: "Access denied" },
  23: { name: "UNKNOWN_ERS_REFERENCE", message: "Unknown payment reference (ersReference)" },
  29: { name: "UNKNOWN_TERMINAL", message: "Unknown terminal" },
  37: { name: "PRINCIPAL_NOT_FOUND", message: "Principal not found" },
  49: { name: "INVALID_INVOICE_DATA", message: "Invalid invoice data" },
  50: { name: "CANNOT_CANCEL_PAID_INVOICE", message: "The invoice is paid and cannot be canceled" },
  51: { name: "CANNOT_CANCEL_INVOICE_IN_PROGRESS", message: "The invoice is being paid and cannot be canceled now" },
  54: { name: "UNKNOWN_INVOICE_REFERENCE", message: "Unknown invoice reference" },
  60: { name: "TOKEN_EXPIRED", message: "The SEQR session has expired" },
  61: { name: "TOKEN_CANCELED", message: "The SEQR session was canceled" },
  62: { name: "TOKEN_IN_PROGRESS", message: "The SEQR session is busy with a payment" },
  63: { name: "UNKNOWN_TOKEN", message: "Unknown SEQR session" },
  64: { name: "INVALID_NOTIFICATION_URL", message: "Invalid notification URL" },
  90: { name: "SYSTEM_ERROR", message: "SEQR system error" },
  91: { name: "UNSUPPORTED_OPERATION", message: "Operation not supported" },
  93: { name: "SYSTEM_BUSY", message: "SEQR is busy" },
  94: { name: "SERVICE_UNAVAILABLE", message: "SEQR's payment back end is unavailable" },
  95: { name: "INVOICE_ALREADY_CANCELED", message: "The invoice is already canceled" },
  97: { name: "REFUND_NOT_ALLOWED", message: "The refund is not allowed" },
  98: { name: "REFUNDS_EXCEED_PAYMENT", message: "The refunds would exceed the payment" },
  99: { name: "REFUNDS_NOT_ALLOWED_FOR_ACCOUNT", message: "The account does not allow refunds" },
} as const satisfies Record<number, { name: string; message: string }>;

export type SeqrResultCode = keyof typeof SEQR_RESULT_CODES;
export type SeqrResultName = (typeof SEQR_RESULT_CODES)[SeqrResultCode]["name"];

/** Codes worth asking again for: SEQR or its bank was down or busy, nothing was decided. */
export const TRANSIENT_RESULT_CODES: ReadonlySet<number> = new Set([90, 93, 94]);

export function isKnownResultCode(code: number): code is SeqrResultCode {
  return Object.hasOwn(SEQR_RESULT_CODES, code);
}

export function resultCodeName(code: number): string {
  return isKnownResultCode(code) ? SEQR_RESULT_CODES[code].name : `RESULT_${code}`;
}

export function resultCodeMessage(code: number): string {
  return isKnownResultCode(code) ? SEQR_RESULT_CODES[code].message : `SEQR answered with result code ${code}`;
}
