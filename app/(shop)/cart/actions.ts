"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { addToCart, removeFromCart, setCartQuantities, setCartQuantity, type CartLineRefusal } from "@/lib/cart/cart";
import { ensureCartId, readCartId } from "@/lib/cart/cart-cookie";
import { cartFormInput, type CartFormInput } from "@/lib/cart/cart-form";
import { checkoutCart } from "@/lib/cart/checkout-cart";
import { reorderIntoCart } from "@/lib/cart/reorder";
import { cartQuantityField, lineQuantityField } from "@/lib/cart/quantities";
import { skuSchema } from "@/lib/catalog/product-schema";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";
import { validatedAction, type ActionResult } from "@/lib/validated-action";

// The cart's forms. Each answers with a message for the form to show; none trusts a price or a total from the
// browser, only SKUs and quantities. Each writes rows, so each is rate limited per address (lib/http/rate-limit.ts).

export type CartActionResult = ActionResult<{ message: string }>;

/** Every shop page shows how many items the cart holds in its header. */
function refreshShopPages(): void {
  revalidatePath("/", "layout");
}

export type AddToCartResult = ActionResult<{
  message: string;
  /** What this add put in the cart, and how many of the product the cart holds now. */
  added: { name: string; quantity: number; inCart: number };
}>;

export const addToCartAction = validatedAction(
  z.object({ sku: skuSchema, quantity: lineQuantityField }),
  async ({ sku, quantity }) => {
    const line = await addToCart(await ensureCartId(), sku, quantity);
    refreshShopPages();
    const holds = line.quantity > quantity ? ` Your cart now holds ${line.quantity} × ${line.name}.` : "";
    return {
      message: `Added ${quantity} × ${line.name} to your cart.${holds}`,
      added: { name: line.name, quantity, inCart: line.quantity },
    };
  },
  { rateLimit: "cart" },
);

/** A line's quantity applied as the shopper changes it (the cart page, with JavaScript). */
export const updateCartLineAction = validatedAction(
  z.object({ sku: skuSchema, quantity: cartQuantityField }),
  async ({ sku, quantity }) => {
    const line = await setCartQuantity(await readCartId(), sku, quantity);
    refreshShopPages();
    return { message: line.quantity === 0 ? `Removed ${line.name}.` : `${line.name}: ${line.quantity} in your cart.` };
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

export type CartFormResult = ActionResult<{
  message: string;
  /** Lines whose quantity could not be applied, each with why: the form shows them next to the line. */
  refused: CartLineRefusal[];
  /** The order placed (Checkout), whose checkout page opens next. */
  placed: string | null;
}>;

/**
 * The cart page's one form. Whichever button sent it, the quantities it shows are applied first; then a line is
 * removed, or the cart checked out. A checkout with a quantity that could not be applied places no order: the
 * shopper would not get what the page shows.
 */
async function submitCartForm({ intent, quantities, invalid }: CartFormInput) {
  const cartId = await readCartId();
  const applied = await setCartQuantities(cartId, quantities);
  const refused = [...invalid, ...applied.refused];
  const removed = intent.kind === "remove" ? await removeFromCart(cartId, intent.sku) : null;
  refreshShopPages();
  if (refused.length > 0) {
    const notPlaced = intent.kind === "checkout" ? "Your order was not placed: " : "";
    return { message: `${notPlaced}a quantity could not be changed. See the line marked below.`, refused, placed: null };
  }
  if (intent.kind === "checkout") {
    const order = await checkoutCart(cartId);
    return { message: "Your order is placed.", refused, placed: order.clientInvoiceId };
  }
  return { message: removed ? `Removed ${removed.name}.` : "Your cart is updated.", refused, placed: null };
}

// Two entry points, one form: a checkout counts against the checkout limit, an update or a remove against the cart's.
const updateCart = validatedAction(cartFormInput, submitCartForm, { rateLimit: "cart" });
const updateCartAndCheckOut = validatedAction(cartFormInput, submitCartForm, { rateLimit: "checkout" });

/**
 * The cart page's form (Update, Remove, Checkout). Opens the new order's checkout page after a checkout. The
 * redirect happens out here: redirect() works by throwing, and validatedAction would catch that as a failure.
 */
export async function cartFormAction(_previous: CartFormResult, formData: FormData): Promise<CartFormResult> {
  const checkingOut = formData.get("intent") === "checkout";
  const result = await (checkingOut ? updateCartAndCheckOut : updateCart)(null, formData);
  if (result?.ok && result.data.placed) redirect(`/checkout/${encodeURIComponent(result.data.placed)}`);
  return result;
}

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
 * Checks out the cart as it is stored (the product page's "Checkout", after an add) and opens the order's checkout
 * page. The redirect happens out here, as above.
 */
export async function checkoutAction(_previous: CartActionResult, formData: FormData): Promise<CartActionResult> {
  const result = await placeOrder(null, formData);
  if (result?.ok) redirect(`/checkout/${encodeURIComponent(result.data.clientInvoiceId)}`);
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
