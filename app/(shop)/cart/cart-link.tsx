import Link from "next/link";

import { cartItemCount } from "@/lib/cart/cart";
import { readCartId } from "@/lib/cart/cart-cookie";

import "./cart.css";

/** The header's way to the cart, with how many items it holds (two jars and a mug: 3). */
export async function CartLink() {
  const count = await cartItemCount(await readCartId());
  return (
    <Link href="/cart" className="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
      Cart ({count})
    </Link>
  );
}
