import { createHash } from "node:crypto";

import { z } from "zod";

import { SHOP_CURRENCY, skuSchema } from "../catalog/product-schema.ts";
import { db } from "../db.ts";
import { lockRows } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { formatMoney, minorUnitDigits } from "../money.ts";
import { fromSeqrAmount, toSeqrAmount } from "../seqr/amounts.ts";
import { actorFields, type AdminActor } from "./actor.ts";
import { checkPictureFile, storePicture, type CheckedPicture } from "./product-images.ts";

// The merchant's catalog: add, edit and retire products, set or adjust their stock. Every change is one
// transaction that writes the product and its CatalogChange row together (who, when, before and after), so the
// history on the product's admin page is never missing a change nor showing one that did not happen.
//
// Rules that live in the database, not in a read before a write:
// - A SKU is unique (Product.sku's unique constraint) and never reused: a retired product keeps its row and SKU,
//   and nothing deletes products, so the constraint refuses a new product with a retired one's SKU.
// - Stock is also taken by orders at the same moment (lib/orders/stock-reservation.ts). An adjustment is an
//   increment in the UPDATE itself, and a decrease is conditional on the stock it needs; setting a number is
//   conditional on the number the merchant's form showed. Neither ever overwrites a change it did not see.
// - Editing the other fields compares a fingerprint of what the form showed with the row, under the row's lock:
//   two people editing the same product cannot silently undo each other's change.

type Actor = { actor: AdminActor };

/** VAT rates a Swedish shop charges, in basis points (Product.taxRateBps): 25 % most goods, 12 % food, 6 % books. */
export const VAT_RATES_BPS = [2500, 1200, 600] as const;
export const MAX_STOCK = 1_000_000;
/** 1 000 000 kr: a sanity ceiling, far above anything the shop sells. */
const MAX_PRICE_MINOR = 100_000_000;

export type CatalogField = "sku" | "name" | "description" | "price" | "taxRate" | "stock" | "picture" | "change" | "reason" | "form";
export type FieldErrors = Partial<Record<CatalogField, string>>;

/** What a catalog form gets back: saved (with what to say), or the messages to show next to the fields. */
export type CatalogFormOutcome =
  | { saved: true; message: string; sku: string }
  | { saved: false; message: string; fieldErrors: FieldErrors };

const CHECK_FIELDS = "Nothing was saved. Check the fields marked below.";

