import { z } from "zod";

// How many of a product a cart line may hold: a whole number up to MAX_LINE_QUANTITY, and never more than the
// shop has in stock. The stock is checked again when the order is created (lib/orders/create-order.ts).

export const MAX_LINE_QUANTITY = 99;

const quantity = (min: number) => {
  const message = `must be a whole number from ${min} to ${MAX_LINE_QUANTITY}`;
  return z.number({ error: message }).int(message).min(min, message).max(MAX_LINE_QUANTITY, message);
};

/** How many to add to the cart. */
export const lineQuantitySchema = quantity(1);
/** A line's new quantity; 0 takes the line out of the cart. */
export const cartQuantitySchema = quantity(0);

/** The same, as a form field sends it: digits only, so "1e1" or "2.0" is not taken for a quantity. */
const quantityField = (schema: z.ZodNumber, min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, `must be a whole number from ${min} to ${MAX_LINE_QUANTITY}`)
    .transform(Number)
    .pipe(schema);

export const lineQuantityField = quantityField(lineQuantitySchema, 1);
export const cartQuantityField = quantityField(cartQuantitySchema, 0);

const isAre = (count: number) => (count === 1 ? "is" : "are");

/**
 * Why a line may not hold `quantity` of a product, in words for the shopper, or null when it may.
 * `alreadyInCart` is how many of it the cart held before an add, so that the message can say how many more fit.
 */
export function refuseLineQuantity(
  product: { name: string; stock: number },
  quantity: number,
  alreadyInCart = 0,
): string | null {
  const { name, stock } = product;
  if (quantity > stock) {
    if (stock <= 0) return `${name} is sold out.`;
    const left = `Only ${stock} of ${name} ${isAre(stock)} left`;
    if (alreadyInCart <= 0) return `${left}.`;
    const more = stock - alreadyInCart;
    return more > 0
      ? `${left} and your cart already holds ${alreadyInCart}: you can add ${more} more.`
      : `${left} and your cart already holds ${alreadyInCart}.`;
  }
  if (quantity > MAX_LINE_QUANTITY) {
    return alreadyInCart > 0
      ? `A cart can hold at most ${MAX_LINE_QUANTITY} of ${name}, and yours already holds ${alreadyInCart}.`
      : `A cart can hold at most ${MAX_LINE_QUANTITY} of ${name}.`;
  }
  return null;
}
