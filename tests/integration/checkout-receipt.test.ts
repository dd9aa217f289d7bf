import { beforeAll, describe, expect, test, vi } from "vitest";

import { addToCart, readCart, removeFromCart } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { checkoutCart } from "@/lib/cart/checkout-cart";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { formatOrderNumber } from "@/lib/orders/order-number";
import type { OrderStatus } from "@/lib/orders/state-machine";
import { loadCheckoutView } from "@/lib/orders/views";
import { withdrawOrder } from "@/lib/orders/withdraw-order";

import { fakeRequest, formData, nextHeadersMock, outcomeOf } from "./support/admin-request";

// /checkout/<id> and "put these items back in my cart" on the real database. The order's id is in URLs, QR codes
// and screenshots: only the browser whose cart placed the order (Order.cartId = its cart cookie) sees the items
// and the receipt, and only that cart may take an expired order's items back. Anyone else sees the status alone.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);
// The page marks itself dynamic with connection(), which needs a Next request; there is none here.
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<object>()), connection: async () => {} }));

beforeAll(async () => {
  await seedCatalog(db);
});

const SKU = "MUG-FJORD-35";

/** A browser with a cart cookie (or none) asking for a page or sending a form. */
async function browserWithCart(cartId: string | null): Promise<void> {
  fakeRequest({ host: "127.0.0.1:3000" });
  if (cartId) (await nextHeadersMock.cookies()).set("cart", cartId);
}

/** An order placed by a cart's checkout, as the shop places it, in the status the test needs. */
async function placeOrder(status: OrderStatus = "PENDING") {
  const cartId = newCartId();
  await addToCart(cartId, SKU, 2);
  const { clientInvoiceId } = await checkoutCart(cartId);
  const order = await db.order.findUniqueOrThrow({ where: { clientInvoiceId }, include: { items: true } });
  // The checkout records the cart that placed the order: the key to everything below.
  expect(order.cartId).toBe(cartId);
  if (status !== order.status) await db.order.update({ where: { id: order.id }, data: { status } });
  return { cartId, clientInvoiceId, itemName: order.items[0]?.name ?? "" };
}

const cartQuantities = async (cartId: string) =>
  Object.fromEntries((await readCart(cartId)).lines.map((line) => [line.sku, line.quantity]));

describe("loadCheckoutView", () => {
  test("gives the browser whose cart placed the order its items and total", async () => {
    const { cartId, clientInvoiceId, itemName } = await placeOrder();
    const view = await loadCheckoutView(clientInvoiceId, cartId);
    expect(view?.kind).toBe("placed-here");
    expect(view?.kind === "placed-here" ? view.order.lines.map((line) => [line.name, line.quantity]) : null).toEqual([[itemName, 2]]);
  });

  test("gives any other browser the status alone, paid or not", async () => {
    for (const status of ["PENDING", "PAID", "EXPIRED"] as const) {
      const { clientInvoiceId, itemName } = await placeOrder(status);
      for (const cartId of [newCartId(), null]) {
        const view = await loadCheckoutView(clientInvoiceId, cartId);
        expect(view).toEqual({ kind: "status-only", clientInvoiceId, status });
        expect(JSON.stringify(view)).not.toContain(itemName);
      }
    }
  });

  test("an order no cart placed (a product QR code) shows its items to nobody", async () => {
    const { cartId, clientInvoiceId } = await placeOrder();
    await db.order.update({ where: { clientInvoiceId }, data: { cartId: null, source: "PRODUCT_QR" } });
    expect(await loadCheckoutView(clientInvoiceId, cartId)).toEqual({ kind: "status-only", clientInvoiceId, status: "PENDING" });
  });

  test("an unknown or malformed id is no order", async () => {
    expect(await loadCheckoutView("AAAAAAAAAAAAAAAAAAAAAA", newCartId())).toBeNull();
    expect(await loadCheckoutView("not an order", newCartId())).toBeNull();
  });
});

