"use client";

import Link from "next/link";
import { useActionState } from "react";

import { DeliveryForm, type CountryOption } from "@/app/_components/delivery-form";
import type { DeliveryValues } from "@/lib/orders/delivery-values";

import { saveCheckoutDeliveryAction } from "./actions";

type Props = {
  clientInvoiceId: string;
  initial: DeliveryValues;
  countries: readonly CountryOption[];
  storePickup: boolean;
  /** Changing details already given: a way back to the code without saving. */
  changing: boolean;
};

/** The checkout's delivery details, before the SEQR code: saved, the page opens again with the code. */
export function CheckoutDelivery({ clientInvoiceId, initial, countries, storePickup, changing }: Props) {
  const [state, action, pending] = useActionState(saveCheckoutDeliveryAction, null);
  return (
    <DeliveryForm
      action={action}
      state={state}
      pending={pending}
      hiddenFields={{ order: clientInvoiceId }}
      initial={initial}
      countries={countries}
      storePickup={storePickup}
      submitLabel={changing ? "Save and show the SEQR code" : "Continue to payment"}
      idPrefix="checkout-delivery"
    >
      {changing ? (
        <Link className="button secondary" href={`/checkout/${encodeURIComponent(clientInvoiceId)}`}>
          Keep the details as they were
        </Link>
      ) : null}
    </DeliveryForm>
  );
}
