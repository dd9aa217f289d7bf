// SEQR's result codes as the tests expect them, written out by hand from CONTRACT.md ("Operations a webshop uses",
// "Other codes") and never read from lib/seqr/result-codes.ts: a name or message changed there (or a code dropped)
// must fail a test, not quietly become the new expectation.

/** [code, the constant's name (resultDescription), the message the shop shows, transient (90, 93, 94)]. */
export const EXPECTED_RESULT_CODES: readonly (readonly [code: number, name: string, message: string, transient: boolean])[] = [
  [0, "SUCCESS", "Success", false],
  [2, "REPORT_NOT_READY", "The report is not ready yet; ask again in a few seconds", false],
  [20, "INVALID_PASSWORD", "Wrong terminal password", false],
  [21, "ACCESS_DENIED", "Access denied", false],
  [23, "UNKNOWN_ERS_REFERENCE", "Unknown payment reference (ersReference)", false],
  [29, "UNKNOWN_TERMINAL", "Unknown terminal", false],
  [37, "PRINCIPAL_NOT_FOUND", "Principal not found", false],
  [49, "INVALID_INVOICE_DATA", "Invalid invoice data", false],
  [50, "CANNOT_CANCEL_PAID_INVOICE", "The invoice is paid and cannot be canceled", false],
  [51, "CANNOT_CANCEL_INVOICE_IN_PROGRESS", "The invoice is being paid and cannot be canceled now", false],
  [54, "UNKNOWN_INVOICE_REFERENCE", "Unknown invoice reference", false],
  [60, "TOKEN_EXPIRED", "The SEQR session has expired", false],
  [61, "TOKEN_CANCELED", "The SEQR session was canceled", false],
  [62, "TOKEN_IN_PROGRESS", "The SEQR session is busy with a payment", false],
  [63, "UNKNOWN_TOKEN", "Unknown SEQR session", false],
  [64, "INVALID_NOTIFICATION_URL", "Invalid notification URL", false],
  [90, "SYSTEM_ERROR", "SEQR system error", true],
  [91, "UNSUPPORTED_OPERATION", "Operation not supported", false],
  [93, "SYSTEM_BUSY", "SEQR is busy", true],
  [94, "SERVICE_UNAVAILABLE", "SEQR's payment back end is unavailable", true],
  [95, "INVOICE_ALREADY_CANCELED", "The invoice is already canceled", false],
  [97, "REFUND_NOT_ALLOWED", "The refund is not allowed", false],
  [98, "REFUNDS_EXCEED_PAYMENT", "The refunds would exceed the payment", false],
  [99, "REFUNDS_NOT_ALLOWED_FOR_ACCOUNT", "The account does not allow refunds", false],
];

/** Every code but 0: the answers that are errors. */
export const EXPECTED_ERROR_CODES = EXPECTED_RESULT_CODES.filter(([code]) => code !== 0);
