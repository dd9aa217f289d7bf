import { headers } from "next/headers";
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";

import { db, type PrismaClient } from "../db.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { verifyOrderSignature } from "../orders/notification-url.ts";
import { clientInvoiceIdSchema } from "../orders/schemas.ts";
import { addressFromHeaders } from "./client-address.ts";

// Rate limits on what a stranger can call that costs a SEQR call or writes rows. The counters live in the
// database (rate-limiter-flexible's Prisma store, table RateLimiterFlexible), so a limit holds across every server
// process on the same database, and a restart does not reset it. docs/operations.md, "Rate limits", explains each
// number; they are set so that a real shopper, or an office of them behind one address, never meets one.

/** `points` requests per `duration` seconds, per key (the client's address, or an order). */
export type RateLimit = { points: number; duration: number };

export const RATE_LIMITS = {
  /** The order page's getClientSessionInfo (a SEQR call, whatever token is made up): once per page load. */
  orderSession: { points: 60, duration: 60 },
  /** Pay: a sendInvoice when no invoice is live. A shopper presses it once or twice per order. */
  pay: { points: 60, duration: 60 },
  /** /success, /failure, /cancel: may ask SEQR about the invoice. Once per page load. */
  paymentOutcome: { points: 120, duration: 60 },
  /** The checkout page's poller asks once a second: ten checkout pages open at once behind one address. */
  orderStatus: { points: 600, duration: 60 },
  /** Notifications on one order's signed URL. SEQR sends one per payment and never retries. */
  notificationPerOrder: { points: 10, duration: 600 },
  /** An address's notifications beyond the first for each order: replays. Never applied to an order's first. */
  notificationRepeatsPerAddress: { points: 120, duration: 60 },
  /** Add to cart, change or remove a line, put an expired order back: each writes cart rows. */
  cart: { points: 120, duration: 60 },
  /** Checkout: each places an order (rows that stay). Bounded per cart as well (lib/cart/checkout-cart.ts). */
  checkout: { points: 30, duration: 60 },
} as const satisfies Record<string, RateLimit>;

export type RateLimitName = keyof typeof RATE_LIMITS;

export type RateLimitOutcome =
  | { allowed: true; /** Requests counted in the current window, this one included; 0 when the store failed. */ consumed: number }
  | { allowed: false; retryAfterSeconds: number };

let activeLimits: Record<RateLimitName, RateLimit> = { ...RATE_LIMITS };

/**
 * Tests: other limits (a window of a second rather than a minute), so that a test can see a window pass without
 * waiting for it. Returns the function that puts the real limits back.
 */
export function overrideRateLimits(overrides: Partial<Record<RateLimitName, RateLimit>>): () => void {
  const previous = activeLimits;
  activeLimits = { ...activeLimits, ...overrides };
  return () => {
    activeLimits = previous;
  };
}

// One limiter per store, limit name and numbers. A limiter keeps in memory the keys it has refused until their
// window ends, so that a flood is refused without a database write per request.
const limiters = new WeakMap<PrismaClient, Map<string, RateLimiterPrisma>>();

function limiterFor(store: PrismaClient, name: RateLimitName, limit: RateLimit): RateLimiterPrisma {
  let byName = limiters.get(store);
  if (!byName) {
    byName = new Map();
    limiters.set(store, byName);
  }
  const id = `${name}:${limit.points}:${limit.duration}`;
  let limiter = byName.get(id);
  if (!limiter) {
    limiter = new RateLimiterPrisma({
      storeClient: store,
      // The library reads `storeClient[tableName]`: the Prisma client's delegate for model RateLimiterFlexible.
      tableName: "rateLimiterFlexible",
      keyPrefix: `rl:${name}`,
      points: limit.points,
      duration: limit.duration,
      inMemoryBlockOnConsumed: limit.points + 1,
    });
    byName.set(id, limiter);
  }
  return limiter;
}

const limitLog = log.child({ component: "rate-limit" });
let lastFailureLoggedAt = Number.NEGATIVE_INFINITY;

/**
 * Counts one request of `key` against the limit `name`. A refusal says how long to wait.
 *
 * When the limiter's own store fails, the request is let through (fail open), with a log line at most every
 * 10 s: the pages shoppers need must not go down because a counter could not be written, and the database being
 * down stops the shop anyway. docs/operations.md, "Rate limits".
 */
