import { createHash, randomUUID } from "node:crypto";

import { describe, expect, test, vi } from "vitest";

import type { AdminActor } from "@/lib/admin/actor";
import {
  adjustStock,
  createProduct,
  describeChange,
  loadCatalogProduct,
  parsePrice,
  priceInputValue,
  retireProduct,
  setStock,
  updateProduct,
  type CatalogFormOutcome,
  type ProductFormInput,
} from "@/lib/admin/catalog";
import { MAX_PICTURE_BYTES } from "@/lib/admin/product-images";
import { createAdminSession } from "@/lib/admin/sessions";
import { addToCart, readCart } from "@/lib/cart/cart";
import { newCartId } from "@/lib/cart/cart-id";
import { findProductBySku, listProducts } from "@/lib/catalog/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { createOrder } from "@/lib/orders/create-order";
import { reserveStock } from "@/lib/orders/stock-reservation";

import { GET as servePicture } from "@/app/product-images/[id]/route";

import { blankPng, noisePng, solidPng } from "../support/test-pictures";
import { fakeRequest, formData } from "./support/admin-request";

// The merchant's catalog (lib/admin/catalog.ts) on a real database: SKUs unique and never reused, retire instead of
// delete, every change audited with the person who made it, stock changes that never lose an order's or another
// person's change, pictures judged by their bytes and served with the right headers.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

const ASTRID: { actor: AdminActor } = { actor: { accountId: "acct-astrid", name: "Astrid Andersson", email: "astrid@fjallbo.example", role: "OWNER" } };
const BERTIL: { actor: AdminActor } = { actor: { accountId: "acct-bertil", name: "Bertil Berg", email: "bertil@fjallbo.example", role: "STAFF" } };

const PICTURE = solidPng(40, 30);

/** "149,00 kr", as the shop writes it (with its no-break spaces). */
const kr = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });

function pictureFile(bytes: Uint8Array<ArrayBuffer>, name = "lamp.png", type = "image/png"): File {
  return new File([bytes], name, { type });
}

let skuCounter = 0;
/** A SKU no other test uses. */
function newSku(prefix = "LAMP"): string {
  skuCounter += 1;
  return `${prefix}-${skuCounter}-${randomUUID().slice(0, 6).toUpperCase()}`;
}

function productForm(overrides: Partial<ProductFormInput> = {}): ProductFormInput {
  return {
    sku: newSku(),
    name: "Reading lamp, brass",
    description: "A small brass lamp for the bedside table.",
    price: "149,00",
    taxRate: "25",
    stock: "12",
    active: "on",
    picture: pictureFile(PICTURE),
    ...overrides,
  };
}

