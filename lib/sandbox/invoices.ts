import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import type { Prisma, SandboxInvoice } from "../generated/prisma/client.ts";
import { getSandboxConfig } from "./config.ts";
import { newErsReference, newInvoiceReference } from "./ids.ts";
import { SeqrFailure } from "./seqr-failure.ts";
import { assertSandboxMode } from "./guard.ts";

// SEQR's invoices: issue, update, cancel, status with the commit rule, refunds and reversals.

export type InvoiceRowData = {
  description?: string;
  sku?: string;
  ean?: string;
  quantity: string;
  unit?: string;
  unitPriceMinor?: number;
  taxRate?: string;
  discountMinor?: number;
  totalMinor: number;
};

export type InvoiceData = {
  paymentMode?: string;
  acknowledgmentMode?: string;
  issueDate?: string;
  title?: string;
  clientInvoiceId?: string;
  currency: string;
  totalMinor: number;
  rows: InvoiceRowData[];
  cashierId?: string;
  footer?: string;
  backUrl?: string;
  notificationUrl?: string;
};

type Transaction = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/** Money back to the wallet that paid the invoice, with its line in the wallet's history. */
async function creditWallet(
  tx: Transaction,
  invoice: SandboxInvoice,
  entry: { type: "REVERSAL" | "REFUND"; amountMinor: number; note: string | null },
): Promise<void> {
  if (!invoice.payerMsisdn) return;
  await tx.sandboxSubscriber.update({
    where: { msisdn: invoice.payerMsisdn },
    data: { balanceMinor: { increment: entry.amountMinor } },
  });
  await tx.sandboxLedgerEntry.create({
    data: { ...entry, msisdn: invoice.payerMsisdn, currency: invoice.currency, invoiceReference: invoice.reference },
  });
}

/**
 * The commit rule (CONTRACT.md): a payment no getPaymentStatus saw as PAID before its deadline is reversed: the
 * invoice reads CANCELED, the subscriber gets the money back, and the reversal is in the ledger. Checked before
 * every look at an invoice, which to any observer is the same as a timer firing at the deadline.
 */
export async function reverseOverduePayments(now = new Date()): Promise<void> {
  assertSandboxMode();
  const overdue = await db.sandboxInvoice.findMany({
    where: { status: "PAID", committedAt: null, commitDeadline: { lte: now } },
    select: { reference: true },
  });
  for (const { reference } of overdue) {
    await db.$transaction(async (tx) => {
      // Write first: only one process wins the reversal of a given invoice.
      const claimed = await tx.sandboxInvoice.updateMany({
        where: { reference, status: "PAID", committedAt: null, commitDeadline: { lte: now } },
        data: { status: "CANCELED", reversedAt: now, version: { increment: 1 } },
      });
      if (claimed.count === 0) return;
      const invoice = await tx.sandboxInvoice.findUniqueOrThrow({ where: { reference } });
      await creditWallet(tx, invoice, {
        type: "REVERSAL",
        amountMinor: invoice.totalMinor,
        note: "The merchant did not confirm the payment within the commit window; SEQR reversed it.",
      });
    });
  }
}

async function ownInvoice(terminalId: string, reference: string): Promise<SandboxInvoice> {
  const invoice = await db.sandboxInvoice.findUnique({ where: { reference } });
  // Another terminal's invoice is as unknown to this one as one that does not exist.
  if (!invoice || invoice.terminalId !== terminalId) throw new SeqrFailure(54, `no invoice ${reference}`);
  return invoice;
}

function invoiceColumns(invoice: InvoiceData) {
  return {
    clientInvoiceId: invoice.clientInvoiceId ?? null,
    title: invoice.title ?? null,
    paymentMode: invoice.paymentMode ?? null,
    acknowledgmentMode: invoice.acknowledgmentMode ?? null,
    issueDate: invoice.issueDate ?? null,
    currency: invoice.currency,
    totalMinor: invoice.totalMinor,
    rows: invoice.rows as unknown as Prisma.InputJsonValue,
    cashierId: invoice.cashierId ?? null,
    footer: invoice.footer ?? null,
    backUrl: invoice.backUrl ?? null,
    notificationUrl: invoice.notificationUrl ?? null,
  };
}

export async function issueInvoice(terminalId: string, invoice: InvoiceData): Promise<string> {
  assertSandboxMode();
  for (let attempt = 0; ; attempt += 1) {
    const reference = newInvoiceReference();
    try {
      await db.sandboxInvoice.create({ data: { reference, terminalId, ...invoiceColumns(invoice) } });
      return reference;
    } catch (error) {
      const duplicate = (error as { code?: string }).code === "P2002";
      if (!duplicate || attempt >= 3) throw error;
    }
  }
}

