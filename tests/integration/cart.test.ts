import { beforeAll, describe, expect, test, vi } from "vitest";

import { addToCart, cartItemCount, cartLineCount, readCart, removeFromCart, setCartQuantities, setCartQuantity } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { checkoutCart, MAX_OPEN_ORDERS_PER_CART } from "@/lib/cart/checkout-cart";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

import { fakeRequest, formData, nextHeadersMock, outcomeOf } from "./support/admin-request";

// The cart page's Server Actions read the cart cookie (next/headers) and refresh the pages (next/cache).
vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

// Every test works on a cart of its own; the catalog is the demo catalog (MUG-FJORD-35: 229,00 kr, 40 in stock,
// 25 % VAT; LINGON-JAM-400: 69,00 kr, 12 % VAT; MERINO-THROW: 8 in stock).

beforeAll(async () => {
  await seedCatalog(db);
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const quantities = async (cartId: string) =>
  Object.fromEntries((await readCart(cartId)).lines.map((line) => [line.sku, line.quantity]));

describe("the cart", () => {
  test("reads as empty with no cart id or an unknown one", async () => {
    expect(await readCart(null)).toEqual({ lines: [], totals: null });
    expect(await readCart(newCartId())).toEqual({ lines: [], totals: null });
    expect(await cartLineCount(null)).toBe(0);
  });

  test("is created by its first add and shows the product's current price", async () => {
    const cartId = newCartId();
    expect(await db.cart.findUnique({ where: { id: cartId } })).toBeNull();

    expect(await addToCart(cartId, "MUG-FJORD-35", 2)).toEqual({ sku: "MUG-FJORD-35", name: "Stoneware mug, fjord blue", quantity: 2 });

    expect(await db.cart.findUnique({ where: { id: cartId } })).not.toBeNull();
    const cart = await readCart(cartId);
    expect(cart.lines).toEqual([
      {
        sku: "MUG-FJORD-35",
        name: "Stoneware mug, fjord blue",
        active: true,
        unitPrice: { amountMinor: 22900, currency: "SEK" },
        quantity: 2,
        lineTotal: { amountMinor: 45800, currency: "SEK" },
        problem: null,
      },
    ]);
    // 25 % VAT included: 45800 × 0.25 / 1.25 = 9160.
    expect(cart.totals).toEqual({ total: { amountMinor: 45800, currency: "SEK" }, vat: { amountMinor: 9160, currency: "SEK" } });
    expect(await cartLineCount(cartId)).toBe(1);
  });

  test("adding a product again adds to its line", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 2);
    expect((await addToCart(cartId, "MUG-FJORD-35", 3)).quantity).toBe(5);
    await addToCart(cartId, "LINGON-JAM-400", 1);

    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 5, "LINGON-JAM-400": 1 });
    expect(await cartLineCount(cartId)).toBe(2);
    // The header counts items, not lines: five mugs and a jar are six.
    expect(await cartItemCount(cartId)).toBe(6);
    expect(await cartItemCount(null)).toBe(0);
    expect(await cartItemCount(newCartId())).toBe(0);
    expect((await readCart(cartId)).totals?.total).toEqual({ amountMinor: 5 * 22900 + 6900, currency: "SEK" });
  });

  test("prices come from the product when the cart is read, not from when it was added", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "KOKKAFFE-500", 2);
    await db.product.update({ where: { sku: "KOKKAFFE-500" }, data: { priceMinor: 12900 } });

    const [line] = (await readCart(cartId)).lines;
    expect(line?.unitPrice.amountMinor).toBe(12900);
    expect(line?.lineTotal.amountMinor).toBe(25800);
  });

  test("adding more than is in stock, counting what the cart holds, is refused and changes nothing", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MERINO-THROW", 5);

    const error = await refusal(addToCart(cartId, "MERINO-THROW", 4));
    expect(error).toMatchObject({ code: "QUANTITY_NOT_AVAILABLE", status: 409 });
    expect(error.message).toBe("Only 8 of Merino throw blanket are left and your cart already holds 5: you can add 3 more.");
    expect(await quantities(cartId)).toEqual({ "MERINO-THROW": 5 });

    expect((await addToCart(cartId, "MERINO-THROW", 3)).quantity).toBe(8);
  });

  test("a first add of more than is in stock creates no cart", async () => {
    const cartId = newCartId();
    const error = await refusal(addToCart(cartId, "MERINO-THROW", 9));
    expect(error.message).toBe("Only 8 of Merino throw blanket are left.");
    expect(await db.cart.findUnique({ where: { id: cartId } })).toBeNull();
  });

  test("a sold-out product cannot be added", async () => {
    await db.product.update({ where: { sku: "LINEN-TOWEL-RED" }, data: { stock: 0 } });
    const error = await refusal(addToCart(newCartId(), "LINEN-TOWEL-RED", 1));
    expect(error).toMatchObject({ status: 409, message: "Linen tea towel, striped is sold out." });
  });

  test("a line holds at most 99", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "LINGON-JAM-400", 99);
    const error = await refusal(addToCart(cartId, "LINGON-JAM-400", 1));
    expect(error).toMatchObject({ status: 409 });
    expect(error.message).toContain("at most 99");
    expect(await quantities(cartId)).toEqual({ "LINGON-JAM-400": 99 });
  });

  test.each([0, -1, 1.5, 100, Number.NaN])("a quantity of %s is refused", async (quantity) => {
    const cartId = newCartId();
    expect(await refusal(addToCart(cartId, "MUG-FJORD-35", quantity))).toMatchObject({ code: "INVALID_QUANTITY", status: 400 });
    expect(await cartLineCount(cartId)).toBe(0);
  });

  test.each(["NO-SUCH-THING", "mug-fjord-35", "' OR 1=1 --", ""])("an unknown SKU %j is refused", async (sku) => {
    const cartId = newCartId();
    expect(await refusal(addToCart(cartId, sku, 1))).toMatchObject({ code: "PRODUCT_NOT_FOUND", status: 404 });
    expect(await db.cart.findUnique({ where: { id: cartId } })).toBeNull();
  });

  test("a product taken off sale cannot be added or increased, shows as unorderable, and can be removed", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "CANDLE-PINE", 1);
    await addToCart(cartId, "MUG-FJORD-35", 1);
    await db.product.update({ where: { sku: "CANDLE-PINE" }, data: { active: false } });

    expect(await refusal(addToCart(cartId, "CANDLE-PINE", 1))).toMatchObject({ status: 404 });
    expect(await refusal(setCartQuantity(cartId, "CANDLE-PINE", 2))).toMatchObject({ status: 404 });
    const cart = await readCart(cartId);
    expect(cart.lines.find((line) => line.sku === "CANDLE-PINE")).toMatchObject({ active: false, problem: expect.stringContaining("No longer sold") });
    expect(cart.totals?.total.amountMinor).toBe(22900);

    await removeFromCart(cartId, "CANDLE-PINE");
    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 1 });
  });

  test("updating a line sets its quantity, within the stock", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "ENAMEL-KETTLE", 1);

    expect(await setCartQuantity(cartId, "ENAMEL-KETTLE", 4)).toMatchObject({ quantity: 4 });
    expect(await quantities(cartId)).toEqual({ "ENAMEL-KETTLE": 4 });

    const error = await refusal(setCartQuantity(cartId, "ENAMEL-KETTLE", 13));
    expect(error).toMatchObject({ status: 409, message: "Only 12 of Enamel kettle, 1.5 l are left." });
    expect(await quantities(cartId)).toEqual({ "ENAMEL-KETTLE": 4 });
  });

  test("updating a product that is not in the cart is refused", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);
    expect(await refusal(setCartQuantity(cartId, "ENAMEL-KETTLE", 2))).toMatchObject({ code: "NOT_IN_CART", status: 404 });
    expect(await refusal(setCartQuantity(null, "ENAMEL-KETTLE", 2))).toMatchObject({ code: "NOT_IN_CART" });
    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 1 });
  });

  test("a quantity of 0 removes the line", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 3);
    await addToCart(cartId, "WOOL-SOCKS-GREY", 1);

    expect(await setCartQuantity(cartId, "MUG-FJORD-35", 0)).toMatchObject({ quantity: 0 });
    expect(await quantities(cartId)).toEqual({ "WOOL-SOCKS-GREY": 1 });
  });

  test("removing a line leaves the others, and removing it twice is harmless", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 3);
    await addToCart(cartId, "WOOL-SOCKS-GREY", 1);

    await removeFromCart(cartId, "WOOL-SOCKS-GREY");
    await removeFromCart(cartId, "WOOL-SOCKS-GREY");
    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 3 });
    expect(await refusal(removeFromCart(cartId, "NO-SUCH-THING"))).toMatchObject({ status: 404 });
  });

  test("one cart's changes never touch another's", async () => {
    const mine = newCartId();
    const yours = newCartId();
    await addToCart(mine, "MUG-FJORD-35", 1);
    await addToCart(yours, "MUG-FJORD-35", 2);
    await removeFromCart(mine, "MUG-FJORD-35");
    expect(await quantities(yours)).toEqual({ "MUG-FJORD-35": 2 });
  });

  test("adds at the same moment never together exceed the stock", async () => {
    const cartId = newCartId();
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => addToCart(cartId, "MERINO-THROW", 2)));
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(4);
    expect(await quantities(cartId)).toEqual({ "MERINO-THROW": 8 });
  });
});

