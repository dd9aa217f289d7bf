import type { DeliveryFieldErrors, DeliveryValues, DeliveryView } from "@/lib/orders/delivery";
import { deliveryValuesFrom, InvalidDeliveryDetails } from "@/lib/orders/delivery";
import type { ActionResult } from "@/lib/validated-action";

// What a delivery form's Server Action answers: the saved details, or what to fix with a message per field and
// the values as they were typed, so that the form comes back filled in (also as a plain form post, without
// JavaScript: the page is rendered again with this state).

export type DeliveryFormState =
  | null
  | { ok: true; message: string; delivery: DeliveryView }
  | {
      ok: false;
      error: string;
      fieldErrors: DeliveryFieldErrors;
      values: DeliveryValues;
      /** The order page's SEQR session TOKEN, back into the form's hidden field when the page was sent without a script. */
      token?: string;
    };

/** What the action behind the form returns: refused details come back as data, with a message per field. */
export type DeliverySaved = { saved: true; delivery: DeliveryView } | { saved: false; fieldErrors: DeliveryFieldErrors };
export type DeliverySaveResult = ActionResult<DeliverySaved>;

/** Runs a save; details the shop refuses become the form's per-field messages instead of an error. */
export async function saveOrExplain(save: () => Promise<DeliveryView>): Promise<DeliverySaved> {
  try {
    return { saved: true, delivery: await save() };
  } catch (error) {
    if (error instanceof InvalidDeliveryDetails) return { saved: false, fieldErrors: error.fieldErrors };
    throw error;
  }
}

export function deliveryFormState(result: DeliverySaveResult, formData: FormData): DeliveryFormState {
  const values = deliveryValuesFrom(Object.fromEntries(formData));
  if (!result) return { ok: false, error: "Nothing was sent. Please try again.", fieldErrors: {}, values };
  if (!result.ok) return { ok: false, error: result.error, fieldErrors: {}, values };
  if (!result.data.saved) {
    return { ok: false, error: "Please correct the details marked below.", fieldErrors: result.data.fieldErrors, values };
  }
  return { ok: true, message: "Your delivery details are saved.", delivery: result.data.delivery };
}
