import type { Metadata } from "next";
import { connection } from "next/server";
import Link from "next/link";
import { notFound } from "next/navigation";

import { formatMoney } from "@/lib/money";
import { isSandboxMode } from "@/lib/sandbox/guard";
import type { InvoiceRowData } from "@/lib/sandbox/invoices";
import { describeInvoice, receiptsFor } from "@/lib/sandbox/views";
import { ensureSandboxRegistry } from "@/lib/sandbox/registry";

import { ActionForm } from "../../../action-form";
import { invoiceChoiceAction } from "../../actions";

export const metadata: Metadata = { title: "Invoice in the SEQR app" };

const STATUS_TEXT: Record<string, string> = {
  PAID: "Paid",
  FAILED: "Payment failed",
  CANCELED: "Canceled",
  EXPIRED: "Expired",
};

// An invoice as the SEQR app shows it after scanning HTTP://SEQR.SE/R<reference>: title, rows, total, and the
// subscriber's three choices.
export default async function AppInvoicePage({ params }: { params: Promise<{ reference: string }> }) {
  // Pages render alongside the layout, not behind it: this one checks the mode itself (lib/sandbox/guard.ts).
  if (!isSandboxMode()) notFound();
  await connection(); // SEQR's state changes all the time: never render it at build time
  await ensureSandboxRegistry();
  const { reference } = await params;
  if (!/^\d{1,32}$/.test(reference)) notFound();
  const invoice = await describeInvoice(reference);
  if (!invoice) notFound();
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: invoice.currency });
  const rows = invoice.rows as InvoiceRowData[];
  const receipts = invoice.ersReference ? await receiptsFor(invoice.ersReference) : [];

  return (
    <div className="phone" data-testid="seqr-app">
      <div className="phone-bar">
        <strong>SEQR</strong>
        <span className="status-pill" data-testid="invoice-status">
          {invoice.status}
        </span>
      </div>
      <div className="phone-body">
        <h1>{invoice.title ?? "Invoice"}</h1>
        {rows.length > 0 ? (
          <table className="invoice-rows" aria-label="Invoice rows">
            <tbody>
              {rows.map((row, index) => (
                <tr key={index}>
                  <td>
                    {row.quantity} × {row.description ?? row.sku ?? "Item"}
                  </td>
                  <td>{money(row.totalMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <p>
          Total <strong data-testid="invoice-total">{money(invoice.totalMinor)}</strong>
        </p>

        {invoice.status === "ISSUED" ? (
          <ActionForm action={invoiceChoiceAction} className="choices" aria-label="Pay this invoice">
            <input type="hidden" name="reference" value={invoice.invoiceReference} />
            <button type="submit" name="choice" value="pay" className="primary">
              Pay {money(invoice.totalMinor)}
            </button>
            <button type="submit" name="choice" value="decline">
              Decline
            </button>
            <button type="submit" name="choice" value="cancel">
              Cancel
            </button>
          </ActionForm>
        ) : (
          <section aria-label="Outcome">
            <p>
              <strong>{STATUS_TEXT[invoice.status] ?? invoice.status}</strong>
              {invoice.reversedAt ? " – the merchant never confirmed the payment, so SEQR gave the money back." : null}
            </p>
            {invoice.ersReference ? <p className="muted">Payment reference {invoice.ersReference}</p> : null}
            {receipts.length > 0 ? (
              <section aria-label="Receipt from the shop">
                <h2>Receipt from the shop</h2>
                {receipts.map((receipt) => (
                  <pre key={receipt.id} className="receipt" data-testid="shop-receipt">
                    {receipt.text}
                  </pre>
                ))}
              </section>
            ) : null}
          </section>
        )}
        <p>
          <Link href="/sandbox/app">Back to the app</Link>
        </p>
      </div>
    </div>
  );
}
