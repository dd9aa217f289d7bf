import "./support/shop-address";

import crypto from "node:crypto";
import fs from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { openOrderAction, payOrderAction, readOutcomeAction } from "@/app/(seqr)/actions";
import { addToCartAction, checkoutAction, reorderAction } from "@/app/(shop)/cart/actions";
import { createPrismaClient, db } from "@/lib/db";
import { env } from "@/lib/env";
import { consumeRateLimit, overrideRateLimits, RATE_LIMITS, type RateLimit, type RateLimitName } from "@/lib/http/rate-limit";
import { signOrderId } from "@/lib/orders/notification-url";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { serviceQrText } from "@/lib/seqr/links";

import { fakeRequest, formData, outcomeOf } from "./support/admin-request";
import { shopBaseUrl, shopHttpServer } from "./support/shop-address";
import { ASTRID, expectNoInternals, orderFor, serveShopForThisFile, shopSnapshot } from "./support/shop-flow";

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

// Everything a stranger can call that costs a SEQR call or writes rows is rate limited, the counters in the
// database (rate-limiter-flexible's Prisma store), so that a limit holds across server processes. Past its limit
// each entry point answers 429 with Retry-After (routes) or the form's "please wait N seconds" (Server Actions),
// and changes nothing: no row, no SEQR call. The limits are set short here (a window of one second) so that a
// test sees the window pass without waiting for the real one.

const shop = serveShopForThisFile();

/** SOAP requests SEQR (the sandbox on this file's server) has received. */
let soapRequests = 0;
shopHttpServer.on("request", (request: IncomingMessage) => {
  if (request.url?.startsWith("/sandbox/soap")) soapRequests += 1;
});

/** The shop's tables a refused call must leave as they were, the cart's included. */
async function everything() {
  return {
    ...(await shopSnapshot()),
    carts: await db.cart.findMany({ orderBy: { id: "asc" } }),
    cartItems: await db.cartItem.findMany({ orderBy: { id: "asc" } }),
    orderItems: await db.orderItem.count(),
  };
}

/** Runs `refused`, which the limit must refuse, and checks that it wrote nothing and asked SEQR nothing. */
async function changesNothing<T>(refused: () => Promise<T>): Promise<T> {
  const before = await everything();
  const soapBefore = soapRequests;
  const result = await refused();
  expect(soapRequests - soapBefore, "a refused call asked SEQR").toBe(0);
  expect(await everything()).toEqual(before);
  return result;
}

let restoreLimits: (() => void) | undefined;

/** Short limits for this test; the counters start empty. */
async function limits(overrides: Partial<Record<RateLimitName, RateLimit>>) {
  restoreLimits = overrideRateLimits(overrides);
  await db.rateLimiterFlexible.deleteMany();
}

beforeEach(() => {
  // Every Server Action call below comes from this browser.
  fakeRequest({ host: "127.0.0.1:3000" });
});

afterEach(() => {
  restoreLimits?.();
  restoreLimits = undefined;
});

/** Lets a one-second window pass. */
const windowPasses = () => sleep(1_100);

const WAIT_ONE_SECOND = { ok: false, error: "Too many requests. Please wait 1 second and try again." };

