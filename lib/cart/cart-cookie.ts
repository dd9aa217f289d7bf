import { cookies } from "next/headers";

import { env } from "../env.ts";
import { cartIdSchema, newCartId } from "./cart-id.ts";
import { CART_IDLE_LIFETIME_MS } from "./idle-carts.ts";

// The one place that knows the cart lives in a cookie. Pages read the id; Server Actions may also set it.

export const CART_COOKIE = "cart";

/**
 * httpOnly: page scripts never need the id, so a script injected into a page cannot steal the cart. Lax: sent on
 * plain links into the shop, not on cross-site form posts. Secure wherever the shop is served over https.
 */
export function cartCookieOptions(publicBaseUrl: string) {
  return {
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(publicBaseUrl).protocol === "https:",
    path: "/",
    // The cart itself is deleted once idle this long (lib/cart/idle-carts.ts).
    maxAge: CART_IDLE_LIFETIME_MS / 1000,
  } as const;
}

/** The shopper's cart id, or null when they have no cart cookie or it holds something that is not a cart id. */
export async function readCartId(): Promise<string | null> {
  const parsed = cartIdSchema.safeParse((await cookies()).get(CART_COOKIE)?.value);
  return parsed.success ? parsed.data : null;
}

/**
 * The shopper's cart id, with a new one when they have none. Server Actions only (it sets the cookie). Setting it
 * every time keeps a cart in use alive for 30 days from its last add. The cart's row is created by its first line.
 */
export async function ensureCartId(): Promise<string> {
  const cartId = (await readCartId()) ?? newCartId();
  (await cookies()).set(CART_COOKIE, cartId, cartCookieOptions(env.publicBaseUrl));
  return cartId;
}
