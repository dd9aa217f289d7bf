import type { Metadata } from "next";
import Link from "next/link";

import { requireAdminPage } from "@/lib/admin/guard";
import { formatShopTime } from "@/lib/admin/periods";
import { findReconciliationRun, listReconciliationRuns, type Mismatch, type TotalsComparison } from "@/lib/admin/reconciliation";
import { listUnsettledRefunds, type UnsettledRefund } from "@/lib/admin/refund-settlement";
import { mismatchText, periodInSentence, periodText, refundStatusText, runStatusText } from "@/lib/admin/wording";
import { formatMoney } from "@/lib/money";
import { formatOrderNumber } from "@/lib/orders/order-number";

import { AdminActionForm } from "../admin-action-form";
import { reconcileAction, refetchReportAction, settleRefundAction } from "./actions";

export const metadata: Metadata = { title: "Reconciliation" };

/** The first period runs from the beginning of the terminal's history (SEQR's first period has no start). */
const periodLabel = periodText;

const money = (amountMinor: number | null, currency: string) => (amountMinor === null ? "–" : formatMoney({ amountMinor, currency }));

/**
 * What the reports say about one refund SEQR never confirmed, with the one button that applies: for an owner only
 * (settling moves money in the books; settleRefundAction refuses anyone else), staff read what an owner can do.
 */
function SettlementOffer({ refund, canSettle }: { refund: UnsettledRefund; canSettle: boolean }) {
  const { settlement } = refund;
  if (settlement.kind === "none") return <span className="muted">{settlement.why}</span>;
  const done = settlement.kind === "done";
  if (!canSettle) {
    return (
      <span className="muted">
        {done ? "SEQR's report lists it: an owner can settle it as done." : "No report lists it: an owner can release its amount."}
      </span>
    );
  }
  return (
    <AdminActionForm
      action={settleRefundAction}
      submitLabel={done ? "Settle as done" : "Release the amount"}
      confirm={
        done
          ? `SEQR's report of ${periodInSentence(settlement.run)} lists this refund (SEQR's reference ${settlement.entry.ersReference}). Record it as refunded?`
          : `No report from the refund's time to ${formatShopTime(settlement.run.periodEnd)} lists it: SEQR made no such refund. Release its amount?`
      }
      buttonClass="button secondary"
      aria-label={`Settle the refund of order ${formatOrderNumber(refund.number)}`}
    >
      <input type="hidden" name="refundId" value={refund.id} />
      <input type="hidden" name="runId" value={settlement.run.id} />
    </AdminActionForm>
  );
}

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<{ run?: string | string[] }> }) {
  const admin = await requireAdminPage();
  const { run: runParam } = await searchParams;
  const [runs, unsettled] = await Promise.all([listReconciliationRuns(), listUnsettledRefunds()]);
  const selected = typeof runParam === "string" ? await findReconciliationRun(runParam) : (runs[0] ?? null);
  const totals = (selected?.totals ?? []) as TotalsComparison[];
  const mismatches = (selected?.mismatches ?? []) as Mismatch[];

  return (
    <div>
      <h1>Reconciliation</h1>
      <p className="muted">
        Closes the current period of payments at SEQR, fetches SEQR&apos;s report of it and compares it, payment by payment
        and refund by refund, with the shop&apos;s own books for the same period. Every difference is listed with what it
        means.
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
            SEQR&apos;s number for the period: <span className="mono">{selected.transactionPeriodId ?? "none yet"}</span>
            {selected.reportTitle ? <> · report “{selected.reportTitle}”</> : null}
          </p>
          {selected.status === "COMPLETED" ? (
            <>
              <table className="admin-table compact stack" aria-label="Totals">
                <thead>
                  <tr>
                    <th scope="col">Currency</th>
                    <th scope="col" className="num">
                      Paid (SEQR)
                    </th>
                    <th scope="col" className="num">
                      Paid (shop)
                    </th>
                    <th scope="col" className="num">
                      Refunded (SEQR)
                    </th>
                    <th scope="col" className="num">
                      Refunded (shop)
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {totals.map((total) => (
                    <tr key={total.currency}>
                      <td data-label="Currency">{total.currency}</td>
                      <td className="num" data-label="Paid (SEQR)">
                        {money(total.seqrPaidMinor, total.currency)}
                      </td>
                      <td className="num" data-label="Paid (shop)">
                        {money(total.shopPaidMinor, total.currency)}
                      </td>
                      <td className="num" data-label="Refunded (SEQR)">
                        {money(total.seqrRefundedMinor, total.currency)}
                      </td>
                      <td className="num" data-label="Refunded (shop)">
                        {money(total.shopRefundedMinor, total.currency)}
                      </td>
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
                <table className="admin-table compact stack" aria-label="Differences">
                  <thead>
                    <tr>
                      <th scope="col">Difference</th>
                      <th scope="col">Reference</th>
                      <th scope="col">Order</th>
                      <th scope="col" className="num">
                        SEQR
                      </th>
                      <th scope="col" className="num">
                        Shop
                      </th>
                      <th scope="col">What it means</th>
                    </tr>
                  </thead>
                  <tbody>
                    {mismatches.map((mismatch, index) => (
                      <tr key={index} data-kind={mismatch.kind}>
                        <td data-label="Difference">{mismatchText(mismatch.kind)}</td>
                        <td className="mono" data-label="Reference">
                          {mismatch.reference ?? "–"}
                        </td>
                        <td className="mono" data-label="Order">
                          {mismatch.clientInvoiceId ? (
                            <Link href={`/admin/orders/${mismatch.clientInvoiceId}`}>{mismatch.clientInvoiceId}</Link>
                          ) : (
                            "–"
                          )}
                        </td>
                        <td className="num" data-label="SEQR">
                          {money(mismatch.seqrMinor, mismatch.currency)}
                        </td>
                        <td className="num" data-label="Shop">
                          {money(mismatch.shopMinor, mismatch.shopCurrency ?? mismatch.currency)}
                        </td>
                        <td data-label="What it means">{mismatch.explanation}</td>
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
                    : "SEQR's report of this period has not been fetched yet: press Fetch the report again.")}
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
          <table className="admin-table compact stack" aria-label="Unsettled refunds">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Asked for</th>
                <th scope="col">What the reports say</th>
              </tr>
            </thead>
            <tbody>
              {unsettled.map((refund) => (
                <tr key={refund.id} data-settlement={refund.settlement.kind} data-order={refund.clientInvoiceId}>
                  <td data-label="Order">
                    <Link href={`/admin/orders/${refund.clientInvoiceId}`}>{formatOrderNumber(refund.number)}</Link>
                  </td>
                  <td data-label="Status">{refundStatusText(refund.status)}</td>
                  <td className="num" data-label="Amount">
                    {formatMoney({ amountMinor: refund.amountMinor, currency: refund.currency })}
                  </td>
                  <td data-label="Asked for">{formatShopTime(refund.createdAt)}</td>
                  <td data-label="What the reports say">
                    <SettlementOffer refund={refund} canSettle={admin.actor.role === "OWNER"} />
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
                {run.status === "COMPLETED" ? `${run.mismatchCount} differences` : runStatusText(run.status)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