describe("the checkout page", () => {
  /** Every text and prop value in the page's element tree (what the server would render from), as one string. */
  function valuesIn(node: unknown, seen = new WeakSet<object>()): string[] {
    if (typeof node === "string" || typeof node === "number") return [String(node)];
    if (typeof node !== "object" || node === null || seen.has(node)) return [];
    seen.add(node);
    return Object.entries(node)
      .filter(([key]) => !key.startsWith("_"))
      .flatMap(([key, value]) => (key === "key" || key === "ref" ? [] : valuesIn(value, seen)));
  }

  async function renderCheckout(clientInvoiceId: string) {
    const { default: CheckoutPage } = await import("@/app/(shop)/checkout/[clientInvoiceId]/page");
    return valuesIn(await CheckoutPage({ params: Promise.resolve({ clientInvoiceId }) })).join("\n");
  }

  test("shows the paid order's receipt to its own browser and the status alone to another", async () => {
    const { cartId, clientInvoiceId, itemName } = await placeOrder("PAID");

    await browserWithCart(cartId);
    const own = await renderCheckout(clientInvoiceId);
    expect(own).toContain(itemName);
    expect(own).toContain("Thank you! Your order is paid");

    await browserWithCart(newCartId());
    const other = await renderCheckout(clientInvoiceId);
    expect(other).not.toContain(itemName);
    expect(other).not.toContain("Thank you");
    expect(other.split("\n")).toContain("PAID");
  });

  test("says an expired order expired unpaid and leads back to the cart, which still holds its items", async () => {
    const { cartId, clientInvoiceId } = await placeOrder("EXPIRED");
    await browserWithCart(cartId);
    const page = await renderCheckout(clientInvoiceId);
    expect(page).toContain("This order expired before it was paid. Nothing was charged.");
    expect(page).toContain("Go back to your cart");
    expect(page.split("\n")).toContain("/cart");
    // The cart holds the items still: nothing to put back.
    expect(page).not.toContain("Put these items back in my cart");
  });

  test("offers an expired order's items back only to its own browser, once its cart no longer holds them", async () => {
    const { cartId, clientInvoiceId, itemName } = await placeOrder("EXPIRED");
    await removeFromCart(cartId, SKU);
    await browserWithCart(cartId);
    expect(await renderCheckout(clientInvoiceId)).toContain("Put these items back in my cart");
    await browserWithCart(null);
    const other = await renderCheckout(clientInvoiceId);
    expect(other).not.toContain("Put these items back in my cart");
    expect(other).not.toContain(itemName);
  });

  test("shows the open order's short number and its Change order; a withdrawn order says so", async () => {
    const { cartId, clientInvoiceId } = await placeOrder();
    const { number } = await db.order.findUniqueOrThrow({ where: { clientInvoiceId } });
    await browserWithCart(cartId);
    const open = await renderCheckout(clientInvoiceId);
    expect(open).toContain(formatOrderNumber(number));
    expect(open).toContain("Pay with SEQR");

    await withdrawOrder(clientInvoiceId, cartId);
    const withdrawn = await renderCheckout(clientInvoiceId);
    expect(withdrawn).toContain(`Order ${formatOrderNumber(number)} is withdrawn`);
    expect(withdrawn).toContain("You changed this order, so it can no longer be paid. Nothing was charged.");
    expect(withdrawn).not.toContain("This order expired before it was paid.");
  });

  test("an order the shop canceled says so, with nothing to pay or try again", async () => {
    const { cartId, clientInvoiceId } = await placeOrder("CANCELED_BY_MERCHANT");
    await browserWithCart(cartId);
    const page = await renderCheckout(clientInvoiceId);
    expect(page).toContain("The shop canceled this order. Nothing was charged.");
    expect(page).not.toMatch(/Try again|Pay with SEQR|Change order|Put these items back/);
  });
});

describe("put these items back in my cart (reorderAction)", () => {
  async function reorder(clientInvoiceId: string) {
    const { reorderAction } = await import("@/app/(shop)/cart/actions");
    return outcomeOf(() => reorderAction(null, formData({ order: clientInvoiceId })));
  }

  test("works for the cart's own expired order, and never doubles a line the cart still holds", async () => {
    const { cartId, clientInvoiceId } = await placeOrder("EXPIRED");
    await removeFromCart(cartId, SKU);
    await browserWithCart(cartId);
    expect(await reorder(clientInvoiceId)).toEqual({ kind: "redirect", url: "/cart" });
    expect(await cartQuantities(cartId)).toEqual({ [SKU]: 2 });
    expect(await reorder(clientInvoiceId)).toEqual({ kind: "redirect", url: "/cart" });
    expect(await cartQuantities(cartId)).toEqual({ [SKU]: 2 });
  });

  test("is no such order for another cart, and that cart is untouched", async () => {
    const { clientInvoiceId } = await placeOrder("EXPIRED");
    const stranger = newCartId();
    await addToCart(stranger, "LINGON-JAM-400", 1);
    await browserWithCart(stranger);
    expect(await reorder(clientInvoiceId)).toEqual({ kind: "returned", value: { ok: false, error: "There is no such order." } });
    // A browser without a cart gets the same answer.
    await browserWithCart(null);
    expect(await reorder(clientInvoiceId)).toEqual({ kind: "returned", value: { ok: false, error: "There is no such order." } });
    expect(await cartQuantities(stranger)).toEqual({ "LINGON-JAM-400": 1 });
  });

  test("is refused for the cart's own order that has not expired", async () => {
    for (const status of ["PENDING", "INVOICED", "PAID", "CANCELED_BY_MERCHANT"] as const) {
      const { cartId, clientInvoiceId } = await placeOrder(status);
      await browserWithCart(cartId);
      expect(await reorder(clientInvoiceId)).toEqual({
        kind: "returned",
        value: { ok: false, error: "Only an order that expired unpaid can be put back in your cart." },
      });
      // The cart the checkout kept, as it was.
      expect(await cartQuantities(cartId)).toEqual({ [SKU]: 2 });
    }
  });
});
