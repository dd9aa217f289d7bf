"use client";

import { useEffect, useState } from "react";

import type { PaymentWindowView } from "@/lib/orders/payment-window";

import "./payment-deadline.css";

type Props = {
  window: PaymentWindowView;
  /** What to say once the time is up: the checkout follows the order by itself, the order page does not. */
  overText?: string;
};

/**
 * How long the shopper has to pay (lib/orders/payment-window.ts), and a warning shortly before the invoice runs
 * out. The warning is written into a polite live region twice at most (time nearly up, time up), never every
 * second: a screen reader hears it once, and nothing ticks. The server's page says what happened after the end
 * (the checkout and the order page follow the order's status by themselves).
 */
export function PaymentDeadline({ window: paymentWindow, overText = "The time to pay is up. Checking your order…" }: Props) {
  const deadline = paymentWindow.deadline;
  const deadlineAt = deadline?.at ?? null;
  const warnBeforeMs = paymentWindow.warnBeforeMs;
  const [phase, setPhase] = useState<{ at: string; phase: "soon" | "over" } | null>(null);

  useEffect(() => {
    if (!deadlineAt) return;
    const endsAt = Date.parse(deadlineAt);
    const untilWarning = endsAt - warnBeforeMs - Date.now();
    const untilEnd = endsAt - Date.now();
    // Timers, not an interval: the page changes twice, at the moments that matter.
    const timers = [
      setTimeout(() => setPhase({ at: deadlineAt, phase: "soon" }), Math.max(untilWarning, 0)),
      setTimeout(() => setPhase({ at: deadlineAt, phase: "over" }), Math.max(untilEnd, 0)),
    ];
    return () => timers.forEach((timer) => clearTimeout(timer));
  }, [deadlineAt, warnBeforeMs]);

  const current = deadline && phase?.at === deadline.at ? phase.phase : null;
  return (
    <div className="payment-deadline" data-testid="payment-deadline">
      {deadline ? (
        <p>
          Pay within {deadline.remainingText}, by <time dateTime={deadline.at}>{deadline.byText}</time>.
        </p>
      ) : (
        <p>Once you press Pay in the SEQR app, you have {paymentWindow.windowText} to pay.</p>
      )}
      <p className="payment-deadline-warning" role="status" aria-live="polite" data-testid="payment-deadline-warning">
        {current === "soon" && deadline
          ? `Less than ${paymentWindow.warnBeforeText} left: pay by ${deadline.byText}, or the order expires and nothing is charged.`
          : current === "over"
            ? overText
            : null}
      </p>
    </div>
  );
}
