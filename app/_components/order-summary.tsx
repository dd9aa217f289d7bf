import type { OrderView } from "@/lib/orders/order-view";

/** The order's lines and total, as the server formatted them. */
export function OrderSummary({ order, caption = "Your order" }: { order: OrderView; caption?: string }) {
  return (
    <table className="order-summary" aria-label={caption}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col" className="num">
            Qty
          </th>
          <th scope="col" className="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {order.lines.map((line) => (
          <tr key={line.sku}>
            <td>
              {line.name}
              <span className="muted"> · {line.unitPrice} each</span>
            </td>
            <td className="num">{line.quantity}</td>
            <td className="num">{line.lineTotal}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            Total
          </th>
          <td className="num" data-testid="order-total">
            {order.total}
          </td>
        </tr>
        <tr className="muted">
          <th scope="row" colSpan={2}>
            of which VAT
          </th>
          <td className="num">{order.vat}</td>
        </tr>
      </tfoot>
    </table>
  );
}

/**
 * Proof of payment: what the shopper keeps. Once anything was refunded it tells the whole story: each refund,
 * what was paid, what was given back, and what remains paid.
 */
export function Receipt({ order }: { order: OrderView }) {
  return (
    <section className="receipt" aria-label="Receipt">
      <dl className="facts">
        <dt>Order number</dt>
        <dd data-testid="order-number">{order.number}</dd>
        <dt>Order reference</dt>
        <dd data-testid="order-reference">{order.clientInvoiceId}</dd>
        <dt>Amount paid</dt>
        <dd data-testid="amount-paid">{order.total}</dd>
        {order.paymentReference ? (
          <>
            <dt>SEQR payment reference</dt>
            <dd data-testid="payment-reference">{order.paymentReference}</dd>
          </>
        ) : null}
        {order.paidAt ? (
          <>
            <dt>Paid on</dt>
            <dd>
              <time dateTime={order.paidAt}>{order.paidAtText}</time>
            </dd>
          </>
        ) : null}
      </dl>
      <OrderSummary order={order} caption="Items" />
      <RefundHistory order={order} />
    </section>
  );
}

/** The refunds of the order, oldest first, and the sums: paid, given back, being given back, and what remains. */
function RefundHistory({ order }: { order: OrderView }) {
  const sums = order.refundSums;
  if (!sums || order.refunds.length === 0) return null;
  return (
    <section className="refund-history" aria-labelledby="refunds-heading">
      <h2 id="refunds-heading">Refunds</h2>
      <ol className="refund-list" aria-label="Refunds">
        {order.refunds.map((refund, index) => (
          <li key={index} data-testid="refund" data-state={refund.state}>
            <p className="refund-head">
              <span>
                <time dateTime={refund.at}>{refund.atText}</time>
                <span className="refund-state" data-testid="refund-state">
                  {refund.state === "refunded" ? "Refunded" : "Being refunded"}
                </span>
              </span>
              <span className="num" data-testid="refund-amount">
                {refund.amount}
              </span>
            </p>
            {refund.lines.length > 0 ? (
              <ul className="refund-lines" aria-label="Items refunded">
                {refund.lines.map((line, lineIndex) => (
                  <li key={lineIndex}>
                    {line.quantity} × {line.name}
                    <span className="muted"> · {line.amount}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
      <dl className="refund-sums" aria-label="Paid and refunded">
        <dt>Paid</dt>
        <dd data-testid="sum-paid">{sums.paid}</dd>
        <dt>Refunded</dt>
        <dd data-testid="sum-refunded">{sums.refunded}</dd>
        {sums.beingRefunded ? (
          <>
            <dt>Being refunded</dt>
            <dd data-testid="sum-being-refunded">{sums.beingRefunded}</dd>
          </>
        ) : null}
        <dt>Net paid</dt>
        <dd data-testid="sum-net">{sums.net}</dd>
      </dl>
    </section>
  );
}