describe("checking out", () => {
  test("creates a PENDING order with the products' prices, totals computed here, and keeps the cart", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "DALA-HORSE-RED", 2);
    await addToCart(cartId, "LINGON-JAM-400", 3);

    const created = await checkoutCart(cartId);

    const order = await db.order.findUniqueOrThrow({
      where: { id: created.id },
      include: { items: { orderBy: { sku: "asc" } }, events: true },
    });
    expect(order).toMatchObject({
      clientInvoiceId: created.clientInvoiceId,
      status: "PENDING",
      source: "CART",
      currency: "SEK",
      totalMinor: 2 * 34900 + 3 * 6900,
      // 69800 × 25/125 = 13960; 20700 × 12/112 = 2217.86 → 2218.
      taxMinor: 13960 + 2218,
    });
    expect(order.items.map(({ sku, name, unitPriceMinor, quantity, taxRateBps, lineTotalMinor }) => ({ sku, name, unitPriceMinor, quantity, taxRateBps, lineTotalMinor }))).toEqual([
      { sku: "DALA-HORSE-RED", name: "Dala horse, hand-painted", unitPriceMinor: 34900, quantity: 2, taxRateBps: 2500, lineTotalMinor: 69800 },
      { sku: "LINGON-JAM-400", name: "Lingonberry jam, 400 g", unitPriceMinor: 6900, quantity: 3, taxRateBps: 1200, lineTotalMinor: 20700 },
    ]);
    expect(order.events).toMatchObject([{ type: "ORDER_CREATED", source: "checkout", toStatus: "PENDING" }]);

    // The cart is kept until the order is paid: "Change order" leads back to these lines.
    expect(await quantities(cartId)).toEqual({ "DALA-HORSE-RED": 2, "LINGON-JAM-400": 3 });
    expect(await cartItemCount(cartId)).toBe(5);
  });

  test("the order keeps the price it was placed at when the product's price changes later", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "BIRCH-BOARD-L", 1);
    const created = await checkoutCart(cartId);
    await db.product.update({ where: { sku: "BIRCH-BOARD-L" }, data: { priceMinor: 99900 } });

    const order = await db.order.findUniqueOrThrow({ where: { id: created.id }, include: { items: true } });
    expect(order.totalMinor).toBe(44900);
    expect(order.items[0]?.unitPriceMinor).toBe(44900);
  });

  test("an empty cart is refused with a clear message and creates no order", async () => {
    const before = await db.order.count();
    for (const cartId of [null, newCartId()]) {
      expect(await refusal(checkoutCart(cartId))).toMatchObject({
        code: "EMPTY_CART",
        status: 400,
        message: "Your cart is empty. Add a product to it before you check out.",
      });
    }
    const emptied = newCartId();
    await addToCart(emptied, "MUG-FJORD-35", 1);
    await removeFromCart(emptied, "MUG-FJORD-35");
    expect(await refusal(checkoutCart(emptied))).toMatchObject({ code: "EMPTY_CART" });
    expect(await db.order.count()).toBe(before);
  });

  test("a line the stock no longer covers is refused by the order and stays in the cart", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "WOOL-SOCKS-GREY", 5);
    await db.product.update({ where: { sku: "WOOL-SOCKS-GREY" }, data: { stock: 3 } });
    expect((await readCart(cartId)).lines[0]?.problem).toBe("Only 3 left.");

    expect(await refusal(checkoutCart(cartId))).toMatchObject({ code: "OUT_OF_STOCK", status: 409 });
    expect(await quantities(cartId)).toEqual({ "WOOL-SOCKS-GREY": 5 });
  });
});

