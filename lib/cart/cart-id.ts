import { randomBytes } from "node:crypto";

import { z } from "zod";

/**
 * A cart is found by the id in the shopper's cookie and by nothing else, so the id is the key to the cart: 144
 * random bits, URL-safe (24 characters).
 */
export function newCartId(): string {
  return randomBytes(18).toString("base64url");
}

/** What newCartId makes. A cookie holding anything else is not one of our carts and is ignored. */
export const cartIdSchema = z.string().regex(/^[A-Za-z0-9_-]{24}$/, "is not a cart id");
