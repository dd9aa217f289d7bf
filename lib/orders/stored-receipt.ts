import { z } from "zod";

import type { Prisma } from "../generated/prisma/client.ts";
import type { Money } from "../money.ts";

// SEQR's receipt as PaymentAttempt.receipt keeps it (sync-payment-status.ts stores the parsed PaymentReceipt as
// JSON). Read back through one schema; a field that is missing or not as stored reads as absent, never as a guess.

const storedReceiptSchema = z.object({
  paymentDate: z.iso.datetime({ offset: true }).optional().catch(undefined),
  invoice: z
    .object({
      total: z.object({ amountMinor: z.number().int(), currency: z.string() }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

export type StoredReceipt = { paymentDate?: Date; total?: Money };

export function readStoredReceipt(receipt: Prisma.JsonValue): StoredReceipt {
  const parsed = storedReceiptSchema.safeParse(receipt);
  if (!parsed.success) return {};
  const { paymentDate, invoice } = parsed.data;
  return {
    ...(paymentDate ? { paymentDate: new Date(paymentDate) } : {}),
    ...(invoice?.total ? { total: invoice.total } : {}),
  };
}
