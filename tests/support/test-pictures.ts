import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";

// Real PNG files made on the spot for the catalog's picture checks (tests/integration/catalog-admin.test.ts,
// tests/e2e/catalog-admin.spec.ts): a small coloured one, one too many pixels wide, one too many bytes large. Each is
// a valid PNG (signature, IHDR, IDAT, IEND, each chunk with its CRC), so a refusal can only be the rule's doing.

const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function png(width: number, height: number, bitDepth: number, colorType: number, rows: Buffer, level: number): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(bitDepth, 8);
  header.writeUInt8(colorType, 9);
  // compression, filter and interlace methods: 0 (the only ones PNG defines, no interlace)
  const file = Buffer.concat([PNG_SIGNATURE, chunk("IHDR", header), chunk("IDAT", deflateSync(rows, { level })), chunk("IEND", new Uint8Array())]);
  return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
}

/** A width × height picture of one colour (8-bit RGB): a few hundred bytes. */
export function solidPng(width: number, height: number, rgb: [number, number, number] = [47, 93, 140]): Uint8Array<ArrayBuffer> {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x += 1) row.set(rgb, 1 + x * 3);
  return png(width, height, 8, 2, Buffer.concat(Array.from({ length: height }, () => row)), 9);
}

/** A black-and-white (1-bit) picture: a 5000 × 5000 one is still only a few kilobytes. */
export function blankPng(width: number, height: number): Uint8Array<ArrayBuffer> {
  const row = Buffer.alloc(1 + Math.ceil(width / 8));
  return png(width, height, 1, 0, Buffer.concat(Array.from({ length: height }, () => row)), 9);
}

/** A picture of random noise (which does not compress) of at least `bytes` bytes: a valid PNG that is too large. */
export function noisePng(bytes: number): Uint8Array<ArrayBuffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3)) + 1;
  const rows = Buffer.concat(Array.from({ length: side }, () => Buffer.concat([Buffer.alloc(1), randomBytes(side * 3)])));
  return png(side, side, 8, 2, rows, 0);
}
