import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { requireAdminPage } from "@/lib/admin/guard";
import { loadPackingSlip } from "@/lib/admin/order-detail";
import { formatShopTime } from "@/lib/admin/periods";
import { formatMoney } from "@/lib/money";
import { formatOrderNumber } from "@/lib/orders/order-number";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";

import { PrintButton } from "./print-button";

// One order's packing slip, printed on A4 and laid in the parcel: the sender, the customer's address, the items
// and quantities, and prices only when the merchant wants them (PACKING_SLIP_PRICES). Printing leaves out the
// admin's header and these buttons (admin.css, @media print).

export const metadata: Metadata = { title: "Packing slip" };

export default async function PackingSlipPage({ params }: { params: Promise<{ clientInvoiceId: string }> }) {
  await requireAdminPage();
  const { clientInvoiceId } = await params;
  if (!clientInvoiceIdSchema.safeParse(clientInvoiceId).success) notFound();
  const slip = await loadPackingSlip(clientInvoiceId);
  if (!slip) notFound();
  const { order, address, shop, showPrices, warning } = slip;
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: order.currency });
  const units = order.items.reduce((total, item) => total + item.quantity, 0);

  return (
    <div className="admin-packing-slip">
      <div className="admin-no-print admin-slip-tools">
        <Link href={`/admin/orders/${order.clientInvoiceId}`}>← Order</Link>
        <PrintButton />
        <span className="muted">or press Ctrl+P (⌘P on a Mac).</span>
        {warning ? (
          <p role="alert" className="form-error" data-testid="packing-slip-warning">
            {warning}
          </p>
        ) : null}
      </div>

      <article className="admin-slip" aria-label="Packing slip">
        <header className="admin-slip-head">
          <div>
            <h1>Packing slip</h1>
            <p>
              Order {formatOrderNumber(order.number)}
              <br />
              Paid {order.paidAt ? formatShopTime(order.paidAt) : "–"}
            </p>
          </div>
          <div className="admin-slip-sender" data-testid="packing-slip-sender">
            <strong>{shop.name}</strong>
            <br />
            {shop.address}
          </div>
        </header>

        <section aria-label="Deliver to" className="admin-slip-recipient">
          <h2>{order.deliveryMethod === "PICKUP" ? "Collect at the shop" : "Deliver to"}</h2>
          {order.deliveryMethod === "PICKUP" ? (
            <p data-testid="packing-slip-address">{order.deliveryName ?? "The customer"} collects this order at the shop.</p>
          ) : address ? (
            <address data-testid="packing-slip-address">
              {address.map((line) => (
                <span key={line}>{line}</span>
              ))}
            </address>
          ) : (
            <p data-testid="packing-slip-address">No delivery address was given with this order.</p>
          )}
        </section>

        <table className="admin-table stack" aria-label="Items">
          <thead>
            <tr>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col">Item</th>
              <th scope="col">Article no.</th>
              {showPrices ? (
                <>
                  <th scope="col" className="num">
                    Unit price
                  </th>
                  <th scope="col" className="num">
                    Total
                  </th>
                </>
              ) : null}
              <th scope="col" className="admin-slip-check">
                Packed
              </th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((item) => (
              <tr key={item.id}>
                <td className="num" data-label="Qty">
                  {item.quantity}
                </td>
                <td data-label="Item">{item.name}</td>
                <td className="mono" data-label="Article no.">
                  {item.sku}
                </td>
                {showPrices ? (
                  <>
                    <td className="num" data-label="Unit price">
                      {money(item.unitPriceMinor)}
                    </td>
                    <td className="num" data-label="Total">
                      {money(item.lineTotalMinor)}
                    </td>
                  </>
                ) : null}
                <td className="admin-slip-check" data-label="Packed">
                  ☐
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td className="num">{units}</td>
              <th>{units === 1 ? "item" : "items"} in all</th>
              <td />
              {showPrices ? (
                <>
                  <td />
                  <td className="num" data-testid="packing-slip-total">
                    {money(order.totalMinor)}
                    <br />
                    <span className="muted">VAT {money(order.taxMinor)}</span>
                  </td>
                </>
              ) : null}
              <td />
            </tr>
          </tfoot>
        </table>

        <p className="admin-slip-foot">Thank you for your order!</p>
      </article>
    </div>
  );
}
