import { MAX_LINE_QUANTITY } from "@/lib/cart/quantities";

import { AddToCartForm } from "./add-to-cart-form";

/** The product page's "Add to cart" (a client island: add-to-cart-form.tsx). */
export function AddToCart({ sku, stock }: { sku: string; stock: number }) {
  return <AddToCartForm sku={sku} stock={stock} maxQuantity={MAX_LINE_QUANTITY} />;
}
