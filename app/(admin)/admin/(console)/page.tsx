import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";

import { needingAttention, statusCounts, takings, undeliveredMessages, type Takings, type UndeliveredMessage } from "@/lib/admin/dashboard";
import { requireAdminPage } from "@/lib/admin/guard";
import { formatShopTime, isoDate, lastDays, shopDays, today } from "@/lib/admin/periods";
import { issuesText, orderBadge } from "@/lib/admin/wording";
import { formatMoney } from "@/lib/money";
import { formatOrderNumber } from "@/lib/orders/order-number";
import { ORDER_STATUSES } from "@/lib/orders/state-machine";

import { AdminActionForm } from "./admin-action-form";
import { resendMessageAction } from "./outbox-actions";
import { StatusBadge } from "./status-badge";

export const metadata: Metadata = { title: "Dashboard" };

const periodSchema = z
  .object({ from: isoDate, to: isoDate })
  .refine((period) => period.from <= period.to, { message: "must not be after the end date", path: ["from"] });

function TakingsTable({ rows, label }: { rows: Takings; label: string }) {
  if (rows.length === 0) return <p className="muted">No payments or refunds {label}.</p>;
  return (
    <>
      <table className="admin-table compact stack" aria-label={`Takings ${label}`}>
        <thead>
          <tr>
            <th scope="col">Currency</th>
            <th scope="col" className="num">
              Orders paid
            </th>
            <th scope="col" className="num">
              Payments received
            </th>
            <th scope="col" className="num">
              Refunds confirmed
            </th>
            <th scope="col" className="num">
              Money taken (paid − refunded)
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.currency}>
              <td data-label="Currency">{row.currency}</td>
              <td className="num" data-label="Orders paid">
                {row.paidOrders}
              </td>
              <td className="num" data-label="Payments received" data-testid={`paid-${label === "today" ? "today" : "period"}`}>
                {formatMoney({ amountMinor: row.paidMinor, currency: row.currency })}
              </td>
              <td className="num" data-label="Refunds confirmed">
                {formatMoney({ amountMinor: row.refundedMinor, currency: row.currency })}
              </td>
              <td className="num" data-label="Money taken (paid − refunded)">
                {formatMoney({ amountMinor: row.paidMinor - row.refundedMinor, currency: row.currency })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Payments by when SEQR took them, refunds by when SEQR confirmed them (a refund may be of an order paid earlier).
      </p>
    </>
  );
}

function UndeliveredMessages({ messages }: { messages: UndeliveredMessage[] }) {
  return (
    <section aria-labelledby="undelivered-heading" className="admin-card">
      <h2 id="undelivered-heading">Messages not delivered ({messages.length})</h2>
      {messages.length === 0 ? (
        <p className="muted">Every e-mail and SEQR receipt has gone out, or is on its way.</p>
      ) : (
        <>
          <p className="muted">
            The shop stopped trying these after repeated failures. Fix the cause (the mail server, an address), then
            send them again.
          </p>
          <table className="admin-table stack" aria-label="Messages not delivered">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Message</th>
                <th scope="col">To</th>
                <th scope="col">Last error</th>
                <th scope="col">Last try</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr key={message.id} data-testid={`undelivered-${message.id}`}>
                  <td data-label="Order">
                    <Link href={`/admin/orders/${message.clientInvoiceId}`}>{formatOrderNumber(message.number)}</Link>
                  </td>
                  <td data-label="Message">{message.kind}</td>
                  <td data-label="To">{message.recipient ?? "—"}</td>
                  <td data-label="Last error">
                    {message.lastError ?? "—"}
                    <span className="muted">
                      {" "}
                      ({message.attempts} {message.attempts === 1 ? "try" : "tries"})
                    </span>
                  </td>
                  <td data-label="Last try">{message.lastAttemptAt ? formatShopTime(message.lastAttemptAt) : "—"}</td>
                  <td data-label="Action">
                    <AdminActionForm
                      action={resendMessageAction}
                      submitLabel="Send again"
                      buttonClass="button secondary"
                      aria-label={`Send again: ${message.kind}, order ${formatOrderNumber(message.number)}`}
                    >
                      <input type="hidden" name="messageId" value={message.id} />
                    </AdminActionForm>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdminPage();
  const params = await searchParams;
  const defaults = lastDays(7);
  const asked = periodSchema.safeParse({ from: params.from ?? defaults.from, to: params.to ?? defaults.to });
  const period = asked.success ? asked.data : defaults;
  const range = shopDays(period.from, period.to);
  const [todayTakings, periodTakings, counts, attention, undelivered] = await Promise.all([
    takings(today()),
    takings(range),
    statusCounts(range),
    needingAttention(),
    undeliveredMessages(),
  ]);

  return (
    <div className="admin-dashboard">
      <h1>Dashboard</h1>
      <section aria-labelledby="today-heading" className="admin-card">
        <h2 id="today-heading">Takings today</h2>
        <TakingsTable rows={todayTakings} label="today" />
      </section>

      <section aria-labelledby="period-heading" className="admin-card">
        <h2 id="period-heading">
          Takings and orders, {period.from} – {period.to}
        </h2>
        <form className="admin-filters" aria-label="Period">
          <label>
            From <input type="date" name="from" defaultValue={period.from} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={period.to} />
          </label>
          <button type="submit" className="button secondary">
            Show
          </button>
        </form>
        {!asked.success ? (
          <p role="alert" className="form-error">
            That period is not valid: {issuesText(asked.error.issues)} Showing the last 7 days instead.
          </p>
        ) : null}
        <TakingsTable rows={periodTakings} label="in the period" />
        <h3>Orders placed in the period, by status</h3>
        <ul className="admin-status-counts" aria-label="Orders per status">
          {ORDER_STATUSES.map((status) => (
            <li key={status}>
              <Link href={{ pathname: "/admin/orders", query: { status, from: period.from, to: period.to } }}>
                <StatusBadge badge={orderBadge({ status })} />{" "}
                <strong data-testid={`count-${status}`}>{counts.byStatus[status] ?? 0}</strong>
              </Link>
            </li>
          ))}
        </ul>
        {counts.neverInvoiced > 0 ? (
          <p className="muted" data-testid="count-never-invoiced">
            Not counted above: {counts.neverInvoiced} {counts.neverInvoiced === 1 ? "order" : "orders"} placed but never
            invoiced.{" "}
            <Link href={{ pathname: "/admin/orders", query: { uninvoiced: "1", from: period.from, to: period.to } }}>
              Show them
            </Link>
          </p>
        ) : null}
      </section>

      <section aria-labelledby="attention-heading" className="admin-card">
        <h2 id="attention-heading">Needing attention ({attention.length})</h2>
        {attention.length === 0 ? (
          <p className="muted">Nothing needs you right now.</p>
        ) : (
          <table className="admin-table stack" aria-label="Orders needing attention">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col">Why</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {attention.map((item, index) => (
                <tr key={`${item.clientInvoiceId}-${index}`} data-order={item.clientInvoiceId}>
                  <td data-label="Order">
                    <Link href={`/admin/orders/${item.clientInvoiceId}`}>{formatOrderNumber(item.number)}</Link>
                  </td>
                  <td data-label="Status">
                    <StatusBadge badge={orderBadge({ status: item.status })} />
                  </td>
                  <td data-label="Why">
                    {item.reason}
                    {item.action ? (
                      <>
                        {" · "}
                        <Link href={item.action.href}>{item.action.label}</Link>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Since">{formatShopTime(item.since)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <UndeliveredMessages messages={undelivered} />
    </div>
  );
}
