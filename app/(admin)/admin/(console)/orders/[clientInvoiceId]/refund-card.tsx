import { randomUUID } from "node:crypto";

import type { AdminOrder } from "@/lib/admin/order-detail";
import { refundableQuantity, refundRecipient, restockByDefault } from "@/lib/admin/refund-lines";
import { formatMoney } from "@/lib/money";

import { refundAction } from "./actions";
import { RefundAmountForm } from "./refund-amount-form";
import { RefundLinesForm, type RefundLineRow } from "./refund-lines-form";

// Refund, one card per payment SEQR took: what was paid, refunded and is left, then (for owners) an amount to refund
// or items to refund. Staff see the figures and that only an owner can refund.

export function RefundCard({ loaded, canRefund }: { loaded: AdminOrder; canRefund: boolean }) {
  const { order, payments } = loaded;
  const recipient = refundRecipient(order);
  const rows: RefundLineRow[] = order.items.map((item) => ({
    orderItemId: item.id,
    name: item.name,
    sku: item.sku,
    unitPriceMinor: item.unitPriceMinor,
    quantity: item.quantity,
    refundable: refundableQuantity(item),
  }));

  return payments.map((payment) => {
    const money = (amountMinor: number) => formatMoney({ amountMinor, currency: payment.currency });
    return (
      <section key={payment.attemptId} className="admin-card" aria-label={`Refund payment ${payment.ersReference}`}>
        <h2>Refund</h2>
        <p>
          Payment <span className="mono">{payment.ersReference}</span>: paid {money(payment.paidMinor)}, refunded{" "}
          {money(payment.refundedMinor)}
          {payment.reservedMinor > 0 ? `, ${money(payment.reservedMinor)} awaiting SEQR's answer` : ""}.{" "}
          <strong data-testid="refundable">{money(payment.refundableMinor)}</strong> left to refund.
        </p>
        {canRefund ? (
          <>
            <RefundAmountForm
              action={refundAction}
              clientInvoiceId={order.clientInvoiceId}
              paymentAttemptId={payment.attemptId}
              requestKey={payment.requestKey}
              currency={payment.currency}
              refundableMinor={payment.refundableMinor}
              recipient={recipient}
            />
            {payment.currency === order.currency && rows.length > 0 ? (
              <>
                <h3>Refund items</h3>
                <RefundLinesForm
                  action={refundAction}
                  clientInvoiceId={order.clientInvoiceId}
                  paymentAttemptId={payment.attemptId}
                  // A key of its own: the amount form's refund must not make this form's look like a repeat.
                  requestKey={randomUUID()}
                  currency={order.currency}
                  rows={rows}
                  restockByDefault={restockByDefault(order.fulfilmentStatus)}
                  recipient={recipient}
                />
              </>
            ) : null}
          </>
        ) : (
          <p data-testid="refund-owner-only">Only an owner can refund.</p>
        )}
      </section>
    );
  });
}
