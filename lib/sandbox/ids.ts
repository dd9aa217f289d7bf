import { randomInt } from "node:crypto";

// Identifiers in the shapes SEQR used (CONTRACT.md): all digits, unguessable.

function digits(count: number): string {
  let out = "";
  while (out.length < count) out += String(randomInt(0, 1_000_000_000)).padStart(9, "0");
  return out.slice(0, count);
}

/** An invoice reference, 13 digits with no leading zero. */
export function newInvoiceReference(): string {
  return `${randomInt(1, 10)}${digits(12)}`;
}

/** A payment or refund reference: 25 digits, like SEQR's ersReference / receipt.paymentReference. */
export function newErsReference(): string {
  return `${randomInt(1, 10)}${digits(24)}`;
}

/** An External Service session token, shaped like `0000002012-63506374`. */
export function newSessionToken(): string {
  return `${digits(10)}-${digits(8)}`;
}

export function newAuthKey(): string {
  return digits(16);
}

export function newTransactionPeriodId(): string {
  return `${randomInt(1, 10)}${digits(9)}`;
}
