import { spawn } from "node:child_process";

import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import type { z } from "zod";

import { SANDBOX_DEFAULTS } from "@/lib/env";
import { signOrderId } from "@/lib/orders/notification-url";
import type { faultInput } from "@/lib/sandbox/faults";

import { E2E_DATABASE_URL } from "./support/e2e-database";
import { eventsOfType, loadOrder, openShopDatabase, transitionsToPaid } from "./support/shop-db";
import {
  catalogProduct,
  checkoutFromProductPage,
  chooseInApp,
  expectReceipt,
  FRESH_CONNECTION,
  giveDeliveryDetails,
  orderStatus,
  payOnOrderPage,
  priceOf,
  scanInApp,
  serviceCode,
} from "./support/shop";

// What SEQR gets wrong on the wire, and the shop surviving it. Notification faults are global to the sandbox, so
// this file runs in the "faults" project: after the journeys, alone, one test at a time (playwright.config.ts).
// SOAP faults are scoped to the test's own invoice: the reconciler keeps asking about other invoices (the journeys'
// unpaid ones) meanwhile, and must not draw them. Every test disarms what it armed, pays its own orders, and leaves
// no invoice open for the reconciler to keep asking about.

test.describe.configure({ mode: "serial", timeout: 60_000 });

const JAM = catalogProduct("LINGON-JAM-400");
const COFFEE = catalogProduct("KOKKAFFE-500");
const ASTRID = "46700643933";

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

test.afterEach(async ({ request }) => {
  const response = await request.delete("/sandbox/api/faults", FRESH_CONNECTION);
  expect(response.status()).toBe(200);
});

type Fault = z.input<typeof faultInput>;

async function armFault(request: APIRequestContext, fault: Fault): Promise<void> {
  const response = await request.post("/sandbox/api/faults", { data: fault, ...FRESH_CONNECTION });
  expect(response.status(), await response.text()).toBe(201);
}

/** GET /sandbox/api/invoices/<reference>: the invoice as SEQR sees it, commit bookkeeping and notifications included. */
type SandboxInvoice = {
  status: string;
  ersReference: string | null;
  paidAt: string | null;
  commitDeadline: string | null;
  committedAt: string | null;
  reversedAt: string | null;
  notifications: { outcome: string; httpStatus: number | null; forged: boolean }[];
};

async function sandboxInvoice(request: APIRequestContext, invoiceReference: string): Promise<SandboxInvoice> {
  const response = await request.get(`/sandbox/api/invoices/${invoiceReference}`, FRESH_CONNECTION);
  expect(response.status()).toBe(200);
  return (await response.json()) as SandboxInvoice;
}

/** The subscriber's choice in the app, through the sandbox's API; Pay answers once the notification went (or not). */
async function chooseThroughApi(request: APIRequestContext, invoice: OpenInvoice, choice: "pay" | "cancel"): Promise<void> {
  const response = await request.post(`/sandbox/api/app/invoices/${invoice.invoiceReference}/${choice}`, {
    data: { msisdn: ASTRID, sessionToken: invoice.token },
    ...FRESH_CONNECTION,
  });
  expect(response.status(), await response.text()).toBe(200);
}

type OpenInvoice = { clientInvoiceId: string; token: string; invoiceReference: string };

/** A product's SEQR code scanned in the app, Pay on the order page: an order with an ISSUED invoice in the app. */
async function openInvoiceForProduct(page: Page, sku: string): Promise<OpenInvoice> {
  const { clientInvoiceId, token } = await scanInApp(page, serviceCode({ product: sku }));
  const invoiceReference = await payOnOrderPage(page);
  return { clientInvoiceId, token, invoiceReference };
}

async function statusInDatabase(clientInvoiceId: string): Promise<string> {
  return (await db.order.findUniqueOrThrow({ where: { clientInvoiceId }, select: { status: true } })).status;
}

async function stockOf(sku: string): Promise<number> {
  return (await db.product.findUniqueOrThrow({ where: { sku }, select: { stock: true } })).stock;
}

/** SEQR saw the payment confirmed (getPaymentStatus → PAID) before its commit deadline, and kept the money. */
function expectCommittedInsideWindow(invoice: SandboxInvoice): void {
  expect(invoice.status).toBe("PAID");
  expect(invoice.reversedAt).toBeNull();
  expect(invoice.committedAt).not.toBeNull();
  expect(Date.parse(invoice.committedAt ?? "")).toBeLessThanOrEqual(Date.parse(invoice.commitDeadline ?? ""));
  expect(Date.parse(invoice.committedAt ?? "") - Date.parse(invoice.paidAt ?? "")).toBeLessThan(20_000);
}

