import type { Metadata } from "next";

import { PaymentOutcome } from "../payment-outcome";

export const metadata: Metadata = { title: "Payment received" };

// The External Service's Success URL (CONTRACT.md, step 8). The page never believes its own name: it shows what
// the server finds out about the payment.
export default function SuccessPage() {
  return <PaymentOutcome page="success" />;
}