describe("open orders per cart", () => {
  /** Everything a refused checkout must leave as it was: orders, their rows, the cart. */
  const tables = async (cartId: string) => ({
    orders: await db.order.count(),
    items: await db.orderItem.count(),
    events: await db.paymentEvent.count(),
    cart: await quantities(cartId),
  });

  test("the order records the cart whose checkout placed it", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);
    const created = await checkoutCart(cartId);
    expect((await db.order.findUniqueOrThrow({ where: { id: created.id } })).cartId).toBe(cartId);
  });

  test(`a cart with ${MAX_OPEN_ORDERS_PER_CART} orders nobody invoiced is refused another, with a clear message, and nothing changes`, async () => {
    const cartId = newCartId();
    for (let placed = 0; placed < MAX_OPEN_ORDERS_PER_CART; placed += 1) {
      await addToCart(cartId, "LINGON-JAM-400", 1);
      await checkoutCart(cartId);
    }
    await addToCart(cartId, "LINGON-JAM-400", 1);
    const before = await tables(cartId);

    expect(await refusal(checkoutCart(cartId))).toMatchObject({
      code: "TOO_MANY_OPEN_ORDERS",
      status: 409,
      message: "You already have 5 orders waiting for payment. Pay one of them, or wait until they expire, before you place another.",
    });
    expect(await tables(cartId)).toEqual(before);
    // Another cart is not affected.
    const other = newCartId();
    await addToCart(other, "LINGON-JAM-400", 1);
    await expect(checkoutCart(other)).resolves.toMatchObject({ clientInvoiceId: expect.any(String) });
  });

  test("an order invoiced, expired or ended by the merchant no longer counts; one whose Pay SEQR refused still does", async () => {
    const cartId = newCartId();
    const placed: string[] = [];
    for (let index = 0; index < MAX_OPEN_ORDERS_PER_CART; index += 1) {
      await addToCart(cartId, "LINGON-JAM-400", 1);
      placed.push((await checkoutCart(cartId)).id);
    }
    const [invoiced, expired, refusedPay] = placed;
    if (!invoiced || !expired || !refusedPay) throw new Error("five orders were placed");
    await db.paymentAttempt.create({
      data: { orderId: refusedPay, state: "REFUSED", invoiceReference: null, seqrStatus: null, amountMinor: 6900, currency: "SEK" },
    });
    await addToCart(cartId, "LINGON-JAM-400", 1);
    expect(await refusal(checkoutCart(cartId))).toMatchObject({ code: "TOO_MANY_OPEN_ORDERS" });

    // An invoice went out for one (Pay): it is the SEQR app's to pay now, no longer an open placed order.
    await db.order.update({ where: { id: invoiced }, data: { status: "INVOICED" } });
    await db.paymentAttempt.create({
      data: { orderId: invoiced, state: "SENT", invoiceReference: "91000000000000000000000001", seqrStatus: "ISSUED", amountMinor: 6900, currency: "SEK" },
    });
    await checkoutCart(cartId);

    await addToCart(cartId, "LINGON-JAM-400", 1);
    expect(await refusal(checkoutCart(cartId))).toMatchObject({ code: "TOO_MANY_OPEN_ORDERS" });
    await db.order.update({ where: { id: expired }, data: { status: "EXPIRED" } });
    await checkoutCart(cartId);
  });

  test("checkouts of one cart at the same moment never open more than the cap", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);
    // The cart keeps its line after a checkout: each of the eight would place an order but for the cap.
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => checkoutCart(cartId)));
    const open = await db.order.count({ where: { cartId, status: "PENDING" } });
    expect(open).toBe(MAX_OPEN_ORDERS_PER_CART);
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(open);
    for (const attempt of attempts) {
      if (attempt.status === "rejected") expect(attempt.reason).toMatchObject({ code: "TOO_MANY_OPEN_ORDERS" });
    }
  });
});