test("a lost notification still ends PAID: the reconciler asks SEQR and confirms inside its commit window", async ({ page, request }) => {
  const invoice = await openInvoiceForProduct(page, JAM.sku);
  await armFault(request, { kind: "drop-notifications", count: 1 });
  // Paid through the API: no shop page is open to ask about the order, so only the reconciler can learn of it.
  await chooseThroughApi(request, invoice, "pay");
  expect((await sandboxInvoice(request, invoice.invoiceReference)).notifications.map((sent) => sent.outcome)).toEqual(["DROPPED"]);

  await expect.poll(() => statusInDatabase(invoice.clientInvoiceId), { timeout: 15_000 }).toBe("PAID");
  const order = await loadOrder(db, invoice.clientInvoiceId);
  expect(eventsOfType(order, "NOTIFICATION_RECEIVED")).toHaveLength(0);
  expect(transitionsToPaid(order)).toEqual([expect.objectContaining({ source: "reconciler", fromStatus: "INVOICED" })]);
  expect(eventsOfType(order, "FULFILLED")).toHaveLength(1);

  const atSeqr = await sandboxInvoice(request, invoice.invoiceReference);
  expectCommittedInsideWindow(atSeqr);
  expect(order.attempts.at(-1)?.ersReference).toBe(atSeqr.ersReference);
});

test("a notification delivered five times fulfils the order once: stock, outbox and the PAID transition", async ({ page, request }) => {
  const quantity = 3;
  const clientInvoiceId = await checkoutFromProductPage(page, COFFEE.sku, quantity);
  await giveDeliveryDetails(page);
  const { token } = await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  // Before the invoice: its units leave the shelf when it is issued (held), and stay off once it is paid.
  const stockBefore = await stockOf(COFFEE.sku);
  const invoiceReference = await payOnOrderPage(page, priceOf(COFFEE, quantity));

  await armFault(request, { kind: "repeat-notification", copies: 5 });
  await chooseThroughApi(request, { clientInvoiceId, token, invoiceReference }, "pay");
  // All five copies reached the shop, and the shop took each one calmly.
  const atSeqr = await sandboxInvoice(request, invoiceReference);
  expect(atSeqr.notifications).toHaveLength(5);
  expect(atSeqr.notifications.map((sent) => `${sent.outcome} ${sent.httpStatus}`)).toEqual(Array(5).fill("DELIVERED 200"));

  await expect.poll(() => statusInDatabase(clientInvoiceId)).toBe("PAID");
  const order = await loadOrder(db, clientInvoiceId);
  expect(eventsOfType(order, "NOTIFICATION_RECEIVED")).toHaveLength(5);
  expect(transitionsToPaid(order)).toHaveLength(1);
  expect(eventsOfType(order, "FULFILLED")).toHaveLength(1);
  // The payment's messages (lib/outbox/enqueue.ts), queued once each; the confirmation only with an e-mail address.
  expect(order.outbox.map((message) => message.kind).sort()).toEqual([...(order.customerEmail ? ["ORDER_CONFIRMATION"] : []), "MERCHANT_NEW_ORDER", "SEQR_RECEIPT"].sort());
  expect(await stockOf(COFFEE.sku)).toBe(stockBefore - quantity);
  expectCommittedInsideWindow(atSeqr);
});

test("a forged notification for an unpaid invoice changes nothing: the order stays INVOICED", async ({ page, request }) => {
  const invoice = await openInvoiceForProduct(page, JAM.sku);
  const stockBefore = await stockOf(JAM.sku);

  const forged = await request.post(`/sandbox/api/invoices/${invoice.invoiceReference}/forge-notification`, FRESH_CONNECTION);
  expect(forged.status()).toBe(200);
  const atSeqr = (await forged.json()) as SandboxInvoice;
  expect(atSeqr.status).toBe("ISSUED");
  expect(atSeqr.notifications).toEqual([expect.objectContaining({ forged: true, outcome: "DELIVERED", httpStatus: 200 })]);

  // The shop heard it, asked SEQR, and believed SEQR.
  const order = await loadOrder(db, invoice.clientInvoiceId);
  expect(order.status).toBe("INVOICED");
  expect(eventsOfType(order, "NOTIFICATION_RECEIVED")).toHaveLength(1);
  expect(eventsOfType(order, "STATUS_QUERIED").filter((event) => event.source === "notification")).toEqual([
    expect.objectContaining({ seqrResultCode: 0, detail: expect.objectContaining({ status: "ISSUED" }) }),
  ]);
  expect(transitionsToPaid(order)).toHaveLength(0);
  expect(eventsOfType(order, "FULFILLED")).toHaveLength(0);
  expect(order.outbox).toHaveLength(0);
  expect(order.paidAt).toBeNull();
  expect(await stockOf(JAM.sku)).toBe(stockBefore);
  expect(await orderStatus(request, invoice.clientInvoiceId)).toBe("INVOICED");

  await chooseThroughApi(request, invoice, "cancel");
});

