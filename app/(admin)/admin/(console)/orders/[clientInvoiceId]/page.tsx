import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { SETTLE_REFUNDS_HREF } from "@/lib/admin/dashboard";
import { requireAdminPage } from "@/lib/admin/guard";
import { loadAdminOrder } from "@/lib/admin/order-detail";
import { formatPhoneNumber } from "@/lib/admin/order-search";
import { formatShopTime } from "@/lib/admin/periods";
import {
  attentionFlag,
  attentionReasonText,
  fulfilmentTone,
  invoiceStatusText,
  messageStatusText,
  orderBadge,
  refundStatusText,
} from "@/lib/admin/wording";
import { formatMoney } from "@/lib/money";
import { formatOrderNumber } from "@/lib/orders/order-number";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";
import { outboxKindText } from "@/lib/outbox/payloads";

import { AdminActionForm } from "../../admin-action-form";
import { StatusBadge } from "../../status-badge";
import { cancelInvoiceAction, endOrderAction, refreshOrderAction, sendReceiptAction } from "./actions";
import { FulfilmentCard } from "./fulfilment-card";
import { OrderTimeline } from "./order-timeline";
import { RefundCard } from "./refund-card";

export const metadata: Metadata = { title: "Order" };

// One order, led by what happened to it (the timeline, technical detail folded away), then what can be done about it,
// what was bought, by whom, where it goes, its refunds, the messages the shop owes about it and its invoices. On a
// phone every table is a stack of labelled rows (admin.css: .admin-table.stack).

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
  const flag = attentionFlag(order);

  return (
    <div className="admin-order" data-status={order.status}>
      <p>
        <Link href="/admin/orders">← Orders</Link>
      </p>
      <h1>Order {formatOrderNumber(order.number)}</h1>
      <p className="admin-badges">
        <StatusBadge badge={orderBadge(order)} testId="order-status" />
        {flag ? <span className="admin-flag">{flag}</span> : null}
        <StatusBadge badge={{ text: fulfilment.text, tone: fulfilmentTone(order.fulfilmentStatus) }} />
      </p>
      {order.attentionReason ? (
        <p className="admin-flag" data-testid="attention-reason">
          {attentionReasonText(order.attentionReason)}
        </p>
      ) : null}

      <OrderTimeline loaded={loaded} />

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
            confirm="Send the shop's receipt for this payment to the customer's SEQR app?"
            buttonClass="button secondary"
          >
            {hidden}
          </AdminActionForm>
        ) : null}
      </section>

      <div className="admin-columns">
        <section className="admin-card" aria-labelledby="items-heading">
          <h2 id="items-heading">Items</h2>
          <table className="admin-table compact stack" aria-labelledby="items-heading">
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col" className="num">
                  Qty
                </th>
                <th scope="col" className="num">
                  Unit price
                </th>
                <th scope="col" className="num">
                  VAT
                </th>
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item) => (
                <tr key={item.id}>
                  <td data-label="Item">
                    {item.name} <span className="muted mono">{item.sku}</span>
                  </td>
                  <td className="num" data-label="Qty">
                    {item.quantity}
                  </td>
                  <td className="num" data-label="Unit price">
                    {money(item.unitPriceMinor)}
                  </td>
                  <td className="num" data-label="VAT">
                    {item.taxRateBps / 100} %
                  </td>
                  <td className="num" data-label="Total">
                    {money(item.lineTotalMinor)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>
                  Total (VAT {money(order.taxMinor)})
                </th>
                <td className="num" data-testid="order-total">
                  {money(order.totalMinor)}
                </td>
              </tr>
              <tr>
                <th scope="row" colSpan={4}>
                  Refunded
                </th>
                <td className="num" data-testid="order-refunded">
                  {money(order.refundedMinor)}
                </td>
              </tr>
            </tfoot>
          </table>
        </section>

        <section className="admin-card" aria-labelledby="customer-heading">
          <h2 id="customer-heading">Customer</h2>
          <dl className="admin-facts">
            <dt>Phone</dt>
            <dd data-testid="customer-msisdn">{order.customerMsisdn ? formatPhoneNumber(order.customerMsisdn) : "not known yet"}</dd>
            <dt>Placed</dt>
            <dd>{formatShopTime(order.createdAt)}</dd>
            <dt>From</dt>
            <dd>{order.source === "PRODUCT_QR" ? "A product's QR code" : "The web shop's cart"}</dd>
            <dt>Paid</dt>
            <dd>{order.paidAt ? formatShopTime(order.paidAt) : "Not paid"}</dd>
            {order.canceledAt ? (
              <>
                <dt>Canceled by the shop</dt>
                <dd>{formatShopTime(order.canceledAt)}</dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>

      <FulfilmentCard loaded={loaded} />

      <RefundCard loaded={loaded} canRefund={admin.actor.role === "OWNER"} />

      {order.refunds.length > 0 ? (
        <section className="admin-card" aria-labelledby="refunds-heading">
          <h2 id="refunds-heading">Refunds</h2>
          <table className="admin-table compact stack" aria-label="Refunds">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Outcome</th>
                <th scope="col">SEQR&apos;s refund reference</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {order.refunds.map((refund) => (
                <tr key={refund.id}>
                  <td data-label="When">{formatShopTime(refund.createdAt)}</td>
                  <td className="num" data-label="Amount">
                    {money(refund.amountMinor, refund.currency)}
                  </td>
                  <td data-label="Outcome">
                    {refundStatusText(refund.status)}
                    {(refund.status === "UNKNOWN" || refund.status === "PENDING") && !refund.settledAt ? (
                      <>
                        {" "}
                        <Link href={SETTLE_REFUNDS_HREF}>Settle it from SEQR&apos;s report</Link>
                      </>
                    ) : null}
                  </td>
                  <td className="mono" data-label="SEQR's refund reference">
                    {refund.ersReference ?? "–"}
                  </td>
                  <td data-label="Reason">{refund.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {order.outbox.length > 0 ? (
        <section className="admin-card" aria-labelledby="messages-heading">
          <h2 id="messages-heading">Messages</h2>
          <table className="admin-table compact stack" aria-label="Messages">
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Tries
                </th>
                <th scope="col">Sent</th>
              </tr>
            </thead>
            <tbody>
              {order.outbox.map((message) => (
                <tr key={message.id} data-kind={message.kind}>
                  <td data-label="Message">{outboxKindText(message.kind)}</td>
                  <td className="mono" data-label="To">
                    {message.recipient ? (message.channel === "SEQR_RECEIPT" ? formatPhoneNumber(message.recipient) : message.recipient) : "–"}
                  </td>
                  <td data-label="Status">
                    {messageStatusText(message.status)}
                    {message.lastError && message.status !== "SENT" ? <span className="muted"> (last try: {message.lastError})</span> : null}
                  </td>
                  <td className="num" data-label="Tries">
                    {message.attempts}
                  </td>
                  <td data-label="Sent">{message.sentAt ? formatShopTime(message.sentAt) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="admin-card" aria-labelledby="attempts-heading">
        <h2 id="attempts-heading">Invoices</h2>
        <table className="admin-table compact stack" aria-label="Invoices">
          <thead>
            <tr>
              <th scope="col">Invoice reference</th>
              <th scope="col">Where it stands</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Sent</th>
              <th scope="col">Last checked with SEQR</th>
              <th scope="col">Payment reference</th>
            </tr>
          </thead>
          <tbody>
            {order.attempts.map((attempt) => (
              <tr key={attempt.id}>
                <td className="mono" data-label="Invoice reference">
                  {attempt.invoiceReference ?? "–"}
                </td>
                <td data-label="Where it stands">{invoiceStatusText(attempt)}</td>
                <td className="num" data-label="Amount">
                  {money(attempt.amountMinor, attempt.currency)}
                </td>
                <td data-label="Sent">{formatShopTime(attempt.issuedAt)}</td>
                <td data-label="Last checked with SEQR">{attempt.lastCheckedAt ? formatShopTime(attempt.lastCheckedAt) : "–"}</td>
                <td className="mono" data-label="Payment reference">
                  {attempt.ersReference ?? "–"}
                </td>
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
    </div>
  );
}
