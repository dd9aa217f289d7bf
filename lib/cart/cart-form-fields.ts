// The cart form's field names, shared by the page that renders the form and lib/cart/cart-form.ts, which reads it.
// No zod here: the page's script imports it.

/** The field that carries a line's quantity. */
export function quantityFieldName(sku: string): string {
  return `quantity:${sku}`;
}

/** The value of the button that removes a line. */
export function removeIntent(sku: string): string {
  return `remove:${sku}`;
}
