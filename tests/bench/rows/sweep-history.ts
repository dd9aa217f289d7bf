// The "reconciler with history" row (issue 18): how long one of the reconciler's sweeps takes (sweepOnce: attempts
// left SENDING, PENDING orders nobody invoiced, idle carts) on a database holding no finished orders, against the
// same on a database holding BENCH_HISTORY_ORDERS (10 000) of them, each with its items, its final attempt and its
// events, placed over the last 90 days. A sweep that grows with the shop's past would slow every reconciler, in every
// process, for ever. Also timed, for reference: one dispatch with nothing due (reconcileOnce), the other query the
// reconciler runs all the time.
//
// A helper of tests/bench/run.ts (`node --import tsx`), on a freshly migrated database of its own (DATABASE_URL).
// run.ts starts two, one without history and one with, and asks them in turn, so that both sides of the ratio see
// the machine alike. It writes the history (when asked to), warms up, prints `{"ready":{…}}`, then answers each line
// on its stdin: "sweep" → `{"ms":…}`, "dispatch" → `{"ms":…}`, "quit" → ends.

import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

import { seededRandom } from "../../support/seeded-random.ts";
import { asText, copyRows } from "../support/sql-copy.ts";

const HISTORY = Number(process.env.BENCH_HISTORY_ORDERS ?? 0);
/** Untimed first: the first sweeps of a process run cold code and plan their queries. */
const WARMUPS = 20;
/** Every wait is bounded: a sweep slower than this means something is badly wrong. */
const MAX_SWEEP_MS = 30_000;

const { db, databaseProvider } = await import("../../../lib/db.ts");
const { seedCatalog } = await import("../../../lib/catalog/seed-catalog.ts");
const { reconcileOnce, sweepOnce } = await import("../../../lib/orders/reconciler.ts");

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const done = new AbortController();
  try {
    await Promise.race([
      work(),
      sleep(MAX_SWEEP_MS, undefined, { signal: done.signal }).then(() => Promise.reject(new Error(`a sweep took over ${MAX_SWEEP_MS} ms`))),
    ]);
  } finally {
    done.abort();
  }
  return performance.now() - started;
}

const FINAL: { status: "PAID" | "EXPIRED" | "CANCELED" | "FAILED" | "REFUNDED"; seqr: "PAID" | "CANCELED" | "FAILED" }[] = [
  { status: "PAID", seqr: "PAID" },
  { status: "PAID", seqr: "PAID" },
  { status: "PAID", seqr: "PAID" },
  { status: "EXPIRED", seqr: "CANCELED" },
  { status: "CANCELED", seqr: "CANCELED" },
  { status: "FAILED", seqr: "FAILED" },
  { status: "REFUNDED", seqr: "PAID" },
];

const DAY = 86_400_000;
const digits = (value: number, width: number) => String(value).padStart(width, "0");

/**
 * One finished order per kind in FINAL, written with the shop's client (order, one item, its final attempt, three
 * events), placed some day of the last 90; returns their ids.
 */
async function writeTemplates(): Promise<{ orderId: string; attemptId: string }[]> {
  const products = await db.product.findMany({ orderBy: { sku: "asc" } });
  const random = seededRandom(18);
  const templates: { orderId: string; attemptId: string }[] = [];
  for (const [kind, final] of FINAL.entries()) {
    const product = products[kind % products.length];
    if (!product) throw new Error("no products to order");
    const placedAt = new Date(Date.now() - DAY - 89 * DAY * random());
    const endedAt = new Date(placedAt.getTime() + 60_000 + 540_000 * random());
    const paid = final.seqr === "PAID";
    const orderId = `history-${kind}`;
    const attemptId = `history-a-${kind}`;
    await db.order.create({
      data: {
        id: orderId,
        clientInvoiceId: `hist${digits(kind, 18)}`,
        number: 4_000_000 + kind,
        status: final.status,
        currency: product.currency,
        totalMinor: product.priceMinor,
        taxMinor: Math.round(product.priceMinor / 5),
        refundedMinor: final.status === "REFUNDED" ? product.priceMinor : 0,
        customerMsisdn: "46700643933",
        stockReservation: paid ? "TAKEN" : "NONE",
        paidAt: paid ? endedAt : null,
        fulfilledAt: paid ? endedAt : null,
        expiredAt: final.status === "EXPIRED" ? endedAt : null,
        canceledAt: final.status === "CANCELED" ? endedAt : null,
        customerEmail: `shopper${kind}@example.se`,
        deliveryMethod: "SHIP",
        deliveryName: "Shopper",
        deliveryStreet: "Storgatan 1",
        deliveryPostcode: "111 22",
        deliveryCity: "Stockholm",
        deliveryCountry: "SE",
        fulfilmentStatus: final.status === "PAID" ? "SHIPPED" : "UNFULFILLED",
        createdAt: placedAt,
        items: {
          create: {
            productId: product.id,
            sku: product.sku,
            name: product.name,
            unitPriceMinor: product.priceMinor,
            quantity: 1,
            taxRateBps: product.taxRateBps,
            lineTotalMinor: product.priceMinor,
          },
        },
        attempts: {
          create: {
            id: attemptId,
            state: "SENT",
            invoiceReference: `93${digits(kind, 16)}`,
            seqrStatus: final.seqr,
            seqrVersion: 2,
            ersReference: paid ? `8${digits(kind, 24)}` : null,
            amountMinor: product.priceMinor,
            currency: product.currency,
            issuedAt: placedAt,
            nextCheckAt: null,
            lastCheckedAt: endedAt,
            lastAskedAt: endedAt,
            finalizedAt: endedAt,
            createdAt: placedAt,
          },
        },
      },
    });
    await db.paymentEvent.createMany({
      data: [
        { orderId, type: "ORDER_CREATED", source: "checkout", toStatus: "PENDING", createdAt: placedAt },
        { orderId, paymentAttemptId: attemptId, type: "INVOICE_SENT", source: "order-page", createdAt: placedAt },
        { orderId, paymentAttemptId: attemptId, type: "STATUS_CHANGED", source: "reconciler", fromStatus: "INVOICED", toStatus: final.status, createdAt: endedAt },
      ],
    });
    templates.push({ orderId, attemptId });
  }
  return templates;
}

