import type { Metadata } from "next";
import Link from "next/link";

import { requireAdminPage } from "@/lib/admin/guard";
import { formatShopTime } from "@/lib/admin/periods";
import { findReconciliationRun, listReconciliationRuns, type Mismatch, type TotalsComparison } from "@/lib/admin/reconciliation";
import { formatMoney } from "@/lib/money";

import { AdminActionForm } from "../admin-action-form";
import { reconcileAction, refetchReportAction } from "./actions";

export const metadata: Metadata = { title: "Reconciliation" };

/** The first period runs from the beginning of the terminal's history (SEQR's first period has no start). */
function periodLabel(run: { periodStart: Date; periodEnd: Date }): string {
  const start = run.periodStart.getTime() === 0 ? "the beginning" : formatShopTime(run.periodStart);
  return `${start} – ${formatShopTime(run.periodEnd)}`;
}

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<{ run?: string | string[] }> }) {
  await requireAdminPage();
  const { run: runParam } = await searchParams;
  const runs = await listReconciliationRuns();
  const selected = typeof runParam === "string" ? await findReconciliationRun(runParam) : (runs[0] ?? null);
  const totals = (selected?.totals ?? []) as TotalsComparison[];
  const mismatches = (selected?.mismatches ?? []) as Mismatch[];
  const money = (amountMinor: number | null, currency: string) =>
    amountMinor === null ? "–" : formatMoney({ amountMinor, currency });

  return (
    <div>
      <h1>Reconciliation</h1>
      <p className="muted">
        Closes the current SEQR transaction period (markTransactionPeriod), fetches SEQR&apos;s report for it (executeReport) and
        compares it, payment by payment and refund by refund, with the shop&apos;s own books for the same period.
      </p>
      <AdminActionForm
        action={reconcileAction}
        submitLabel="Close the period and reconcile"
        confirm="Close SEQR's current transaction period now? The next period starts from this moment."
        aria-label="Reconcile"
      />

      {selected ? (
        <section className="admin-card" aria-label="Reconciliation result" data-status={selected.status}>
          <h2>
            {periodLabel(selected)}
          </h2>
          <p>
            SEQR period <span className="mono">{selected.transactionPeriodId ?? "–"}</span>
            {selected.reportTitle ? <> · report “{selected.reportTitle}”</> : null}
          </p>
          {selected.status === "COMPLETED" ? (
            <>
              <table className="admin-table compact" aria-label="Totals">
                <thead>
                  <tr>
                    <th>Currency</th>
                    <th className="num">Paid (SEQR)</th>
                    <th className="num">Paid (shop)</th>
                    <th className="num">Refunded (SEQR)</th>
                    <th className="num">Refunded (shop)</th>
                  </tr>
                </thead>
                <tbody>
                  {totals.map((total) => (
                    <tr key={total.currency}>
                      <td>{total.currency}</td>
                      <td className="num">{money(total.seqrPaidMinor, total.currency)}</td>
                      <td className="num">{money(total.shopPaidMinor, total.currency)}</td>
                      <td className="num">{money(total.seqrRefundedMinor, total.currency)}</td>
                      <td className="num">{money(total.shopRefundedMinor, total.currency)}</td>
                    </tr>
                  ))}
                  {totals.length === 0 ? (
                    <tr>
                      <td colSpan={5} className="muted">
                        No payments or refunds in this period.
                      </td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
              <h3 data-testid="mismatch-count">
                {mismatches.length === 0 ? "No differences: SEQR's report and the shop agree." : `${mismatches.length} differences`}
              </h3>
              {mismatches.length > 0 ? (
                <table className="admin-table compact" aria-label="Differences">
                  <thead>
                    <tr>
                      <th>Difference</th>
                      <th>Reference</th>
                      <th>Order</th>
                      <th className="num">SEQR</th>
                      <th className="num">Shop</th>
                      <th>What it means</th>
                    </tr>
                  </thead>
                  <tbody>
                    {mismatches.map((mismatch, index) => (
                      <tr key={index} data-kind={mismatch.kind}>
                        <td>{mismatch.kind}</td>
                        <td className="mono">{mismatch.reference ?? "–"}</td>
                        <td className="mono">
                          {mismatch.clientInvoiceId ? (
                            <Link href={`/admin/orders/${mismatch.clientInvoiceId}`}>{mismatch.clientInvoiceId}</Link>
                          ) : (
                            "–"
                          )}
                        </td>
                        <td className="num">{money(mismatch.seqrMinor, mismatch.currency)}</td>
                        <td className="num">{money(mismatch.shopMinor, mismatch.shopCurrency ?? mismatch.currency)}</td>
                        <td>{mismatch.explanation}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              <details>
                <summary>SEQR&apos;s report as received</summary>
                <pre className="admin-report">{selected.reportContent}</pre>
              </details>
            </>
          ) : (
            <>
              <p role="alert" className="form-error">
                {selected.error ?? "The report has not been fetched yet."}
              </p>
              {selected.transactionPeriodId ? (
                <AdminActionForm action={refetchReportAction} submitLabel="Fetch the report again" buttonClass="button secondary">
                  <input type="hidden" name="runId" value={selected.id} />
                </AdminActionForm>
              ) : null}
            </>
          )}
        </section>
      ) : (
        <p className="muted">No reconciliation yet.</p>
      )}

      {runs.length > 0 ? (
        <section className="admin-card" aria-label="Earlier reconciliations">
          <h2>Earlier reconciliations</h2>
          <ul className="admin-runs">
            {runs.map((run) => (
              <li key={run.id}>
                <Link href={{ pathname: "/admin/reconciliation", query: { run: run.id } }}>
                  {periodLabel(run)}
                </Link>{" "}
                {run.status === "COMPLETED" ? `${run.mismatchCount} differences` : run.status}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
