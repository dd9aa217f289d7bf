import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { attentionReasonText, SETTLE_REFUNDS_HREF } from "@/lib/admin/dashboard";
import { requireAdminPage } from "@/lib/admin/guard";
import { loadAdminOrder } from "@/lib/admin/order-detail";
import { formatShopTime } from "@/lib/admin/periods";
import { formatMoney } from "@/lib/money";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";

import { AdminActionForm } from "../../admin-action-form";
import { cancelInvoiceAction, endOrderAction, refreshOrderAction, sendReceiptAction } from "./actions";
import { FulfilmentCard } from "./fulfilment-card";
import { RefundCard } from "./refund-card";

export const metadata: Metadata = { title: "Order" };

/** What each outbox message is, for the merchant. */
const MESSAGE_NAMES: Record<string, string> = {
  ORDER_CONFIRMATION: "Order confirmation e-mail",
  MERCHANT_NEW_ORDER: "New-order e-mail to the shop",
  REFUND_CONFIRMATION: "Refund confirmation e-mail",
  SHIPPED: "Shipped e-mail",
  SEQR_RECEIPT: "Receipt in the SEQR app",
};

function Detail({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null;
  const entries = typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [["", value] as const];
  return (
    <dl className="admin-event-detail">
      {entries
        .filter(([, item]) => item !== null && item !== undefined)
        .map(([key, item]) => (
          <div key={key}>
            {key ? <dt>{key}</dt> : null}
            <dd className="mono">{typeof item === "object" ? JSON.stringify(item) : String(item)}</dd>
          </div>
        ))}
    </dl>
  );
}

export default async function AdminOrderPage({ params }: { params: Promise<{ clientInvoiceId: string }> }) {
  const admin = await requireAdminPage();
  const { clientInvoiceId } = await params;
  if (!clientInvoiceIdSchema.safeParse(clientInvoiceId).success) notFound();
  const loaded = await loadAdminOrder(clientInvoiceId);
  if (!loaded) notFound();
  const { order, payments, liveInvoice, endable, fulfilment } = loaded;
  const money = (amountMinor: number, currency = order.currency) => formatMoney({ amountMinor, currency });
  const hidden = <input type="hidden" name="clientInvoiceId" value={order.clientInvoiceId} />;
  const asked = (action: string) =>
    order.events.some((event) => event.type === "ADMIN_ACTION" && (event.detail as { action?: unknown } | null)?.action === action);
  const cancelAsked = asked("cancel-invoice");
  const endAsked = asked("end-order");

  return (
    <div className="admin-order" data-status={order.status}>
      <p>
        <Link href="/admin/orders">← Orders</Link>
      </p>
      <h1>
        Order <span className="mono">{order.clientInvoiceId}</span>
      </h1>
      <p>
        <span className={`admin-status status-${order.status.toLowerCase()}`} data-testid="order-status">
          {order.status}
        </span>
        {order.attentionReason ? (
          <span className="admin-flag" data-testid="attention-reason">
            {" "}
            {attentionReasonText(order.attentionReason)}
          </span>
        ) : null}{" "}
        <span className={`admin-status fulfilment-${order.fulfilmentStatus.toLowerCase()}`}>{fulfilment.text}</span>
      </p>

      <section className="admin-card admin-actions" aria-label="Actions">
        <AdminActionForm action={refreshOrderAction} submitLabel="Refresh from SEQR" buttonClass="button secondary">
          {hidden}
        </AdminActionForm>
        {liveInvoice || cancelAsked ? (
          // Kept (disabled) once the invoice is no longer live, so that the cancel's answer stays on screen.
          <AdminActionForm
            action={cancelInvoiceAction}
            submitLabel="Cancel invoice"
            confirm={`Cancel invoice ${liveInvoice?.invoiceReference ?? ""}? The customer will no longer be able to pay it.`}
            buttonClass="button secondary"
            disabled={!liveInvoice}
          >
            {hidden}
          </AdminActionForm>
        ) : null}
        {endable || (endAsked && order.status === "CANCELED_BY_MERCHANT") ? (
          // Only for unpaid orders; kept (disabled) once ended, so that the answer stays on screen.
          <AdminActionForm
            action={endOrderAction}
            submitLabel="Cancel order"
            confirm={
              liveInvoice
                ? `Cancel this order for good? Its invoice ${liveInvoice.invoiceReference} is canceled at SEQR first; the customer can no longer pay, and the items go back in stock.`
                : "Cancel this order for good? The customer can no longer pay it, and the items go back in stock."
            }
            buttonClass="button secondary"
            disabled={!endable}
          >
            {hidden}
          </AdminActionForm>
        ) : null}
        {payments.length > 0 ? (
          <AdminActionForm
            action={sendReceiptAction}
            submitLabel="Send receipt"
            confirm="Send the shop's receipt for this payment to SEQR?"
            buttonClass="button secondary"
          >
            {hidden}
          </AdminActionForm>
        ) : null}
      </section>

      <div className="admin-columns">
        <section className="admin-card" aria-labelledby="items-heading">
          <h2 id="items-heading">Items</h2>
          <table className="admin-table compact">
            <thead>
              <tr>
                <th>Item</th>
                <th className="num">Qty</th>
                <th className="num">Unit price</th>
                <th className="num">VAT</th>
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item) => (
                <tr key={item.id}>
                  <td>
                    {item.name} <span className="muted mono">{item.sku}</span>
                  </td>
                  <td className="num">{item.quantity}</td>
                  <td className="num">{money(item.unitPriceMinor)}</td>
                  <td className="num">{item.taxRateBps / 100} %</td>
                  <td className="num">{money(item.lineTotalMinor)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={4}>Total (VAT {money(order.taxMinor)})</th>
                <td className="num" data-testid="order-total">
                  {money(order.totalMinor)}
                </td>
              </tr>
              <tr>
                <th colSpan={4}>Refunded</th>
                <td className="num" data-testid="order-refunded">
                  {money(order.refundedMinor)}
                </td>
              </tr>
            </tfoot>
          </table>
        </section>

        <section className="admin-card" aria-labelledby="customer-heading">
          <h2 id="customer-heading">Customer and order</h2>
          <dl className="admin-facts">
            <dt>Phone (msisdn)</dt>
            <dd className="mono" data-testid="customer-msisdn">
              {order.customerMsisdn ?? "not known yet"}
            </dd>
            <dt>SEQR subscriberKey</dt>
            <dd className="mono">{order.customerSubscriberKey ?? "not known yet"}</dd>
            <dt>Placed</dt>
            <dd>{formatShopTime(order.createdAt)}</dd>
            <dt>From</dt>
            <dd>{order.source === "PRODUCT_QR" ? "A product QR code" : "The cart"}</dd>
            <dt>Paid</dt>
            <dd>{order.paidAt ? formatShopTime(order.paidAt) : "–"}</dd>
            {order.canceledAt ? (
              <>
                <dt>Canceled by the shop</dt>
                <dd>{formatShopTime(order.canceledAt)}</dd>
              </>
            ) : null}
            <dt>Stock taken</dt>
            <dd>{order.fulfilledAt ? formatShopTime(order.fulfilledAt) : "–"}</dd>
          </dl>
        </section>
      </div>

      <FulfilmentCard loaded={loaded} />

      {order.outbox.length > 0 ? (
        <section className="admin-card" aria-labelledby="messages-heading">
          <h2 id="messages-heading">Messages</h2>
          <table className="admin-table compact" aria-label="Messages">
            <thead>
              <tr>
                <th>Message</th>
                <th>To</th>
                <th>Status</th>
                <th className="num">Tries</th>
                <th>Sent</th>
              </tr>
            </thead>
            <tbody>
              {order.outbox.map((message) => (
                <tr key={message.id} data-kind={message.kind}>
                  <td>{MESSAGE_NAMES[message.kind] ?? message.kind}</td>
                  <td className="mono">{message.recipient ?? "–"}</td>
                  <td>
                    {message.status}
                    {message.lastError && message.status !== "SENT" ? <span className="muted"> ({message.lastError})</span> : null}
                  </td>
                  <td className="num">{message.attempts}</td>
                  <td>{message.sentAt ? formatShopTime(message.sentAt) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="admin-card" aria-labelledby="attempts-heading">
        <h2 id="attempts-heading">Payment attempts</h2>
        <table className="admin-table compact" aria-label="Payment attempts">
          <thead>
            <tr>
              <th>Invoice reference</th>
              <th>SEQR status</th>
              <th className="num">Amount</th>
              <th>Issued</th>
              <th>Last checked</th>
              <th>Payment reference</th>
            </tr>
          </thead>
          <tbody>
            {order.attempts.map((attempt) => (
              <tr key={attempt.id}>
                <td className="mono">{attempt.invoiceReference ?? "–"}</td>
                <td>
                  {attempt.seqrStatus ?? attempt.state}
                  {attempt.cancelReason ? <span className="muted"> (canceled by the shop: {attempt.cancelReason})</span> : null}
                </td>
                <td className="num">{money(attempt.amountMinor, attempt.currency)}</td>
                <td>{formatShopTime(attempt.issuedAt)}</td>
                <td>{attempt.lastCheckedAt ? formatShopTime(attempt.lastCheckedAt) : "–"}</td>
                <td className="mono">{attempt.ersReference ?? "–"}</td>
              </tr>
            ))}
            {order.attempts.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No invoice yet: the customer has not pressed Pay.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>

      <RefundCard loaded={loaded} canRefund={admin.actor.role === "OWNER"} />

      {order.refunds.length > 0 ? (
        <section className="admin-card" aria-labelledby="refunds-heading">
          <h2 id="refunds-heading">Refunds</h2>
          <table className="admin-table compact" aria-label="Refunds">
            <thead>
              <tr>
                <th>When</th>
                <th className="num">Amount</th>
                <th>Outcome</th>
                <th>SEQR refund reference</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {order.refunds.map((refund) => (
                <tr key={refund.id}>
                  <td>{formatShopTime(refund.createdAt)}</td>
                  <td className="num">{money(refund.amountMinor, refund.currency)}</td>
                  <td>
                    {refund.status}
                    {refund.seqrResultCode ? ` (${refund.seqrResultCode})` : ""}
                    {(refund.status === "UNKNOWN" || refund.status === "PENDING") && !refund.settledAt ? (
                      <>
                        {" "}
                        <Link href={SETTLE_REFUNDS_HREF}>Settle it from SEQR&apos;s report</Link>
                      </>
                    ) : null}
                  </td>
                  <td className="mono">{refund.ersReference ?? "–"}</td>
                  <td>{refund.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="admin-card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Payment timeline</h2>
        <ol className="admin-timeline" aria-label="Payment timeline">
          {order.events.map((event) => (
            <li key={event.id} data-type={event.type}>
              <div className="admin-timeline-head">
                <time dateTime={event.createdAt.toISOString()}>{formatShopTime(event.createdAt)}</time>
                <strong>{event.type}</strong>
                <span className="muted" data-testid="event-actor">by {event.actorName ?? event.source}</span>
                {event.sourceAddress ? <span className="muted mono">from {event.sourceAddress}</span> : null}
                {event.fromStatus || event.toStatus ? (
                  <span>
                    {event.fromStatus ?? "–"} → {event.toStatus ?? "–"}
                  </span>
                ) : null}
                {event.seqrResultCode !== null ? <span className="muted">SEQR result {event.seqrResultCode}</span> : null}
              </div>
              <Detail value={event.detail} />
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
