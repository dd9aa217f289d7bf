import "./support/shop-address";

import http from "node:http";
import type { IncomingMessage } from "node:http";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { z } from "zod";

import { openOrderAction, payOrderAction, readOutcomeAction } from "@/app/(seqr)/actions";
import { signInAction } from "@/app/(admin)/admin/login/actions";
import {
  addToCartAction,
  checkoutAction,
  removeFromCartAction,
  reorderAction,
  updateCartLineAction,
} from "@/app/(shop)/cart/actions";
import { merchantCredentials } from "@/lib/admin/password";
import { addToCart } from "@/lib/cart/cart";
import { CART_COOKIE } from "@/lib/cart/cart-cookie";
import { cartIdSchema, newCartId } from "@/lib/cart/cart-id";
import { cartQuantityField, lineQuantityField } from "@/lib/cart/quantities";
import { CATALOG } from "@/lib/catalog/catalog-data";
import { skuSchema } from "@/lib/catalog/product-schema";
import { createPrismaClient, databaseProvider, db, type PrismaClient } from "@/lib/db";
import { env } from "@/lib/env";
import { installClientAddressStamp } from "@/lib/http/client-address";
import { overrideRateLimits, RATE_LIMITS, type RateLimit, type RateLimitName } from "@/lib/http/rate-limit";
import { createOrder } from "@/lib/orders/create-order";
import { newClientInvoiceId } from "@/lib/orders/ids";
import { signOrderId, verifyOrderSignature } from "@/lib/orders/notification-url";
import { MAX_NOTIFICATION_BYTES, notificationForm } from "@/lib/orders/notifications";
import { clientInvoiceIdSchema, invoiceReferenceSchema, sessionTokenSchema } from "@/lib/orders/schemas";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { serviceQrText } from "@/lib/seqr/links";

import { fakeRequest, nextHeadersMock, outcomeOf, type Outcome } from "./support/admin-request";
import { shopBaseUrl, shopHttpServer } from "./support/shop-address";
import { ASTRID, expectNoInternals, serveShopForThisFile } from "./support/shop-flow";
import { invoicedOrder, type InvoicedOrder } from "./support/shop-orders";

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

// Fuzzing every public entry point a stranger can reach without a session: the two route handlers over real HTTP,
// every Server Action of the cart, checkout, the SEQR pages and the admin sign-in called as Next calls them (a
// FormData, the request's headers and cookies faked). Each gets FUZZ_RUNS (1000) generated inputs that must be
// refused: malformed forms and bodies, wrong types (files for strings), missing and extra fields, huge and unicode
// strings, ids of the wrong shape, ids of the right shape that name nothing, real ids in the wrong place, bad
// signatures, bad cookies. Each run asserts: no 5xx (nor a Server Action's "went wrong on our side"), a clear 4xx
// or form message without internals, not one row changed in any table of the shop or its sandbox (compared in
// full before and after the run) and no SOAP request to SEQR. The few generated inputs that would be accepted (a
// real add to cart, SEQR's own notification, a session's own outcome page) are left out (fc.pre), named case by
// case; removing a line the cart does not hold is answered "removed" and must change nothing all the same. Each
// property also counts how far its runs got, and fails when too few passed validation to test what lies behind it.
//
// Exemptions, each narrower than "the table may change":
// - RateLimiterFlexible counts calls whose input passed validation, by design (that is what a limit counts). Input
//   that fails validation must not touch it either: the run checks it like every other table then.
// - AdminSignInAttempt records sign-ins, by design: a well-formed wrong password from the shop's own origin adds
//   exactly one attempt row, and changes only the account's failure count and backoff (AdminAccount's
//   failedSignIns, signInBlockedUntil). A malformed password, or a sign-in from another origin, changes nothing.
// - getClientSessionInfo: a token of the right shape that SEQR does not know can only be refused by asking SEQR,
//   which is why the order page is rate limited (issue 13, item 3). Such a token costs exactly one SOAP request;
//   one that fails validation costs none.
//
// Rate limits: the limits are raised for this file (overrideRateLimits) so that no run is refused by a limit and
// every run reaches the check it fuzzes; the limiter still counts (its table is written), and rate-limits.test.ts
// tests the refusals themselves.
//
// Reproducing: the seed is printed, and is part of each test's name. FUZZ_SEED=<seed> replays it, FUZZ_RUNS=<n>
// changes the count; fast-check's failure message also names the seed and the path of the shrunk counterexample.

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 1000;
// eslint-disable-next-line no-console -- the seed is printed so that a failure can be replayed
console.log(`fuzz-public-entry-points: seed ${SEED}, ${RUNS} runs each (replay: FUZZ_SEED=${SEED})`);

const FUZZ_TIMEOUT_MS = 120_000;

/** What the runs of the current property reached (a label per run), so that a property proves it went deep. */
let reached = new Map<string, number>();
const hit = (label: string) => reached.set(label, (reached.get(label) ?? 0) + 1);

/**
 * Runs the property RUNS times from SEED. A failure names the seed to replay, fast-check's path to the shrunk
 * counterexample, and the counterexample itself (cut short: a generated string may be 20 000 characters). Then
 * every label in `mustReach` must have been reached by at least that share of the runs: a generator that only ever
 * produced what the first check refuses would prove little.
 */
async function fuzz<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncPropertyWithHooks<Ts>,
  mustReach: Record<string, number>,
): Promise<void> {
  reached = new Map();
  const details = await fc.check(property, { seed: SEED, numRuns: RUNS });
  if (details.failed) {
    const shown = fc.stringify(details.counterexample);
    const cause = details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
    throw new Error(
      [
        `Fuzzing failed after ${details.numRuns} runs. Replay: FUZZ_SEED=${details.seed} (fast-check path "${details.counterexamplePath}")`,
        `Counterexample: ${shown.length > 2_000 ? `${shown.slice(0, 2_000)}… (${shown.length} characters)` : shown}`,
        `Failure: ${cause.message.slice(0, 4_000)}`,
      ].join("\n"),
      { cause },
    );
  }
  // eslint-disable-next-line no-console -- how deep the runs went, next to the seed
  console.log(`  ${expect.getState().currentTestName}: ${JSON.stringify(Object.fromEntries([...reached].sort()))}`);
  for (const [label, share] of Object.entries(mustReach)) {
    expect(reached.get(label) ?? 0, `runs that reached "${label}"`).toBeGreaterThanOrEqual(Math.max(1, Math.floor(RUNS * share)));
  }
}

