import "./support/shop-address";

import { afterEach, describe, expect, test } from "vitest";

import { createAdminSession } from "@/lib/admin/sessions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { installClientAddressStamp, MAX_ADDRESS_LENGTH, resolveClientAddress } from "@/lib/http/client-address";
import { signOrderId } from "@/lib/orders/notification-url";
import { requestPayment } from "@/lib/orders/request-payment";
import { hashSessionToken } from "@/lib/orders/ids";

import { shopBaseUrl } from "./support/shop-address";
import { orderFor, serveShopForThisFile } from "./support/shop-flow";

// Whose address the shop records (lib/http/client-address.ts): with no trusted proxy (TRUSTED_PROXY_COUNT=0, the
// default) the socket's, whatever X-Forwarded-For claims; behind N proxies the Nth entry from the right. Over real
// HTTP: the notification route records the sender's address on its PaymentEvent. Before, X-Forwarded-For's first
// entry was taken as the client, so anyone could write the address they liked.

installClientAddressStamp();
serveShopForThisFile();

afterEach(() => installClientAddressStamp(env.trustedProxyCount));

/** Posts a genuine notification for a fresh invoiced order; returns the address its NOTIFICATION_RECEIVED recorded. */
async function recordedAddress(headers: Record<string, string>): Promise<string | null> {
  const { order } = await orderFor("LINGON-JAM-400");
  const { invoiceReference } = await requestPayment(order.id);
  const url = `${shopBaseUrl}/api/seqr/notification?${new URLSearchParams({ order: order.clientInvoiceId, sig: signOrderId(order.clientInvoiceId) })}`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ invoiceReference, clientInvoiceId: order.clientInvoiceId }).toString(),
  });
  expect(response.status).toBe(200);
  const received = await db.paymentEvent.findFirstOrThrow({ where: { orderId: order.id, type: "NOTIFICATION_RECEIVED" } });
  return received.sourceAddress;
}

describe("TRUSTED_PROXY_COUNT=0 (the default): the socket's address", () => {
  test("the default is no trusted proxy", () => {
    expect(env.trustedProxyCount).toBe(0);
  });

  test("a forged X-Forwarded-For (or X-Real-IP) does not change the recorded address", async () => {
    expect(await recordedAddress({})).toBe("127.0.0.1");
    expect(await recordedAddress({ "X-Forwarded-For": "203.0.113.7" })).toBe("127.0.0.1");
    expect(await recordedAddress({ "X-Forwarded-For": "203.0.113.7, 10.0.0.1", "X-Real-IP": "198.51.100.2" })).toBe("127.0.0.1");
  });
});

describe("TRUSTED_PROXY_COUNT=1: the address our proxy appended, the right-most", () => {
  test("whatever the client wrote to the left of it", async () => {
    installClientAddressStamp(1);
    expect(await recordedAddress({ "X-Forwarded-For": "203.0.113.7" })).toBe("203.0.113.7");
    // The client's own "X-Forwarded-For: 10.9.9.9", to which the proxy appended the real address.
    expect(await recordedAddress({ "X-Forwarded-For": "10.9.9.9, 203.0.113.8" })).toBe("203.0.113.8");
    // No header: the request did not come through the proxy; the socket's address.
    expect(await recordedAddress({})).toBe("127.0.0.1");
  });

  test("a long forged entry is stored at most 64 characters long", async () => {
    installClientAddressStamp(1);
    const address = await recordedAddress({ "X-Forwarded-For": "x".repeat(500) });
    expect(address).toBe("x".repeat(MAX_ADDRESS_LENGTH));
  });
});

describe("resolveClientAddress", () => {
  const socketAddress = "192.0.2.50";
  test.each([
    { n: 0, forwardedFor: "203.0.113.1", expected: socketAddress },
    { n: 0, forwardedFor: undefined, expected: socketAddress },
    { n: 1, forwardedFor: "203.0.113.1", expected: "203.0.113.1" },
    { n: 1, forwardedFor: "1.1.1.1, 203.0.113.1", expected: "203.0.113.1" },
    { n: 2, forwardedFor: "1.1.1.1, 203.0.113.1, 10.0.0.2", expected: "203.0.113.1" },
    { n: 2, forwardedFor: "203.0.113.1", expected: socketAddress },
    { n: 1, forwardedFor: ["1.1.1.1", "203.0.113.1"], expected: "203.0.113.1" },
    { n: 1, forwardedFor: " , ", expected: socketAddress },
    { n: 1, forwardedFor: "2001:db8::1", expected: "2001:db8::1" },
  ])("N=$n, X-Forwarded-For $forwardedFor → $expected", ({ n, forwardedFor, expected }) => {
    expect(resolveClientAddress({ socketAddress, forwardedFor }, n)).toBe(expected);
  });

  test("an IPv4 peer on a dual-stack socket is its IPv4 address; none is unknown", () => {
    expect(resolveClientAddress({ socketAddress: "::ffff:192.0.2.7", forwardedFor: undefined }, 0)).toBe("192.0.2.7");
    expect(resolveClientAddress({ socketAddress: undefined, forwardedFor: "203.0.113.1" }, 0)).toBeNull();
  });
});

describe("every place an address is stored keeps at most 64 characters", () => {
  test("an admin session", async () => {
    const token = await createAdminSession({ address: "y".repeat(300), userAgent: "client-address test" });
    const row = await db.adminSession.findUniqueOrThrow({ where: { tokenHash: hashSessionToken(token) } });
    expect(row.address).toBe("y".repeat(MAX_ADDRESS_LENGTH));
  });
});
