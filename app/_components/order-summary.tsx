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

/** Proof of payment: what the shopper keeps. */
export function Receipt({ order }: { order: OrderView }) {
  return (
    <section className="receipt" aria-label="Receipt">
      <dl className="facts">
        <dt>Order number</dt>
        <dd data-testid="order-number">{order.clientInvoiceId}</dd>
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
            <dt>Paid</dt>
            <dd>
              <time dateTime={order.paidAt}>{new Date(order.paidAt).toLocaleString("sv-SE", { timeZone: "Europe/Stockholm" })}</time>
            </dd>
          </>
        ) : null}
      </dl>
      <OrderSummary order={order} caption="Items" />
    </section>
  );
}
