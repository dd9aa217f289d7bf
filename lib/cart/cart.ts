import type { z } from "zod";

import { skuSchema } from "../catalog/product-schema.ts";
import { findProductBySku } from "../catalog/queries.ts";
import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import type { Money } from "../money.ts";
import { priceLines } from "../orders/pricing.ts";
import { cartQuantitySchema, lineQuantitySchema, refuseLineQuantity } from "./quantities.ts";

// The shopper's cart, by cart id (lib/cart/cart-cookie.ts reads it from the cookie). A cart holds product ids
// and quantities only: names and prices are read from the products whenever the cart is shown, and the order
// copies them when it is created, so a price change never leaves a stale price in anyone's cart.

export type CartLine = {
  sku: string;
  name: string;
  /** False once the merchant has taken the product off sale: it cannot be ordered, only removed. */
  active: boolean;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
  /** Why the line cannot be ordered as it is, in the shopper's words; null when it can. */
  problem: string | null;
};

export type CartView = {
  lines: CartLine[];
  /** Of the lines that can be ordered; null when there are none. VAT is included in the total. */
  totals: { total: Money; vat: Money } | null;
};

/** What a change did to a line, for the form to say so. */
export type CartLineChange = { sku: string; name: string; quantity: number };

const EMPTY_CART: CartView = { lines: [], totals: null };

const notSold = () => new AppError("PRODUCT_NOT_FOUND", 404, "That product is not for sale.");

function parseQuantity(schema: z.ZodNumber, quantity: number): number {
  const parsed = schema.safeParse(quantity);
  if (!parsed.success) throw new AppError("INVALID_QUANTITY", 400, `The quantity ${parsed.error.issues[0]?.message ?? "is not valid"}.`);
  return parsed.data;
}

/** The product a shopper may put in a cart: known by its SKU and on sale. */
async function findProductForSale(sku: string) {
  const product = await findProductBySku(sku);
  if (!product) throw notSold();
  return product;
}

/** The cart as it is now, priced from the products. No cart, an unknown id or an empty cart all read as empty. */
export async function readCart(cartId: string | null): Promise<CartView> {
  if (!cartId) return EMPTY_CART;
  const items = await db.cartItem.findMany({
    where: { cartId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      quantity: true,
      product: {
        select: { sku: true, name: true, priceMinor: true, currency: true, taxRateBps: true, stock: true, active: true },
      },
    },
  });
  if (items.length === 0) return EMPTY_CART;

  // One order has one currency (createOrder refuses a mix); the catalog has one, so this is a safeguard.
  const currency = items.find((item) => item.product.active)?.product.currency;
  const lines = items.map(({ quantity, product }): CartLine => {
    const unitPrice = { amountMinor: product.priceMinor, currency: product.currency };
    const problem = !product.active
      ? "No longer sold. Please remove it from your cart."
      : product.currency !== currency
        ? `Priced in ${product.currency}: it cannot be ordered together with the rest of your cart.`
        : product.stock <= 0
          ? "Sold out."
          : quantity > product.stock
            ? `Only ${product.stock} left.`
            : null;
    return {
      sku: product.sku,
      name: product.name,
      active: product.active,
      unitPrice,
      quantity,
      lineTotal: { amountMinor: product.priceMinor * quantity, currency: product.currency },
      problem,
    };
  });

  const orderable = items.filter(({ product }) => product.active && product.currency === currency);
  if (!currency || orderable.length === 0) return { lines, totals: null };
  const priced = priceLines(
    orderable.map(({ quantity, product }) => ({ unitPriceMinor: product.priceMinor, quantity, taxRateBps: product.taxRateBps })),
  );
  return {
    lines,
    totals: { total: { amountMinor: priced.totalMinor, currency }, vat: { amountMinor: priced.taxMinor, currency } },
  };
}

/** How many lines the cart has. */
export async function cartLineCount(cartId: string | null): Promise<number> {
  if (!cartId) return 0;
  return db.cartItem.count({ where: { cartId } });
}

