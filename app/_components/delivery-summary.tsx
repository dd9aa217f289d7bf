import type { DeliveryView } from "@/lib/orders/delivery-values";

import "./delivery-form.css";

/** The delivery details an order carries, as the shopper gave them, with a way to change them where allowed. */
export function DeliverySummary({ delivery, change }: { delivery: DeliveryView; change?: React.ReactNode }) {
  return (
    <section className="delivery-summary" aria-label="Delivery details" data-testid="delivery-summary">
      <h2>{delivery.method === "PICKUP" ? "Collect at the shop" : "Delivery to"}</h2>
      <address>
        {delivery.name}
        {delivery.method === "SHIP" ? (
          <>
            <br />
            {delivery.street}
            <br />
            {delivery.postcode} {delivery.city}
            <br />
            {delivery.countryName}
          </>
        ) : null}
      </address>
      <p className="muted">Order confirmation to {delivery.email}</p>
      {change}
    </section>
  );
}