export async function consumeRateLimit(
  name: RateLimitName,
  key: string | null,
  options: { store?: PrismaClient; limit?: RateLimit } = {},
): Promise<RateLimitOutcome> {
  const limit = options.limit ?? activeLimits[name];
  // A request whose address is unknown shares one key with every other such request.
  const storedKey = (key ?? "unknown").slice(0, 128);
  try {
    const result = await limiterFor(options.store ?? db, name, limit).consume(storedKey);
    return { allowed: true, consumed: result.consumedPoints };
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
    }
    if (Date.now() - lastFailureLoggedAt >= 10_000) {
      lastFailureLoggedAt = Date.now();
      limitLog.warn({ err: error, limit: name }, "rate limiter store failed; request let through");
    }
    return { allowed: true, consumed: 0 };
  }
}

export function rateLimitedError(retryAfterSeconds: number): AppError {
  const wait = retryAfterSeconds === 1 ? "1 second" : `${retryAfterSeconds} seconds`;
  return new AppError("RATE_LIMITED", 429, `Too many requests. Please wait ${wait} and try again.`, { retryAfterSeconds });
}

/**
 * Counts one request and throws AppError RATE_LIMITED (429, with retryAfterSeconds) past the limit. Route handlers
 * turn it into a 429 with `Retry-After` (errorResponse); validatedAction into the form's message.
 */
export async function enforceRateLimit(name: RateLimitName, key: string | null): Promise<void> {
  const outcome = await consumeRateLimit(name, key);
  if (!outcome.allowed) throw rateLimitedError(outcome.retryAfterSeconds);
}

/** The same for a Server Action, keyed by the address of the request that called it. */
export async function enforceActionRateLimit(name: RateLimitName): Promise<void> {
  await enforceRateLimit(name, addressFromHeaders(await headers()));
}

/** Takes back one request counted by consumeRateLimit (a refused notification costs nothing, so counts nothing). */
async function giveBack(name: RateLimitName, key: string | null): Promise<void> {
  try {
    await limiterFor(db, name, activeLimits[name]).reward((key ?? "unknown").slice(0, 128), 1);
  } catch (error) {
    limitLog.warn({ err: error, limit: name }, "rate limiter store failed to give a request back");
  }
}

/**
 * Runs `receive` (lib/orders/notifications.ts's receiveNotification) under the notification limits: replays are
 * refused, SEQR's own notification never is.
 *
 * - Only POSTs on a URL the shop signed are counted, per order: a stranger cannot sign one, so cannot use up an
 *   order's allowance (unsigned ones are refused unread by `receive` and cost nothing).
 * - A POST `receive` refuses (a malformed form, an invoice of another order) wrote no row and asked SEQR nothing:
 *   it is given back, so that it cannot use up the allowance either.
 * - An order's first notification in the window passes whatever its address has done, and is not counted against
 *   the address: SEQR sends one per payment and never retries, and a replay copies one already sent, so the first
 *   is SEQR's own. Only later ones (replays, or SEQR's for a second payment) count against the address as well.
 */
export async function withNotificationRateLimit<T>(
  query: Record<string, string>,
  address: string | null,
  receive: () => Promise<T>,
): Promise<T> {
  const order = clientInvoiceIdSchema.safeParse(query.order);
  if (!order.success || typeof query.sig !== "string" || !verifyOrderSignature(order.data, query.sig)) return receive();
  const counted: [RateLimitName, string | null][] = [];
  const perOrder = await consumeRateLimit("notificationPerOrder", order.data);
  if (!perOrder.allowed) throw rateLimitedError(perOrder.retryAfterSeconds);
  counted.push(["notificationPerOrder", order.data]);
  if (perOrder.consumed > 1) {
    const perAddress = await consumeRateLimit("notificationRepeatsPerAddress", address);
    if (!perAddress.allowed) {
      await giveBack("notificationPerOrder", order.data);
      throw rateLimitedError(perAddress.retryAfterSeconds);
    }
    counted.push(["notificationRepeatsPerAddress", address]);
  }
  try {
    return await receive();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      for (const [name, key] of counted) await giveBack(name, key);
    }
    throw error;
  }
}