/** `count` finished orders in all: copies of the templates, made by the database (sql-copy.ts). */
async function writeHistory(count: number): Promise<void> {
  const templates = await writeTemplates();
  const perTemplate = Math.ceil((count - templates.length) / templates.length);
  for (const [kind, template] of templates.entries()) {
    const orderId = `'history-${kind}-' || ${asText("g.n")}`;
    const attemptId = `'history-a-${kind}-' || ${asText("g.n")}`;
    // Unique columns: 22-character order ids ("hist" and 18 digits), 18-digit references, 25-digit payment references.
    const base = `2${digits(kind, 8)}000000000`;
    const copy = (table: string, where: string, overrides: Record<string, string>) =>
      copyRows(db, databaseProvider, { table, where, count: perTemplate, overrides });
    await copy("Order", `t."id" = '${template.orderId}'`, {
      id: orderId,
      clientInvoiceId: `'hist' || ${asText(`${base} + g.n`)}`,
      number: `${5_000_000 + kind * 100_000} + g.n`,
      customerEmail: `'shopper' || ${asText("g.n")} || '@example.se'`,
    });
    await copy("OrderItem", `t."orderId" = '${template.orderId}'`, { id: `t."id" || '-' || ${asText("g.n")}`, orderId });
    await copy("PaymentAttempt", `t."id" = '${template.attemptId}'`, {
      id: attemptId,
      orderId,
      invoiceReference: asText(`${base} + g.n`),
      ersReference: `CASE WHEN t."ersReference" IS NULL THEN NULL ELSE '8' || ${asText(`${base} + g.n`)} || '000000' END`,
    });
    await copy("PaymentEvent", `t."orderId" = '${template.orderId}'`, {
      id: `t."id" || '-' || ${asText("g.n")}`,
      orderId,
      paymentAttemptId: `CASE WHEN t."paymentAttemptId" IS NULL THEN NULL ELSE ${attemptId} END`,
    });
  }
}

/**
 * PostgreSQL's autovacuum visits a table within a minute of it growing by a fifth, and then plans from fresh
 * statistics; a shop's history grows over months, so it is always done with it. After a bulk write it is not: it
 * would run during the measurement, on the history's side only. VACUUM ANALYZE now brings the database to where a
 * running shop's would be. (SQLite keeps no statistics unless told to, and the shop never tells it.)
 */
async function analyze(): Promise<void> {
  if (databaseProvider === "postgresql") await db.$executeRawUnsafe("VACUUM ANALYZE");
}

try {
  await seedCatalog(db);
  const writeStarted = performance.now();
  if (HISTORY > 0) await writeHistory(HISTORY);
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  await analyze();
  const finishedOrders = await db.order.count({ where: { status: { in: ["PAID", "EXPIRED", "CANCELED", "FAILED", "REFUNDED"] } } });
  for (let warmup = 0; warmup < WARMUPS; warmup += 1) {
    await sweepOnce();
    await reconcileOnce();
  }
  process.stdout.write(`${JSON.stringify({ ready: { database: databaseProvider, finishedOrders, writeSeconds: Math.round(writeSeconds * 10) / 10 } })}\n`);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const command = line.trim();
    if (command === "quit") break;
    if (command === "sweep") process.stdout.write(`${JSON.stringify({ ms: await timed(() => sweepOnce()) })}\n`);
    else if (command === "dispatch") process.stdout.write(`${JSON.stringify({ ms: await timed(() => reconcileOnce()) })}\n`);
    else process.stdout.write(`${JSON.stringify({ error: `unknown command "${command}"` })}\n`);
  }
} finally {
  await db.$disconnect();
}
