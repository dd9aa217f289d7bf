import { beforeEach, describe, expect, test, vi } from "vitest";

import { cartIdSchema, newCartId } from "@/lib/cart/cart-id";
import { cartQuantityField, lineQuantityField, lineQuantitySchema, refuseLineQuantity } from "@/lib/cart/quantities";

// cookies() needs a request; here it is a plain map that records what would be sent.
const jar = vi.hoisted(() => ({
  values: new Map<string, string>(),
  set: vi.fn(),
}));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.values.has(name) ? { name, value: jar.values.get(name) } : undefined),
    set: jar.set,
  }),
}));

const { CART_COOKIE, cartCookieOptions, ensureCartId, readCartId } = await import("@/lib/cart/cart-cookie");

describe("cart ids", () => {
  test("are 24 URL-safe characters, different every time", () => {
    const ids = Array.from({ length: 100 }, newCartId);
    for (const id of ids) expect(cartIdSchema.safeParse(id).success).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each(["", "short", "a".repeat(25), "abc/def+ghi=jklmnopqrstu", "../../../../../etc/passwd"])("%j is not one", (value) => {
    expect(cartIdSchema.safeParse(value).success).toBe(false);
  });
});

describe("the cart cookie", () => {
  beforeEach(() => {
    jar.values.clear();
    jar.set.mockClear();
  });

  test("is httpOnly, Lax, for the whole site, for 30 days, and Secure only behind https", () => {
    expect(cartCookieOptions("https://shop.example")).toEqual({
      httpOnly: true,
      sameSite: "lax",
      secure: true,
      path: "/",
      maxAge: 2_592_000,
    });
    expect(cartCookieOptions("http://localhost:3000").secure).toBe(false);
  });

  test("no cookie, or one that holds no cart id, reads as no cart", async () => {
    expect(await readCartId()).toBeNull();
    jar.values.set(CART_COOKIE, "' OR 1=1 --");
    expect(await readCartId()).toBeNull();
  });

  test("a shopper without a cart gets a new id in the cookie", async () => {
    const cartId = await ensureCartId();
    expect(cartIdSchema.safeParse(cartId).success).toBe(true);
    expect(jar.set).toHaveBeenCalledWith(CART_COOKIE, cartId, expect.objectContaining({ httpOnly: true, sameSite: "lax" }));
  });

  test("a shopper with a cart keeps it, and its cookie is renewed", async () => {
    const existing = newCartId();
    jar.values.set(CART_COOKIE, existing);
    expect(await readCartId()).toBe(existing);
    expect(await ensureCartId()).toBe(existing);
    expect(jar.set).toHaveBeenCalledWith(CART_COOKIE, existing, expect.objectContaining({ maxAge: 2_592_000 }));
  });
});

describe("cart quantities", () => {
  test.each([1, 2, 99])("%s is a quantity to add", (quantity) => {
    expect(lineQuantitySchema.parse(quantity)).toBe(quantity);
  });

  test.each([0, -1, 1.5, 100, Number.NaN, Number.POSITIVE_INFINITY])("%s is not", (quantity) => {
    expect(lineQuantitySchema.safeParse(quantity).success).toBe(false);
  });

  test("a form's quantity is digits only, 1 to 99 to add and 0 to 99 to set", () => {
    expect(lineQuantityField.parse(" 3 ")).toBe(3);
    expect(cartQuantityField.parse("0")).toBe(0);
    for (const text of ["", "0", "100", "1e1", "2.0", "-1", "0x10", "three"]) {
      expect(lineQuantityField.safeParse(text).success, text).toBe(false);
    }
    expect(lineQuantityField.safeParse("abc").error?.issues[0]?.message).toBe("must be a whole number from 1 to 99");
    expect(lineQuantityField.safeParse("120").error?.issues[0]?.message).toBe("must be a whole number from 1 to 99");
  });
});

describe("what a cart line may hold", () => {
  const kettle = { name: "Enamel kettle", stock: 12 };

  test("up to the stock", () => {
    expect(refuseLineQuantity(kettle, 12)).toBeNull();
    expect(refuseLineQuantity(kettle, 13)).toBe("Only 12 of Enamel kettle are left.");
    expect(refuseLineQuantity({ name: "Dala horse", stock: 1 }, 2)).toBe("Only 1 of Dala horse is left.");
  });

  test("an add says how many more fit, counting what the cart holds", () => {
    expect(refuseLineQuantity(kettle, 15, 10)).toBe(
      "Only 12 of Enamel kettle are left and your cart already holds 10: you can add 2 more.",
    );
    expect(refuseLineQuantity(kettle, 13, 12)).toBe("Only 12 of Enamel kettle are left and your cart already holds 12.");
  });

  test("nothing of a sold-out product", () => {
    expect(refuseLineQuantity({ name: "Enamel kettle", stock: 0 }, 1)).toBe("Enamel kettle is sold out.");
  });

  test("never more than 99, however much is in stock", () => {
    expect(refuseLineQuantity({ name: "Jam", stock: 500 }, 99)).toBeNull();
    expect(refuseLineQuantity({ name: "Jam", stock: 500 }, 100, 60)).toBe(
      "A cart can hold at most 99 of Jam, and yours already holds 60.",
    );
  });
});
