import Link from "next/link";

import { CARRIERS } from "@/lib/admin/fulfilment";
import type { AdminOrder } from "@/lib/admin/order-detail";
import { formatShopTime } from "@/lib/admin/periods";

import { AdminActionForm } from "../../admin-action-form";
import { markPickedUpAction, markShippedAction } from "./actions";

// Where the order goes and what the merchant did about it: the delivery details the shopper gave, the fulfilment
// status in words, Mark shipped (carrier, tracking number) or Picked up, and the packing slip.

export function FulfilmentCard({ loaded }: { loaded: AdminOrder }) {
  const { order, fulfilment } = loaded;
  const hidden = <input type="hidden" name="clientInvoiceId" value={order.clientInvoiceId} />;
  const asked = (action: string) =>
    order.events.some((event) => event.type === "ADMIN_ACTION" && (event.detail as { action?: unknown } | null)?.action === action);

  return (
    <section className="admin-card" aria-labelledby="delivery-heading" data-fulfilment={order.fulfilmentStatus}>
      <h2 id="delivery-heading">Delivery</h2>
      <dl className="admin-facts">
        <dt>Fulfilment</dt>
        <dd data-testid="fulfilment-status">{fulfilment.text}</dd>
        <dt>Customer&apos;s e-mail</dt>
        <dd className="mono" data-testid="customer-email">
          {order.customerEmail ?? "not given"}
        </dd>
        <dt>{order.deliveryMethod === "PICKUP" ? "Delivery" : "Send to"}</dt>
        <dd data-testid="delivery-address">
          {order.deliveryMethod === "PICKUP" ? (
            "Collect at the shop"
          ) : fulfilment.address ? (
            <address className="admin-address">
              {fulfilment.address.map((line) => (
                <span key={line}>{line}</span>
              ))}
            </address>
          ) : (
            "No delivery details given"
          )}
        </dd>
        {order.fulfilmentStatus === "SHIPPED" ? (
          <>
            <dt>Shipped</dt>
            <dd data-testid="shipment">
              {order.shippedAt ? formatShopTime(order.shippedAt) : "–"} with {order.carrier}, tracking number{" "}
              <span className="mono">{order.trackingNumber}</span>
              {order.trackingUrl ? (
                <>
                  {" "}
                  (
                  <a href={order.trackingUrl} target="_blank" rel="noopener noreferrer" data-testid="tracking-link">
                    track the parcel
                  </a>
                  )
                </>
              ) : null}
            </dd>
          </>
        ) : null}
        {order.fulfilmentStatus === "PICKED_UP" ? (
          <>
            <dt>Collected</dt>
            <dd>{order.pickedUpAt ? formatShopTime(order.pickedUpAt) : "–"}</dd>
          </>
        ) : null}
      </dl>

      <p>
        <Link href={`/admin/orders/${order.clientInvoiceId}/packing-slip`} className="button secondary">
          Packing slip
        </Link>
      </p>

      {fulfilment.canShip || asked("mark-shipped") ? (
        // Kept (disabled) once shipped, so that the answer (who gets the shipped e-mail) stays on screen.
        <AdminActionForm
          action={markShippedAction}
          submitLabel="Mark shipped"
          confirm="Mark this order shipped? The customer gets the shipped e-mail with the tracking link."
          className="admin-refund-form"
          disabled={!fulfilment.canShip}
        >
          {hidden}
          <label>
            Carrier
            <select name="carrier" required defaultValue="">
              <option value="" disabled>
                Choose…
              </option>
              {CARRIERS.map((carrier) => (
                <option key={carrier} value={carrier}>
                  {carrier}
                </option>
              ))}
            </select>
          </label>
          <label>
            Tracking number <input name="trackingNumber" required maxLength={80} size={22} autoComplete="off" />
          </label>
          <label>
            Tracking link (only for Other){" "}
            <input name="trackingUrl" type="url" maxLength={500} size={28} placeholder="https://…" autoComplete="off" />
          </label>
        </AdminActionForm>
      ) : null}
      {fulfilment.canPickUp || asked("mark-picked-up") ? (
        <AdminActionForm
          action={markPickedUpAction}
          submitLabel="Picked up"
          confirm="Has the customer collected this order at the shop?"
          buttonClass="button primary"
          className="admin-refund-form"
          disabled={!fulfilment.canPickUp}
        >
          {hidden}
        </AdminActionForm>
      ) : null}
    </section>
  );
}