test("a notification with a bad signature is refused with 4xx and changes nothing", async ({ page, request }) => {
  const invoice = await openInvoiceForProduct(page, JAM.sku);
  const { clientInvoiceId, invoiceReference } = invoice;
  const form = { invoiceReference, clientInvoiceId, msisdn: ASTRID, subscriberKey: "c5b1e0a4-7d3f-4b8e-9a61-2f0d8c4e7a10" };
  // Everything but the reconciler's scheduled queries, which go on regardless.
  const heard = async () => (await loadOrder(db, clientInvoiceId)).events.filter((event) => event.source !== "reconciler");
  const before = await loadOrder(db, clientInvoiceId);
  const eventsBefore = await heard();

  const refused = await request.post(`/api/seqr/notification?order=${clientInvoiceId}&sig=${"0".repeat(64)}`, { form, ...FRESH_CONNECTION });
  expect(refused.status()).toBeGreaterThanOrEqual(400);
  expect(refused.status()).toBeLessThan(500);
  expect(await refused.json()).toEqual({ error: expect.objectContaining({ code: "BAD_SIGNATURE" }) });

  const after = await loadOrder(db, clientInvoiceId);
  expect(after.status).toBe("INVOICED");
  expect(after.updatedAt).toEqual(before.updatedAt);
  expect(await heard()).toEqual(eventsBefore);

  // The same POST under the shop's own signature is heard: the signature alone made the difference.
  const sig = signOrderId(clientInvoiceId, SANDBOX_DEFAULTS.notificationSecret);
  const accepted = await request.post(`/api/seqr/notification?order=${clientInvoiceId}&sig=${sig}`, { form, ...FRESH_CONNECTION });
  expect(accepted.status()).toBe(200);
  expect(eventsOfType(await loadOrder(db, clientInvoiceId), "NOTIFICATION_RECEIVED")).toHaveLength(1);

  await chooseThroughApi(request, invoice, "cancel");
});

test("SEQR answering 93 SYSTEM_BUSY for a while: the journey recovers and ends PAID", async ({ page, context, request }) => {
  const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku);
  await giveDeliveryDetails(page);
  const total = priceOf(JAM);
  const phone = await context.newPage();
  await scanInApp(phone, serviceCode({ order: clientInvoiceId }));
  const invoiceReference = await payOnOrderPage(phone, total);

  // Busy for this invoice only. Up to five callers may ask about it at once (the phone's outcome page, the
  // checkout page's status poller, the status route on their behalf, the notification handler, the reconciler), and
  // each call tries at most three times (lib/seqr/index.ts). A call records 93 only when every one of its tries
  // drew a busy answer; for none to, every call holding one would have to be between tries when the last was
  // drawn, at most 5 × 2 busy answers. Twelve guarantee that one call saw SEQR busy throughout.
  await armFault(request, { kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 12, invoiceReference });
  await chooseInApp(phone, "Pay");
  await expect(phone.getByRole("heading", { name: "Thank you! Your payment is complete" })).toBeVisible({ timeout: 30_000 });
  await expectReceipt(phone, { clientInvoiceId, total });
  await expect(page.getByRole("heading", { level: 1, name: "Thank you! Your order is paid" })).toBeVisible({ timeout: 15_000 });
  await expectReceipt(page, { clientInvoiceId, total });

  // SEQR really was busy for this invoice: every busy answer was used up (only calls about it could draw them), and
  // at least one of the order's queries got nothing but busy answers and recorded 93 before one got through.
  expect((await (await request.get("/sandbox/api/faults", FRESH_CONNECTION)).json()).faults).toEqual([]);
  const order = await loadOrder(db, clientInvoiceId);
  const queries = eventsOfType(order, "STATUS_QUERIED");
  const busy = queries.filter((event) => event.seqrResultCode === 93);
  expect(busy.length, JSON.stringify(queries)).toBeGreaterThan(0);
  expect(busy[0]?.detail).toMatchObject({ resultName: "SYSTEM_BUSY", transient: true });
  expect(transitionsToPaid(order)).toHaveLength(1);
  expect(eventsOfType(order, "FULFILLED")).toHaveLength(1);
  expectCommittedInsideWindow(await sandboxInvoice(request, invoiceReference));
});

