import { MAX_LINE_QUANTITY } from "@/lib/cart/quantities";

import { addToCartAction } from "./actions";
import { CartForm, SubmitButton } from "./cart-form";

/**
 * The product page's "Add to cart". The input allows up to a line's maximum rather than the stock: what is left
 * is the server's to say, counting what the cart already holds.
 */
export function AddToCart({ sku, stock }: { sku: string; stock: number }) {
  const soldOut = stock <= 0;
  return (
    <CartForm action={addToCartAction} className="add-to-cart" aria-label="Add to cart">
      <input type="hidden" name="sku" value={sku} />
      <label className="cart-quantity">
        <span>Quantity</span>
        <input
          type="number"
          name="quantity"
          inputMode="numeric"
          min={1}
          max={MAX_LINE_QUANTITY}
          step={1}
          defaultValue={1}
          required
          disabled={soldOut}
        />
      </label>
      <SubmitButton className="button primary" disabled={soldOut}>
        {soldOut ? "Sold out" : "Add to cart"}
      </SubmitButton>
    </CartForm>
  );
}
