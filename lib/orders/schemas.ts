import { z } from "zod";

/** Our clientInvoiceId (lib/orders/ids.ts): 22 URL-safe characters. Anything else is not one of our orders. */
export const clientInvoiceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, "is not an order id");

/** An External Service TOKEN as the app hands it over in the URL fragment (e.g. 0000002012-63506374). */
export const sessionTokenSchema = z
  .string()
  .trim()
  .min(1, "is missing")
  .max(200, "is too long")
  .regex(/^[A-Za-z0-9._~-]+$/, "is not a SEQR session token");

/** SEQR invoice references are digits (CONTRACT.md). */
export const invoiceReferenceSchema = z.string().regex(/^\d{1,32}$/, "is not a SEQR invoice reference");
