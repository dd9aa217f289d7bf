import { z } from "zod";

import { skuSchema } from "../catalog/product-schema.ts";
import { cartQuantityField, MAX_LINE_QUANTITY } from "./quantities.ts";

// The /cart page is one form: every line's quantity field (`quantity:<SKU>`) and the button that sent it (`intent`):
// Update, a line's Remove, or Checkout. Whatever the button, the quantities the form shows are applied first, so
// that what the shopper sees is what is stored, and what is checked out (also without JavaScript). The names:
// cart-form-fields.ts.

const QUANTITY_FIELD = /^quantity:(.*)$/;

export type CartFormIntent = { kind: "update" } | { kind: "checkout" } | { kind: "remove"; sku: string };

const intentSchema = z
  .string({ error: "is not one of the cart's buttons" })
  .transform((value, context): CartFormIntent => {
    if (value === "update" || value === "checkout") return { kind: value };
    const removed = /^remove:(.*)$/.exec(value);
    const sku = removed ? skuSchema.safeParse(removed[1]) : null;
    if (sku?.success) return { kind: "remove", sku: sku.data };
    context.addIssue({ code: "custom", message: "is not one of the cart's buttons" });
    return z.NEVER;
  });

/** The cart form as it arrives: its button, and its quantity fields, each checked as the single-line forms check it. */
export const cartFormInput = z.looseObject({ intent: intentSchema }).transform((fields) => {
  const quantities: { sku: string; quantity: number }[] = [];
  const invalid: { sku: string; message: string }[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const field = QUANTITY_FIELD.exec(name);
    if (!field) continue;
    const sku = skuSchema.safeParse(field[1]);
    if (!sku.success) continue; // not one of ours: no line of any cart has this name
    const quantity = cartQuantityField.safeParse(value);
    if (quantity.success) quantities.push({ sku: sku.data, quantity: quantity.data });
    else invalid.push({ sku: sku.data, message: `The quantity must be a whole number from 0 to ${MAX_LINE_QUANTITY}.` });
  }
  return { intent: fields.intent, quantities, invalid };
});

export type CartFormInput = z.output<typeof cartFormInput>;
