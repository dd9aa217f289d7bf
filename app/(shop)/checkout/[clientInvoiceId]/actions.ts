"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { deliveryFormState, saveOrExplain, type DeliveryFormState } from "@/app/_components/delivery-form-state";
import { readCartId } from "@/lib/cart/cart-cookie";
import { catalogChanged } from "@/lib/catalog/cached";
import { addressFromHeaders } from "@/lib/http/client-address";
import { saveCheckoutDeliveryDetails } from "@/lib/orders/delivery";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";
import { withdrawOrder, type WithdrawResult } from "@/lib/orders/withdraw-order";
import { validatedAction, type ActionResult } from "@/lib/validated-action";

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

const withdraw = validatedAction(
  z.object({ order: clientInvoiceIdSchema }),
  async ({ order }) => {
    const result = await withdrawOrder(order, await readCartId(), { sourceAddress: addressFromHeaders(await headers()) });
    catalogChanged(); // its stock is back on sale
    revalidatePath("/", "layout");
    return result;
  },
  // It may cost a SEQR call (the cancel of a live invoice), like a checkout: the same limit.
  { rateLimit: "checkout" },
);

export type ChangeOrderState = ActionResult<WithdrawResult>;

/**
 * "Change order": the order is withdrawn (lib/orders/withdraw-order.ts) and the cart opens with its items, saying
 * which order was withdrawn. A refusal (the order is paid, or being paid right now) comes back to the button.
 */
export async function changeOrderAction(_previous: ChangeOrderState, formData: FormData): Promise<ChangeOrderState> {
  const result = await withdraw(null, formData);
  if (result?.ok) redirect(`/cart?changed=${result.data.number}`);
  return result;
}