describe("setting several quantities at once (the cart page's form)", () => {
  test("applies every line it can and names each line it cannot, with why; 0 removes a line", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);
    await addToCart(cartId, "MERINO-THROW", 1);
    await addToCart(cartId, "LINGON-JAM-400", 2);

    const { changed, refused } = await setCartQuantities(cartId, [
      { sku: "MUG-FJORD-35", quantity: 4 },
      { sku: "MERINO-THROW", quantity: 9 },
      { sku: "LINGON-JAM-400", quantity: 0 },
    ]);

    expect(changed.map((line) => [line.sku, line.quantity])).toEqual([
      ["MUG-FJORD-35", 4],
      ["LINGON-JAM-400", 0],
    ]);
    expect(refused).toEqual([{ sku: "MERINO-THROW", message: "Only 8 of Merino throw blanket are left." }]);
    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 4, "MERINO-THROW": 1 });
  });
});

describe("the cart page's form (cartFormAction)", () => {
  async function browserWithCart(cartId: string): Promise<void> {
    fakeRequest({ host: "127.0.0.1:3000" });
    (await nextHeadersMock.cookies()).set("cart", cartId);
  }

  async function submit(fields: Record<string, string>) {
    const { cartFormAction } = await import("@/app/(shop)/cart/actions");
    return outcomeOf(() => cartFormAction(null, formData(fields)));
  }

  test("Checkout sends the quantities the form shows: typed and never applied, they are what is ordered", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "DALA-HORSE-RED", 1);
    await addToCart(cartId, "LINGON-JAM-400", 1);
    await browserWithCart(cartId);

    const outcome = await submit({ intent: "checkout", "quantity:DALA-HORSE-RED": "3", "quantity:LINGON-JAM-400": "2" });

    expect(outcome).toMatchObject({ kind: "redirect", url: expect.stringMatching(/^\/checkout\/[\w-]{22}$/) });
    const clientInvoiceId = decodeURIComponent((outcome as { url: string }).url.split("/").pop() ?? "");
    const order = await db.order.findUniqueOrThrow({ where: { clientInvoiceId }, include: { items: { orderBy: { sku: "asc" } } } });
    expect(order.items.map((item) => [item.sku, item.quantity])).toEqual([
      ["DALA-HORSE-RED", 3],
      ["LINGON-JAM-400", 2],
    ]);
    expect(order.totalMinor).toBe(3 * 34900 + 2 * 6900);
    expect(await quantities(cartId)).toEqual({ "DALA-HORSE-RED": 3, "LINGON-JAM-400": 2 });
  });

  test("a Checkout with a quantity the stock cannot cover places no order and names the line; the other lines apply", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MERINO-THROW", 1);
    await addToCart(cartId, "KOKKAFFE-500", 1);
    await browserWithCart(cartId);
    const orders = await db.order.count({ where: { cartId } });

    const outcome = await submit({ intent: "checkout", "quantity:MERINO-THROW": "9", "quantity:KOKKAFFE-500": "2" });

    expect(outcome).toEqual({
      kind: "returned",
      value: {
        ok: true,
        data: {
          message: "Your order was not placed: a quantity could not be changed. See the line marked below.",
          refused: [{ sku: "MERINO-THROW", message: "Only 8 of Merino throw blanket are left." }],
          placed: null,
        },
      },
    });
    expect(await db.order.count({ where: { cartId } })).toBe(orders);
    expect(await quantities(cartId)).toEqual({ "MERINO-THROW": 1, "KOKKAFFE-500": 2 });
  });

  test("a quantity field that is not a quantity is refused for its line; Update applies the rest", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);
    await addToCart(cartId, "ENAMEL-KETTLE", 1);
    await browserWithCart(cartId);

    const outcome = await submit({ intent: "update", "quantity:MUG-FJORD-35": "2.5", "quantity:ENAMEL-KETTLE": "3" });

    expect(outcome).toMatchObject({
      kind: "returned",
      value: { ok: true, data: { refused: [{ sku: "MUG-FJORD-35", message: "The quantity must be a whole number from 0 to 99." }], placed: null } },
    });
    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 1, "ENAMEL-KETTLE": 3 });
  });

  test("Remove takes its line out, and applies the quantities the other lines show", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);
    await addToCart(cartId, "ENAMEL-KETTLE", 1);
    await browserWithCart(cartId);

    const outcome = await submit({ intent: "remove:ENAMEL-KETTLE", "quantity:MUG-FJORD-35": "4", "quantity:ENAMEL-KETTLE": "2" });

    expect(outcome).toMatchObject({ kind: "returned", value: { ok: true, data: { message: "Removed Enamel kettle, 1.5 l.", refused: [] } } });
    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 4 });
  });

  test("a button the form does not have is refused and changes nothing", async () => {
    const cartId = newCartId();
    await addToCart(cartId, "MUG-FJORD-35", 1);
    await browserWithCart(cartId);
    for (const intent of ["", "pay", "remove:", "remove:not a sku"]) {
      expect(await submit({ intent, "quantity:MUG-FJORD-35": "5" })).toEqual({
        kind: "returned",
        value: { ok: false, error: "intent: is not one of the cart's buttons" },
      });
    }
    expect(await quantities(cartId)).toEqual({ "MUG-FJORD-35": 1 });
  });

  test("Add to cart says what it added, and how many the cart now holds when it held some before", async () => {
    const cartId = newCartId();
    await browserWithCart(cartId);
    const { addToCartAction } = await import("@/app/(shop)/cart/actions");
    expect(await addToCartAction(null, formData({ sku: "DALA-HORSE-RED", quantity: "2" }))).toEqual({
      ok: true,
      data: {
        message: "Added 2 × Dala horse, hand-painted to your cart.",
        added: { name: "Dala horse, hand-painted", quantity: 2, inCart: 2 },
      },
    });
    expect(await addToCartAction(null, formData({ sku: "DALA-HORSE-RED", quantity: "1" }))).toMatchObject({
      ok: true,
      data: { message: "Added 1 × Dala horse, hand-painted to your cart. Your cart now holds 3 × Dala horse, hand-painted." },
    });
    expect(await cartItemCount(cartId)).toBe(3);
  });
});
