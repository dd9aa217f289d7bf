import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";

import { DeliverySummary } from "@/app/_components/delivery-summary";
import { OrderSummary, Receipt } from "@/app/_components/order-summary";
import { PaidMessages } from "@/app/_components/paid-messages";
import { readCart } from "@/lib/cart/cart";
import { readCartId } from "@/lib/cart/cart-cookie";
import { env } from "@/lib/env";
import { DELIVERY_COUNTRIES, deliveryFormValues, loadDeliveryView } from "@/lib/orders/delivery";
import { loadPaidMessages } from "@/lib/orders/paid-messages";
import { loadPaymentWindow } from "@/lib/orders/payment-window";
import type { OrderStatus } from "@/lib/orders/state-machine";
import { readOrderStatus } from "@/lib/orders/order-status";
import { loadCheckoutView, stageOf, type OrderStage, type OrderView } from "@/lib/orders/views";
import { wasWithdrawn } from "@/lib/orders/withdraw-order";
import { seqrAppLink, serviceQrText } from "@/lib/seqr/links";

import { reorderAction } from "../../cart/actions";
import { CartForm, SubmitButton } from "../../cart/cart-form";
import { ChangeOrder } from "./change-order";
import { CheckoutDelivery } from "./checkout-delivery";
import { CheckoutPayment } from "./checkout-payment";
import "./checkout.css";

export const metadata: Metadata = { title: "Checkout" };

type Props = { params: Promise<{ clientInvoiceId: string }>; searchParams?: Promise<{ change?: string | string[] }> };

// The checkout: first the delivery details, then the order's SEQR code. On a desktop the shopper scans it with the
// phone; on the phone itself they tap "Open in SEQR". The page follows the order by itself and becomes the
// confirmation once it is paid. Until then "Change order" takes the shopper back to the cart (which still holds the
// items) and withdraws this order. `?change=delivery` opens the details again (a plain link: no script needed).
export default async function CheckoutPage({ params, searchParams }: Props) {
  await connection();
  const { clientInvoiceId } = await params;
  const { change } = (await searchParams) ?? {};
  const status = await readOrderStatus(clientInvoiceId);
  if (!status) notFound();
  const cartId = await readCartId();
  const view = await loadCheckoutView(clientInvoiceId, cartId);
  if (!view) notFound();
  if (view.kind === "status-only") return <OrderStatusOnly clientInvoiceId={view.clientInvoiceId} status={view.status} />;
  const { order } = view;
  const stage = stageOf(order.status);

  const delivery = await loadDeliveryView({ clientInvoiceId: order.clientInvoiceId });

  if (stage === "paid") {
    const messages = await loadPaidMessages({ clientInvoiceId: order.clientInvoiceId }, { showAddress: true });
    return (
      <article className="checkout-done">
        <h1>Thank you! Your order is paid</h1>
        <p>We have received your payment for order {order.number}.</p>
        <PaidMessages messages={messages} />
        <Receipt order={order} />
        {delivery?.complete ? <DeliverySummary delivery={delivery} /> : null}
        <Link href="/" className="button secondary">
          Continue shopping
        </Link>
      </article>
    );
  }
  if (stage === "expired") {
    const inCart = new Map((await readCart(cartId)).lines.map((line) => [line.sku, line.quantity]));
    return expiredOrder(order, {
      withdrawn: await wasWithdrawn({ clientInvoiceId: order.clientInvoiceId }),
      cartHoldsOrder: order.lines.every((line) => (inCart.get(line.sku) ?? 0) >= line.quantity),
    });
  }
  if (stage === "canceled-by-shop") {
    // Ended by the shop for good: no code to scan, nothing to try again, and no blame on the shopper. A section, not
    // an article: an article may not take the alert role that announces the change.
    return (
      <section className="checkout-done" role="alert" data-stage="canceled-by-shop">
        <h1>The shop has canceled this order</h1>
        <p className="checkout-order-number">
          Order <strong data-testid="checkout-order-number">{order.number}</strong>
        </p>
        <p>The shop canceled this order. Nothing was charged.</p>
        <OrderSummary order={order} />
        <div className="pay-actions">
          <Link href="/" className="button secondary">
            Back to the shop
          </Link>
        </div>
      </section>
    );
  }

  const orderNumber = (
    <p className="checkout-order-number">
      Order <strong data-testid="checkout-order-number">{order.number}</strong>
    </p>
  );

  // Pay is refused until the shop knows where the order goes (lib/orders/delivery.ts): the code comes after.
  const changing = !!delivery?.complete && change === "delivery";
  if (!delivery?.complete || changing) {
    return (
      <article className="checkout">
        <h1>Pay with SEQR</h1>
        {orderNumber}
        <div className="checkout-grid">
          <section aria-labelledby="delivery-heading">
            <h2 id="delivery-heading">{changing ? "Change your delivery details" : "Where should we send your order?"}</h2>
            <p className="muted">Step 1 of 2. Then you pay with the SEQR app.</p>
            <CheckoutDelivery
              clientInvoiceId={order.clientInvoiceId}
              initial={deliveryFormValues(delivery)}
              countries={DELIVERY_COUNTRIES}
              storePickup={env.fulfilment.storePickup}
              changing={changing}
            />
          </section>
          <div>
            <OrderSummary order={order} />
            <ChangeOrder clientInvoiceId={order.clientInvoiceId} />
          </div>
        </div>
      </article>
    );
  }

  const qrText = serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId });
  return (
    <article className="checkout">
      <h1>Pay with SEQR</h1>
      {orderNumber}
      <div className="checkout-grid">
        <CheckoutPayment
          clientInvoiceId={order.clientInvoiceId}
          initialStatus={order.status}
          total={order.total}
          qrText={qrText}
          appLink={seqrAppLink(qrText, env.seqr.appUrl)}
          paymentWindow={await loadPaymentWindow({ clientInvoiceId: order.clientInvoiceId })}
        />
        <div>
          <OrderSummary order={order} />
          <DeliverySummary
            delivery={delivery}
            change={
              <Link href={`/checkout/${encodeURIComponent(order.clientInvoiceId)}?change=delivery`} aria-label="Change the delivery details">
                Change
              </Link>
            }
          />
          <ChangeOrder clientInvoiceId={order.clientInvoiceId} />
        </div>
      </div>
    </article>
  );
}

