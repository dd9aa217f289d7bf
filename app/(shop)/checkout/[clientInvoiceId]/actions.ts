"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { deliveryFormState, saveOrExplain, type DeliveryFormState } from "@/app/_components/delivery-form-state";
import { readCartId } from "@/lib/cart/cart-cookie";
import { saveCheckoutDeliveryDetails } from "@/lib/orders/delivery";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";
import { validatedAction } from "@/lib/validated-action";

// The checkout's delivery details form. Only the browser whose cart placed the order may give them (the cart
// cookie); the details themselves are checked field by field in lib/orders/delivery.ts, and a refusal comes back
// to the form as data, a message per field. Each save writes a row, so it is rate limited like the cart.

const saveDetails = validatedAction(
  z.looseObject({ order: clientInvoiceIdSchema }),
  async ({ order, ...details }) => saveOrExplain(async () => saveCheckoutDeliveryDetails(order, await readCartId(), details)),
  { rateLimit: "cart" },
);

/**
 * Saves the details and opens the checkout again, which now shows the SEQR code. The redirect happens out here:
 * redirect() works by throwing, and validatedAction would catch that as a failure.
 */
export async function saveCheckoutDeliveryAction(_previous: DeliveryFormState, formData: FormData): Promise<DeliveryFormState> {
  const result = await saveDetails(null, formData);
  if (result?.ok && result.data.saved) redirect(`/checkout/${encodeURIComponent(String(formData.get("order")))}`);
  return deliveryFormState(result, formData);
}