function refused(fieldErrors: FieldErrors, message = CHECK_FIELDS): CatalogFormOutcome {
  return { saved: false, message, fieldErrors };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the forms

/**
 * The shape of a catalog form as the browser sends it (adminAction's schema): text fields, and the picture as a
 * file. What each value must be is checked next (parseProductFields), so that every field gets its own message.
 */
const formText = z.string().max(10_000, "is too long").optional();
const formFile = z
  .custom<Blob>((value) => typeof value === "object" && value !== null && "arrayBuffer" in value && "size" in value, "must be a file")
  .optional();

export const productFormInput = z.object({
  sku: formText,
  name: formText,
  description: formText,
  price: formText,
  taxRate: formText,
  stock: formText,
  active: formText,
  picture: formFile,
  productId: formText,
  version: formText,
});
export type ProductFormInput = z.output<typeof productFormInput>;

export const setStockInput = z.object({ productId: formText, shownStock: formText, stock: formText, reason: formText });
export type SetStockInput = z.output<typeof setStockInput>;

export const adjustStockInput = z.object({ productId: formText, change: formText, reason: formText });
export type AdjustStockInput = z.output<typeof adjustStockInput>;

export const retireInput = z.object({ productId: z.string().min(1, "is missing: reload the page").max(40, "is not a product") });

/** "149,00", "149", "1 299,50 kr" → öre. More decimals than the currency has, or anything but a number, refused. */
export function parsePrice(text: string, currency = SHOP_CURRENCY): { ok: true; priceMinor: number } | { ok: false; error: string } {
  const cleaned = text
    .trim()
    .replace(/\s*(kr|sek)\.?$/i, "")
    .replace(/[\s\u00a0]/g, "")
    .replace(",", ".");
  if (cleaned === "") return { ok: false, error: "Enter the price, such as 149,00." };
  if (!/^\d{1,9}(\.\d+)?$/.test(cleaned)) return { ok: false, error: "Enter the price in kronor, such as 149,00 or 149." };
  const digits = minorUnitDigits(currency);
  if ((cleaned.split(".")[1] ?? "").replace(/0+$/, "").length > digits) {
    return { ok: false, error: `A price has at most ${digits} decimals (öre), such as 149,50.` };
  }
  const priceMinor = fromSeqrAmount(cleaned, currency);
  if (priceMinor <= 0) return { ok: false, error: "The price must be more than 0 kr." };
  if (priceMinor > MAX_PRICE_MINOR) return { ok: false, error: `The price can be at most ${formatMoney({ amountMinor: MAX_PRICE_MINOR, currency })}.` };
  return { ok: true, priceMinor };
}

/** 14900 → "149,00": the price as the form shows it, without the currency (the label says kr). */
export function priceInputValue(priceMinor: number, currency = SHOP_CURRENCY): string {
  return toSeqrAmount(priceMinor, currency).replace(".", ",");
}

const skuField = z
  .string()
  .trim()
  .toUpperCase()
  .min(1, "Enter the SKU (article number), such as MUG-BLUE-35.")
  .max(40, "A SKU has at most 40 characters.")
  .refine((sku) => skuSchema.safeParse(sku).success, "Use capital letters, digits and hyphens only, starting with a letter or digit (such as MUG-BLUE-35).");

const nameField = z.string().trim().min(1, "Enter the product's name.").max(120, "A name has at most 120 characters.");
const descriptionField = z
  .string()
  .trim()
  .min(1, "Describe the product in a sentence or two.")
  .max(2000, "A description has at most 2000 characters.");
const taxRateField = z
  .enum(["25", "12", "6"], "Choose the VAT rate: 25, 12 or 6 %.")
  .transform((percent) => Number(percent) * 100);
const wholeNumber = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,7}$/, `Enter ${what} as a whole number, 0 or more.`)
    .transform(Number)
    .refine((value) => value <= MAX_STOCK, `At most ${MAX_STOCK.toLocaleString("sv-SE")}.`);

type ProductFields = { name: string; description: string; priceMinor: number; taxRateBps: number; active: boolean };

function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = (issue.path[0] ?? "form") as CatalogField;
    errors[field] ??= issue.message;
  }
  return errors;
}

/** The fields both forms have, each checked on its own so that every wrong one gets its message. */
function parseProductFields(input: ProductFormInput, errors: FieldErrors): ProductFields | null {
  const parsed = z
    .object({ name: nameField, description: descriptionField, taxRate: taxRateField })
    .safeParse({ name: input.name ?? "", description: input.description ?? "", taxRate: input.taxRate ?? "" });
  if (!parsed.success) Object.assign(errors, fieldErrorsOf(parsed.error));
  const price = parsePrice(input.price ?? "");
  if (!price.ok) errors.price = price.error;
  if (!parsed.success || !price.ok) return null;
  return {
    name: parsed.data.name,
    description: parsed.data.description,
    priceMinor: price.priceMinor,
    taxRateBps: parsed.data.taxRate,
    active: input.active === "on",
  };
}

/** A file input left empty still sends a nameless, empty file: that is "no new picture". */
function chosenPicture(picture: Blob | undefined): Blob | null {
  if (!picture) return null;
  if (picture.size === 0 && (!("name" in picture) || picture.name === "")) return null;
  return picture;
}

async function checkedPicture(picture: Blob | null, errors: FieldErrors): Promise<CheckedPicture | null> {
  if (!picture) return null;
  const checked = await checkPictureFile(picture);
  if (!checked.ok) {
    errors.picture = checked.error;
    return null;
  }
  return checked.picture;
}

// ---------------------------------------------------------------------------------------------------------------
// The audit

/** The product's fields a change records, as the CatalogChange's before and after hold them. */
type Recorded = Partial<{
  sku: string;
  name: string;
  description: string;
  priceMinor: number;
  currency: string;
  taxRateBps: number;
  stock: number;
  active: boolean;
  imagePath: string;
  retiredAt: string | null;
}>;

export type CatalogChangeKind = "CREATED" | "UPDATED" | "STOCK_SET" | "STOCK_ADJUSTED" | "RETIRED" | "PICTURE";

