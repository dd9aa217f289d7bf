import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, afterEach, beforeAll, expect } from "vitest";

import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createOrder } from "@/lib/orders/create-order";
import { saveDeliveryDetails, type DeliveryView } from "@/lib/orders/delivery";
import type { z } from "zod";

import type { faultInput } from "@/lib/sandbox/faults";

import { startShopServer, type ApiBody, type SandboxServer } from "./sandbox-server";

// Helpers for tests that drive the shop's own order flow (lib/orders) against the sandbox started by
// startShopServer(). Import ./shop-address first in the test file, as with startShopServer itself.

export const ASTRID = "46700643933";
export const BERTIL = "46701234567";

/** Delivery details as a shopper gives them before paying (the checkout's form). */
export const ASTRIDS_DETAILS = {
  email: "astrid@example.se",
  name: "Astrid Andersson",
  street: "Storgatan 12",
  postcode: "123 45",
  city: "Ystad",
  country: "SE",
} as const;

/**
 * The shopper gives the order's delivery details, through the same function as the checkout's and the order
 * page's forms: Pay refuses an order without them (lib/orders/delivery.ts).
 */
export async function giveDeliveryDetails(orderId: string, details: Record<string, string> = ASTRIDS_DETAILS): Promise<DeliveryView> {
  return saveDeliveryDetails(orderId, details);
}

/** A fresh CART order for `quantity` of the product with this sku, with its delivery details given. */
export async function orderFor(sku: string, quantity = 1, options: { deliveryDetails?: boolean } = {}) {
  const product = await db.product.findUniqueOrThrow({ where: { sku } });
  const order = await createOrder({ lines: [{ productId: product.id, quantity }], source: "CART", trigger: "checkout" });
  if (options.deliveryDetails !== false) await giveDeliveryDetails(order.id);
  return { order, product };
}

export async function stockOf(productId: string): Promise<number> {
  return (await db.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true } })).stock;
}

/** The order with everything the tests assert on, events in the order they were written. */
export async function orderState(orderId: string) {
  return db.order.findUniqueOrThrow({
    where: { id: orderId },
    include: {
      attempts: { orderBy: { createdAt: "asc" } },
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      outbox: true,
      sessions: true,
    },
  });
}

export type OrderState = Awaited<ReturnType<typeof orderState>>;

export function eventsOfType(state: OrderState, type: OrderState["events"][number]["type"]) {
  return state.events.filter((event) => event.type === type);
}

/** Everything of the shop's own tables a refused request must leave exactly as it was. */
export async function shopSnapshot() {
  return {
    orders: await db.order.findMany({ orderBy: { id: "asc" } }),
    attempts: await db.paymentAttempt.findMany({ orderBy: { id: "asc" } }),
    events: await db.paymentEvent.findMany({ orderBy: { id: "asc" } }),
    sessions: await db.seqrSession.findMany({ orderBy: { id: "asc" } }),
    outbox: await db.outboxMessage.findMany({ orderBy: { id: "asc" } }),
    stock: await db.product.findMany({ select: { sku: true, stock: true }, orderBy: { sku: "asc" } }),
  };
}

/** The simulated SEQR app and the sandbox's fault API, over HTTP. */
export function sandboxDriver(server: SandboxServer) {
  async function appAction(action: "pay" | "decline" | "cancel", invoiceReference: string, device: object = {}) {
    const response = await server.api("POST", `/app/invoices/${invoiceReference}/${action}`, device);
    expect(response.status, `app ${action}: ${JSON.stringify(response.body)}`).toBe(200);
    return response.body as { open: string };
  }
  return {
    pay: (invoiceReference: string, device: object = {}) => appAction("pay", invoiceReference, device),
    decline: (invoiceReference: string, device: object = {}) => appAction("decline", invoiceReference, device),
    cancel: (invoiceReference: string, device: object = {}) => appAction("cancel", invoiceReference, device),
    async scan(url: string, device: object = {}): Promise<ApiBody> {
      const response = await server.api("POST", "/app/scan", { url, ...device });
      expect(response.status, `scan: ${JSON.stringify(response.body)}`).toBe(200);
      return response.body;
    },
    async arm(fault: z.input<typeof faultInput>): Promise<void> {
      const response = await server.api("POST", "/faults", fault);
      expect(response.status, `arm fault: ${JSON.stringify(response.body)}`).toBe(201);
    },
    async armedFaults(): Promise<ApiBody[]> {
      return (await server.api("GET", "/faults")).body.faults;
    },
    async clearFaults(): Promise<void> {
      await server.api("DELETE", "/faults");
    },
    async invoice(invoiceReference: string): Promise<ApiBody> {
      const response = await server.api("GET", `/invoices/${invoiceReference}`);
      expect(response.status).toBe(200);
      return response.body;
    },
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** The promise fails with an AppError of this code and HTTP status; returns it for further checks. */
export async function expectAppError(promise: Promise<unknown>, code: string, status: number): Promise<AppError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code, status });
  return error as AppError;
}

/** A response body meant for strangers: no stack frames, no source paths, no internal error text. */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\n\s+at\s/);
  expect(text).not.toMatch(/\.(?:ts|js|tsx|mjs)(?::\d+)?/);
  expect(text).not.toMatch(/node_modules|prisma|stack|PrismaClient|SQLITE/i);
}

/**
 * Polls `read` until `done` holds for its value, and returns that value. When `timeoutMs` passes first it throws,
 * naming what it waited for (`waitingFor`, or the condition's own source) and the last value read: a test that
 * goes on after a wait that never ended would assert on a state it did not reach.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { waitingFor?: string; timeoutMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() >= deadline) {
      const waitingFor = options.waitingFor ?? done.toString();
      throw new Error(`pollUntil: waited ${timeoutMs} ms for ${waitingFor}; it never held. Last value read: ${describeValue(value)}`);
    }
    await sleep(25);
  }
}

function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

/**
 * The shop and the sandbox on one real HTTP server for this test file (./shop-address must be the file's first
 * import), the catalog seeded, and faults disarmed after every test so that no test leaks one into the next.
 */
export function serveShopForThisFile(): { readonly server: SandboxServer; readonly sandbox: ReturnType<typeof sandboxDriver> } {
  let server: SandboxServer | undefined;
  let sandbox: ReturnType<typeof sandboxDriver> | undefined;
  beforeAll(async () => {
    server = await startShopServer();
    sandbox = sandboxDriver(server);
    await seedCatalog(db);
  });
  afterEach(async () => sandbox?.clearFaults());
  afterAll(async () => server?.close());
  return {
    get server() {
      if (!server) throw new Error("the shop server starts in beforeAll");
      return server;
    },
    get sandbox() {
      if (!sandbox) throw new Error("the shop server starts in beforeAll");
      return sandbox;
    },
  };
}
