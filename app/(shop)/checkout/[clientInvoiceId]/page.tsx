import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";

import { OrderSummary, Receipt } from "@/app/_components/order-summary";
import { env } from "@/lib/env";
import { readOrderStatus } from "@/lib/orders/order-status";
import { loadOrderView, stageOf } from "@/lib/orders/views";
import { seqrAppLink, serviceQrText } from "@/lib/seqr/links";

import { reorderAction } from "../../cart/actions";
import { CartForm, SubmitButton } from "../../cart/cart-form";
import { CheckoutPayment } from "./checkout-payment";
import "./checkout.css";

export const metadata: Metadata = { title: "Checkout" };

type Props = { params: Promise<{ clientInvoiceId: string }> };

// The checkout: the order's SEQR code. On a desktop the shopper scans it with the phone; on the phone itself
// they tap "Open in SEQR". The page follows the order by itself and becomes the confirmation once it is paid.
export default async function CheckoutPage({ params }: Props) {
  await connection();
  const { clientInvoiceId } = await params;
  const status = await readOrderStatus(clientInvoiceId);
  if (!status) notFound();
  const order = await loadOrderView({ clientInvoiceId });
  if (!order) notFound();
  const stage = stageOf(order.status);

  if (stage === "paid") {
    return (
      <article className="checkout-done">
        <h1>Thank you! Your order is paid</h1>
        <p>We have received your payment. A confirmation is on its way to your phone.</p>
        <Receipt order={order} />
        <Link href="/" className="button secondary">
          Continue shopping
        </Link>
      </article>
    );
  }
  if (stage === "expired") {
    return (
      <article className="checkout-done" role="alert">
        <h1>This order has expired</h1>
        <p>It was not paid in time, so it can no longer be paid. Nothing was charged.</p>
        <OrderSummary order={order} />
        <div className="pay-actions">
          <CartForm action={reorderAction} aria-label="Try again">
            <input type="hidden" name="order" value={order.clientInvoiceId} />
            <SubmitButton className="button primary">Put these items back in my cart</SubmitButton>
          </CartForm>
          <Link href="/" className="button secondary">
            Back to the shop
          </Link>
        </div>
      </article>
    );
  }
  if (stage === "canceled-by-shop") {
    // Ended by the shop for good: no code to scan, nothing to try again.
    return (
      <article className="checkout-done" role="alert" data-stage="canceled-by-shop">
        <h1>The shop has canceled this order</h1>
        <p>We canceled this order, so it can no longer be paid. Nothing was charged.</p>
        <OrderSummary order={order} />
        <div className="pay-actions">
          <Link href="/" className="button secondary">
            Back to the shop
          </Link>
        </div>
      </article>
    );
  }

  const qrText = serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId });
  return (
    <article className="checkout">
      <h1>Pay with SEQR</h1>
      <div className="checkout-grid">
        <CheckoutPayment
          clientInvoiceId={order.clientInvoiceId}
          initialStatus={order.status}
          qrText={qrText}
          appLink={seqrAppLink(qrText, env.seqr.appUrl)}
        />
        <div>
          <p className="muted">Order {order.clientInvoiceId}</p>
          <OrderSummary order={order} />
        </div>
      </div>
    </article>
  );
}
