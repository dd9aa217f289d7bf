"use client";

import Link from "next/link";
import { useEffect, useState } from "react";

import { Receipt } from "@/app/_components/order-summary";
import { PaidMessages } from "@/app/_components/paid-messages";
import { useFragment, useOrderStatus } from "@/app/_components/use-order-status";
import { stageOf, type OrderStage, type OrderView } from "@/lib/orders/order-view";
import type { PaidMessagesView } from "@/lib/orders/paid-messages";

import { readOutcomeAction } from "./actions";

type Outcome = Awaited<ReturnType<typeof readOutcomeAction>>;

const CHECKING: Record<Props["page"], string> = {
  success: "Confirming your payment with SEQR…",
  failure: "Checking what happened to your payment…",
  cancel: "Checking your order…",
};

type Props = { page: "success" | "failure" | "cancel" };

/**
 * The Success, Failure and Cancel URLs. The fragment says which session (and invoice) this is about; the page
 * shows what the server found out from its database and SEQR, whatever the URL claims, and keeps checking while
 * the payment is still being processed.
 */
export function PaymentOutcome({ page }: Props) {
  const fragment = useFragment(page === "success");
  const token = fragment?.token;
  const invoiceReference = fragment?.invoiceReference;
  const [loaded, setLoaded] = useState<{ key: string; result: Outcome } | null>(null);
  const outcome = loaded?.result ?? null;
  const order = outcome?.ok ? outcome.data.order : null;
  const stage = order ? stageOf(order.status) : null;
  const polled = useOrderStatus(order?.clientInvoiceId ?? null, order?.status ?? null, stage === "processing" || stage === "open");
  // Load the outcome, and load it again whenever the poller sees the order move on (receipt, reference).
  const changedTo = order && polled !== order.status ? polled : null;

  useEffect(() => {
    if (!token) return;
    let current = true;
    const form = new FormData();
    form.set("token", token);
    if (invoiceReference) form.set("invoiceReference", invoiceReference);
    void readOutcomeAction(null, form).then((result) => {
      if (current) setLoaded({ key: token, result });
    });
    return () => {
      current = false;
    };
  }, [token, invoiceReference, changedTo]);

  if (fragment === null) return <Problem message="This page opens from the SEQR app after a payment." />;
  if (!outcome) return <p role="status">{CHECKING[page]}</p>;
  if (!outcome.ok) return <Problem message={outcome.error} />;
  if (!order || !stage) return null;

  return <StageView stage={stage} page={page} order={order} messages={outcome.data.messages} tryAgainLink={outcome.data.tryAgainLink} />;
}

function StageView({
  stage,
  page,
  order,
  messages,
  tryAgainLink,
}: {
  stage: OrderStage;
  page: Props["page"];
  order: OrderView;
  messages: PaidMessagesView;
  tryAgainLink: string;
}) {
  switch (stage) {
    case "paid":
      return (
        <section data-stage="paid">
          <h1>Thank you! Your payment is complete</h1>
          <PaidMessages messages={messages} />
          <Receipt order={order} />
          <BackToShop />
        </section>
      );
    case "processing":
    case "open":
      return (
        <section data-stage="processing">
          <h1>{page === "success" ? "Your payment is being confirmed" : "Your payment is not finished yet"}</h1>
          <p role="status">{CHECKING[page]} This page updates by itself.</p>
          <BackToShop />
        </section>
      );
    case "failed":
      return (
        <section data-stage="failed" role="alert">
          <h1>The payment did not go through</h1>
          <p>The payment was declined in the SEQR app, or the wallet did not hold enough money. Nothing was charged.</p>
          <TryAgain link={tryAgainLink} />
        </section>
      );
    case "canceled":
      return (
        <section data-stage="canceled" role="alert">
          <h1>The payment was canceled</h1>
          <p>You canceled the payment in the SEQR app. Nothing was charged, and your order is kept.</p>
          <TryAgain link={tryAgainLink} />
        </section>
      );
    case "expired":
      return (
        <section data-stage="expired" role="alert">
          <h1>This order has expired</h1>
          <p>It was not paid in time, so it can no longer be paid. Nothing was charged. Please place the order again.</p>
          <BackToShop />
        </section>
      );
    case "canceled-by-shop":
      return (
        <section data-stage="canceled-by-shop" role="alert">
          <h1>The shop has canceled this order</h1>
          <p>We canceled this order, so it can no longer be paid. Nothing was charged.</p>
          <BackToShop />
        </section>
      );
  }
}

function TryAgain({ link }: { link: string }) {
  return (
    <div className="pay-actions">
      <a className="button primary" href={link}>
        Try again
      </a>
      <Link className="button secondary" href="/">
        Back to the shop
      </Link>
    </div>
  );
}

function BackToShop() {
  return (
    <div className="pay-actions">
      <Link className="button secondary" href="/">
        Back to the shop
      </Link>
    </div>
  );
}

function Problem({ message }: { message: string }) {
  return (
    <section className="problem" role="alert">
      <h1>We could not find this payment</h1>
      <p>{message}</p>
      <BackToShop />
    </section>
  );
}
