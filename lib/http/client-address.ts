import { randomBytes } from "node:crypto";
import diagnosticsChannel from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

import { env } from "../env.ts";

// Who sent a request, for the audit log, the sign-in lockout and rate limits.
//
// With no proxy in front of the shop (TRUSTED_PROXY_COUNT=0, the default) that is the TCP peer, the socket's
// address. Next.js 16 does not hand it to route handlers or Server Actions (NextRequest.ip is gone since 15), and
// `next start` only fills X-Forwarded-For from the socket when the client sent none (base-server.ts:
// `x-forwarded-for ??= socket.remoteAddress`), so a client that writes the header itself is believed. So the
// address is decided here, from the socket, before Next.js sees the request: a subscriber to Node's
// `http.server.request.start` diagnostics channel (published for every request of every node:http server, just
// before its "request" event) writes it into a header whose name is random per process, which no client can
// send. instrumentation.ts installs it when the server starts; tests that serve routes over node:http do too.
//
// Behind N trusted proxies (TRUSTED_PROXY_COUNT=N), each proxy appends the address it received the request from to
// X-Forwarded-For, so the Nth entry from the right is the client as the outermost trusted proxy saw it; anything
// left of it is the client's own writing. A chain shorter than N did not come through the proxies: the socket.

/** Addresses are stored (PaymentEvent, sign-in attempts, sessions) at most this long: a header's text is anyone's. */
export const MAX_ADDRESS_LENGTH = 64;

type StampState = { header: string; trustedProxyCount: number };

// On globalThis: Next.js bundles this module into several chunks of the same process (instrumentation, each
// route), which must share one header name and one subscriber.
const STAMP = Symbol.for("fjallbo.clientAddressStamp");
const globalState = globalThis as typeof globalThis & { [STAMP]?: StampState };

/** At most MAX_ADDRESS_LENGTH characters, trimmed; empty is unknown. */
export function capAddress(address: string | null | undefined): string | null {
  const trimmed = address?.trim().slice(0, MAX_ADDRESS_LENGTH).trim();
  return trimmed ? trimmed : null;
}

/** "::ffff:192.0.2.1" (an IPv4 peer on a dual-stack socket) is 192.0.2.1. */
function normalise(address: string | undefined): string | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return capAddress(mapped?.[1] ?? address);
}

/**
 * The client's address from what the connection tells: the socket's peer when no proxy is trusted, otherwise the
 * `trustedProxyCount`th entry of X-Forwarded-For from the right (the socket's when the chain is shorter).
 */
export function resolveClientAddress(
  connection: { socketAddress: string | undefined; forwardedFor: string | string[] | undefined },
  trustedProxyCount: number,
): string | null {
  const socketAddress = normalise(connection.socketAddress);
  if (trustedProxyCount === 0) return socketAddress;
  const forwardedFor = Array.isArray(connection.forwardedFor) ? connection.forwardedFor.join(",") : (connection.forwardedFor ?? "");
  const hops = forwardedFor
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop !== "");
  if (hops.length < trustedProxyCount) return socketAddress;
  return normalise(hops[hops.length - trustedProxyCount]);
}

/**
 * Installs, once per process, the subscriber that stamps every incoming request with its client's address (see
 * above). Requests that arrived before it have no stamp: their address is unknown (null), never a client's claim.
 * `trustedProxyCount` is TRUSTED_PROXY_COUNT; a later call only changes it (tests serve both ways in one process).
 */
export function installClientAddressStamp(trustedProxyCount: number = env.trustedProxyCount): void {
  const installed = globalState[STAMP];
  if (installed) {
    installed.trustedProxyCount = trustedProxyCount;
    return;
  }
  const state: StampState = { header: `x-fjallbo-client-address-${randomBytes(12).toString("hex")}`, trustedProxyCount };
  globalState[STAMP] = state;
  diagnosticsChannel.subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    const address = resolveClientAddress(
      { socketAddress: socket.remoteAddress, forwardedFor: request.headers["x-forwarded-for"] },
      state.trustedProxyCount,
    );
    if (!address) return;
    // Both views of the headers: Next.js reads `headers`, other servers (the tests' @hono/node-server) `rawHeaders`.
    request.headers[state.header] = address;
    request.rawHeaders.push(state.header, address);
  });
}

/**
 * The client's address stamped on these request headers (a route handler's, or `headers()` in a Server Action).
 * In a process where no stamp was installed (no server of ours: a test calling a Server Action with headers it
 * made up) there is no socket to ask: X-Forwarded-For's right-most entry stands in, the hop nearest to us.
 */
export function addressFromHeaders(requestHeaders: Headers): string | null {
  const state = globalState[STAMP];
  if (state) return capAddress(requestHeaders.get(state.header));
  return capAddress(requestHeaders.get("x-forwarded-for")?.split(",").at(-1));
}

export function clientAddress(request: Request): string | null {
  return addressFromHeaders(request.headers);
}