async function recordChange(
  tx: Prisma.TransactionClient,
  productId: string,
  kind: CatalogChangeKind,
  admin: Actor,
  change: { before?: Recorded; after?: Recorded; reason?: string | null },
): Promise<void> {
  await tx.catalogChange.create({
    data: {
      productId,
      kind,
      ...actorFields(admin.actor),
      before: change.before ? (change.before as Prisma.InputJsonObject) : Prisma.DbNull,
      after: change.after ? (change.after as Prisma.InputJsonObject) : Prisma.DbNull,
      reason: change.reason ?? null,
    },
  });
}

/** The fields an edit changed, before and after; empty when the form changed nothing. */
function differences(current: ProductFields & { imagePath: string }, wanted: ProductFields & { imagePath: string }) {
  const before: Recorded = {};
  const after: Recorded = {};
  for (const key of ["name", "description", "priceMinor", "taxRateBps", "active"] as const) {
    if (current[key] !== wanted[key]) {
      Object.assign(before, { [key]: current[key] });
      Object.assign(after, { [key]: wanted[key] });
    }
  }
  return { before, after, changed: Object.keys(after).length > 0 };
}

/**
 * A fingerprint of the fields the edit form shows (stock has its own forms): sent with the form, compared under
 * the row's lock when it is saved. Anyone's edit in between changes it.
 */
export function editVersion(product: ProductFields & { imagePath: string; retiredAt: Date | null }): string {
  const shown = [product.name, product.description, product.priceMinor, product.taxRateBps, product.active, product.imagePath, product.retiredAt?.toISOString() ?? null];
  return createHash("sha256").update(JSON.stringify(shown)).digest("hex").slice(0, 32);
}

// ---------------------------------------------------------------------------------------------------------------
// Changes

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

async function skuTakenMessage(sku: string): Promise<string> {
  const holder = await db.product.findUnique({ where: { sku }, select: { name: true, retiredAt: true } });
  if (holder?.retiredAt) {
    return `${sku} belonged to “${holder.name}”, which is retired. A SKU is never used again: choose another one.`;
  }
  return `${sku} is already the SKU of “${holder?.name ?? "another product"}”. Choose another one.`;
}

/** Adds a product, with its picture, starting stock and whether it is on sale. */
export async function createProduct(input: ProductFormInput, admin: Actor): Promise<CatalogFormOutcome> {
  const errors: FieldErrors = {};
  const sku = skuField.safeParse(input.sku ?? "");
  if (!sku.success) errors.sku = sku.error.issues[0]?.message;
  const stock = wholeNumber("the stock").safeParse(input.stock ?? "");
  if (!stock.success) errors.stock = stock.error.issues[0]?.message;
  const fields = parseProductFields(input, errors);
  const upload = chosenPicture(input.picture);
  if (!upload) errors.picture = "Choose a picture of the product (PNG, JPEG or WebP, at most 2 MB).";
  const picture = await checkedPicture(upload, errors);
  if (!sku.success || !stock.success || !fields || !picture) return refused(errors);

  try {
    await db.$transaction(async (tx) => {
      const imagePath = await storePicture(tx, picture);
      const product = await tx.product.create({
        data: { sku: sku.data, ...fields, currency: SHOP_CURRENCY, stock: stock.data, imagePath },
        select: { id: true },
      });
      await recordChange(tx, product.id, "CREATED", admin, {
        after: { sku: sku.data, ...fields, currency: SHOP_CURRENCY, stock: stock.data, imagePath },
      });
    });
  } catch (error) {
    // The unique constraint is the rule (two people adding the same SKU at once: one of them is refused here).
    if (isUniqueViolation(error)) return refused({ sku: await skuTakenMessage(sku.data) });
    throw error;
  }
  return {
    saved: true,
    sku: sku.data,
    message: `${fields.name} was added${fields.active ? " and is on sale in the shop" : "; it is not on sale yet"}.`,
  };
}

const RETIRED_UNCHANGEABLE = "This product is retired: it is no longer sold and cannot be changed.";

function productNotFound(): AppError {
  return new AppError("PRODUCT_NOT_FOUND", 404, "There is no such product. Go back to the product list and open it again.");
}