test("two reconcilers at once (the server's and `npm run reconcile`) confirm lost notifications, each order once", async ({ browser, request }) => {
  test.setTimeout(90_000);
  // As `npm run reconcile` runs it: node with tsx's loader.
  const reconciler = spawn(process.execPath, ["--import", "tsx", "lib/orders/reconcile-command.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: E2E_DATABASE_URL,
      PUBLIC_BASE_URL: "http://localhost:3100",
      RECONCILER_INTERVAL_MS: "200",
      // Info: its "reconciler started" line says it is running; the test waits for it.
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own, so that a test that fails half-way leaves nothing running.
    detached: true,
  });
  let output = "";
  reconciler.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  reconciler.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => reconciler.on("exit", (code) => resolve(code)));
  /** What it logged (pino: one JSON object a line). */
  const logLines = () =>
    output
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        try {
          return JSON.parse(line) as { level?: number; msg?: string; component?: string };
        } catch {
          return { level: 60, msg: line };
        }
      });

  try {
    // Both reconcilers run before any payment: the spawned one has loaded, connected and begun its first pass.
    const startup = () => {
      if (reconciler.exitCode !== null || reconciler.signalCode !== null) return `exited (${reconciler.exitCode ?? reconciler.signalCode}): ${output}`;
      return logLines().some((line) => line.component === "reconciler" && line.msg === "reconciler started") ? "started" : "starting";
    };
    await expect.poll(startup, { message: 'the spawned reconciler logs "reconciler started"', timeout: 30_000 }).toBe("started");
    expect(reconciler.exitCode, output).toBeNull();

    // Three shoppers, each with a phone of their own.
    const phones = await Promise.all([1, 2, 3].map(() => browser.newContext()));
    // Before the invoices: their units leave the shelf when they are issued (held), and stay off once paid.
    const stockBefore = await stockOf(JAM.sku);
    const invoices = await Promise.all(phones.map(async (phone) => openInvoiceForProduct(await phone.newPage(), JAM.sku)));
    await Promise.all(phones.map((phone) => phone.close()));
    expect(reconciler.exitCode, output).toBeNull();

    await armFault(request, { kind: "drop-notifications", count: invoices.length });
    await Promise.all(invoices.map((invoice) => chooseThroughApi(request, invoice, "pay")));

    for (const invoice of invoices) {
      await expect.poll(() => statusInDatabase(invoice.clientInvoiceId), { timeout: 15_000 }).toBe("PAID");
    }
    for (const invoice of invoices) {
      const order = await loadOrder(db, invoice.clientInvoiceId);
      expect(eventsOfType(order, "NOTIFICATION_RECEIVED"), invoice.clientInvoiceId).toHaveLength(0);
      expect(transitionsToPaid(order), invoice.clientInvoiceId).toEqual([expect.objectContaining({ source: "reconciler" })]);
      expect(eventsOfType(order, "FULFILLED"), invoice.clientInvoiceId).toHaveLength(1);
      expect(order.outbox.map((message) => message.kind).sort(), invoice.clientInvoiceId).toEqual([...(order.customerEmail ? ["ORDER_CONFIRMATION"] : []), "MERCHANT_NEW_ORDER", "SEQR_RECEIPT"].sort());
      expectCommittedInsideWindow(await sandboxInvoice(request, invoice.invoiceReference));
    }
    expect(await stockOf(JAM.sku)).toBe(stockBefore - invoices.length);

    expect(reconciler.exitCode, output).toBeNull();
    // SIGTERM: it finishes its pass, disconnects and exits 0.
    reconciler.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Nothing it printed was an error (pino's level 50 and above), and every line was a log line.
    expect(logLines().filter((line) => (line.level ?? 0) >= 50)).toEqual([]);
  } finally {
    if (reconciler.pid !== undefined && reconciler.exitCode === null && reconciler.signalCode === null) {
      process.kill(-reconciler.pid, "SIGKILL");
    }
  }
});
