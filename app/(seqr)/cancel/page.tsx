import type { Metadata } from "next";

import { PaymentOutcome } from "../payment-outcome";

export const metadata: Metadata = { title: "Payment canceled" };

// The External Service's Cancel URL (CONTRACT.md, step 8). The page never believes its own name: it shows what
// the server finds out about the payment.
export default function CancelPage() {
  return <PaymentOutcome page="cancel" />;
}