// Route handlers see the socket's address, as instrumentation.ts stamps it in the Next.js server.
installClientAddressStamp();
const shop = serveShopForThisFile();

// The runs' own requests open a connection each; the test helpers' fetch keeps one alive between tests, which may be
// seconds apart here. Node's server closing it at 5 s idle can race a request reusing it (ECONNRESET in an
// afterEach, nothing to do with the shop): the client's pool lets it go first.
shopHttpServer.keepAliveTimeout = 60_000;

/** SOAP requests SEQR (the sandbox on this file's server) has received. */
let soapRequests = 0;
shopHttpServer.on("request", (request: IncomingMessage) => {
  if (request.url?.startsWith("/sandbox/soap")) soapRequests += 1;
});

// ---------------------------------------------------------------------------------------------------------------
// Every table, read in full through a database client of its own (as another server process would read it), on
// SQLite and PostgreSQL alike. Rows are compared as a sorted list of their JSON, so the order a database happens to
// return them in does not matter.

const LIMITER_TABLE = "RateLimiterFlexible";
let reader: PrismaClient;
let tableNames: string[] = [];

let lastSnapshot: { version: string; tables: Map<string, string> } | undefined;

/** JSON for any row a raw query returns: bigint (SQLite's and PostgreSQL's 64-bit integers) as text. */
const rowJson = (row: unknown) => JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));

/**
 * What moves whenever a change may have been committed, so that while it stands still the last snapshot is still
 * the database's, and a run that wrote nothing costs no re-read. SQLite: data_version, which moves whenever another
 * connection commits. PostgreSQL: the server's transaction snapshot (xmin:xmax:in-progress ids), which moves
 * whenever any transaction that wrote commits or begins writing, in any database of the server: never missing a
 * change, it sometimes re-reads for another test file's.
 */
async function databaseVersion(): Promise<string> {
  const sql = databaseProvider === "postgresql" ? "SELECT pg_current_snapshot()::text AS version" : "SELECT data_version AS version FROM pragma_data_version";
  const [row] = await reader.$queryRawUnsafe<{ version: unknown }[]>(sql);
  return String(row?.version);
}

