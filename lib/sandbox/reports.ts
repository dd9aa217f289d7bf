import { db } from "../db.ts";
import { formatAmount } from "./amounts.ts";
import { getSandboxConfig } from "./config.ts";
import { newTransactionPeriodId } from "./ids.ts";
import { reverseOverduePayments } from "./invoices.ts";
import { SeqrFailure } from "./seqr-failure.ts";
import { assertSandboxMode } from "./guard.ts";

// Settlement reports: markTransactionPeriod closes a period, executeReport lists its transactions. SEQR's real
// report ids are not recorded, so the sandbox offers one, TRANSACTION_REPORT, with a CSV of the period.

export const TRANSACTION_REPORT_ID = "TRANSACTION_REPORT";

/** Closes the terminal's current period: from the end of the previous one (or the beginning) until now. */
export async function markTransactionPeriod(terminalId: string, now = new Date()): Promise<string> {
  assertSandboxMode();
  const previous = await db.sandboxTransactionPeriod.findFirst({
    where: { terminalId },
    orderBy: { endsAt: "desc" },
  });
  const id = newTransactionPeriodId();
  await db.sandboxTransactionPeriod.create({
    data: { id, terminalId, startsAt: previous?.endsAt ?? new Date(0), endsAt: now },
  });
  return id;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The report for one closed period: every payment that stands (PAID, not reversed) and every refund, with
 * totals. Answers 2 (not ready) until the configured delay after the period was closed has passed.
 */
export async function executeReport(
  terminalId: string,
  reportId: string,
  parameters: Map<string, string>,
  now = new Date(),
): Promise<{ title: string; mimeType: string; contentString: string }> {
  assertSandboxMode();
  if (reportId !== TRANSACTION_REPORT_ID) throw new SeqrFailure(91, `unknown report ${reportId}`);
  const periodId = parameters.get("transactionPeriodId");
  const period = periodId ? await db.sandboxTransactionPeriod.findUnique({ where: { id: periodId } }) : null;
  if (!period || period.terminalId !== terminalId) throw new SeqrFailure(91, "unknown transactionPeriodId");
  const { reportDelayMs } = await getSandboxConfig();
  if (now.getTime() < period.createdAt.getTime() + reportDelayMs) throw new SeqrFailure(2, "report not ready");

  await reverseOverduePayments(now);
  const payments = await db.sandboxInvoice.findMany({
    where: { terminalId, status: "PAID", paidAt: { gte: period.startsAt, lt: period.endsAt } },
    orderBy: { paidAt: "asc" },
  });
  const refunds = await db.sandboxRefund.findMany({
    where: { invoice: { terminalId }, createdAt: { gte: period.startsAt, lt: period.endsAt } },
    include: { invoice: true },
    orderBy: { createdAt: "asc" },
  });
  const lines = [["type", "time", "invoiceReference", "clientInvoiceId", "ersReference", "amount", "currency"]];
  const totals = new Map<string, { paid: number; refunded: number }>();
  const totalFor = (currency: string) => {
    const total = totals.get(currency) ?? { paid: 0, refunded: 0 };
    totals.set(currency, total);
    return total;
  };
  for (const payment of payments) {
    totalFor(payment.currency).paid += payment.totalMinor;
    lines.push([
      "PAYMENT",
      payment.paidAt?.toISOString() ?? "",
      payment.reference,
      payment.clientInvoiceId ?? "",
      payment.ersReference ?? "",
      formatAmount(payment.totalMinor, payment.currency),
      payment.currency,
    ]);
  }
  for (const refund of refunds) {
    totalFor(refund.currency).refunded += refund.amountMinor;
    lines.push([
      "REFUND",
      refund.createdAt.toISOString(),
      refund.invoiceReference,
      refund.invoice.clientInvoiceId ?? "",
      refund.ersReference,
      formatAmount(-refund.amountMinor, refund.currency),
      refund.currency,
    ]);
  }
  for (const [currency, total] of totals) {
    lines.push(["TOTAL_PAID", "", "", "", "", formatAmount(total.paid, currency), currency]);
    lines.push(["TOTAL_REFUNDED", "", "", "", "", formatAmount(-total.refunded, currency), currency]);
  }
  return {
    title: `Transactions ${period.startsAt.toISOString()} – ${period.endsAt.toISOString()}`,
    mimeType: "text/csv",
    contentString: lines.map((line) => line.map(csvField).join(",")).join("\n"),
  };
}