describe("the limiter", () => {
  const processes = [createPrismaClient(env.databaseUrl), createPrismaClient(env.databaseUrl)] as const;
  afterAll(async () => {
    for (const client of processes) await client.$disconnect();
  });

  test("is shared by server processes: two database clients count against one limit", async () => {
    await db.rateLimiterFlexible.deleteMany();
    const [first, second] = processes;
    const limit = { points: 3, duration: 1 };
    const consume = (store: typeof first) => consumeRateLimit("pay", "203.0.113.50", { store, limit });

    expect(await consume(first)).toEqual({ allowed: true, consumed: 1 });
    expect(await consume(second)).toEqual({ allowed: true, consumed: 2 });
    expect(await consume(first)).toEqual({ allowed: true, consumed: 3 });
    // The fourth, in either process, is over the limit both share.
    expect(await consume(second)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await consume(first)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // Another address has its own count.
    expect(await consumeRateLimit("pay", "203.0.113.51", { store: second, limit })).toEqual({ allowed: true, consumed: 1 });

    await windowPasses();
    expect(await consume(second)).toEqual({ allowed: true, consumed: 1 });
    expect(await consume(first)).toEqual({ allowed: true, consumed: 2 });
  });

  test("concurrent requests from two processes are all counted: exactly the limit passes", async () => {
    await db.rateLimiterFlexible.deleteMany();
    const limit = { points: 10, duration: 5 };
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, index) => consumeRateLimit("cart", "203.0.113.60", { store: processes[index % 2], limit })),
    );
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(10);
  });

  test("fails open when its own store fails: a broken counter never takes the shop down", async () => {
    // A database without the limiter's table: every write of a counter fails.
    const file = path.join(path.dirname(env.databaseUrl.slice("file:".length)), `no-table-${crypto.randomUUID()}.db`);
    const broken = createPrismaClient(`file:${file}`);
    try {
      for (let call = 0; call < 3; call += 1) {
        expect(await consumeRateLimit("checkout", "203.0.113.70", { store: broken, limit: { points: 1, duration: 60 } })).toEqual({
          allowed: true,
          consumed: 0,
        });
      }
    } finally {
      await broken.$disconnect();
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    }
  });

  test("the real limits are the ones docs/operations.md lists", () => {
    const doc = fs.readFileSync(path.resolve("docs/operations.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Rate limits"));
    expect(section.length).toBeGreaterThan(0);
    for (const [name, limit] of Object.entries(RATE_LIMITS)) {
      const row = section.split("\n").find((line) => line.startsWith(`| \`${name}\``));
      expect(row, `docs/operations.md lists ${name}`).toBeDefined();
      const cells = row?.split("|").map((cell) => cell.trim()) ?? [];
      expect(cells.slice(2, 4), name).toEqual([String(limit.points), String(limit.duration)]);
    }
  });
});

describe("GET /api/orders/<id>/status", () => {
  const statusOf = async (clientInvoiceId: string) => {
    const response = await fetch(`${shopBaseUrl}/api/orders/${clientInvoiceId}/status`);
    const text = await response.text();
    expectNoInternals(text);
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body: JSON.parse(text) as unknown };
  };

  test("past its limit: 429 with Retry-After and a JSON error, no SEQR call, nothing written; again once the window passes", async () => {
    await limits({ orderStatus: { points: 3, duration: 1 } });
    // An invoiced order whose status is stale: each answered poll may ask SEQR.
    const { order } = await orderFor("LINGON-JAM-400");
    await requestPayment(order.id);
    await db.paymentAttempt.updateMany({ where: { orderId: order.id }, data: { lastCheckedAt: new Date(0) } });

    for (let poll = 0; poll < 3; poll += 1) expect((await statusOf(order.clientInvoiceId)).status).toBe(200);
    // Due for a look again: only the limit stands between this poll and SEQR.
    await db.paymentAttempt.updateMany({ where: { orderId: order.id }, data: { lastCheckedAt: new Date(0), lastAskedAt: null } });

    const refused = await changesNothing(() => statusOf(order.clientInvoiceId));
    expect(refused).toEqual({
      status: 429,
      retryAfter: "1",
      body: { error: { code: "RATE_LIMITED", message: "Too many requests. Please wait 1 second and try again." } },
    });

    await windowPasses();
    expect(await statusOf(order.clientInvoiceId)).toMatchObject({ status: 200, body: { status: "INVOICED" } });
  });

  test("what cannot be an order id is answered 404 and counts nothing", async () => {
    await limits({ orderStatus: { points: 1, duration: 60 } });
    for (let poll = 0; poll < 3; poll += 1) expect((await statusOf("not-an-order")).status).toBe(404);
    expect(await db.rateLimiterFlexible.count()).toBe(0);
  });
});

