"use client";

import type { Route } from "next";
import Link from "next/link";
import { useEffect, useState } from "react";

import { Receipt } from "@/app/_components/order-summary";
import { PaidMessages } from "@/app/_components/paid-messages";
import { useFragment, useOrderStatus } from "@/app/_components/use-order-status";
import { stageOf } from "@/lib/orders/order-view";
import { checkingWords, outcomeWords, type OutcomePage } from "@/lib/orders/outcome-words";
import { SHOP_NAME } from "@/lib/shop/brand";

import { readOutcomeAction } from "./actions";

type Outcome = Awaited<ReturnType<typeof readOutcomeAction>>;

type Props = { page: OutcomePage };

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
  if (!outcome) return <p role="status">{checkingWords(page)}</p>;
  if (!outcome.ok) return <Problem message={outcome.error} />;
  if (!order) return null;

  const { messages, checkoutLink, tryAgainLink } = outcome.data;
  const words = outcomeWords(order, page, SHOP_NAME);
  if (words.stage === "paid") {
    return (
      <section data-stage="paid">
        <h1>{words.heading}</h1>
        <PaidMessages messages={messages} />
        <Receipt order={order} />
        <BackToShop />
      </section>
    );
  }
  if (words.stage === "open" || words.stage === "processing") {
    return (
      <section data-stage="processing">
        <h1>{words.heading}</h1>
        <p role="status">{words.message}</p>
        <BackToShop />
      </section>
    );
  }
  return (
    <section data-stage={words.stage} data-canceled-by={order.canceledBy ?? undefined} role="alert">
      <h1>{words.heading}</h1>
      <p>{words.message}</p>
      {words.contactShop ? (
        <p>
          Questions about it? <Link href="/contact">Contact us</Link>.
        </p>
      ) : null}
      {words.next === "back-to-order" ? <BackToOrder checkoutLink={checkoutLink} tryAgainLink={tryAgainLink} /> : <BackToShop />}
    </section>
  );
}

/**
 * Back to an order that can still be paid: its checkout page in the browser whose cart placed it (pay again, or
 * change the order there), otherwise the SEQR app's own way back, which opens the order page again.
 */
function BackToOrder({ checkoutLink, tryAgainLink }: { checkoutLink: string | null; tryAgainLink: string }) {
  return (
    <div className="pay-actions">
      {checkoutLink ? (
        <Link className="button primary" href={checkoutLink as Route}>
          Back to your order
        </Link>
      ) : (
        <a className="button primary" href={tryAgainLink}>
          Try again
        </a>
      )}
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
