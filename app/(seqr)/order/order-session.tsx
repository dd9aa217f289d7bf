"use client";

import Link from "next/link";
import { useActionState, useEffect, useState } from "react";

import { DeliveryForm, type CountryOption } from "@/app/_components/delivery-form";
import type { DeliveryFormState } from "@/app/_components/delivery-form-state";
import { DeliverySummary } from "@/app/_components/delivery-summary";
import { OrderSummary, Receipt } from "@/app/_components/order-summary";
import { PaidMessages } from "@/app/_components/paid-messages";
import { PaymentDeadline } from "@/app/_components/payment-deadline";
import { useFragment } from "@/app/_components/use-order-status";
import { deliveryFormValues } from "@/lib/orders/delivery-values";
import { stageOf } from "@/lib/orders/order-view";

import { openOrderAction, payOrderAction, saveOrderDeliveryAction } from "../actions";

type Opened = Awaited<ReturnType<typeof openOrderAction>>;

type Props = { leaveLink: string; countries: readonly CountryOption[]; storePickup: boolean };

/**
 * The Order URL inside the SEQR app: reads the TOKEN from the fragment (it never reaches a request line or a log),
 * asks the server what it is for, and offers Pay and Cancel. An order started from a product's own SEQR code asks
 * for the delivery details first; Pay shows only once the order has them.
 *
 * The delivery form is rendered on the server too, hidden, before the page knows its order: a form the server
 * rendered posts to its Server Action as a plain form, with no script, and the page comes back with the answer.
 * It keeps its place in the tree, so React keeps that form when it shows it.
 */
