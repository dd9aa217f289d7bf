import { describe, expect, test } from "vitest";

import { env } from "@/lib/env";
import { notificationUrlFor, signOrderId, verifyOrderSignature } from "@/lib/orders/notification-url";

const ID = "q3Zx8_Lk-2mNpR7sT1uVwA";
const OTHER_ID = "q3Zx8_Lk-2mNpR7sT1uVwB";
const OTHER_SECRET = "another-secret-that-is-at-least-32-characters";

/** The same signature with one hex digit changed to another hex digit. */
function flip(signature: string, index: number): string {
  const digit = signature[index] ?? "0";
  const replacement = digit === "0" ? "1" : "0";
  return `${signature.slice(0, index)}${replacement}${signature.slice(index + 1)}`;
}

describe("signOrderId", () => {
  test("is 64 lower-case hex characters", () => {
    expect(signOrderId(ID)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("is deterministic", () => {
    expect(signOrderId(ID)).toBe(signOrderId(ID));
    expect(signOrderId(ID, OTHER_SECRET)).toBe(signOrderId(ID, OTHER_SECRET));
  });

  test("is HMAC-SHA256 (known answer)", () => {
    expect(signOrderId("The quick brown fox jumps over the lazy dog", "key")).toBe(
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    );
  });

  test("signs under NOTIFICATION_SECRET by default", () => {
    expect(signOrderId(ID)).toBe(signOrderId(ID, env.notificationSecret));
    expect(signOrderId(ID)).not.toBe(signOrderId(ID, OTHER_SECRET));
  });

  test("differs between order ids, even ids one character apart", () => {
    expect(signOrderId(ID)).not.toBe(signOrderId(OTHER_ID));
  });
});

describe("verifyOrderSignature", () => {
  const good = signOrderId(ID);

  test("accepts the right signature", () => {
    expect(verifyOrderSignature(ID, good)).toBe(true);
  });

  test("accepts the right signature in upper-case hex", () => {
    expect(verifyOrderSignature(ID, good.toUpperCase())).toBe(true);
  });

  test("accepts a signature made with an explicit secret when checked with that secret", () => {
    expect(verifyOrderSignature(ID, signOrderId(ID, OTHER_SECRET), OTHER_SECRET)).toBe(true);
  });

  test("rejects the signature of another order id", () => {
    expect(verifyOrderSignature(OTHER_ID, good)).toBe(false);
    expect(verifyOrderSignature(ID, signOrderId(OTHER_ID))).toBe(false);
  });

  test("rejects a signature made with another secret", () => {
    expect(verifyOrderSignature(ID, signOrderId(ID, OTHER_SECRET))).toBe(false);
    expect(verifyOrderSignature(ID, good, OTHER_SECRET)).toBe(false);
  });

  test.each([
    ["truncated by one", good.slice(0, 63)],
    ["truncated to half", good.slice(0, 32)],
    ["empty", ""],
    ["one character too many", `${good}0`],
    ["doubled", `${good}${good}`],
    ["with a trailing newline", `${good}\n`],
    ["with surrounding spaces", ` ${good} `],
    ["non-hex of the right length", "g".repeat(64)],
    ["right length, one non-hex character", `${good.slice(0, 63)}z`],
    ["base64 of the same bytes", Buffer.from(good, "hex").toString("base64")],
    ["with a 0x prefix", `0x${good.slice(2)}`],
    ["all zeros", "0".repeat(64)],
  ])("rejects a signature that is %s", (_what, signature) => {
    expect(verifyOrderSignature(ID, signature)).toBe(false);
  });

  test("rejects the signature with any one character flipped", () => {
    for (let index = 0; index < good.length; index += 1) {
      expect(verifyOrderSignature(ID, flip(good, index)), `position ${index}`).toBe(false);
    }
  });

  test("does not throw on odd input", () => {
    for (const signature of ["\u0000".repeat(64), "é".repeat(64), "💥".repeat(32)]) {
      expect(() => verifyOrderSignature(ID, signature)).not.toThrow();
      expect(verifyOrderSignature(ID, signature)).toBe(false);
    }
  });
});

describe("notificationUrlFor", () => {
  test("is <base>/api/seqr/notification?order=<id>&sig=<signature>", () => {
    expect(notificationUrlFor(ID, "https://shop.example")).toBe(
      `https://shop.example/api/seqr/notification?order=${ID}&sig=${signOrderId(ID)}`,
    );
  });

  test("defaults to PUBLIC_BASE_URL", () => {
    expect(notificationUrlFor(ID)).toBe(`${env.publicBaseUrl}/api/seqr/notification?order=${ID}&sig=${signOrderId(ID)}`);
  });
});
