import type { Metadata } from "next";
import Link from "next/link";

import { requireAdminPage } from "@/lib/admin/guard";
import { fulfilmentText } from "@/lib/admin/fulfilment";
import { FULFILMENT_FILTER_LABELS, FULFILMENT_FILTERS, listOrders, parseOrderFilter, type OrderFilter } from "@/lib/admin/order-list";
import { formatPhoneNumber } from "@/lib/admin/order-search";
import { formatShopTime } from "@/lib/admin/periods";
import { attentionFlag, issuesText, orderBadge, orderStatusText } from "@/lib/admin/wording";
import { formatMoney } from "@/lib/money";
import { formatOrderNumber } from "@/lib/orders/order-number";
import { ORDER_STATUSES } from "@/lib/orders/state-machine";

import { StatusBadge } from "../status-badge";

export const metadata: Metadata = { title: "Orders" };

type SearchParams = Record<string, string | string[] | undefined>;

function queryOf(filter: Partial<OrderFilter>, page?: number): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of ["status", "fulfilment", "from", "to", "q"] as const) {
    const value = filter[key];
    if (value) query[key] = value;
  }
  if (filter.uninvoiced) query.uninvoiced = "1";
  if (page && page > 1) query.page = String(page);
  return query;
}

export default async function OrdersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireAdminPage();
  const parsed = parseOrderFilter(await searchParams);
  const filter: OrderFilter = parsed.success ? parsed.data : { page: 1 };
  const { rows, count, pages, totals, hiddenNeverInvoiced, searchIncomplete } = parsed.success
    ? await listOrders(filter)
    : { rows: [], count: 0, pages: 1, totals: [], hiddenNeverInvoiced: 0, searchIncomplete: false };

  return (
    <div>
      <h1>Orders</h1>
      <form className="admin-filters" aria-label="Filter orders">
        <label>
          Status
          <select name="status" defaultValue={filter.status ?? ""}>
            <option value="">Any</option>
            {ORDER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {orderStatusText(status)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Fulfilment
          <select name="fulfilment" defaultValue={filter.fulfilment ?? ""}>
            <option value="">Any</option>
            {FULFILMENT_FILTERS.map((value) => (
              <option key={value} value={value}>
                {FULFILMENT_FILTER_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
        <label>
          From <input type="date" name="from" defaultValue={filter.from ?? ""} />
        </label>
        <label>
          To <input type="date" name="to" defaultValue={filter.to ?? ""} />
        </label>
        <label>
          Search
          <input
            type="search"
            name="q"
            defaultValue={filter.q ?? ""}
            placeholder="#1042, phone, e-mail or order id"
            maxLength={100}
          />
        </label>
        {/* Anyone can place orders and leave them: hidden by default so that they never bury the ones that matter. */}
        <label>
          <input type="checkbox" name="uninvoiced" value="1" defaultChecked={filter.uninvoiced ?? false} /> Show orders never
          invoiced
        </label>
        <button type="submit" className="button primary">
          Filter
        </button>
        <Link href="/admin/orders" className="button secondary">
          Clear
        </Link>
        <Link href={{ pathname: "/admin/orders", query: { fulfilment: "to-ship" } }} className="button secondary" data-testid="to-ship">
          To ship
        </Link>
      </form>

      {!parsed.success ? (
        <p role="alert" className="form-error">
          {issuesText(parsed.error.issues)} Nothing was searched: correct it and press Filter again.
        </p>
      ) : null}

      {searchIncomplete ? (
        <p className="muted" data-testid="search-incomplete">
          Very many orders begin the way your search does: some may be missing. Type more of it.
        </p>
      ) : null}

      <div className="admin-list-summary" aria-label="Totals for this filter">
        <span data-testid="order-count">
          {count} {count === 1 ? "order" : "orders"}
        </span>
        {totals.map((total) => {
          const money = (amountMinor: number) => formatMoney({ amountMinor, currency: total.currency });
          return (
            <span key={total.currency} data-testid={`filter-total-${total.currency}`}>
              <strong>Money taken (paid − refunded): {money(total.takenMinor)}</strong>{" "}
              <span className="muted">
                ({total.paidOrders} paid {total.paidOrders === 1 ? "order" : "orders"}: {money(total.paidMinor)} paid, {money(total.refundedMinor)}{" "}
                refunded)
              </span>
              {total.awaitingRefundMinor > 0 ? (
                <span className="muted" data-testid={`awaiting-refunds-${total.currency}`}>
                  {" "}
                  Refunds awaiting SEQR&apos;s answer, not subtracted: {money(total.awaitingRefundMinor)}.
                </span>
              ) : null}
            </span>
          );
        })}
        {hiddenNeverInvoiced > 0 ? (
          <span data-testid="hidden-never-invoiced">
            {hiddenNeverInvoiced} never invoiced {hiddenNeverInvoiced === 1 ? "order" : "orders"} not counted:{" "}
            <Link href={{ pathname: "/admin/orders", query: queryOf({ ...filter, uninvoiced: true }) }}>show them</Link>
          </span>
        ) : null}
        {parsed.success ? (
          <a href={`/admin/orders/export?${new URLSearchParams(queryOf(filter)).toString()}`} className="button secondary" download>
            Export CSV
          </a>
        ) : null}
      </div>

      <table className="admin-table stack" aria-label="Orders">
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Placed</th>
            <th scope="col">Status</th>
            <th scope="col">Fulfilment</th>
            <th scope="col" className="num">
              Total
            </th>
            <th scope="col">Customer</th>
            <th scope="col">Invoice</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-order={row.clientInvoiceId}>
              <td data-label="Order">
                <Link href={`/admin/orders/${row.clientInvoiceId}`} aria-label={`Order ${formatOrderNumber(row.number)}`}>
                  {formatOrderNumber(row.number)}
                </Link>
              </td>
              <td data-label="Placed">{formatShopTime(row.createdAt)}</td>
              <td data-label="Status">
                <StatusBadge badge={orderBadge(row)} />
                {attentionFlag(row) ? <span className="admin-flag"> {attentionFlag(row)}</span> : null}
              </td>
              <td data-label="Fulfilment" data-testid="row-fulfilment">
                {fulfilmentText(row)}
              </td>
              <td className="num" data-label="Total">
                {formatMoney({ amountMinor: row.totalMinor, currency: row.currency })}
              </td>
              <td data-label="Customer">
                {row.customerMsisdn || row.customerEmail ? (
                  <>
                    {row.customerMsisdn ? <span>{formatPhoneNumber(row.customerMsisdn)}</span> : null}
                    {row.customerMsisdn && row.customerEmail ? <br /> : null}
                    {row.customerEmail ? <span className="mono">{row.customerEmail}</span> : null}
                  </>
                ) : (
                  "–"
                )}
              </td>
              <td className="mono" data-label="Invoice">
                {row.invoiceReference ?? "–"}
              </td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                No orders match.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>

      <nav className="admin-pagination" aria-label="Pages">
        {filter.page > 1 ? <Link href={{ pathname: "/admin/orders", query: queryOf(filter, filter.page - 1) }}>← Newer</Link> : <span />}
        <span>
          Page {Math.min(filter.page, pages)} of {pages}
        </span>
        {filter.page < pages ? <Link href={{ pathname: "/admin/orders", query: queryOf(filter, filter.page + 1) }}>Older →</Link> : <span />}
      </nav>
    </div>
  );
}