export function OrderSession({ leaveLink, countries, storePickup }: Props) {
  const fragment = useFragment(false);
  const token = fragment?.token;
  const [opened, setOpened] = useState<{ token: string; result: Opened } | null>(null);

  useEffect(() => {
    if (!token) return;
    let current = true;
    const form = new FormData();
    form.set("token", token);
    void openOrderAction(null, form).then((result) => {
      if (current) setOpened({ token, result });
    });
    return () => {
      current = false;
    };
  }, [token]);

  const [payState, pay, paying] = useActionState(async (previous: Awaited<ReturnType<typeof payOrderAction>>, form: FormData) => {
    const result = await payOrderAction(previous, form);
    // Hand the invoice to the SEQR app (SEQR://SEQR.SE/R<invoiceReference>, or the simulated app in sandbox mode).
    if (result?.ok) window.location.assign(result.data.open);
    return result;
  }, null);
  const [deliveryState, saveDelivery, saving] = useActionState(saveOrderDeliveryAction, null);
  // "Change" opens the form until the next answer: a save closes it, a refusal keeps it open (below).
  const [changingFrom, setChangingFrom] = useState<DeliveryFormState | undefined>(undefined);

  const result = opened && opened.token === token ? opened.result : null;
  const data = result?.ok ? result.data : null;
  const stage = data ? stageOf(data.order.status) : null;
  const payable = stage === "open" || stage === "processing" || stage === "failed" || stage === "canceled";
  const saved = deliveryState?.ok ? deliveryState.delivery : null;
  const details = saved ?? data?.delivery.details ?? null;
  const complete = saved?.complete ?? data?.delivery.complete ?? false;
  const editable = !!data?.delivery.editable && payable;
  const changing = changingFrom !== undefined && changingFrom === deliveryState;
  const showForm = editable && (!complete || deliveryState?.ok === false || changing);
  const formToken = token ?? (deliveryState?.ok === false ? deliveryState.token : undefined) ?? "";

  let main: React.ReactNode;
  let after: React.ReactNode = null;
  if (fragment === undefined) {
    // Rendered on the server: the fragment is the browser's. After a form post without a script, the answer.
    main = deliveryState?.ok ? (
      <section role="status">
        <h1>Your delivery details are saved</h1>
        <DeliverySummary delivery={deliveryState.delivery} />
        <p>Open the order again in the SEQR app to pay.</p>
        <a className="button primary" href={leaveLink}>
          Back to the SEQR app
        </a>
      </section>
    ) : deliveryState ? (
      <h1>Where should we send your order?</h1>
    ) : (
      <p role="status">Opening your order…</p>
    );
  } else if (fragment === null) {
    main = <Problem message="This page opens from the SEQR app. Scan the shop's SEQR code with the app to pay." leaveLink={leaveLink} />;
  } else if (!result) {
    main = <p role="status">Opening your order…</p>;
  } else if (!result.ok) {
    main = <Problem message={result.error} leaveLink={leaveLink} />;
  } else if (data && stage === "paid") {
    main = (
      <>
        <h1>This order is paid</h1>
        <PaidMessages messages={data.messages} />
        <Receipt order={data.order} />
        <Link className="button secondary" href="/">
          Back to the shop
        </Link>
      </>
    );
  } else if (data && stage === "expired") {
    main = (
      <Problem
        title={data.withdrawn ? `Order ${data.order.number} is withdrawn` : "This order has expired"}
        message={
          data.withdrawn ? (
            "This order was changed on the shop's checkout page, so it can no longer be paid. Nothing was charged."
          ) : data.placedByCart ? (
            <>
              This order expired before it was paid. Nothing was charged. <Link href="/cart">Go back to your cart</Link> to
              order again.
            </>
          ) : (
            "This order expired before it was paid. Nothing was charged. Scan the product's SEQR code again to order it again."
          )
        }
        leaveLink={leaveLink}
      />
    );
  } else if (data && stage === "canceled-by-shop") {
    // Ended by the shop for good: no Pay, no "try again", and no blame on the shopper.
    main = (
      <Problem
        title="The shop has canceled this order"
        message={`Order ${data.order.number}. The shop canceled this order. Nothing was charged.`}
        leaveLink={leaveLink}
      />
    );
  } else if (data) {
    const { order } = data;
    main = (
      <>
        <h1>Pay with SEQR</h1>
        <p className="muted">Order {order.clientInvoiceId}</p>
        {stage === "failed" ? <p className="notice">The last payment did not go through. You can try again.</p> : null}
        {stage === "canceled" ? <p className="notice">The last payment was canceled. You can try again.</p> : null}
        <OrderSummary order={order} />
        {showForm ? <h2 className="delivery-heading">Where should we send your order?</h2> : null}
      </>
    );
    if (!complete && !editable) {
      // A cart's order gets its details on the checkout, before its code is shown; another subscriber's, never here.
      after = (
        <>
          <p className="notice" role="alert">
            {data.delivery.missing}
          </p>
          <div className="pay-actions">
            <a className="button secondary" href={leaveLink}>
              Cancel
            </a>
          </div>
        </>
      );
    } else if (!showForm) {
      after = (
        <>
          {details ? (
            <DeliverySummary
              delivery={details}
              change={
                editable ? (
                  <button type="button" className="button secondary" onClick={() => setChangingFrom(deliveryState)}>
                    Change
                  </button>
                ) : null
              }
            />
          ) : null}
          {deliveryState?.ok ? (
            <p className="muted" role="status">
              {deliveryState.message}
            </p>
          ) : null}
          <PaymentDeadline window={data.paymentWindow} overText="The time to pay is up: this order can no longer be paid. Nothing was charged." />
          <p className="muted">
            By paying you accept our <Link href="/terms">terms of purchase</Link>.
          </p>
          <form action={pay} className="pay-actions">
            <input type="hidden" name="token" value={token ?? ""} />
            <button type="submit" className="button primary" disabled={paying || payState?.ok === true}>
              {paying || payState?.ok ? "Opening SEQR…" : `Pay ${order.total}`}
            </button>
            {payState?.ok === false ? (
              <p className="form-error" role="alert">
                {payState.error}
              </p>
            ) : null}
            <a className="button secondary" href={leaveLink}>
              Cancel
            </a>
          </form>
        </>
      );
    }
  }

  const showServerForm = fragment === undefined && deliveryState?.ok === false;
  return (
    <>
      {main}
      <DeliveryForm
        action={saveDelivery}
        state={deliveryState}
        pending={saving}
        hiddenFields={{ token: formToken }}
        initial={deliveryFormValues(details)}
        countries={countries}
        storePickup={storePickup}
        submitLabel="Continue to payment"
        idPrefix="order-delivery"
        hidden={!(showForm || showServerForm)}
      >
        {changing ? (
          <button type="button" className="button secondary" onClick={() => setChangingFrom(undefined)}>
            Keep the details as they were
          </button>
        ) : (
          <a className="button secondary" href={leaveLink}>
            Cancel
          </a>
        )}
      </DeliveryForm>
      {after}
    </>
  );
}

function Problem({
  title = "We could not open this order",
  message,
  leaveLink,
}: {
  title?: string;
  message: React.ReactNode;
  leaveLink: string;
}) {
  return (
    <section className="problem" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      <div className="pay-actions">
        <a className="button primary" href={leaveLink}>
          Back to the SEQR app
        </a>
        <Link className="button secondary" href="/">
          Back to the shop
        </Link>
      </div>
    </section>
  );
}
