"use client";

import { useRouter } from "next/navigation";
import { QRCodeSVG } from "qrcode.react";
import { useEffect, useState } from "react";

import { useOrderStatus } from "@/app/_components/use-order-status";
import { isFinalStage, stageOf } from "@/lib/orders/order-view";
import type { OrderStatus } from "@/lib/orders/state-machine";

type Props = {
  clientInvoiceId: string;
  initialStatus: OrderStatus;
  /** `HTTP://SEQR.SE/000/<SERVICE_ID>?order=<clientInvoiceId>`: what the QR code encodes. */
  qrText: string;
  /** The same code as a link for the SEQR app on this phone. */
  appLink: string;
};

/**
 * The checkout's payment panel: the SEQR code to scan (desktop) or to tap (phone), following the order's status
 * by itself. When the order can no longer be paid (paid, expired, canceled by the shop) the server page takes over
 * (router.refresh()).
 */
export function CheckoutPayment({ clientInvoiceId, initialStatus, qrText, appLink }: Props) {
  const router = useRouter();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const status = (useOrderStatus(clientInvoiceId, initialStatus, true) ?? initialStatus) as OrderStatus;
  const stage = stageOf(status);

  useEffect(() => {
    if (isFinalStage(stage)) router.refresh();
  }, [stage, router]);

  const showProblem = (stage === "failed" || stage === "canceled") && dismissed !== status;

  return (
    <section className="checkout-payment" aria-label="Pay with SEQR" data-status={status}>
      <p className="checkout-status" role="status" aria-live="polite">
        {stage === "paid"
          ? "Payment received. One moment…"
          : stage === "processing"
            ? "Waiting for your payment in the SEQR app…"
            : stage === "expired"
              ? "This order has expired."
              : stage === "canceled-by-shop"
                ? "The shop has canceled this order. Nothing was charged."
                : showProblem
                ? null
                : "Scan the code with the SEQR app to pay."}
      </p>
      {showProblem ? (
        <div className="notice" role="alert">
          <p>
            {stage === "failed"
              ? "The payment did not go through: it was declined in the SEQR app, or the wallet did not hold enough money. Nothing was charged."
              : "The payment was canceled in the SEQR app. Nothing was charged."}
          </p>
          <button type="button" className="button primary" onClick={() => setDismissed(status)}>
            Try again
          </button>
        </div>
      ) : null}
      <div className="checkout-code">
        <a className="button primary open-in-seqr" href={appLink}>
          Open in SEQR
        </a>
        <figure className="qr">
          <QRCodeSVG value={qrText} size={240} level="M" marginSize={4} title="SEQR code for this order" data-testid="seqr-qr" />
          <figcaption>
            <span className="muted">Scan with the SEQR app, or type:</span>
            <code data-testid="seqr-code-text">{qrText}</code>
          </figcaption>
        </figure>
      </div>
    </section>
  );
}