export async function updateInvoice(terminalId: string, reference: string, invoice: InvoiceData): Promise<void> {
  assertSandboxMode();
  await ownInvoice(terminalId, reference);
  const updated = await db.sandboxInvoice.updateMany({
    where: { reference, status: "ISSUED" },
    data: { ...invoiceColumns(invoice), version: { increment: 1 } },
  });
  // Only an invoice still waiting for payment can change (the sandbox's choice: SEQR's answer is not recorded).
  if (updated.count === 0) throw new SeqrFailure(49, "only an ISSUED invoice can be updated");
}

export async function cancelInvoice(terminalId: string, reference: string, now = new Date()): Promise<void> {
  assertSandboxMode();
  await reverseOverduePayments(now);
  const invoice = await ownInvoice(terminalId, reference);
  if (invoice.status === "CANCELED") throw new SeqrFailure(95, "already canceled");
  if (invoice.status === "PAID") throw new SeqrFailure(50, "the invoice is paid");
  if (invoice.status !== "ISSUED") throw new SeqrFailure(50, `the invoice is ${invoice.status}`);
  if (invoice.inProgressUntil && invoice.inProgressUntil > now) {
    throw new SeqrFailure(51, "the subscriber is paying it in the app");
  }
  const updated = await db.sandboxInvoice.updateMany({
    where: { reference, status: "ISSUED" },
    data: { status: "CANCELED", version: { increment: 1 } },
  });
  // Lost a race with the app: answer with whatever happened instead.
  if (updated.count === 0) return cancelInvoice(terminalId, reference, now);
}

/** getPaymentStatus: the invoice as it stands; seeing PAID inside the commit window commits the payment. */
export async function readPaymentStatus(terminalId: string, reference: string, now = new Date()) {
  assertSandboxMode();
  await reverseOverduePayments(now);
  let invoice = await ownInvoice(terminalId, reference);
  if (invoice.status === "PAID" && !invoice.committedAt) {
    await db.sandboxInvoice.updateMany({
      where: { reference, status: "PAID", committedAt: null, commitDeadline: { gt: now } },
      data: { committedAt: now },
    });
    invoice = await ownInvoice(terminalId, reference);
  }
  return invoice;
}

export async function refundPayment(
  terminalId: string,
  refund: { ersReference: string; amountMinor: number; currency: string; title?: string; cashierId?: string },
): Promise<string> {
  assertSandboxMode();
  await reverseOverduePayments();
  const terminal = await db.sandboxTerminal.findUniqueOrThrow({ where: { id: terminalId } });
  const invoice = await db.sandboxInvoice.findUnique({ where: { ersReference: refund.ersReference } });
  if (!invoice || invoice.terminalId !== terminalId) throw new SeqrFailure(23, "no such payment");
  if (!terminal.allowsRefunds) throw new SeqrFailure(99, "the terminal's account does not allow refunds");
  if (invoice.status !== "PAID") throw new SeqrFailure(97, `the payment is ${invoice.status}`);
  if (refund.currency !== invoice.currency) throw new SeqrFailure(97, "the refund's currency is not the payment's");
  if (refund.amountMinor <= 0) throw new SeqrFailure(97, "a refund must be a positive amount");
  const refundReference = newErsReference();
  const accepted = await db.$transaction(async (tx) => {
    // Write first and conditionally: the sum of refunds can never exceed the payment, even under concurrency.
    const claimed = await tx.sandboxInvoice.updateMany({
      where: { reference: invoice.reference, refundedMinor: { lte: invoice.totalMinor - refund.amountMinor } },
      data: { refundedMinor: { increment: refund.amountMinor } },
    });
    if (claimed.count === 0) return false;
    await tx.sandboxRefund.create({
      data: {
        ersReference: refundReference,
        invoiceReference: invoice.reference,
        amountMinor: refund.amountMinor,
        currency: refund.currency,
        title: refund.title ?? null,
        cashierId: refund.cashierId ?? null,
      },
    });
    await creditWallet(tx, invoice, { type: "REFUND", amountMinor: refund.amountMinor, note: refund.title ?? null });
    return true;
  });
  if (!accepted) throw new SeqrFailure(98, "the refunds would exceed the payment");
  return refundReference;
}

/** The commit deadline for a payment made now. */
export async function commitDeadlineFrom(now: Date): Promise<Date> {
  assertSandboxMode();
  const { commitWindowMs } = await getSandboxConfig();
  return new Date(now.getTime() + commitWindowMs);
}

/**
 * The fault API's "expire the commit window now": the deadline moves to now and the sweep runs. Only a PAID
 * invoice nobody has confirmed has a commit window (409 otherwise).
 */
export async function expireCommitWindow(reference: string, now = new Date()): Promise<void> {
  assertSandboxMode();
  const moved = await db.sandboxInvoice.updateMany({
    where: { reference, status: "PAID", committedAt: null },
    data: { commitDeadline: now },
  });
  if (moved.count === 0) {
    throw new AppError("NOT_AWAITING_COMMIT", 409, "Only a PAID invoice that nobody has confirmed yet has a commit window.");
  }
  await reverseOverduePayments(now);
}

