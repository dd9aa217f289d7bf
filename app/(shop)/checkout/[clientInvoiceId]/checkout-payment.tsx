"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { QRCodeSVG } from "qrcode.react";
import { useEffect, useRef, useState } from "react";

import { PaymentDeadline } from "@/app/_components/payment-deadline";
import { useOrderStatus } from "@/app/_components/use-order-status";
import { stageOf } from "@/lib/orders/order-view";
import type { PaymentWindowView } from "@/lib/orders/payment-window";
import type { OrderStatus } from "@/lib/orders/state-machine";

type Props = {
  clientInvoiceId: string;
  initialStatus: OrderStatus;
  /** The order's total as the shop prints it: "1 644,00 kr". */
  total: string;
  /** `HTTP://SEQR.SE/000/<SERVICE_ID>?order=<clientInvoiceId>`: what the QR code encodes. */
  qrText: string;
  /** The same code as a link for the SEQR app on this phone. */
  appLink: string;
  paymentWindow: PaymentWindowView;
};

/**
 * The checkout's payment panel, following the order's status by itself. On a phone (a narrow screen: checkout.css,
 * no guessing from the browser's name) it reads as a phone's: "Tap Open in SEQR to pay …", the button, then the
 * code for paying from another phone. On a desktop the code comes first, to scan with the phone. Whenever the order
 * moves (an invoice is out, it is paid, it expired, the shop canceled it) the server page is made again
 * (router.refresh()): it knows the invoice's deadline, and what to show once the order can no longer be paid.
 */
export function CheckoutPayment({ clientInvoiceId, initialStatus, total, qrText, appLink, paymentWindow }: Props) {
  const router = useRouter();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const status = (useOrderStatus(clientInvoiceId, initialStatus, true) ?? initialStatus) as OrderStatus;
  const stage = stageOf(status);

  useEffect(() => {
    if (status !== initialStatus) router.refresh();
  }, [status, initialStatus, router]);

  const showProblem = (stage === "failed" || stage === "canceled") && dismissed !== status;

  // Arriving from the delivery step, the page made again keeps the scroll where the form's button was (on a phone,
  // past "Tap Open in SEQR to pay" and its button) and the keyboard's focus on nothing: the panel is brought into
  // view and the focus to it, so that the next Tab reaches Open in SEQR. A page opened afresh starts at its top, with
  // the panel in view, and is left alone.
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    const element = panel.current;
    if (!element || element.getBoundingClientRect().top >= 0) return;
    element.scrollIntoView({ block: "start" });
    if (!document.activeElement || document.activeElement === document.body) element.focus({ preventScroll: true });
  }, []);

  return (
    <section className="checkout-payment" ref={panel} tabIndex={-1} aria-label="Pay with SEQR" data-status={status}>
      <p className="checkout-status" role="status">
        {stage === "paid"
          ? "Payment received. One moment…"
          : stage === "processing"
            ? "Waiting for your payment in the SEQR app…"
            : stage === "expired"
              ? "This order expired before it was paid. Nothing was charged."
              : stage === "canceled-by-shop"
                ? "The shop canceled this order. Nothing was charged."
                : null}
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
        <p className="checkout-instruction for-desktop">Scan the code with the SEQR app to pay.</p>
        <p className="checkout-instruction for-phone" data-testid="tap-to-pay">
          Tap Open in SEQR to pay <strong className="checkout-total">{total}</strong>
        </p>
        <a className="button primary open-in-seqr" href={appLink}>
          Open in SEQR
        </a>
        <figure className="qr">
          <QRCodeSVG value={qrText} size={240} level="M" marginSize={4} title="SEQR code for this order" data-testid="seqr-qr" />
          <figcaption>
            <span className="muted for-desktop">Scan with the SEQR app, or type:</span>
            <span className="muted for-phone">Paying with another phone? Scan this code with its SEQR app, or type:</span>
            <code data-testid="seqr-code-text">{qrText}</code>
          </figcaption>
        </figure>
      </div>
      <PaymentDeadline window={paymentWindow} />
      <p className="checkout-terms">
        By paying you accept our <Link href="/terms">terms of purchase</Link>.
      </p>
    </section>
  );
}
