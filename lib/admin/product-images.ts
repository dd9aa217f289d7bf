import { createHash } from "node:crypto";

import { imageSize } from "image-size";

import { db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

// Pictures the merchant uploads for products. They are kept in the database (ProductImage), not on one server's
// disk, so that every app server sharing the database serves them; /product-images/<id> (app/product-images/[id])
// serves them. What a picture is comes from its bytes alone: the browser's type and the file's name are the
// uploader's word and are never believed.

/** 2 MiB: a product photo for the web never needs more; anything larger is refused before its bytes are read. */
export const MAX_PICTURE_BYTES = 2 * 1024 * 1024;
/** Pixels per side: beyond this a picture costs every shopper's browser memory for nothing. */
export const MAX_PICTURE_SIDE = 4000;

/** The picture types the shop serves, by image-size's name for them, with the Content-Type each is served with. */
const PICTURE_TYPES: Readonly<Record<string, string>> = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" };

const PICTURE_PATH_PREFIX = "/product-images/";

/** ProductImage ids are cuids: anything else in the URL is simply not found, without a query. */
const PICTURE_ID = /^[a-z0-9]{20,40}$/;

export type CheckedPicture = { contentType: string; width: number; height: number; bytes: Uint8Array<ArrayBuffer> };
export type PictureCheck = { ok: true; picture: CheckedPicture } | { ok: false; error: string };

export const PICTURE_TOO_LARGE = "The picture is larger than 2 MB. Save it smaller (for example 1600 pixels wide) and upload it again.";
const NOT_A_PICTURE = "This file is not a PNG, JPEG or WebP picture. Choose a picture saved in one of those formats.";

/** Checks an uploaded file's size, type and dimensions from its bytes; reads the bytes only when the size is fine. */
export async function checkPictureFile(file: Blob): Promise<PictureCheck> {
  if (file.size === 0) return { ok: false, error: "The file is empty. Choose a picture." };
  if (file.size > MAX_PICTURE_BYTES) return { ok: false, error: PICTURE_TOO_LARGE };
  return checkPictureBytes(new Uint8Array(await file.arrayBuffer()));
}

/** PNG, JPEG or WebP, at most MAX_PICTURE_BYTES and MAX_PICTURE_SIDE × MAX_PICTURE_SIDE pixels, judged by the bytes. */
export function checkPictureBytes(bytes: Uint8Array<ArrayBuffer>): PictureCheck {
  if (bytes.byteLength === 0) return { ok: false, error: "The file is empty. Choose a picture." };
  if (bytes.byteLength > MAX_PICTURE_BYTES) return { ok: false, error: PICTURE_TOO_LARGE };
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    // image-size throws for anything it cannot read: text, a truncated or damaged picture, an unknown format.
    return { ok: false, error: NOT_A_PICTURE };
  }
  const contentType = size.type ? PICTURE_TYPES[size.type] : undefined;
  if (!contentType) return { ok: false, error: NOT_A_PICTURE };
  const { width, height } = size;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) return { ok: false, error: NOT_A_PICTURE };
  if (width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE) {
    return {
      ok: false,
      error: `The picture is ${width} × ${height} pixels; at most ${MAX_PICTURE_SIDE} × ${MAX_PICTURE_SIDE} is accepted. Make it smaller and upload it again.`,
    };
  }
  return { ok: true, picture: { contentType, width, height, bytes } };
}

/** Stores a checked picture (in the caller's transaction); the path Product.imagePath then holds. */
export async function storePicture(tx: Prisma.TransactionClient, picture: CheckedPicture): Promise<string> {
  const sha256 = createHash("sha256").update(picture.bytes).digest("hex");
  const stored = await tx.productImage.create({
    data: { contentType: picture.contentType, bytes: picture.bytes, byteLength: picture.bytes.byteLength, sha256 },
    select: { id: true },
  });
  return picturePath(stored.id);
}

export function picturePath(id: string): string {
  return `${PICTURE_PATH_PREFIX}${id}`;
}

/** A stored picture by its id, or null (a malformed id is not looked up). */
export async function findPicture(id: string) {
  if (!PICTURE_ID.test(id)) return null;
  return db.productImage.findUnique({ where: { id }, select: { contentType: true, bytes: true, byteLength: true, sha256: true } });
}

/**
 * The answer to GET /product-images/<id>: the bytes with the type they were checked to be, never sniffed, cached
 * for a year (a picture never changes: a new upload is a new id), and 304 when the browser has these bytes already.
 */
export async function pictureResponse(id: string, ifNoneMatch: string | null): Promise<Response> {
  const picture = await findPicture(id);
  if (!picture) {
    return new Response("No such picture.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" },
    });
  }
  const etag = `"${picture.sha256}"`;
  const headers = {
    "Content-Type": picture.contentType,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=31536000, immutable",
    ETag: etag,
  };
  if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(picture.bytes, { status: 200, headers: { ...headers, "Content-Length": String(picture.byteLength) } });
}