/** One table's rows, each as JSON, sorted. */
async function tableRows(name: string): Promise<string[]> {
  return (await reader.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`)).map(rowJson).sort();
}

/** Every table's rows, as JSON. */
async function snapshot(): Promise<Map<string, string>> {
  const version = await databaseVersion();
  if (lastSnapshot?.version === version) return lastSnapshot.tables;
  const tables = new Map<string, string>();
  const contents = await Promise.all(tableNames.map((name) => tableRows(name)));
  tableNames.forEach((name, index) => tables.set(name, JSON.stringify(contents[index])));
  lastSnapshot = { version, tables };
  return tables;
}

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before.keys()].filter((name) => before.get(name) !== after.get(name));
}

async function rowsOf(name: string): Promise<Record<string, unknown>[]> {
  return (await tableRows(name)).map((json) => JSON.parse(json) as Record<string, unknown>);
}

/**
 * Runs one fuzzed call: everything but `exempt` must be exactly as it was, and SEQR asked `soap` times (0 unless
 * said). Returns what the call returned and the tables that changed (all of them exempt).
 */
async function unchangedExcept<T>(
  call: () => Promise<T>,
  options: { exempt?: readonly string[]; soap?: number } = {},
): Promise<{ result: T; changed: string[] }> {
  const exempt = new Set(options.exempt ?? []);
  const before = await snapshot();
  const soapBefore = soapRequests;
  const result = await call();
  const after = await snapshot();
  const changed = changedTables(before, after);
  expect(
    changed.filter((name) => !exempt.has(name)),
    "tables changed by a refused input",
  ).toEqual([]);
  expect(soapRequests - soapBefore, "SOAP requests for a refused input").toBe(options.soap ?? 0);
  return { result, changed };
}

// ---------------------------------------------------------------------------------------------------------------
// What a refusal must look like.

const OUR_SIDE = /went wrong on our side/i;

/** A Server Action's refusal: the form's message, short, in words, no internals, never "our side" (the 5xx). */
function expectFormRefusal(outcome: Outcome): string {
  expect(outcome.kind, "a refused input must not redirect").toBe("returned");
  const value = (outcome as { value: unknown }).value as { ok?: unknown; error?: unknown } | null;
  expect(value).toMatchObject({ ok: false, error: expect.any(String) });
  const error = value?.error as string;
  expect(error.trim().length).toBeGreaterThan(0);
  // A message for a person: it does not echo a huge input back.
  expect(error.length).toBeLessThanOrEqual(300);
  expect(error).not.toMatch(OUR_SIDE);
  expectNoInternals(error);
  return error;
}

type HttpAnswer = { status: number; text: string; headers: http.IncomingHttpHeaders };

/** A route handler's refusal: a 4xx with a JSON problem (code and message), no internals. */
function expectHttpRefusal(answer: HttpAnswer): void {
  expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
  expect(answer.status, answer.text).toBeLessThan(500);
  expectNoInternals(answer.text);
  expect(`${answer.headers["content-type"]}`, `${answer.status} ${JSON.stringify(answer.headers)} ${answer.text}`).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error?.code).toMatch(/^[A-Z_]+$/);
  expect(body.error?.message).toEqual(expect.any(String));
  expect((body.error?.message as string).length).toBeLessThanOrEqual(300);
}

// ---------------------------------------------------------------------------------------------------------------
// Raw HTTP, so that the framing (Content-Length or chunked) and every byte of the query are the test's choice.

function httpRequest(request: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  chunked?: boolean;
}): Promise<HttpAnswer> {
  const { port } = new URL(shopBaseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = http.request(
      { host: "127.0.0.1", port, method: request.method, path: request.path, headers: request.headers, agent: false },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: response.headers });
          outgoing.destroy();
        });
      },
    );
    // The server may answer and close before it reads a body it refuses: the answer is what counts.
    outgoing.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (request.body !== undefined) {
      if (!request.chunked) outgoing.setHeader("Content-Length", request.body.byteLength);
      outgoing.write(request.body);
    }
    outgoing.end();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Generators shared by every entry point.

const NASTY = [
  "",
  " ",
  "\t\r\n",
  "\u0000",
  "null",
  "undefined",
  "true",
  "[object Object]",
  "__proto__",
  "constructor",
  "0",
  "-1",
  "1e2",
  "1.5",
  "NaN",
  "Infinity",
  "０",
  "١",
  "%00",
  "%",
  "' OR '1'='1",
  '"; DROP TABLE "Order"; --',
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "\u202eevil",
  "\ud800",
  "\udfff\ud800",
  "😀",
  "A\u0301",
  "ß",
  "İ",
  "\ufeff1",
  "1\u200b",
  "{\"a\":1}",
  "[]",
];

/** Long strings of a repeated piece, up to `max` characters (bounded by what the entry point's body cap lets in). */
const huge = (min: number, max: number) =>
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 3, unit: "binary" }), fc.integer({ min, max }))
    .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

/** Any text at all: nasty constants, random strings of every unicode kind, now and then a huge one. */
const junk = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 20, unit: "grapheme" }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 20, unit: "binary" }), weight: 2 },
  { arbitrary: huge(200, 20_000), weight: 1 },
);

/**
 * The same for text that travels in a URL: Node's HTTP server (Next's too) answers 431 with no body, before any
 * route, to a request line and headers past 16 KiB, so a URL's strings stay well under that to reach the handler.
 */
const urlJunk = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 20, unit: "grapheme" }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 20, unit: "binary" }), weight: 2 },
  { arbitrary: huge(200, 1_000), weight: 1 },
);
const MAX_URL_LENGTH = 12_000;

/** Printable ASCII: what may stand in an HTTP header. */
const headerText = fc.stringMatching(/^[!-~]([ -~]{0,60}[!-~])?$/);

/** A form value of the wrong type: a file where a string belongs. */
const fileValue = fc
  .tuple(fc.uint8Array({ maxLength: 64 }), fc.constantFrom("a.txt", "", "../x", "😀.png"), fc.constantFrom("", "text/plain", "image/png"))
  .map(([bytes, name, type]) => new File([bytes], name, { type }));

type FormValue = string | File;
type FormEntries = [string, FormValue][];

function toFormData(entries: FormEntries): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

/** What validatedAction parses: the last value of each name. */
const formObject = (entries: FormEntries) => Object.fromEntries(toFormData(entries));

const extraFieldName = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "$ACTION_ID_0", "$ACTION_REF_1", "id", "price", "amountMinor", "status", ""),
  fc.string({ maxLength: 12 }),
);

/**
 * A form with the given fields, each present (a value from its generator, now and then a file) or missing, plus
 * extra fields, in any order, now and then a field twice.
 */
function formWith(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<FormEntries> {
  const known = Object.entries(fields).map(([name, value]) =>
    fc.oneof(
      { arbitrary: value.map((v): FormEntries => [[name, v]]), weight: 8 },
      { arbitrary: fc.constant<FormEntries>([]), weight: 1 },
      { arbitrary: fileValue.map((file): FormEntries => [[name, file]]), weight: 1 },
      { arbitrary: fc.tuple(value, junk).map(([first, second]): FormEntries => [[name, first], [name, second]]), weight: 1 },
    ),
  );
  const extras = fc.array(
    fc.tuple(extraFieldName, fc.oneof({ arbitrary: junk, weight: 4 }, { arbitrary: fileValue, weight: 1 })),
    { maxLength: 4 },
  );
  return fc
    .tuple(fc.tuple(...known), extras, fc.boolean())
    .map(([present, extra, extrasFirst]) => {
      const own = present.flat();
      return extrasFirst ? [...(extra as FormEntries), ...own] : [...own, ...(extra as FormEntries)];
    });
}

/** A real value with a twist: padded, lower-cased, cut short, lengthened, a look-alike character. */
const twisted = (values: readonly string[]) =>
  fc.tuple(fc.constantFrom(...values), fc.integer({ min: 0, max: 6 })).map(([value, how]) => {
    switch (how) {
      case 0:
        return ` ${value} `;
      case 1:
        return value.toLowerCase();
      case 2:
        return value.slice(0, -1);
      case 3:
        return `${value}x`;
      case 4:
        return value.replace(/[A-Za-z0-9]/, "\u0410");
      case 5:
        return `${value}\u0000`;
      default:
        return `${value}\n`;
    }
  });

const SKUS = CATALOG.map((product) => product.sku);
const wellShapedSku = fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,39}$/);
const skuValue = fc.oneof(
  { arbitrary: junk, weight: 3 },
  { arbitrary: wellShapedSku, weight: 2 },
  { arbitrary: fc.constantFrom(...SKUS), weight: 3 },
  { arbitrary: twisted(SKUS), weight: 2 },
);
const quantityValue = fc.oneof(
  { arbitrary: junk, weight: 3 },
  {
    arbitrary: fc.constantFrom("0", "1", "2", "99", "100", "999", "1000", "-1", "+1", " 1 ", "1.0", "01", "001", "1e1", "0x1", "５", "1,5"),
    weight: 3,
  },
  { arbitrary: fc.integer({ min: -1_000, max: 100_000 }).map(String), weight: 2 },
  { arbitrary: fc.constant(String(Number.MAX_SAFE_INTEGER + 2)), weight: 1 },
  // Quantities a form may send: refused for a product not for sale, sold out, or past its stock.
  { arbitrary: fc.integer({ min: 1, max: 99 }).map(String), weight: 4 },
);
const wellShapedOrderId = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
const wellShapedCartId = fc.stringMatching(/^[A-Za-z0-9_-]{24}$/);
const wellShapedToken = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~-]{1,200}$/), fc.stringMatching(/^\d{10}-\d{8}$/));
const digits = fc.stringMatching(/^\d{1,32}$/);

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: the state a stranger's inputs are aimed at. None of it changes during a property: that is the test.

const SOLD_OUT_SKU = "DALA-HORSE-RED";
const OFF_SALE_SKU = "CANDLE-PINE";

type Fixtures = {
  /** Carts by role; `full` holds orderable lines (checking it out would succeed, so the fuzz never does). */
  carts: { full: string; empty: string; soldOut: string; atCap: string };
  /** Lines of each cart, sku → quantity. */
  cartLines: Map<string, Map<string, number>>;
  /** Stock of each product for sale, by sku. */
  forSale: Map<string, number>;
  expired: { clientInvoiceId: string };
  pendingOfFullCart: { clientInvoiceId: string };
  invoiced: [InvoicedOrder, InvoicedOrder];
  /** An order whose session the shop has, canceled by the merchant: Pay must be refused. */
  ended: { clientInvoiceId: string; sessionToken: string };
  /** Tokens SEQR knows, every one refused by the shop or by SEQR (unknown order or product, nothing to pay, 60-62). */
  refusedSandboxTokens: string[];
  /** Every clientInvoiceId the shop has. */
  orderIds: string[];
};

let fx: Fixtures;
let restoreLimits: (() => void) | undefined;

beforeAll(async () => {
  const unlimited: RateLimit = { points: 1_000_000_000, duration: 3_600 };
  restoreLimits = overrideRateLimits(
    Object.fromEntries(Object.keys(RATE_LIMITS).map((name) => [name, unlimited])) as Record<RateLimitName, RateLimit>,
  );
  // The merchant's account row exists (and holds the password's hash) before the first sign-in is fuzzed.
  await merchantCredentials();

  const carts = { full: newCartId(), empty: newCartId(), soldOut: newCartId(), atCap: newCartId() };
  await addToCart(carts.full, "LINGON-JAM-400", 2);
  await addToCart(carts.full, "MUG-FJORD-35", 1);
  await db.cart.create({ data: { id: carts.empty } });
  await addToCart(carts.soldOut, SOLD_OUT_SKU, 1);
  await addToCart(carts.soldOut, OFF_SALE_SKU, 1);
  await db.product.update({ where: { sku: SOLD_OUT_SKU }, data: { stock: 0 } });
  await db.product.update({ where: { sku: OFF_SALE_SKU }, data: { active: false } });
  await addToCart(carts.atCap, "WOOL-SOCKS-GREY", 1);
  const jam = await db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } });
  const line = { lines: [{ productId: jam.id, quantity: 1 }], source: "CART" as const, trigger: "checkout" };
  for (let order = 0; order < 5; order += 1) await createOrder({ ...line, cart: { id: carts.atCap, maxOpenOrders: 5 } });

  const expired = await createOrder({ ...line, cart: { id: carts.full, maxOpenOrders: 5 } });
  await db.order.update({ where: { id: expired.id }, data: { status: "EXPIRED" } });
  const pendingOfFullCart = await createOrder({ ...line, cart: { id: carts.full, maxOpenOrders: 5 } });

  const invoiced: [InvoicedOrder, InvoicedOrder] = [await invoicedOrder(shop.server), await invoicedOrder(shop.server)];

  const endedOrder = await createOrder(line);
  const endedToken: string = (
    await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { order: endedOrder.clientInvoiceId }), { msisdn: ASTRID })
  ).sessionToken;
  await openOrderSession(endedToken);
  await db.order.update({ where: { id: endedOrder.id }, data: { status: "CANCELED_BY_MERCHANT", canceledAt: new Date() } });

  const scanned = async (parameters: Record<string, string>): Promise<string> =>
    (await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, parameters), { msisdn: ASTRID })).sessionToken;
  const refusedSandboxTokens = [
    await scanned({ order: newClientInvoiceId() }),
    await scanned({ order: "../../not-an-order" }),
    await scanned({ product: "NO-SUCH-PRODUCT" }),
    await scanned({ product: OFF_SALE_SKU }),
    await scanned({}),
  ];
  for (const action of ["expire", "cancel", "start-payment"]) {
    const token = await scanned({ order: newClientInvoiceId() });
    expect((await shop.server.api("POST", `/sessions/${token}`, { action })).status).toBe(200);
    refusedSandboxTokens.push(token);
  }

  const cartLines = new Map<string, Map<string, number>>();
  for (const item of await db.cartItem.findMany({ include: { product: { select: { sku: true } } } })) {
    const lines = cartLines.get(item.cartId) ?? new Map<string, number>();
    lines.set(item.product.sku, item.quantity);
    cartLines.set(item.cartId, lines);
  }
  const forSale = new Map(
    (await db.product.findMany({ where: { active: true }, select: { sku: true, stock: true } })).map((product) => [product.sku, product.stock]),
  );
  fx = {
    carts,
    cartLines,
    forSale,
    expired,
    pendingOfFullCart,
    invoiced,
    ended: { clientInvoiceId: endedOrder.clientInvoiceId, sessionToken: endedToken },
    refusedSandboxTokens,
    orderIds: (await db.order.findMany({ select: { clientInvoiceId: true } })).map((order) => order.clientInvoiceId),
  };

  reader = createPrismaClient(env.databaseUrl);
  const tablesSql =
    databaseProvider === "postgresql"
      ? `SELECT table_name AS name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name`
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name";
  const names = (await reader.$queryRawUnsafe<{ name: string }[]>(tablesSql)).map((row) => row.name);
  tableNames = names;
  // The comparison covers the shop's tables and the sandbox's (SEQR's side) alike.
  expect(names).toEqual(expect.arrayContaining(["Order", "PaymentAttempt", "PaymentEvent", "Cart", "CartItem", "SandboxInvoice", "SandboxSession", "AdminSignInAttempt", LIMITER_TABLE]));
}, 60_000);

afterAll(async () => {
  restoreLimits?.();
  await reader?.$disconnect();
});

// ---------------------------------------------------------------------------------------------------------------
// Server Actions: the request each is called in.

const HOST = "127.0.0.1:3000";

/** Which cart cookie the browser sends: none, junk, a cart id nobody has, or one of the fixture carts. */
type CookieChoice = { kind: "none" } | { kind: "junk"; value: string } | { kind: "unknown"; value: string } | { kind: keyof Fixtures["carts"] };

const cookieChoice: fc.Arbitrary<CookieChoice> = fc.oneof(
  fc.constant<CookieChoice>({ kind: "none" }),
  headerText.map((value): CookieChoice => ({ kind: "junk", value })),
  wellShapedCartId.map((value): CookieChoice => ({ kind: "unknown", value })),
  fc.constantFrom<CookieChoice>({ kind: "full" }, { kind: "empty" }, { kind: "soldOut" }, { kind: "atCap" }),
);

function cookieValue(choice: CookieChoice): string | undefined {
  if (choice.kind === "none") return undefined;
  if (choice.kind === "junk" || choice.kind === "unknown") return choice.value;
  return fx.carts[choice.kind];
}

/** The cart the action will use: the cookie's, when it holds a cart id. */
function cartOf(choice: CookieChoice): string | null {
  const parsed = cartIdSchema.safeParse(cookieValue(choice));
  return parsed.success ? parsed.data : null;
}

async function callAction(
  action: (previous: null, formData: FormData) => Promise<unknown>,
  entries: FormEntries,
  request: { cookie?: CookieChoice; origin?: string | null; forwardedHost?: string } = {},
): Promise<Outcome> {
  fakeRequest({ host: HOST, origin: request.origin, forwardedHost: request.forwardedHost });
  const cookie = request.cookie ? cookieValue(request.cookie) : undefined;
  if (cookie !== undefined) (await nextHeadersMock.cookies()).set(CART_COOKIE, cookie);
  return outcomeOf(() => action(null, toFormData(entries)));
}

const passes = (schema: z.ZodType, entries: FormEntries) => schema.safeParse(formObject(entries));

const REFUSED_BY_VALIDATION = "refused by validation";
const REFUSED_AFTER_VALIDATION = "validated, then refused";
const stage = (validated: boolean) => (validated ? REFUSED_AFTER_VALIDATION : REFUSED_BY_VALIDATION);

/** Exempt for input that passed validation (it is counted); for input that failed, the limiter is like any table. */
const limiterIf = (validated: boolean) => (validated ? [LIMITER_TABLE] : []);

// ---------------------------------------------------------------------------------------------------------------

describe(`fuzzing the public Server Actions (seed ${SEED})`, () => {
  const addInput = z.object({ sku: skuSchema, quantity: lineQuantityField });
  const updateInput = z.object({ sku: skuSchema, quantity: cartQuantityField });
  const removeInput = z.object({ sku: skuSchema });

  test(
    "add to cart (product pages and the cart)",
    async () => {
      await fuzz(
        fc.asyncProperty(formWith({ sku: skuValue, quantity: quantityValue }), cookieChoice, async (entries, cookie) => {
          const parsed = passes(addInput, entries);
          if (parsed.success) {
            // Would be a real add: the product is for sale and the line would still fit its stock.
            const { sku, quantity } = parsed.data as z.output<typeof addInput>;
            const stock = fx.forSale.get(sku);
            const inCart = fx.cartLines.get(cartOf(cookie) ?? "")?.get(sku) ?? 0;
            fc.pre(stock === undefined || inCart + quantity > Math.min(stock, 99));
          }
          const { result } = await unchangedExcept(() => callAction(addToCartAction, entries, { cookie }), {
            exempt: limiterIf(parsed.success),
          });
          expectFormRefusal(result);
          hit(stage(parsed.success));
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, [REFUSED_AFTER_VALIDATION]: 0.05 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "change a cart line's quantity",
    async () => {
      await fuzz(
        fc.asyncProperty(formWith({ sku: skuValue, quantity: quantityValue }), cookieChoice, async (entries, cookie) => {
          const parsed = passes(updateInput, entries);
          let noOp = false;
          if (parsed.success) {
            const { sku, quantity } = parsed.data as z.output<typeof updateInput>;
            const inCart = fx.cartLines.get(cartOf(cookie) ?? "")?.has(sku) ?? false;
            const stock = fx.forSale.get(sku);
            // Changing or removing a line the cart holds is a real change; removing one it does not hold is a no-op.
            fc.pre(!(inCart && (quantity === 0 || (stock !== undefined && quantity <= stock))));
            noOp = quantity === 0 && SKUS.includes(sku);
          }
          const { result } = await unchangedExcept(() => callAction(updateCartLineAction, entries, { cookie }), {
            exempt: limiterIf(parsed.success),
          });
          if (noOp) expect(result).toMatchObject({ kind: "returned", value: { ok: true } });
          else expectFormRefusal(result);
          hit(noOp ? "validated, changed nothing (the line was not in the cart)" : stage(parsed.success));
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, [REFUSED_AFTER_VALIDATION]: 0.02 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "remove a cart line",
    async () => {
      await fuzz(
        fc.asyncProperty(formWith({ sku: skuValue }), cookieChoice, async (entries, cookie) => {
          const parsed = passes(removeInput, entries);
          let noOp = false;
          if (parsed.success) {
            const { sku } = parsed.data as z.output<typeof removeInput>;
            fc.pre(!(fx.cartLines.get(cartOf(cookie) ?? "")?.has(sku) ?? false));
            // A second click on "remove" (the line is gone already) is not an error, and changes nothing.
            noOp = SKUS.includes(sku);
          }
          const { result } = await unchangedExcept(() => callAction(removeFromCartAction, entries, { cookie }), {
            exempt: limiterIf(parsed.success),
          });
          if (noOp) expect(result).toMatchObject({ kind: "returned", value: { ok: true } });
          else expectFormRefusal(result);
          hit(noOp ? "validated, changed nothing (the line was not in the cart)" : stage(parsed.success));
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, [REFUSED_AFTER_VALIDATION]: 0.02 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "checkout: an empty, unknown, sold-out or full-up cart places no order",
    async () => {
      await fuzz(
        fc.asyncProperty(formWith({}), cookieChoice, async (entries, cookie) => {
          // The one cart whose checkout would place an order.
          fc.pre(cartOf(cookie) !== fx.carts.full);
          // The checkout form has no fields: whatever it carries passes validation, and is counted.
          const { result } = await unchangedExcept(() => callAction(checkoutAction, entries, { cookie }), { exempt: [LIMITER_TABLE] });
          hit(`cart: ${cookie.kind}`);
          expectFormRefusal(result);
        }),
        { "cart: none": 0.03, "cart: junk": 0.03, "cart: unknown": 0.03, "cart: empty": 0.03, "cart: soldOut": 0.03, "cart: atCap": 0.03 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "put an expired order back in the cart: only the placing cart's own expired order",
    async () => {
      const orderValue = fc.oneof(
        { arbitrary: junk, weight: 3 },
        { arbitrary: wellShapedOrderId, weight: 2 },
        {
          arbitrary: fc.constantFrom("expired", "pending", "invoiced", "ended").map((which) =>
            which === "expired"
              ? fx.expired.clientInvoiceId
              : which === "pending"
                ? fx.pendingOfFullCart.clientInvoiceId
                : which === "invoiced"
                  ? fx.invoiced[0].clientInvoiceId
                  : fx.ended.clientInvoiceId,
          ),
          weight: 4,
        },
        { arbitrary: fc.constant(null).chain(() => twisted(fx.orderIds)), weight: 2 },
      );
      await fuzz(
        fc.asyncProperty(formWith({ order: orderValue }), cookieChoice, async (entries, cookie) => {
          const parsed = passes(z.object({ order: clientInvoiceIdSchema }), entries);
          if (parsed.success) {
            fc.pre(!((parsed.data as { order: string }).order === fx.expired.clientInvoiceId && cartOf(cookie) === fx.carts.full));
          }
          const { result } = await unchangedExcept(() => callAction(reorderAction, entries, { cookie }), {
            exempt: limiterIf(parsed.success),
          });
          expectFormRefusal(result);
          hit(stage(parsed.success));
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, [REFUSED_AFTER_VALIDATION]: 0.2 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  /** Tokens: junk, the right shape, SEQR's refused ones, and the shop's own (filtered out where they would work). */
  const tokenValue = () =>
    fc.oneof(
      { arbitrary: junk, weight: 3 },
      { arbitrary: wellShapedToken, weight: 3 },
      {
        arbitrary: fc.constant(null).chain(() =>
          fc.constantFrom(...fx.refusedSandboxTokens, fx.ended.sessionToken, fx.invoiced[0].sessionToken, fx.invoiced[1].sessionToken),
        ),
        weight: 3,
      },
      {
        arbitrary: fc.constant(null).chain(() => twisted([...fx.refusedSandboxTokens, fx.invoiced[0].sessionToken, fx.ended.sessionToken])),
        weight: 1,
      },
    );
  const shopTokens = () => new Map([fx.invoiced, [fx.ended]].flat().map((order) => [order.sessionToken, order] as const));
  const tokenInput = z.object({ token: sessionTokenSchema });

  test(
    "the order page's session (getClientSessionInfo)",
    async () => {
      await fuzz(
        fc.asyncProperty(formWith({ token: tokenValue() }), async (entries) => {
          const parsed = passes(tokenInput, entries);
          // A session the shop has opened already opens again: not a refusal.
          if (parsed.success) fc.pre(!shopTokens().has((parsed.data as { token: string }).token));
          // Whether SEQR knows a token of the right shape only SEQR can say: one call; none for a malformed one.
          const { result } = await unchangedExcept(() => callAction(openOrderAction, entries), {
            exempt: limiterIf(parsed.success),
            soap: parsed.success ? 1 : 0,
          });
          expectFormRefusal(result);
          hit(stage(parsed.success));
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, [REFUSED_AFTER_VALIDATION]: 0.2 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "Pay",
    async () => {
      await fuzz(
        fc.asyncProperty(formWith({ token: tokenValue() }), async (entries) => {
          const parsed = passes(tokenInput, entries);
          if (parsed.success) {
            const token = (parsed.data as { token: string }).token;
            // Pay on an invoiced order's session is a real Pay; on the merchant-canceled order's it is refused.
            fc.pre(token !== fx.invoiced[0].sessionToken && token !== fx.invoiced[1].sessionToken);
          }
          const { result } = await unchangedExcept(() => callAction(payOrderAction, entries), { exempt: limiterIf(parsed.success) });
          expectFormRefusal(result);
          hit(stage(parsed.success));
          if (parsed.success && (parsed.data as { token: string }).token === fx.ended.sessionToken) hit("Pay on the merchant-canceled order");
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, [REFUSED_AFTER_VALIDATION]: 0.2, "Pay on the merchant-canceled order": 0.01 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "the outcome pages (success, failure, cancel)",
    async () => {
      const referenceValue = fc.oneof(
        { arbitrary: junk, weight: 3 },
        { arbitrary: digits, weight: 2 },
        { arbitrary: fc.constant(null).chain(() => fc.constantFrom(fx.invoiced[0].invoiceReference, fx.invoiced[1].invoiceReference)), weight: 3 },
        { arbitrary: fc.constant(null).chain(() => twisted([fx.invoiced[0].invoiceReference])), weight: 1 },
      );
      const outcomeInput = z.object({ token: sessionTokenSchema, invoiceReference: invoiceReferenceSchema.optional() });
      await fuzz(
        fc.asyncProperty(formWith({ token: tokenValue(), invoiceReference: referenceValue }), async (entries) => {
          const parsed = passes(outcomeInput, entries);
          if (parsed.success) {
            const { token, invoiceReference } = parsed.data as z.output<typeof outcomeInput>;
            const order = shopTokens().get(token);
            // A session's own outcome page is read (and may ask SEQR): not a refusal.
            fc.pre(!(order && (invoiceReference === undefined || ("invoiceReference" in order && order.invoiceReference === invoiceReference))));
          }
          const { result } = await unchangedExcept(() => callAction(readOutcomeAction, entries), { exempt: limiterIf(parsed.success) });
          expectFormRefusal(result);
          hit(stage(parsed.success));
          if (parsed.success && shopTokens().has((parsed.data as { token: string }).token)) hit("a real session, another order's invoice");
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, [REFUSED_AFTER_VALIDATION]: 0.1, "a real session, another order's invoice": 0.01 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "admin sign-in: malformed or cross-origin changes nothing; a wrong password is recorded, nothing else",
    async () => {
      const passwordValue = fc.oneof(
        { arbitrary: junk, weight: 4 },
        { arbitrary: fc.string({ minLength: 1, maxLength: 200 }), weight: 2 },
        { arbitrary: huge(201, 20_000), weight: 1 },
        { arbitrary: fc.constant(env.admin.password), weight: 1 },
        { arbitrary: twisted([env.admin.password]), weight: 1 },
      );
      const publicHost = new URL(env.publicBaseUrl).host;
      const sameOrigin = fc.constantFrom(`http://${HOST}`, env.publicBaseUrl);
      const crossOrigin = fc.oneof(
        fc.constantFrom<string | null>(null, "null", "http://evil.example", `http://${HOST}.evil.example`, "file://", `${HOST}`),
        headerText.filter((origin) => !URL.canParse(origin) || ![HOST, publicHost].includes(new URL(origin).host)),
      );
      const request = fc.oneof(
        { arbitrary: sameOrigin.map((origin) => ({ origin, same: true })), weight: 3 },
        { arbitrary: crossOrigin.map((origin) => ({ origin, same: false })), weight: 2 },
        // A forwarded host that is not the Origin's: cross-origin, whatever the Host says.
        {
          arbitrary: headerText
            .filter((host) => host !== HOST && host !== publicHost)
            .map((forwardedHost) => ({ origin: "http://evil.example", forwardedHost, same: false })),
          weight: 1,
        },
      );
      const signInInput = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(200) });
      await fuzz(
        fc.asyncProperty(formWith({ email: fc.constant(env.admin.email), password: passwordValue }), request, async (entries, { same, ...headers }) => {
          const parsed = passes(signInInput, entries);
          const password = parsed.success ? (parsed.data as { password: string }).password : undefined;
          fc.pre(!(same && password === env.admin.password));
          const recorded = same && password !== undefined;
          const attemptsBefore = await rowsOf("AdminSignInAttempt");
          const accountBefore = await rowsOf("AdminAccount");
          const { result } = await unchangedExcept(() => callAction(signInAction, entries, headers), {
            // A repeated e-mail field may name an address with no account: its failures are braked like an
            // account's, kept as a RateLimiterFlexible row under the e-mail's hash (lib/admin/sign-in.ts).
            exempt: recorded ? ["AdminSignInAttempt", "AdminAccount", "RateLimiterFlexible"] : [],
          });
          const message = expectFormRefusal(result);
          if (recorded) {
            expect(message).toMatch(/^(That e-mail address and password do not match\.|Too many failed sign-ins)/);
            // One attempt more; of the account, only its failures in a row and its backoff moved.
            const known = new Set(attemptsBefore.map((attempt) => attempt.id));
            const added = (await rowsOf("AdminSignInAttempt")).filter((attempt) => !known.has(attempt.id));
            expect(added).toEqual([expect.objectContaining({ outcome: expect.stringMatching(/^(FAILED|LOCKED_OUT)$/) })]);
            const withoutBackoff = (rows: Record<string, unknown>[]) =>
              rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !["failedSignIns", "signInBlockedUntil", "updatedAt"].includes(column))));
            expect(withoutBackoff(await rowsOf("AdminAccount"))).toEqual(withoutBackoff(accountBefore));
          }
          hit(recorded ? "a wrong password, recorded" : parsed.success ? "from another origin" : REFUSED_BY_VALIDATION);
        }),
        { [REFUSED_BY_VALIDATION]: 0.2, "from another origin": 0.1, "a wrong password, recorded": 0.05 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------------------------

describe(`fuzzing the public route handlers over HTTP (seed ${SEED})`, () => {
  test(
    "GET /api/orders/<id>/status",
    async () => {
      const idValue = fc
        .oneof(
          { arbitrary: urlJunk, weight: 3 },
          { arbitrary: wellShapedOrderId, weight: 3 },
          { arbitrary: fc.constant(null).chain(() => twisted(fx.orderIds)), weight: 2 },
        )
        // A URL carries UTF-8: a lone surrogate cannot be sent, a browser sends U+FFFD for it.
        .map((id) => id.replace(/\p{Surrogate}/gu, "\ufffd"))
        // "", "." and ".." are not a path segment the route sees at all (the URL is normalised first).
        .filter((id) => id !== "" && id !== "." && id !== "..");
      const queryValue = fc.dictionary(fc.string({ maxLength: 8 }), urlJunk, { maxKeys: 3 });
      await fuzz(
        fc.asyncProperty(idValue, queryValue, fc.option(headerText, { nil: undefined }), async (id, query, forwardedFor) => {
          fc.pre(!fx.orderIds.includes(id));
          const search = new URLSearchParams(query).toString();
          const path = `/api/orders/${encodeURIComponent(id)}/status${search ? `?${search}` : ""}`;
          fc.pre(path.length <= MAX_URL_LENGTH);
          const headers: Record<string, string> = forwardedFor === undefined ? {} : { "X-Forwarded-For": forwardedFor };
          const validated = clientInvoiceIdSchema.safeParse(id).success;
          const { result } = await unchangedExcept(() => httpRequest({ method: "GET", path, headers }), {
            exempt: limiterIf(validated),
          });
          expectHttpRefusal(result);
          expect(result.status).toBe(404);
          hit(validated ? "an order id nobody has" : "not an order id");
        }),
        { "not an order id": 0.2, "an order id nobody has": 0.2 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  test(
    "POST /api/seqr/notification",
    async () => {
      type Target = "pending" | "invoiced0" | "invoiced1" | "unknown";
      /** Tags resolved against the fixtures inside the run (the fixtures exist only once beforeAll has run). */
      type Pick = { tag: "text"; value: string } | { tag: "order"; target: Target } | { tag: "sig"; how: string; target?: Target };

      const targetValue = fc.oneof(
        { arbitrary: fc.constant<Target>("pending"), weight: 1 },
        { arbitrary: fc.constant<Target>("invoiced0"), weight: 2 },
        { arbitrary: fc.constant<Target>("invoiced1"), weight: 1 },
        { arbitrary: fc.constant<Target>("unknown"), weight: 2 },
      );
      const orderPick = fc.oneof(
        { arbitrary: urlJunk.map((value): Pick => ({ tag: "text", value })), weight: 1 },
        { arbitrary: wellShapedOrderId.map((value): Pick => ({ tag: "text", value })), weight: 1 },
        { arbitrary: targetValue.map((target): Pick => ({ tag: "order", target })), weight: 4 },
      );
      const sigPick = fc.oneof(
        { arbitrary: urlJunk.map((value): Pick => ({ tag: "text", value })), weight: 1 },
        { arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/).map((value): Pick => ({ tag: "text", value })), weight: 1 },
        {
          arbitrary: fc
            .tuple(fc.constantFrom("right", "right", "right", "upper", "short", "long", "another order's"), targetValue)
            .map(([how, target]): Pick => ({ tag: "sig", how, target })),
          weight: 5,
        },
      );
      const fieldPick = (value: fc.Arbitrary<string>) =>
        fc.oneof(
          { arbitrary: value.map((v): Pick => ({ tag: "text", value: v })), weight: 2 },
          { arbitrary: targetValue.map((target): Pick => ({ tag: "order", target })), weight: 1 },
        );
      const queryPick: fc.Arbitrary<{ order?: Pick; sig?: Pick; extra: Record<string, string> }> = fc.record(
        {
          order: orderPick,
          sig: sigPick,
          extra: fc.dictionary(fc.string({ maxLength: 8 }), urlJunk, { maxKeys: 2 }),
        },
        { requiredKeys: ["extra"] },
      );
      const referenceValue = fc.oneof(junk, digits);
      type FormChoice = { invoiceReference?: Pick; clientInvoiceId?: Pick; msisdn?: string; subscriberKey?: string; extra: Record<string, string> };
      const formPick: fc.Arbitrary<FormChoice> = fc.record(
        {
          // "order" for invoiceReference: the target order's own invoice (the one field the handler believes).
          invoiceReference: fieldPick(referenceValue),
          clientInvoiceId: fieldPick(fc.oneof(junk, wellShapedOrderId)),
          msisdn: fc.oneof(fc.stringMatching(/^\d{0,25}$/), junk),
          subscriberKey: fc.oneof({ arbitrary: fc.string({ maxLength: 40 }), weight: 3 }, { arbitrary: huge(100, 5_000), weight: 1 }),
          extra: fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 3 }),
        },
        { requiredKeys: ["extra"] },
      );
      const bodyPick = fc.oneof(
        { arbitrary: formPick.map((form) => ({ kind: "form" as const, form })), weight: 6 },
        // SEQR's form as it sends it, but for the wrong order or invoice.
        {
          arbitrary: fc
            .tuple(fieldPick(digits), fc.stringMatching(/^\d{11}$/))
            .map(([invoiceReference, msisdn]) => ({ kind: "form" as const, form: { invoiceReference, msisdn, extra: {} } as FormChoice })),
          weight: 3,
        },
        { arbitrary: junk.map((text) => ({ kind: "text" as const, text })), weight: 2 },
        { arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ kind: "bytes" as const, bytes })), weight: 1 },
        {
          // Past the cap (4 KiB), and some just under it.
          arbitrary: fc.integer({ min: MAX_NOTIFICATION_BYTES - 64, max: 3 * MAX_NOTIFICATION_BYTES }).map((size) => ({ kind: "size" as const, size })),
          weight: 1,
        },
        { arbitrary: fc.constant({ kind: "none" as const }), weight: 1 },
      );
      const contentType = fc.constantFrom(
        undefined,
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
      );

      const orders = () => ({ pending: fx.pendingOfFullCart.clientInvoiceId, invoiced0: fx.invoiced[0].clientInvoiceId, invoiced1: fx.invoiced[1].clientInvoiceId });
      /** A well-shaped order id nobody has; one per file, so that "unknown" is the same order in every run. */
      const unknownOrder = newClientInvoiceId();
      const orderIdOf = (target: Target) => (target === "unknown" ? unknownOrder : orders()[target]);
      const referenceOf = (target: Target) =>
        target === "invoiced0" ? fx.invoiced[0].invoiceReference : target === "invoiced1" ? fx.invoiced[1].invoiceReference : "4711";
      const invoiceOwner = () => new Map(fx.invoiced.map((order) => [order.invoiceReference, order.clientInvoiceId]));

      const resolveQuery = (pick: { order?: Pick; sig?: Pick; extra: Record<string, string> }): Record<string, string> => {
        const query: Record<string, string> = { ...pick.extra };
        delete query.order;
        delete query.sig;
        const order = pick.order === undefined ? undefined : pick.order.tag === "order" ? orderIdOf(pick.order.target) : (pick.order as { value: string }).value;
        if (order !== undefined) query.order = order;
        if (pick.sig !== undefined) {
          if (pick.sig.tag === "sig") {
            const signed = signOrderId(order ?? "");
            const other = signOrderId(orderIdOf(pick.sig.target ?? "unknown"));
            query.sig = { right: signed, upper: signed.toUpperCase(), short: signed.slice(0, 63), long: `${signed}0`, "another order's": other }[pick.sig.how] ?? signed;
          } else if (pick.sig.tag === "text") {
            query.sig = pick.sig.value;
          }
        }
        return query;
      };

      await fuzz(
        fc.asyncProperty(
          queryPick,
          bodyPick,
          contentType,
          fc.boolean(),
          fc.option(headerText, { nil: undefined }),
          async (queryChoice, bodyChoice, type, chunked, forwardedFor) => {
            const query = resolveQuery(queryChoice);
            let body: Uint8Array | undefined;
            if (bodyChoice.kind === "form") {
              const { form } = bodyChoice;
              const fields: Record<string, string> = { ...form.extra };
              const text = (pick: Pick | undefined, resolve: (target: Target) => string) =>
                pick === undefined ? undefined : pick.tag === "order" ? resolve(pick.target) : (pick as { value: string }).value;
              const reference = text(form.invoiceReference, referenceOf);
              const clientInvoiceId = text(form.clientInvoiceId, orderIdOf);
              for (const [name, value] of Object.entries({ invoiceReference: reference, clientInvoiceId, msisdn: form.msisdn, subscriberKey: form.subscriberKey })) {
                if (value === undefined) delete fields[name];
                else fields[name] = value;
              }
              body = new TextEncoder().encode(new URLSearchParams(fields).toString());
            } else if (bodyChoice.kind === "text") {
              body = new TextEncoder().encode(bodyChoice.text);
            } else if (bodyChoice.kind === "bytes") {
              body = bodyChoice.bytes;
            } else if (bodyChoice.kind === "size") {
              const reference = referenceOf("invoiced0");
              const filler = "x".repeat(Math.max(0, bodyChoice.size));
              body = new TextEncoder().encode(`invoiceReference=${reference}&subscriberKey=${filler}`).slice(0, bodyChoice.size);
            }

            // What the handler will make of it, to leave out the one input it must take: SEQR's own notification.
            const signed =
              typeof query.order === "string" &&
              clientInvoiceIdSchema.safeParse(query.order).success &&
              typeof query.sig === "string" &&
              verifyOrderSignature(query.order, query.sig);
            if (signed && body !== undefined && body.byteLength <= MAX_NOTIFICATION_BYTES) {
              const form = notificationForm.safeParse(Object.fromEntries(new URLSearchParams(new TextDecoder().decode(body))));
              fc.pre(
                !(
                  form.success &&
                  invoiceOwner().get(form.data.invoiceReference) === query.order &&
                  (!form.data.clientInvoiceId || form.data.clientInvoiceId === query.order)
                ),
              );
            }

            const search = new URLSearchParams(query).toString();
            fc.pre(search.length <= MAX_URL_LENGTH);
            const headers: Record<string, string> = {};
            if (type !== undefined) headers["Content-Type"] = type;
            if (forwardedFor !== undefined) headers["X-Forwarded-For"] = forwardedFor;
            const { result } = await unchangedExcept(
              () => httpRequest({ method: "POST", path: `/api/seqr/notification${search ? `?${search}` : ""}`, headers, body, chunked }),
              // Only a POST on a URL the shop signed is counted (and given back when refused); no other.
              { exempt: limiterIf(signed) },
            );
            expectHttpRefusal(result);
            hit(`${result.status}${signed ? " signed" : ""}`);
          },
        ),
        { "400": 0.05, "403": 0.1, "400 signed": 0.1, "404 signed": 0.005, "413 signed": 0.01 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