/** Saves the edit form: name, description, price, VAT, on sale, and a new picture if one was chosen. */
export async function updateProduct(input: ProductFormInput, admin: Actor): Promise<CatalogFormOutcome> {
  const productId = input.productId ?? "";
  const errors: FieldErrors = {};
  const fields = parseProductFields(input, errors);
  const picture = await checkedPicture(chosenPicture(input.picture), errors);
  if (!fields || errors.picture) return refused(errors);

  return db.$transaction(async (tx) => {
    // Lock first (lib/db-locks.ts): the comparison below and the write are then one step for everyone else.
    if ((await lockRows(tx, "Product", [productId])) === 0) throw productNotFound();
    const current = await tx.product.findUniqueOrThrow({ where: { id: productId } });
    if (current.retiredAt) return refused({}, RETIRED_UNCHANGEABLE);
    if (input.version !== editVersion(current)) {
      return refused({}, "Someone changed this product after you opened it. Nothing was saved: reload the page to see their change, then make yours again.");
    }
    const imagePath = picture ? await storePicture(tx, picture) : current.imagePath;
    const { before, after, changed } = differences(current, { ...fields, imagePath });
    if (!changed && !picture) return { saved: true, sku: current.sku, message: "Nothing was changed: the form was as saved." };

    await tx.product.update({ where: { id: productId }, data: { ...fields, imagePath } });
    if (changed) await recordChange(tx, productId, "UPDATED", admin, { before, after });
    if (picture) await recordChange(tx, productId, "PICTURE", admin, { before: { imagePath: current.imagePath }, after: { imagePath } });
    const onSale = after.active === undefined ? "" : after.active ? " It is on sale in the shop now." : " It is no longer shown in the shop.";
    return { saved: true, sku: current.sku, message: `Saved.${onSale}` };
  });
}

/** Why a stock change found nothing to update: no such product, or a retired one. Null when neither. */
async function stockRefusal(productId: string): Promise<{ stock: number } | CatalogFormOutcome> {
  const product = await db.product.findUnique({ where: { id: productId }, select: { stock: true, retiredAt: true } });
  if (!product) throw productNotFound();
  if (product.retiredAt) return refused({}, RETIRED_UNCHANGEABLE);
  return { stock: product.stock };
}

const reasonField = z
  .string()
  .trim()
  .min(1, "Say why the stock changes, such as “delivery from the supplier” or “two broken in the shop”.")
  .max(200, "A reason has at most 200 characters.");
const optionalReason = z.string().trim().max(200, "A reason has at most 200 characters.");

/**
 * Sets the stock to a number, only if it is still the number the form showed: orders take stock at any moment,
 * and a number typed after counting the shelf must not wipe out a sale made meanwhile.
 */
export async function setStock(input: SetStockInput, admin: Actor): Promise<CatalogFormOutcome> {
  const productId = input.productId ?? "";
  const errors: FieldErrors = {};
  const wanted = wholeNumber("the stock").safeParse(input.stock ?? "");
  if (!wanted.success) errors.stock = wanted.error.issues[0]?.message;
  const shown = wholeNumber("the stock").safeParse(input.shownStock ?? "");
  if (!shown.success) errors.form = "The form is out of date: reload the page.";
  const reason = optionalReason.safeParse(input.reason ?? "");
  if (!reason.success) errors.reason = reason.error.issues[0]?.message;
  if (!wanted.success || !shown.success || !reason.success) return refused(errors);

  const saved = await db.$transaction(async (tx) => {
    // The condition is in the UPDATE: PostgreSQL re-checks it on the newest row after waiting for a concurrent one.
    const updated = await tx.product.updateMany({
      where: { id: productId, retiredAt: null, stock: shown.data },
      data: { stock: wanted.data },
    });
    if (updated.count === 0) return null;
    if (wanted.data !== shown.data) {
      await recordChange(tx, productId, "STOCK_SET", admin, {
        before: { stock: shown.data },
        after: { stock: wanted.data },
        reason: reason.data || null,
      });
    }
    return tx.product.findUniqueOrThrow({ where: { id: productId }, select: { sku: true } });
  });
  if (saved) {
    const message = wanted.data === shown.data ? `The stock is ${wanted.data}, as it was.` : `The stock is now ${wanted.data}.`;
    return { saved: true, sku: saved.sku, message };
  }
  const refusal = await stockRefusal(productId);
  if ("saved" in refusal) return refusal;
  return refused({ stock: `Stock changed meanwhile (now ${refusal.stock}): check and try again.` }, "Nothing was saved.");
}