function expectSaved(outcome: CatalogFormOutcome): Extract<CatalogFormOutcome, { saved: true }> {
  if (!outcome.saved) throw new Error(`expected the form to be saved, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function expectRefused(outcome: CatalogFormOutcome): Extract<CatalogFormOutcome, { saved: false }> {
  if (outcome.saved) throw new Error(`expected the form to be refused, got ${JSON.stringify(outcome)}`);
  return outcome;
}

async function newProduct(overrides: Partial<ProductFormInput> = {}, admin = ASTRID) {
  const saved = expectSaved(await createProduct(productForm(overrides), admin));
  return db.product.findUniqueOrThrow({ where: { sku: saved.sku } });
}

async function changesOf(productId: string) {
  return db.catalogChange.findMany({ where: { productId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

async function stockOf(productId: string): Promise<number> {
  return (await db.product.findUniqueOrThrow({ where: { id: productId } })).stock;
}

/** An order of one unit, its stock not yet taken (as after checkout, before Pay sends the invoice). */
async function placedOrder(productId: string) {
  return createOrder({ lines: [{ productId, quantity: 1 }], source: "CART", trigger: "checkout" });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

/** The fields the edit form sends for a product as loaded (hidden id and version included). */
async function editForm(sku: string, overrides: Partial<ProductFormInput> = {}): Promise<ProductFormInput> {
  const loaded = await loadCatalogProduct(sku);
  if (!loaded) throw new Error(`no product ${sku}`);
  const { product, version } = loaded;
  return {
    productId: product.id,
    version,
    name: product.name,
    description: product.description,
    price: priceInputValue(product.priceMinor),
    taxRate: String(product.taxRateBps / 100),
    active: product.active ? "on" : undefined,
    picture: new File([], "", { type: "application/octet-stream" }), // the empty file input a browser sends
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------------

describe("adding a product", () => {
  test("stores it in öre with its VAT, stock and picture, on sale, and records who added it", async () => {
    const sku = newSku();
    const saved = expectSaved(await createProduct(productForm({ sku: sku.toLowerCase(), price: "1 299,50 kr", taxRate: "12" }), ASTRID));

    expect(saved.sku).toBe(sku); // typed in lower case, stored as the SKU rule has it
    const product = await db.product.findUniqueOrThrow({ where: { sku } });
    expect(product).toMatchObject({ priceMinor: 129950, currency: "SEK", taxRateBps: 1200, stock: 12, active: true, retiredAt: null });
    expect(product.imagePath).toMatch(/^\/product-images\/[a-z0-9]+$/);
    const changes = await changesOf(product.id);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "CREATED", actorAccountId: "acct-astrid", actorName: "Astrid Andersson", before: null });
    expect(changes[0]?.after).toMatchObject({ sku, priceMinor: 129950, taxRateBps: 1200, stock: 12, active: true });
  });

  test("each wrong field gets its own message, and nothing is stored", async () => {
    const before = { products: await db.product.count(), images: await db.productImage.count(), changes: await db.catalogChange.count() };
    const outcome = expectRefused(
      await createProduct(
        productForm({ sku: "mug blue!", name: " ", description: "", price: "12,345", taxRate: "20", stock: "-1", picture: undefined }),
        ASTRID,
      ),
    );
    expect(outcome.fieldErrors).toEqual({
      sku: expect.stringMatching(/capital letters, digits and hyphens/),
      name: "Enter the product's name.",
      description: expect.stringMatching(/^Describe the product/),
      price: "A price has at most 2 decimals (öre), such as 149,50.",
      taxRate: "Choose the VAT rate: 25, 12 or 6 %.",
      stock: "Enter the stock as a whole number, 0 or more.",
      picture: expect.stringMatching(/^Choose a picture/),
    });
    expect({ products: await db.product.count(), images: await db.productImage.count(), changes: await db.catalogChange.count() }).toEqual(before);
  });

  test("a product can be added off sale: the shop does not show it", async () => {
    const product = await newProduct({ active: undefined });
    expect(product.active).toBe(false);
    expect(await findProductBySku(product.sku)).toBeNull();
  });
});

describe("SKUs are unique and never reused", () => {
  test("a second product with a SKU in use is refused with a message next to the SKU", async () => {
    const first = await newProduct({ name: "Brass lamp" });
    const outcome = expectRefused(await createProduct(productForm({ sku: first.sku, name: "Another lamp" }), ASTRID));
    expect(outcome.fieldErrors).toEqual({ sku: `${first.sku} is already the SKU of “Brass lamp”. Choose another one.` });
    expect(await db.product.count({ where: { sku: first.sku } })).toBe(1);
    expect(await db.product.count({ where: { name: "Another lamp" } })).toBe(0);
  });

  test("a retired product's SKU is refused too: the constraint holds it, the message says why", async () => {
    const retired = await newProduct({ name: "Old lamp" });
    await retireProduct(retired.id, ASTRID);
    const images = await db.productImage.count();

    const outcome = expectRefused(await createProduct(productForm({ sku: retired.sku.toLowerCase() }), ASTRID));

    expect(outcome.fieldErrors.sku).toBe(`${retired.sku} belonged to “Old lamp”, which is retired. A SKU is never used again: choose another one.`);
    expect(await db.product.findMany({ where: { sku: retired.sku }, select: { id: true } })).toEqual([{ id: retired.id }]);
    // The picture stored in the refused transaction went with it.
    expect(await db.productImage.count()).toBe(images);
  });

  test("two people adding the same SKU at the same moment: one product, one refusal", async () => {
    const sku = newSku("RACE");
    const outcomes = await Promise.all([
      createProduct(productForm({ sku, name: "Astrid's lamp" }), ASTRID),
      createProduct(productForm({ sku, name: "Bertil's lamp" }), BERTIL),
    ]);
    expect(outcomes.filter((outcome) => outcome.saved)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.saved)).toEqual([
      { saved: false, message: expect.any(String), fieldErrors: { sku: expect.stringMatching(/is already the SKU of/) } },
    ]);
    expect(await db.product.count({ where: { sku } })).toBe(1);
    expect(await db.catalogChange.count({ where: { product: { sku } } })).toBe(1);
  });
});

describe("editing a product", () => {
  test("records only the fields that changed, before and after, with the person", async () => {
    const product = await newProduct({ name: "Desk lamp", price: "149" });

    const saved = expectSaved(await updateProduct(await editForm(product.sku, { price: "159,00", taxRate: "6", active: undefined }), BERTIL));

    expect(saved.message).toBe("Saved. It is no longer shown in the shop.");
    expect(await db.product.findUniqueOrThrow({ where: { id: product.id } })).toMatchObject({
      name: "Desk lamp",
      priceMinor: 15900,
      taxRateBps: 600,
      active: false,
    });
    const update = (await changesOf(product.id)).at(-1);
    expect(update).toMatchObject({
      kind: "UPDATED",
      actorAccountId: "acct-bertil",
      actorName: "Bertil Berg",
      before: { priceMinor: 14900, taxRateBps: 2500, active: true },
      after: { priceMinor: 15900, taxRateBps: 600, active: false },
    });
    if (!update) throw new Error("no change recorded");
    expect(describeChange(update, "SEK").text).toBe(
      `Bertil Berg changed the price from ${kr(14900)} to ${kr(15900)}, changed the VAT from 25 % to 6 % and took it off sale.`,
    );
  });

  test("a form opened before someone else's change is refused: nothing of theirs is undone", async () => {
    const product = await newProduct({ name: "Floor lamp" });
    const astridsForm = await editForm(product.sku);
    expectSaved(await updateProduct(await editForm(product.sku, { name: "Floor lamp, tall" }), BERTIL));
    const changes = (await changesOf(product.id)).length;

    const outcome = expectRefused(await updateProduct({ ...astridsForm, price: "99" }, ASTRID));

    expect(outcome.message).toMatch(/^Someone changed this product after you opened it\. Nothing was saved/);
    expect(await db.product.findUniqueOrThrow({ where: { id: product.id } })).toMatchObject({ name: "Floor lamp, tall", priceMinor: 14900 });
    expect(await changesOf(product.id)).toHaveLength(changes);
  });

  test("a new picture replaces the old one and is recorded; an unchanged form records nothing", async () => {
    const product = await newProduct();
    const before = (await changesOf(product.id)).length;
    expectSaved(await updateProduct(await editForm(product.sku), ASTRID));
    expect(await changesOf(product.id)).toHaveLength(before);

    expectSaved(await updateProduct(await editForm(product.sku, { picture: pictureFile(solidPng(20, 20, [200, 40, 40]), "red.webp", "image/webp") }), ASTRID));

    const after = await db.product.findUniqueOrThrow({ where: { id: product.id } });
    expect(after.imagePath).not.toBe(product.imagePath);
    const picture = await db.productImage.findUniqueOrThrow({ where: { id: after.imagePath.split("/").at(-1) } });
    expect(picture.contentType).toBe("image/png"); // what the bytes are, not what the browser said
    expect((await changesOf(product.id)).at(-1)).toMatchObject({
      kind: "PICTURE",
      actorName: "Astrid Andersson",
      before: { imagePath: product.imagePath },
      after: { imagePath: after.imagePath },
    });
  });
});

describe("pictures are judged by their bytes", () => {
  test("a PNG is accepted and served from /product-images/<id> with its type, nosniff, a year's cache and its SHA-256 as ETag", async () => {
    const product = await newProduct();
    const id = product.imagePath.replace("/product-images/", "");
    const url = `http://shop.test${product.imagePath}`;

    const response = await servePicture(new Request(url), { params: Promise.resolve({ id }) });

    expect(response.status).toBe(200);
    const etag = `"${createHash("sha256").update(PICTURE).digest("hex")}"`;
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "image/png",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=31536000, immutable",
      etag,
      "content-length": String(PICTURE.byteLength),
    });
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PICTURE);

    const again = await servePicture(new Request(url, { headers: { "if-none-match": etag } }), { params: Promise.resolve({ id }) });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  test.each(["cmnosuchpicture0000000000", "../../etc/passwd", "x"])("an unknown or malformed id %j is 404", async (id) => {
    const response = await servePicture(new Request("http://shop.test/product-images/x"), { params: Promise.resolve({ id }) });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  const refusals: [string, () => File, RegExp][] = [
    ["a text file named .png, sent as image/png", () => new File(["<html><script>alert(1)</script></html>"], "lamp.png", { type: "image/png" }), /^This file is not a PNG, JPEG or WebP picture/],
    ["an SVG (it can carry scripts)", () => new File(['<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'], "lamp.svg", { type: "image/svg+xml" }), /^This file is not a PNG, JPEG or WebP picture/],
    ["a PNG cut short after its signature", () => pictureFile(PICTURE.slice(0, 12)), /^This file is not a PNG, JPEG or WebP picture/],
    ["a PNG over 2 MiB", () => pictureFile(noisePng(MAX_PICTURE_BYTES + 10_000)), /^The picture is larger than 2 MB\./],
    ["a PNG of 5000 × 5000 pixels (a few kilobytes)", () => pictureFile(blankPng(5000, 5000)), /^The picture is 5000 × 5000 pixels; at most 4000 × 4000 is accepted\./],
    ["a PNG 4001 pixels wide", () => pictureFile(blankPng(4001, 10)), /^The picture is 4001 × 10 pixels/],
  ];

  test.each(refusals)("%s is refused with a message next to the picture; nothing is stored", async (_what, file, message) => {
    const picture = file();
    if (picture.name.endsWith(".png") && picture.size > MAX_PICTURE_BYTES) expect(picture.size).toBeGreaterThan(2 * 1024 * 1024);
    const before = { products: await db.product.count(), images: await db.productImage.count() };

    const outcome = expectRefused(await createProduct(productForm({ picture }), ASTRID));

    expect(outcome.fieldErrors).toEqual({ picture: expect.stringMatching(message) });
    expect({ products: await db.product.count(), images: await db.productImage.count() }).toEqual(before);
  });

  test("a picture of exactly 4000 × 4000 pixels is accepted", async () => {
    const product = await newProduct({ picture: pictureFile(blankPng(4000, 4000)) });
    expect(product.imagePath).toMatch(/^\/product-images\//);
  });
});

describe("stock", () => {
  test("an adjustment needs a reason, and is recorded with it", async () => {
    const product = await newProduct({ stock: "10" });

    const refused = expectRefused(await adjustStock({ productId: product.id, change: "5", reason: "  " }, ASTRID));
    expect(refused.fieldErrors).toEqual({ reason: expect.stringMatching(/^Say why the stock changes/) });
    expect(await stockOf(product.id)).toBe(10);

    expect(expectSaved(await adjustStock({ productId: product.id, change: "+5", reason: "Delivery from the supplier" }, BERTIL)).message).toBe(
      "Added 5: the stock is now 15.",
    );
    expect(expectSaved(await adjustStock({ productId: product.id, change: "-2", reason: "Two broken in the shop" }, ASTRID)).message).toBe(
      "Took away 2: the stock is now 13.",
    );

    const adjustments = (await changesOf(product.id)).filter((change) => change.kind === "STOCK_ADJUSTED");
    expect(adjustments).toMatchObject([
      { actorName: "Bertil Berg", before: { stock: 10 }, after: { stock: 15 }, reason: "Delivery from the supplier" },
      { actorName: "Astrid Andersson", before: { stock: 15 }, after: { stock: 13 }, reason: "Two broken in the shop" },
    ]);
    expect(adjustments.map((change) => describeChange(change, "SEK").text)).toEqual([
      "Bertil Berg added 5 to the stock (10 → 15).",
      "Astrid Andersson took 2 from the stock (15 → 13).",
    ]);
  });

  test("taking away more than is in stock is refused: the stock never goes below zero", async () => {
    const product = await newProduct({ stock: "2" });
    const outcome = expectRefused(await adjustStock({ productId: product.id, change: "-3", reason: "Lost" }, ASTRID));
    expect(outcome.fieldErrors).toEqual({ change: "Only 2 in stock: you cannot take away 3. The stock never goes below 0." });
    expect(await stockOf(product.id)).toBe(2);
    expect((await changesOf(product.id)).map((change) => change.kind)).toEqual(["CREATED"]);
  });

  test.each([["0"], ["1.5"], ["ten"], [""]])("a change of %j is refused", async (change) => {
    const product = await newProduct({ stock: "4" });
    const outcome = expectRefused(await adjustStock({ productId: product.id, change, reason: "Count" }, ASTRID));
    expect(outcome.fieldErrors.change).toMatch(/^Enter how many to add/);
    expect(await stockOf(product.id)).toBe(4);
  });

  test("adjustments and orders taking stock at the same moment: none is lost, every adjustment recorded", async () => {
    const product = await newProduct({ stock: "100" });
    const orders = await Promise.all(Array.from({ length: 12 }, () => placedOrder(product.id)));

    const outcomes = await Promise.all([
      ...orders.map((order) => db.$transaction((tx) => reserveStock(tx, order.id))),
      ...Array.from({ length: 12 }, (_, n) => adjustStock({ productId: product.id, change: "+2", reason: `Delivery ${n}` }, BERTIL)),
      ...Array.from({ length: 8 }, (_, n) => adjustStock({ productId: product.id, change: "-1", reason: `Broken ${n}` }, ASTRID)),
    ]);

    expect(outcomes.filter((outcome) => "reserved" in outcome && outcome.reserved)).toHaveLength(12);
    expect(outcomes.filter((outcome) => "saved" in outcome && outcome.saved)).toHaveLength(20);
    expect(await stockOf(product.id)).toBe(100 - 12 + 24 - 8);
    const adjustments = (await changesOf(product.id)).filter((change) => change.kind === "STOCK_ADJUSTED");
    expect(adjustments).toHaveLength(20);
    // Each row's before and after are its own step: +2 or -1, never a step that swallowed another's.
    for (const change of adjustments) {
      const step = (change.after as { stock: number }).stock - (change.before as { stock: number }).stock;
      expect([2, -1]).toContain(step);
    }
  });

  test("many people taking away the last units at once: exactly as many succeed as there were units", async () => {
    const product = await newProduct({ stock: "5" });
    const outcomes = await Promise.all(
      Array.from({ length: 9 }, (_, n) => adjustStock({ productId: product.id, change: "-1", reason: `Sold at the market ${n}` }, ASTRID)),
    );
    expect(outcomes.filter((outcome) => outcome.saved)).toHaveLength(5);
    expect(await stockOf(product.id)).toBe(0);
  });

  test("setting a number is recorded; refused when the stock changed since the form showed it", async () => {
    const product = await newProduct({ stock: "10" });
    expect(expectSaved(await setStock({ productId: product.id, shownStock: "10", stock: "20", reason: "Counted the shelf" }, ASTRID)).message).toBe(
      "The stock is now 20.",
    );
    expect((await changesOf(product.id)).at(-1)).toMatchObject({
      kind: "STOCK_SET",
      actorName: "Astrid Andersson",
      before: { stock: 10 },
      after: { stock: 20 },
      reason: "Counted the shelf",
    });

    // An order takes one while the merchant's form still shows 20.
    const order = await placedOrder(product.id);
    await db.$transaction((tx) => reserveStock(tx, order.id));
    const changes = (await changesOf(product.id)).length;

    const outcome = expectRefused(await setStock({ productId: product.id, shownStock: "20", stock: "25", reason: "" }, ASTRID));

    expect(outcome.fieldErrors).toEqual({ stock: "Stock changed meanwhile (now 19): check and try again." });
    expect(await stockOf(product.id)).toBe(19);
    expect(await changesOf(product.id)).toHaveLength(changes);
  });

  test("two people setting the stock from the same form: the second is refused", async () => {
    const product = await newProduct({ stock: "7" });
    const outcomes = await Promise.all([
      setStock({ productId: product.id, shownStock: "7", stock: "9" }, ASTRID),
      setStock({ productId: product.id, shownStock: "7", stock: "3" }, BERTIL),
    ]);
    expect(outcomes.filter((outcome) => outcome.saved)).toHaveLength(1);
    expect([9, 3]).toContain(await stockOf(product.id));
    expect((await changesOf(product.id)).filter((change) => change.kind === "STOCK_SET")).toHaveLength(1);
  });
});

describe("retiring, never deleting", () => {
  test("a product with orders keeps its row and its orders; the shop, carts and new orders no longer have it", async () => {
    const product = await newProduct({ stock: "6" });
    const cartId = newCartId();
    await addToCart(cartId, product.sku, 1);
    const order = await placedOrder(product.id);

    expect(await retireProduct(product.id, BERTIL)).toEqual({
      message: `${product.name} is retired: it has left the shop for good, and shoppers can no longer order it.`,
    });

    const retired = await db.product.findUniqueOrThrow({ where: { id: product.id } });
    expect(retired).toMatchObject({ sku: product.sku, active: false, stock: 6 });
    expect(retired.retiredAt).toBeInstanceOf(Date);
    expect(await db.orderItem.findMany({ where: { orderId: order.id }, select: { productId: true } })).toEqual([{ productId: product.id }]);
    expect((await changesOf(product.id)).at(-1)).toMatchObject({ kind: "RETIRED", actorName: "Bertil Berg", before: { active: true, retiredAt: null } });

    expect(await findProductBySku(product.sku)).toBeNull();
    expect((await listProducts()).some((listed) => listed.id === product.id)).toBe(false);
    expect((await readCart(cartId)).lines).toMatchObject([{ sku: product.sku, active: false, problem: "No longer sold. Please remove it from your cart." }]);
    expect((await readCart(cartId)).totals).toBeNull();
    expect((await refusal(addToCart(newCartId(), product.sku, 1))).code).toBe("PRODUCT_NOT_FOUND");
    expect((await refusal(placedOrder(product.id))).message).toBe("A product in your order is no longer sold. Please review your cart.");
  });

  test("a retired product cannot be changed, put back on sale or retired twice; nothing is recorded", async () => {
    const product = await newProduct({ stock: "3" });
    await retireProduct(product.id, ASTRID);
    const changes = (await changesOf(product.id)).length;
    const edit = await editForm(product.sku, { active: "on" });

    expect(expectRefused(await updateProduct(edit, ASTRID)).message).toBe("This product is retired: it is no longer sold and cannot be changed.");
    expect(expectRefused(await adjustStock({ productId: product.id, change: "4", reason: "Found more" }, ASTRID)).message).toMatch(/retired/);
    expect(expectRefused(await setStock({ productId: product.id, shownStock: "3", stock: "8" }, ASTRID)).message).toMatch(/retired/);
    expect(await retireProduct(product.id, ASTRID)).toEqual({ message: `${product.name} is already retired. Nothing changed.` });

    expect(await db.product.findUniqueOrThrow({ where: { id: product.id } })).toMatchObject({ active: false, stock: 3 });
    expect(await changesOf(product.id)).toHaveLength(changes);
  });

  test("two presses of Retire at once retire it once", async () => {
    const product = await newProduct();
    await Promise.all([retireProduct(product.id, ASTRID), retireProduct(product.id, BERTIL)]);
    expect((await changesOf(product.id)).filter((change) => change.kind === "RETIRED")).toHaveLength(1);
  });

  test("an unknown product is a plain refusal", async () => {
    expect((await refusal(retireProduct("cmnosuchproduct000000000", ASTRID))).message).toMatch(/^There is no such product/);
    expect((await refusal(updateProduct(productForm({ productId: "cmnosuchproduct000000000", version: "x" }), ASTRID))).status).toBe(404);
    await expect(adjustStock({ productId: "cmnosuchproduct000000000", change: "1", reason: "x" }, ASTRID)).rejects.toThrow(/no such product/);
  });
});

describe("the history", () => {
  test("lists every change newest first, in words, naming the person", async () => {
    const product = await newProduct({ name: "Wall lamp", price: "149", stock: "4" });
    expectSaved(await updateProduct(await editForm(product.sku, { name: "Wall lamp, brass" }), BERTIL));
    expectSaved(await adjustStock({ productId: product.id, change: "6", reason: "Delivery" }, BERTIL));
    await retireProduct(product.id, ASTRID);

    const loaded = await loadCatalogProduct(product.sku);
    expect(loaded?.history.map(({ who, text, reason }) => ({ who, text, reason }))).toEqual([
      { who: "Astrid Andersson", text: "Astrid Andersson retired the product: it is no longer sold.", reason: null },
      { who: "Bertil Berg", text: "Bertil Berg added 6 to the stock (4 → 10).", reason: "Delivery" },
      { who: "Bertil Berg", text: "Bertil Berg renamed it from “Wall lamp” to “Wall lamp, brass”.", reason: null },
      { who: "Astrid Andersson", text: `Astrid Andersson added the product: ${kr(14900)}, VAT 25 %, 4 in stock, on sale.`, reason: null },
    ]);
  });

  test("a Server Action records the signed-in person from their session", async () => {
    const product = await newProduct({ stock: "1" });
    const account = await db.adminAccount.create({
      data: { email: `cecilia-${randomUUID()}@fjallbo.example`, name: "Cecilia Staff", role: "STAFF", passwordHash: "not used", passwordFromSetting: false },
    });
    const session = await createAdminSession({ address: "203.0.113.9", userAgent: "catalog test", accountId: account.id });
    fakeRequest({ host: "shop.test", session });
    const { adjustStockAction } = await import("@/app/(admin)/admin/(console)/products/actions");

    const result = await adjustStockAction(null, formData({ productId: product.id, change: "3", reason: "Returned by a customer" }));

    expect(result).toEqual({ ok: true, data: { saved: true, sku: product.sku, message: "Added 3: the stock is now 4." } });
    expect((await changesOf(product.id)).at(-1)).toMatchObject({
      kind: "STOCK_ADJUSTED",
      actorAccountId: account.id,
      actorName: "Cecilia Staff",
      reason: "Returned by a customer",
    });
  });
});

describe("prices as merchants type them", () => {
  test.each([
    ["149", 14900],
    ["149,00", 14900],
    ["149,5", 14950],
    ["149.50", 14950],
    ["1 299,00", 129900],
    ["1\u00a0299,00 kr", 129900],
    ["89 SEK", 8900],
  ])("%j is %i öre", (text, minor) => {
    expect(parsePrice(text)).toEqual({ ok: true, priceMinor: minor });
  });

  test.each([
    ["", "Enter the price, such as 149,00."],
    ["0", "The price must be more than 0 kr."],
    ["-5", "Enter the price in kronor, such as 149,00 or 149."],
    ["12,345", "A price has at most 2 decimals (öre), such as 149,50."],
    ["1e3", "Enter the price in kronor, such as 149,00 or 149."],
    ["2000000", `The price can be at most ${kr(100_000_000)}.`],
  ])("%j is refused: %s", (text, error) => {
    expect(parsePrice(text)).toEqual({ ok: false, error });
  });

  test("the edit form shows öre as kronor with a comma", () => {
    expect(priceInputValue(14900)).toBe("149,00");
    expect(priceInputValue(5)).toBe("0,05");
  });
});
