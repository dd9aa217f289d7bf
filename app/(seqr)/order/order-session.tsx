"use client";

import Link from "next/link";
import { useActionState, useEffect, useState } from "react";

import { OrderSummary, Receipt } from "@/app/_components/order-summary";
import { useFragment } from "@/app/_components/use-order-status";
import { stageOf } from "@/lib/orders/order-view";

import { openOrderAction, payOrderAction } from "../actions";

type Opened = Awaited<ReturnType<typeof openOrderAction>>;

/**
 * The Order URL inside the SEQR app: reads the TOKEN from the fragment (it never reaches a request line or a log),
 * asks the server what it is for, and offers Pay and Cancel.
 */
export function OrderSession({ leaveLink }: { leaveLink: string }) {
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

  if (fragment === null) {
    return (
      <Problem
        message="This page opens from the SEQR app. Scan the shop's SEQR code with the app to pay."
        leaveLink={leaveLink}
      />
    );
  }
  const result = opened && opened.token === token ? opened.result : null;
  if (!result) return <p role="status">Opening your order…</p>;
  if (!result.ok) return <Problem message={result.error} leaveLink={leaveLink} />;

  const { order } = result.data;
  const stage = stageOf(order.status);

  if (stage === "paid") {
    return (
      <>
        <h1>This order is paid</h1>
        <Receipt order={order} />
        <Link className="button secondary" href="/">
          Back to the shop
        </Link>
      </>
    );
  }
  if (stage === "expired") {
    return <Problem message="This order has expired. Please place it again from the shop." leaveLink={leaveLink} />;
  }
  if (stage === "canceled-by-shop") {
    return (
      <Problem
        title="The shop has canceled this order"
        message="We canceled this order, so it can no longer be paid. Nothing was charged."
        leaveLink={leaveLink}
      />
    );
  }

  return (
    <>
      <h1>Pay with SEQR</h1>
      <p className="muted">Order {order.clientInvoiceId}</p>
      {stage === "failed" ? <p className="notice">The last payment did not go through. You can try again.</p> : null}
      {stage === "canceled" ? <p className="notice">The last payment was canceled. You can try again.</p> : null}
      <OrderSummary order={order} />
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

function Problem({
  title = "We could not open this order",
  message,
  leaveLink,
}: {
  title?: string;
  message: string;
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