/** Adds units to the stock, or takes them away (never below zero), with the reason recorded. */
export async function adjustStock(input: AdjustStockInput, admin: Actor): Promise<CatalogFormOutcome> {
  const productId = input.productId ?? "";
  const errors: FieldErrors = {};
  const change = z
    .string()
    .trim()
    .regex(/^[+-]?\d{1,7}$/, "Enter how many to add (such as 5) or take away (such as -2).")
    .transform(Number)
    .refine((value) => value !== 0, "Enter how many to add (such as 5) or take away (such as -2); 0 changes nothing.")
    .refine((value) => Math.abs(value) <= MAX_STOCK, `At most ${MAX_STOCK.toLocaleString("sv-SE")} at a time.`)
    .safeParse(input.change ?? "");
  if (!change.success) errors.change = change.error.issues[0]?.message;
  const reason = reasonField.safeParse(input.reason ?? "");
  if (!reason.success) errors.reason = reason.error.issues[0]?.message;
  if (!change.success || !reason.success) return refused(errors);
  const delta = change.data;

  const after = await db.$transaction(async (tx) => {
    // An increment or a conditional decrement in the UPDATE itself, as orders take stock: concurrent changes add up.
    const updated = await tx.product.updateMany({
      where: delta < 0 ? { id: productId, retiredAt: null, stock: { gte: -delta } } : { id: productId, retiredAt: null },
      data: { stock: delta < 0 ? { decrement: -delta } : { increment: delta } },
    });
    if (updated.count === 0) return null;
    // Read after the write, in the same transaction: the row is this transaction's until it ends.
    const product = await tx.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true, sku: true } });
    await recordChange(tx, productId, "STOCK_ADJUSTED", admin, {
      before: { stock: product.stock - delta },
      after: { stock: product.stock },
      reason: reason.data,
    });
    return product;
  });
  if (after) {
    const moved = delta > 0 ? `Added ${delta}` : `Took away ${-delta}`;
    return { saved: true, sku: after.sku, message: `${moved}: the stock is now ${after.stock}.` };
  }
  const refusal = await stockRefusal(productId);
  if ("saved" in refusal) return refusal;
  return refused(
    { change: `Only ${refusal.stock} in stock: you cannot take away ${-delta}. The stock never goes below 0.` },
    "Nothing was saved.",
  );
}

/**
 * Retires a product for good: off the shop, out of every cart's checkout (the cart shows it as no longer sold),
 * its SKU never used again. The row stays, with its orders and history; nothing in the shop deletes products.
 */
export async function retireProduct(productId: string, admin: Actor): Promise<{ message: string }> {
  const retiredAt = new Date();
  const product = await db.$transaction(async (tx) => {
    // Lock first, then read what it was and write it: a second press (or two people at once) retires it once.
    if ((await lockRows(tx, "Product", [productId])) === 0) throw productNotFound();
    const current = await tx.product.findUniqueOrThrow({ where: { id: productId }, select: { name: true, active: true, retiredAt: true } });
    if (current.retiredAt) return null;
    await tx.product.update({ where: { id: productId }, data: { retiredAt, active: false } });
    await recordChange(tx, productId, "RETIRED", admin, {
      before: { active: current.active, retiredAt: null },
      after: { active: false, retiredAt: retiredAt.toISOString() },
    });
    return current;
  });
  if (!product) {
    const existing = await db.product.findUniqueOrThrow({ where: { id: productId }, select: { name: true } });
    return { message: `${existing.name} is already retired. Nothing changed.` };
  }
  return { message: `${product.name} is retired: it has left the shop for good, and shoppers can no longer order it.` };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the catalog for the admin

export type AdminProductStatus = "ON_SALE" | "OFF_SALE" | "RETIRED";

export const PRODUCT_STATUS_TEXT: Record<AdminProductStatus, string> = {
  ON_SALE: "On sale",
  OFF_SALE: "Not on sale",
  RETIRED: "Retired",
};

export function productStatus(product: { active: boolean; retiredAt: Date | null }): AdminProductStatus {
  return product.retiredAt ? "RETIRED" : product.active ? "ON_SALE" : "OFF_SALE";
}

/** Every product, retired ones last. */
export async function listCatalog() {
  const products = await db.product.findMany({
    select: {
      id: true,
      sku: true,
      name: true,
      imagePath: true,
      priceMinor: true,
      currency: true,
      taxRateBps: true,
      stock: true,
      active: true,
      retiredAt: true,
    },
    orderBy: [{ name: "asc" }, { sku: "asc" }],
  });
  return [...products].sort((a, b) => Number(a.retiredAt !== null) - Number(b.retiredAt !== null));
}

/** One product for its admin page: its fields, how many orders name it, and its history (newest first). */
export async function loadCatalogProduct(sku: string) {
  const parsed = skuSchema.safeParse(sku);
  if (!parsed.success) return null;
  const product = await db.product.findUnique({
    where: { sku: parsed.data },
    include: { changes: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] }, _count: { select: { orderItems: true } } },
  });
  if (!product) return null;
  return { product, version: editVersion(product), history: product.changes.map((change) => describeChange(change, product.currency)) };
}

