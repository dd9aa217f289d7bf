import Link from "next/link";

import { cartLineCount } from "@/lib/cart/cart";
import { readCartId } from "@/lib/cart/cart-cookie";

import "./cart.css";

/** The header's way to the cart, with how many lines it holds. */
export async function CartLink() {
  const count = await cartLineCount(await readCartId());
  return (
    <Link href="/cart" className="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
      Cart ({count})
    </Link>
  );
}
