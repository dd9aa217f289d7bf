"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { addToCart, removeFromCart, setCartQuantity } from "@/lib/cart/cart";
import { ensureCartId, readCartId } from "@/lib/cart/cart-cookie";
import { checkoutCart } from "@/lib/cart/checkout-cart";
import { reorderIntoCart } from "@/lib/cart/reorder";
import { cartQuantityField, lineQuantityField } from "@/lib/cart/quantities";
import { skuSchema } from "@/lib/catalog/product-schema";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";
import { validatedAction, type ActionResult } from "@/lib/validated-action";

// The cart's forms. Each answers with a message for the form to show; none trusts a price or a total from the
// browser, only SKUs and quantities. Each writes rows, so each is rate limited per address (lib/http/rate-limit.ts).

export type CartActionResult = ActionResult<{ message: string }>;

/** Every shop page shows the cart's line count in its header. */
function refreshShopPages(): void {
  revalidatePath("/", "layout");
}

export const addToCartAction = validatedAction(
  z.object({ sku: skuSchema, quantity: lineQuantityField }),
  async ({ sku, quantity }) => {
    const line = await addToCart(await ensureCartId(), sku, quantity);
    refreshShopPages();
    return { message: `Added to your cart, which now holds ${line.quantity} × ${line.name}.` };
  },
  { rateLimit: "cart" },
);

export const updateCartLineAction = validatedAction(
  z.object({ sku: skuSchema, quantity: cartQuantityField }),
  async ({ sku, quantity }) => {
    const line = await setCartQuantity(await readCartId(), sku, quantity);
    refreshShopPages();
    return { message: line.quantity === 0 ? `Removed ${line.name}.` : `Updated to ${line.quantity}.` };
  },
  { rateLimit: "cart" },
);

export const removeFromCartAction = validatedAction(
  z.object({ sku: skuSchema }),
  async ({ sku }) => {
    const line = await removeFromCart(await readCartId(), sku);
    refreshShopPages();
    return { message: `Removed ${line.name}.` };
  },
  { rateLimit: "cart" },
);

const placeOrder = validatedAction(
  z.object({}),
  async () => {
    const order = await checkoutCart(await readCartId());
    refreshShopPages();
    return { message: "Your order is placed.", clientInvoiceId: order.clientInvoiceId };
  },
  { rateLimit: "checkout" },
);

/**
 * Places the order and opens its checkout page. The redirect happens out here: redirect() works by throwing,
 * and validatedAction would catch that as a failure.
 */
export async function checkoutAction(_previous: CartActionResult, formData: FormData): Promise<CartActionResult> {
  const result = await placeOrder(null, formData);
  if (result?.ok) redirect(`/checkout/${result.data.clientInvoiceId}`);
  return result;
}

const putOrderBackInCart = validatedAction(
  z.object({ order: clientInvoiceIdSchema }),
  async ({ order }) => {
    const { added, skipped } = await reorderIntoCart(await ensureCartId(), order);
    refreshShopPages();
    if (added.length === 0) {
      return { message: "None of these items can be ordered now.", added: false };
    }
    return { message: skipped.length > 0 ? `Not available any more: ${skipped.join(", ")}.` : "Back in your cart.", added: true };
  },
  { rateLimit: "cart" },
);

/** "Try again" on an expired order's checkout page: its items go back into the cart, then the cart opens. */
export async function reorderAction(_previous: CartActionResult, formData: FormData): Promise<CartActionResult> {
  const result = await putOrderBackInCart(null, formData);
  if (result?.ok && result.data.added) redirect("/cart");
  return result;
}