/**
 * An order that can no longer be paid because time ran out, or because the shopper withdrew it ("Change order").
 * The cart is kept until an order is paid, so it usually holds the items still: the way on is the cart. When it
 * does not (emptied since), "Put these items back in my cart" refills it.
 */
function expiredOrder(order: OrderView, { withdrawn, cartHoldsOrder }: { withdrawn: boolean; cartHoldsOrder: boolean }) {
  return (
    <section className="checkout-done" role="alert" data-stage={withdrawn ? "withdrawn" : "expired"}>
      {withdrawn ? (
        <>
          <h1>{`Order ${order.number} is withdrawn`}</h1>
          <p>
            You changed this order, so it can no longer be paid. Nothing was charged.{" "}
            <Link href="/cart">Go back to your cart</Link> to order again.
          </p>
        </>
      ) : (
        <>
          <h1>This order has expired</h1>
          <p>
            This order expired before it was paid. Nothing was charged. <Link href="/cart">Go back to your cart</Link> to
            order again.
          </p>
        </>
      )}
      <OrderSummary order={order} />
      <div className="pay-actions">
        {cartHoldsOrder ? null : (
          <CartForm action={reorderAction} aria-label="Try again">
            <input type="hidden" name="order" value={order.clientInvoiceId} />
            <SubmitButton className="button primary">Put these items back in my cart</SubmitButton>
          </CartForm>
        )}
        <Link href="/" className="button secondary">
          Back to the shop
        </Link>
      </div>
    </section>
  );
}

const STATUS_TEXT: Record<OrderStage, string> = {
  open: "Waiting for payment",
  processing: "Waiting for payment",
  paid: "Paid",
  failed: "Payment failed",
  canceled: "Payment canceled",
  expired: "Expired unpaid",
  "canceled-by-shop": "Canceled by the shop",
};

/**
 * Someone else's order (or one opened in another browser): where it stands, and nothing about what was bought or
 * how it was paid. No code to pay it and no "put these items back in my cart" either.
 */
function OrderStatusOnly({ clientInvoiceId, status }: { clientInvoiceId: string; status: OrderStatus }) {
  const stage = stageOf(status);
  return (
    <article className="checkout-done" data-stage={stage} data-testid="order-status-only">
      <h1>Order {clientInvoiceId}</h1>
      <p>
        Status: <strong data-testid="order-status">{STATUS_TEXT[stage]}</strong>
      </p>
      <p className="muted">The items and the receipt are shown only in the browser the order was placed from.</p>
      <Link href="/" className="button secondary">
        Back to the shop
      </Link>
    </article>
  );
}
