import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { requireAdminPage } from "@/lib/admin/guard";
import { loadPackingSlip } from "@/lib/admin/order-detail";
import { formatShopTime } from "@/lib/admin/periods";
import { formatMoney } from "@/lib/money";
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
              Order <span className="mono">{order.clientInvoiceId}</span>
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

        <table className="admin-table" aria-label="Items">
          <thead>
            <tr>
              <th className="num">Qty</th>
              <th>Item</th>
              <th>Article no.</th>
              {showPrices ? (
                <>
                  <th className="num">Unit price</th>
                  <th className="num">Total</th>
                </>
              ) : null}
              <th className="admin-slip-check">Packed</th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((item) => (
              <tr key={item.id}>
                <td className="num">{item.quantity}</td>
                <td>{item.name}</td>
                <td className="mono">{item.sku}</td>
                {showPrices ? (
                  <>
                    <td className="num">{money(item.unitPriceMinor)}</td>
                    <td className="num">{money(item.lineTotalMinor)}</td>
                  </>
                ) : null}
                <td className="admin-slip-check">☐</td>
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