describe("POST /api/seqr/notification", () => {
  const post = async (clientInvoiceId: string, invoiceReference: string, sig = signOrderId(clientInvoiceId)) => {
    const query = new URLSearchParams({ order: clientInvoiceId, sig });
    const response = await fetch(`${shopBaseUrl}/api/seqr/notification?${query.toString()}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ invoiceReference, msisdn: ASTRID }).toString(),
    });
    const text = await response.text();
    expectNoInternals(text);
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body: text ? (JSON.parse(text) as unknown) : null };
  };

  async function invoiced() {
    const { order } = await orderFor("LINGON-JAM-400");
    const { invoiceReference } = await requestPayment(order.id);
    return { clientInvoiceId: order.clientInvoiceId, invoiceReference };
  }

  test("replays of one order's notification are refused past its limit; the window passing lets one through again", async () => {
    // A window longer than the three answered POSTs take: each asks SEQR, at most once per invoice per 2 s.
    await limits({ notificationPerOrder: { points: 3, duration: 10 }, notificationRepeatsPerAddress: { points: 100, duration: 60 } });
    const { clientInvoiceId, invoiceReference } = await invoiced();

    for (let copy = 0; copy < 3; copy += 1) expect((await post(clientInvoiceId, invoiceReference)).status).toBe(200);
    const refused = await changesNothing(() => post(clientInvoiceId, invoiceReference));
    expect(refused).toEqual({
      status: 429,
      retryAfter: expect.stringMatching(/^([1-9]|10)$/),
      body: { error: { code: "RATE_LIMITED", message: `Too many requests. Please wait ${refused.retryAfter} seconds and try again.` } },
    });

    // Waiting as long as Retry-After says is enough.
    await sleep(Number(refused.retryAfter) * 1_000 + 100);
    expect((await post(clientInvoiceId, invoiceReference)).status).toBe(200);
  });

  test("an order's first notification passes even from an address whose replays are used up", async () => {
    await limits({ notificationPerOrder: { points: 10, duration: 60 }, notificationRepeatsPerAddress: { points: 2, duration: 60 } });
    const replayed = await invoiced();
    // The first is SEQR's own; the two after it are this address's repeats; the next one is refused.
    for (let copy = 0; copy < 3; copy += 1) expect((await post(replayed.clientInvoiceId, replayed.invoiceReference)).status).toBe(200);
    expect(await changesNothing(() => post(replayed.clientInvoiceId, replayed.invoiceReference))).toMatchObject({ status: 429 });

    // SEQR's notification for another order, from the same address (SEQR's servers send every order's).
    const genuine = await invoiced();
    expect((await post(genuine.clientInvoiceId, genuine.invoiceReference)).status).toBe(200);
    const received = await db.paymentEvent.count({
      where: { order: { clientInvoiceId: genuine.clientInvoiceId }, type: "NOTIFICATION_RECEIVED" },
    });
    expect(received).toBe(1);
    // Its repeat is a replay like any other.
    expect((await post(genuine.clientInvoiceId, genuine.invoiceReference)).status).toBe(429);
  });

  test("POSTs the handler refuses (a malformed form, another invoice) cost nothing, so count nothing", async () => {
    await limits({ notificationPerOrder: { points: 1, duration: 60 }, notificationRepeatsPerAddress: { points: 1, duration: 60 } });
    const { clientInvoiceId, invoiceReference } = await invoiced();
    for (const reference of ["not-digits", "99999999999", "12345"]) {
      expect((await post(clientInvoiceId, reference)).status).toBe(400);
    }
    expect((await post(clientInvoiceId, invoiceReference)).status).toBe(200);
    // The next one is a replay, over the order's allowance of one.
    expect((await post(clientInvoiceId, invoiceReference)).status).toBe(429);
  });

  test("POSTs without the shop's signature cannot use up an order's allowance", async () => {
    await limits({ notificationPerOrder: { points: 1, duration: 60 }, notificationRepeatsPerAddress: { points: 1, duration: 60 } });
    const { clientInvoiceId, invoiceReference } = await invoiced();
    for (let forged = 0; forged < 5; forged += 1) {
      expect((await post(clientInvoiceId, invoiceReference, "0".repeat(64))).status).toBe(403);
    }
    expect(await db.rateLimiterFlexible.count()).toBe(0);
    // SEQR's own, on the URL the shop signed, still passes.
    expect((await post(clientInvoiceId, invoiceReference)).status).toBe(200);
  });
});

describe("the SEQR pages' Server Actions", () => {
  const tokenForm = (token: string, fields: Record<string, string> = {}) => formData({ token, ...fields });

  /** An order opened in the (simulated) SEQR app: its session token, and SEQR knows it. */
  async function openedInApp() {
    const { order } = await orderFor("LINGON-JAM-400");
    const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }), { msisdn: ASTRID });
    const token: string = scanned.sessionToken;
    await openOrderSession(token);
    return { order, token };
  }

  test("the order page with made-up tokens: each asks SEQR until the limit, then the form says to wait and SEQR is not asked", async () => {
    await limits({ orderSession: { points: 2, duration: 1 } });
    for (let call = 0; call < 2; call += 1) {
      const soapBefore = soapRequests;
      expect(await openOrderAction(null, tokenForm(`0000000000-${crypto.randomInt(1e8)}`))).toMatchObject({ ok: false });
      expect(soapRequests).toBeGreaterThan(soapBefore);
    }
    expect(await changesNothing(() => openOrderAction(null, tokenForm("0000000000-12345678")))).toEqual(WAIT_ONE_SECOND);

    await windowPasses();
    const { order, token } = await openedInApp();
    expect(await openOrderAction(null, tokenForm(token))).toMatchObject({ ok: true, data: { order: { clientInvoiceId: order.clientInvoiceId } } });
  });

  test("Pay past its limit: the form says to wait, no invoice is sent and nothing is written", async () => {
    await limits({ pay: { points: 2, duration: 1 } });
    const { token } = await openedInApp();
    expect(await payOrderAction(null, tokenForm(token))).toMatchObject({ ok: true });
    expect(await payOrderAction(null, tokenForm(token))).toMatchObject({ ok: true });

    expect(await changesNothing(() => payOrderAction(null, tokenForm(token)))).toEqual(WAIT_ONE_SECOND);
    await windowPasses();
    expect(await payOrderAction(null, tokenForm(token))).toMatchObject({ ok: true });
  });

  test("the outcome pages past their limit: the form says to wait, SEQR is not asked", async () => {
    await limits({ paymentOutcome: { points: 1, duration: 1 } });
    const { order, token } = await openedInApp();
    const { invoiceReference } = await requestPayment(order.id);
    const outcome = () => readOutcomeAction(null, tokenForm(token, { invoiceReference }));
    expect(await outcome()).toMatchObject({ ok: true });
    await db.paymentAttempt.updateMany({ where: { orderId: order.id }, data: { lastCheckedAt: new Date(0), lastAskedAt: null } });

    expect(await changesNothing(outcome)).toEqual(WAIT_ONE_SECOND);
    await windowPasses();
    expect(await outcome()).toMatchObject({ ok: true });
  });

  test("the wait the form names is what is left of the window", async () => {
    await limits({ orderSession: { points: 1, duration: 30 } });
    await openOrderAction(null, tokenForm("0000000000-1"));
    expect(await openOrderAction(null, tokenForm("0000000000-2"))).toEqual({
      ok: false,
      error: "Too many requests. Please wait 30 seconds and try again.",
    });
  });

  test("input that fails validation is refused before anything is counted", async () => {
    await limits({ orderSession: { points: 1, duration: 60 } });
    for (let call = 0; call < 3; call += 1) {
      expect(await openOrderAction(null, tokenForm("not a token!"))).toMatchObject({ ok: false, error: expect.stringContaining("token") });
    }
    expect(await db.rateLimiterFlexible.count()).toBe(0);
  });
});

describe("the cart's Server Actions", () => {
  test("add to cart past its limit: the form says to wait and the cart is unchanged; once the window passes it adds", async () => {
    await limits({ cart: { points: 2, duration: 1 } });
    const add = () => addToCartAction(null, formData({ sku: "MUG-FJORD-35", quantity: "1" }));
    expect(await add()).toMatchObject({ ok: true, data: { message: expect.stringContaining("1 ×") } });
    expect(await add()).toMatchObject({ ok: true, data: { message: expect.stringContaining("2 ×") } });

    expect(await changesNothing(add)).toEqual(WAIT_ONE_SECOND);
    await windowPasses();
    expect(await add()).toMatchObject({ ok: true, data: { message: expect.stringContaining("3 ×") } });
  });

  test("checkout past its limit: the form says to wait and no order is placed", async () => {
    await limits({ checkout: { points: 1, duration: 1 }, cart: { points: 100, duration: 60 } });
    const add = () => addToCartAction(null, formData({ sku: "MUG-FJORD-35", quantity: "1" }));
    const checkout = () => outcomeOf(() => checkoutAction(null, formData({})));
    await add();
    expect(await checkout()).toMatchObject({ kind: "redirect", url: expect.stringMatching(/^\/checkout\//) });
    await add();

    expect(await changesNothing(checkout)).toEqual({ kind: "returned", value: WAIT_ONE_SECOND });
    await windowPasses();
    expect(await checkout()).toMatchObject({ kind: "redirect" });
  });

  test("putting an expired order back in the cart shares the cart's limit", async () => {
    await limits({ cart: { points: 1, duration: 60 } });
    const { order } = await orderFor("LINGON-JAM-400");
    await db.order.update({ where: { id: order.id }, data: { status: "EXPIRED" } });
    await addToCartAction(null, formData({ sku: "MUG-FJORD-35", quantity: "1" }));
    const reordered = await changesNothing(() => outcomeOf(() => reorderAction(null, formData({ order: order.clientInvoiceId }))));
    expect(reordered).toMatchObject({ kind: "returned", value: { ok: false, error: expect.stringMatching(/^Too many requests\. Please wait \d+ seconds/) } });
  });
});