// ---------------------------------------------------------------------------------------------------------------
// The history in plain words

export type DescribedChange = { id: string; kind: string; at: Date; who: string; text: string; reason: string | null };

function recordedOf(value: Prisma.JsonValue | null): Recorded {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Recorded) : {};
}

function vatText(bps: number): string {
  return `${bps / 100} %`;
}

/** "changed the price from 149,00 kr to 159,00 kr", one phrase per field. */
function fieldPhrases(before: Recorded, after: Recorded, currency: string): string[] {
  const phrases: string[] = [];
  const money = (minor: number | undefined) => (minor === undefined ? "?" : formatMoney({ amountMinor: minor, currency }));
  if (after.name !== undefined) phrases.push(`renamed it from “${before.name ?? "?"}” to “${after.name}”`);
  if (after.priceMinor !== undefined) phrases.push(`changed the price from ${money(before.priceMinor)} to ${money(after.priceMinor)}`);
  if (after.taxRateBps !== undefined) {
    phrases.push(`changed the VAT from ${before.taxRateBps === undefined ? "?" : vatText(before.taxRateBps)} to ${vatText(after.taxRateBps)}`);
  }
  if (after.description !== undefined) phrases.push("changed the description");
  if (after.active !== undefined) phrases.push(after.active ? "put it on sale" : "took it off sale");
  return phrases;
}

function sentence(phrases: string[]): string {
  if (phrases.length <= 1) return phrases[0] ?? "";
  return `${phrases.slice(0, -1).join(", ")} and ${phrases.at(-1)}`;
}

/** One CatalogChange as the merchant reads it: who, when, and what happened, in words. */
export function describeChange(
  change: { id: string; kind: string; createdAt: Date; actorName: string; before: Prisma.JsonValue | null; after: Prisma.JsonValue | null; reason: string | null },
  currency: string,
): DescribedChange {
  const before = recordedOf(change.before);
  const after = recordedOf(change.after);
  const who = change.actorName;
  let text: string;
  switch (change.kind) {
    case "CREATED":
      text = `${who} added the product: ${after.priceMinor === undefined ? "" : formatMoney({ amountMinor: after.priceMinor, currency })}, VAT ${
        after.taxRateBps === undefined ? "?" : vatText(after.taxRateBps)
      }, ${after.stock ?? 0} in stock, ${after.active ? "on sale" : "not on sale yet"}.`;
      break;
    case "UPDATED":
      text = `${who} ${sentence(fieldPhrases(before, after, currency)) || "saved it without changes"}.`;
      break;
    case "PICTURE":
      text = `${who} uploaded a new picture.`;
      break;
    case "STOCK_SET":
      text = `${who} set the stock from ${before.stock ?? "?"} to ${after.stock ?? "?"}.`;
      break;
    case "STOCK_ADJUSTED": {
      const delta = (after.stock ?? 0) - (before.stock ?? 0);
      text = `${who} ${delta >= 0 ? `added ${delta} to` : `took ${-delta} from`} the stock (${before.stock ?? "?"} → ${after.stock ?? "?"}).`;
      break;
    }
    case "RETIRED":
      text = `${who} retired the product: it is no longer sold.`;
      break;
    default:
      text = `${who} changed the product.`;
  }
  return { id: change.id, kind: change.kind, at: change.createdAt, who, text, reason: change.reason };
}