/** How many items the cart holds, every unit counted (the header's "Cart (3)" for two jars and a mug). */
export async function cartItemCount(cartId: string | null): Promise<number> {
  if (!cartId) return 0;
  const { _sum } = await db.cartItem.aggregate({ where: { cartId }, _sum: { quantity: true } });
  return _sum.quantity ?? 0;
}

/**
 * Adds `quantity` of a product to the cart, creating the cart with its first line. Refused when the product is
 * not for sale, or when the line would then hold more than is in stock or more than a line may hold; a refused
 * add changes nothing.
 */
export async function addToCart(cartId: string, sku: string, quantity: number): Promise<CartLineChange> {
  const adding = parseQuantity(lineQuantitySchema, quantity);
  const product = await findProductForSale(sku);
  return db.$transaction(async (tx) => {
    // Write first, check after: the first write locks the cart (on SQLite the whole database, from BEGIN on; on
    // PostgreSQL the cart's row, which the upsert updates) until the transaction ends, and the line's quantity
    // comes back from its own increment, so two adds at the same moment cannot both pass the check against what the
    // other one added.
    await tx.cart.upsert({ where: { id: cartId }, create: { id: cartId }, update: { updatedAt: new Date() } });
    const line = await tx.cartItem.upsert({
      where: { cartId_productId: { cartId, productId: product.id } },
      create: { cartId, productId: product.id, quantity: adding },
      update: { quantity: { increment: adding } },
      select: { quantity: true },
    });
    const refusal = refuseLineQuantity(product, line.quantity, line.quantity - adding);
    // Throwing rolls both writes back.
    if (refusal) throw new AppError("QUANTITY_NOT_AVAILABLE", 409, refusal);
    return { sku: product.sku, name: product.name, quantity: line.quantity };
  });
}

/** Sets a line's quantity; 0 removes the line. Only a line already in the cart can be changed. */
export async function setCartQuantity(cartId: string | null, sku: string, quantity: number): Promise<CartLineChange> {
  const wanted = parseQuantity(cartQuantitySchema, quantity);
  if (wanted === 0) return removeFromCart(cartId, sku);
  const product = await findProductForSale(sku);
  const refusal = refuseLineQuantity(product, wanted);
  if (refusal) throw new AppError("QUANTITY_NOT_AVAILABLE", 409, refusal);
  const updated = cartId
    ? await db.cartItem.updateMany({ where: { cartId, productId: product.id }, data: { quantity: wanted } })
    : { count: 0 };
  if (updated.count === 0) throw new AppError("NOT_IN_CART", 404, `${product.name} is not in your cart.`);
  return { sku: product.sku, name: product.name, quantity: wanted };
}

/**
 * Takes a product's line out of the cart, whether or not the product is still sold (a product taken off sale
 * must be removable). Removing a line that is already gone is not an error: a second click changes nothing.
 */
export async function removeFromCart(cartId: string | null, sku: string): Promise<CartLineChange> {
  const parsed = skuSchema.safeParse(sku);
  const product = parsed.success
    ? await db.product.findUnique({ where: { sku: parsed.data }, select: { id: true, sku: true, name: true } })
    : null;
  if (!product) throw notSold();
  if (cartId) await db.cartItem.deleteMany({ where: { cartId, productId: product.id } });
  return { sku: product.sku, name: product.name, quantity: 0 };
}

/** A quantity the cart form could not apply, and why, in the shopper's words. */
export type CartLineRefusal = { sku: string; message: string };

/**
 * Applies the quantities a cart form shows, line by line (0 removes a line), so that what the shopper sees is what
 * is stored before they check out. A line that cannot hold its quantity keeps the one it had and is named in
 * `refused`; the other lines are applied all the same.
 */
export async function setCartQuantities(
  cartId: string | null,
  wanted: readonly { sku: string; quantity: number }[],
): Promise<{ changed: CartLineChange[]; refused: CartLineRefusal[] }> {
  const changed: CartLineChange[] = [];
  const refused: CartLineRefusal[] = [];
  for (const { sku, quantity } of wanted) {
    try {
      changed.push(await setCartQuantity(cartId, sku, quantity));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      refused.push({ sku, message: error.message });
    }
  }
  return { changed, refused };
}
