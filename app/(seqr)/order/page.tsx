import type { Metadata } from "next";
import { connection } from "next/server";

import { env } from "@/lib/env";
import { DELIVERY_COUNTRIES } from "@/lib/orders/delivery-values";
import { seqrAppLink, WIZARD_CANCEL_ACTION } from "@/lib/seqr/links";

import { OrderSession } from "./order-session";

export const metadata: Metadata = { title: "Pay with SEQR" };

// The External Service's Order URL: the SEQR app opens /order#TOKEN. Everything depends on the fragment, which
// only the browser sees, so the page is a shell around one client island.
export default async function OrderPage() {
  await connection(); // the app link and store pickup come from settings, read when the server runs, not when it is built
  // SEQR-ACTION://WIZARD/CANCEL ends the service and returns to the app (CONTRACT.md, step 8).
  return (
    <OrderSession
      leaveLink={seqrAppLink(WIZARD_CANCEL_ACTION, env.seqr.appUrl)}
      countries={DELIVERY_COUNTRIES}
      storePickup={env.fulfilment.storePickup}
    />
  );
}
