import type { Metadata } from "next";
import Link from "next/link";

import {
  parseReportQuery,
  periodBooks,
  REPORT_KIND_LABELS,
  REPORT_KINDS,
  REPORT_LINES,
  reportPeriod,
  VAT_COLUMNS,
  VAT_RATES_BPS,
  type CurrencyBooks,
} from "@/lib/admin/books";
import { requireAdminPage } from "@/lib/admin/guard";
import { shopDate } from "@/lib/admin/periods";
import { issuesText } from "@/lib/admin/wording";
import { formatMoney } from "@/lib/money";

import { PrintButton } from "./print-button";
import "./reports.css";

export const metadata: Metadata = { title: "Reports" };

type SearchParams = Record<string, string | string[] | undefined>;

function BooksTable({ book }: { book: CurrencyBooks }) {
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: book.currency });
  const rows: { label: string; value: (figures: CurrencyBooks["sales"]) => string; sum?: boolean }[] = [
    { label: "Count", value: (figures) => (figures.count === null ? "" : String(figures.count)) },
    { label: "Total incl. VAT", value: (figures) => money(figures.totalMinor), sum: true },
    ...VAT_RATES_BPS.map((rate, index) => ({ label: VAT_COLUMNS[index] ?? "", value: (figures: CurrencyBooks["sales"]) => money(figures.vat[rate] ?? 0) })),
    { label: "VAT total", value: (figures) => money(figures.vatMinor), sum: true },
    { label: "Total excl. VAT", value: (figures) => money(figures.exclVatMinor), sum: true },
  ];
  return (
    <table className="admin-table compact admin-books-table" aria-label={`Sales, refunds and VAT in ${book.currency}`} data-currency={book.currency}>
      <thead>
        <tr>
          <th scope="col">{book.currency}</th>
          {REPORT_LINES.map(([key, label]) => (
            <th key={key} scope="col" className="num">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label} className={row.sum ? "admin-books-sum" : undefined}>
            <th scope="row">{row.label}</th>
            {REPORT_LINES.map(([key, label]) => (
              <td key={key} className="num" data-label={label}>
                {row.value(book[key])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function ReportsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireAdminPage();
  const parsed = parseReportQuery(await searchParams);
  const today = shopDate(new Date());
  const { period, date } = parsed.success ? parsed.data : { period: reportPeriod("day", today), date: today };
  const books = await periodBooks(period);
  const query = (day: string) => ({ period: period.kind, date: day });

  return (
    <div className="admin-books">
      <h1>Reports</h1>
      <form className="admin-filters admin-no-print" aria-label="Report period">
        <label>
          Period
          <select name="period" defaultValue={period.kind}>
            {REPORT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {REPORT_KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Date <input type="date" name="date" defaultValue={date} />
        </label>
        <button type="submit" className="button primary">
          Show
        </button>
      </form>
      {!parsed.success ? (
        <p role="alert" className="form-error">
          {issuesText(parsed.error.issues)} Showing today instead: choose a period and a date, then press Show.
        </p>
      ) : null}

      <h2 data-testid="report-title">{period.title}</h2>
      <div className="admin-books-tools admin-no-print">
        <Link href={{ pathname: "/admin/reports", query: query(period.previousDate) }}>← Previous {period.kind}</Link>
        <Link href={{ pathname: "/admin/reports", query: query(period.nextDate) }}>Next {period.kind} →</Link>
        <a href={`/admin/reports/export?${new URLSearchParams(query(date)).toString()}`} className="button secondary" download>
          Download CSV
        </a>
        <PrintButton />
      </div>

      {books.length === 0 ? (
        <p className="muted" data-testid="report-empty">
          No sales and no refunds in this period.
        </p>
      ) : (
        books.map((book) => <BooksTable key={book.currency} book={book} />)
      )}

      <p className="muted">
        From {period.firstDay} 00:00 to {period.lastDay} 24:00, the shop&apos;s time. Sales: orders paid in the period (when SEQR
        took the payment), whatever happened to them later. Refunds: those SEQR confirmed in the period, whenever their
        order was paid. VAT is worked out per order line as on the receipt; a refund of whole lines carries their VAT, a
        refund of an amount carries the order&apos;s VAT in proportion. Refunds SEQR has not confirmed are not counted.
      </p>
    </div>
  );
}
