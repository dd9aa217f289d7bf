import type { Metadata } from "next";
import Link from "next/link";

import { requireAdminPage } from "@/lib/admin/guard";
import { formatShopTime } from "@/lib/admin/periods";
import { findReconciliationRun, listReconciliationRuns, type Mismatch, type TotalsComparison } from "@/lib/admin/reconciliation";
import { listUnsettledRefunds, periodText, type UnsettledRefund } from "@/lib/admin/refund-settlement";
import { formatMoney } from "@/lib/money";

import { AdminActionForm } from "../admin-action-form";
import { reconcileAction, refetchReportAction, settleRefundAction } from "./actions";

export const metadata: Metadata = { title: "Reconciliation" };

/** The first period runs from the beginning of the terminal's history (SEQR's first period has no start). */
const periodLabel = periodText;

/** What the reports say about one refund SEQR never confirmed, with the one button that applies. */
function SettlementOffer({ refund }: { refund: UnsettledRefund }) {
  const { settlement } = refund;
  if (settlement.kind === "none") return <span className="muted">{settlement.why}</span>;
  const done = settlement.kind === "done";
  return (
    <AdminActionForm
      action={settleRefundAction}
      submitLabel={done ? "Settle as done" : "Release the amount"}
      confirm={
        done
          ? `SEQR's report of ${periodLabel(settlement.run)} lists this refund (SEQR's reference ${settlement.entry.ersReference}). Record it as refunded?`
          : `No report from the refund's time to ${formatShopTime(settlement.run.periodEnd)} lists it: SEQR made no such refund. Release its amount?`
      }
      buttonClass="button secondary"
      aria-label={`Settle the refund of ${refund.clientInvoiceId}`}
    >
      <input type="hidden" name="refundId" value={refund.id} />
      <input type="hidden" name="runId" value={settlement.run.id} />
    </AdminActionForm>
  );
}

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<{ run?: string | string[] }> }) {
  await requireAdminPage();
  const { run: runParam } = await searchParams;
  const [runs, unsettled] = await Promise.all([listReconciliationRuns(), listUnsettledRefunds()]);
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
                {selected.error ??
                  (selected.status === "STARTED" && !selected.transactionPeriodId
                    ? "SEQR is being asked to close this period. Reload in a moment; if it stays like this, the next reconciliation takes it as interrupted and starts after it."
                    : "The report has not been fetched yet.")}
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

      {unsettled.length > 0 ? (
        <section className="admin-card" id="refunds-to-settle" aria-label="Refunds to settle">
          <h2>Refunds waiting for SEQR&apos;s report ({unsettled.length})</h2>
          <p className="muted">
            SEQR never confirmed these refunds, so their amounts stay held. A report that lists one settles it as done; when the
            reports of every period since it was made are in and none lists it, its amount can be released.
          </p>
          <table className="admin-table compact" aria-label="Unsettled refunds">
            <thead>
              <tr>
                <th>Order</th>
                <th>Status</th>
                <th className="num">Amount</th>
                <th>Asked for</th>
                <th>What the reports say</th>
              </tr>
            </thead>
            <tbody>
              {unsettled.map((refund) => (
                <tr key={refund.id} data-settlement={refund.settlement.kind}>
                  <td className="mono">
                    <Link href={`/admin/orders/${refund.clientInvoiceId}`}>{refund.clientInvoiceId}</Link>
                  </td>
                  <td>{refund.status}</td>
                  <td className="num">{formatMoney({ amountMinor: refund.amountMinor, currency: refund.currency })}</td>
                  <td>{formatShopTime(refund.createdAt)}</td>
                  <td>
                    <SettlementOffer refund={refund} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

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
