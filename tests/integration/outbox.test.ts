import "./support/shop-address";

import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import type { ParsedMail } from "mailparser";
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { undeliveredMessages } from "@/lib/admin/dashboard";
import { createPrismaClient, db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { OutboxMessage } from "@/lib/generated/prisma/client";
import { messageIdFor } from "@/lib/mail/transport";
import { createOrder } from "@/lib/orders/create-order";
import { requestPayment } from "@/lib/orders/request-payment";
import { receiptText } from "@/lib/orders/seqr-receipt";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { resendOutboxMessage } from "@/lib/outbox/resend";
import { deliverOutboxOnce, FIRST_RETRY_MS, retryDelayMs, startOutboxWorker, type OutboxWorkerOptions } from "@/lib/outbox/worker";
import { serviceQrText } from "@/lib/seqr/links";
import { signalGroup, startScript, type ScriptProcess } from "@/tests/support/script-process";

import { ADMIN, adminActionsOf } from "./support/admin-orders";
import { shopBaseUrl } from "./support/shop-address";
import { serveShopForThisFile } from "./support/shop-flow";
import { parkLiveInvoices, TEST_SKU } from "./support/shop-orders";

// The outbox worker (lib/outbox/worker.ts) against a real SMTP server started here (smtp-server), whose mail is
// parsed as a mail client would (mailparser), and against the sandbox's SEQR for the receipts: paid orders'
// messages arrive once; a failing server gets retries with backoff and the message arrives once when it
// recovers; DEAD after the last try; Send again; several workers (two Prisma clients, two processes) never deliver
// one message twice; a lease left by a dead worker is taken over.

// SMTP_URL is read once, when lib/env.ts is first imported: the server is started, and the setting made, before any
// import (vi.hoisted runs first).
const smtp = await vi.hoisted(async () => {
  const { SMTPServer } = await import("smtp-server");
  const { simpleParser } = await import("mailparser");
  type Received = { envelopeTo: string[]; parsed: ParsedMail; at: number };
  const received: Received[] = [];
  /** Per recipient: how many more messages to refuse (451, as a server that is down for a while answers). */
  const failuresFor = new Map<string, number>();
  const state = { refused: 0, delayMs: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((address) => address.address);
        const left = failuresFor.get(to[0] ?? "") ?? 0;
        if (left > 0) {
          failuresFor.set(to[0] ?? "", left - 1);
          state.refused += 1;
          // After the whole message came in: the nastiest moment to fail, since the client must send it again.
          callback(Object.assign(new Error("Service unavailable, try again later"), { responseCode: 451 }));
          return;
        }
        setTimeout(() => {
          simpleParser(Buffer.concat(chunks)).then(
            (parsed) => {
              received.push({ envelopeTo: to, parsed, at: Date.now() });
              callback();
            },
            (error: Error) => callback(error),
          );
        }, state.delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    failuresFor,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});

const shop = serveShopForThisFile();

afterAll(async () => smtp.close());
beforeEach(async () => {
  await parkLiveInvoices();
  smtp.failuresFor.clear();
  smtp.state.delayMs = 0;
  // Earlier tests' messages are delivered or set aside; each test below works on its own orders' messages.
  await db.outboxMessage.updateMany({ where: { status: { in: ["PENDING", "SENDING"] } }, data: { status: "DEAD", leaseUntil: null } });
});

/** The messages that arrived for this Message-ID. */
function arrivalsOf(message: Pick<OutboxMessage, "dedupeKey">) {
  return smtp.received.filter((mail) => mail.parsed.messageId === messageIdFor(message.dedupeKey));
}

/** The worker's clock, moved by the test: retries fall due without the test waiting for them. */
function testClock(start = new Date()) {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance: (ms: number) => (at += ms),
  };
}

type PaidForTest = { orderId: string; clientInvoiceId: string; ersReference: string; customerEmail: string | null; msisdn: string | null };

/**
 * createOrder → delivery details → the app opens the order → Pay → the shopper pays in the app → SEQR's
 * notification makes it PAID. `email: null`: the details are gone by the time it is paid, as on an order invoiced
 * before the shop asked for them.
 */
async function paidOrder(options: { email?: string | null } = {}): Promise<PaidForTest> {
  const product = await db.product.findUniqueOrThrow({ where: { sku: TEST_SKU } });
  const order = await createOrder({ lines: [{ productId: product.id, quantity: 1 }], source: "CART", trigger: "checkout" });
  const customerEmail = options.email === undefined ? `astrid+${randomUUID().slice(0, 8)}@example.se` : options.email;
  await db.order.update({
    where: { id: order.id },
    data: {
      customerEmail: customerEmail ?? "someone@example.se",
      deliveryMethod: "SHIP",
      deliveryName: "Astrid Andersson",
      deliveryStreet: "Storgatan 12",
      deliveryPostcode: "123 45",
      deliveryCity: "Ystad",
      deliveryCountry: "SE",
    },
  });
  const scanned = await shop.server.api("POST", "/app/scan", { url: serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }) });
  expect(scanned.status).toBe(200);
  await openOrderSession(scanned.body.sessionToken);
  const { invoiceReference } = await requestPayment(order.id);
  if (!customerEmail) {
    // As an order invoiced before the shop asked for delivery details: nothing to write to.
    await db.order.update({
      where: { id: order.id },
      data: { customerEmail: null, deliveryMethod: null, deliveryName: null, deliveryStreet: null, deliveryPostcode: null, deliveryCity: null, deliveryCountry: null },
    });
  }
  const paid = await shop.server.api("POST", `/app/invoices/${invoiceReference}/pay`, { sessionToken: scanned.body.sessionToken });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  const row = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { attempts: { where: { seqrStatus: "PAID" } } } });
  expect(row.status).toBe("PAID");
  const ersReference = row.attempts[0]?.ersReference ?? "";
  expect(ersReference).toBeTruthy();
  return { orderId: order.id, clientInvoiceId: order.clientInvoiceId, ersReference, customerEmail, msisdn: row.customerMsisdn };
}

async function messagesOf(orderId: string) {
  const rows = await db.outboxMessage.findMany({ where: { orderId }, orderBy: { kind: "asc" } });
  return Object.fromEntries(rows.map((row) => [row.kind, row])) as Record<string, OutboxMessage | undefined>;
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

/** The receipts SEQR (the sandbox) keeps for this payment, as text. */
async function storedReceipts(ersReference: string): Promise<string[]> {
  const rows = await db.sandboxReceiptDocument.findMany({ where: { ersReference }, orderBy: { id: "asc" } });
  return rows.map((row) => Buffer.from(row.data, "base64").toString("utf8"));
}

describe("a paid order's messages", () => {
  test("queued with the payment; the worker sends each once: the confirmation and the merchant's e-mail arrive once, the receipt is in the SEQR app", async () => {
    const order = await paidOrder();

    const queued = await messagesOf(order.orderId);
    expect(Object.keys(queued).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
    expect(queued.ORDER_CONFIRMATION).toMatchObject({
      channel: "EMAIL",
      recipient: order.customerEmail,
      dedupeKey: `ORDER_CONFIRMATION:${order.orderId}`,
      status: "PENDING",
      attempts: 0,
      payload: {},
    });
    expect(queued.MERCHANT_NEW_ORDER).toMatchObject({ channel: "EMAIL", recipient: env.mail.merchantEmail, status: "PENDING" });
    expect(queued.SEQR_RECEIPT).toMatchObject({ channel: "SEQR_RECEIPT", recipient: order.msisdn, status: "PENDING" });
    // Nothing is sent inside the payment's transaction: SEQR has no receipt yet.
    expect(await storedReceipts(order.ersReference)).toEqual([]);

    const report = await deliverOutboxOnce();

    expect(report).toMatchObject({ claimed: 3, sent: 3, retried: 0, dead: 0, lost: 0 });
    const sent = await messagesOf(order.orderId);
    for (const message of Object.values(sent)) {
      expect(message).toMatchObject({ status: "SENT", attempts: 1, leaseUntil: null, lastError: null });
      expect(message?.sentAt).toBeInstanceOf(Date);
    }
    const confirmation = arrivalsOf(required(sent.ORDER_CONFIRMATION, "the confirmation"));
    expect(confirmation).toHaveLength(1);
    const { parsed, envelopeTo } = required(confirmation[0], "the confirmation as it arrived");
    expect(envelopeTo).toEqual([order.customerEmail]);
    expect(parsed.subject).toContain(`#${(await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).number}`);
    expect(typeof parsed.html).toBe("string");
    expect(parsed.html).toContain(order.ersReference);
    expect(parsed.text).toContain(order.ersReference);
    const merchant = arrivalsOf(required(sent.MERCHANT_NEW_ORDER, "the merchant's e-mail"));
    expect(merchant.map((mail) => mail.envelopeTo)).toEqual([[env.mail.merchantEmail]]);

    // The shop's receipt, attached to the payment, as the admin's Send receipt would send it.
    const full = await db.order.findUniqueOrThrow({ where: { id: order.orderId }, include: { items: true } });
    expect(await storedReceipts(order.ersReference)).toEqual([receiptText(full, order.ersReference)]);

    // A second pass finds nothing to do: a SENT message is never sent again.
    expect(await deliverOutboxOnce()).toMatchObject({ claimed: 0 });
    expect(arrivalsOf(required(sent.ORDER_CONFIRMATION, "the confirmation"))).toHaveLength(1);
    expect(await storedReceipts(order.ersReference)).toHaveLength(1);
  });

  test("an order without an e-mail address: no confirmation is queued, the merchant's e-mail and the receipt still go", async () => {
    const order = await paidOrder({ email: null });

    const queued = await messagesOf(order.orderId);
    expect(Object.keys(queued).sort()).toEqual(["MERCHANT_NEW_ORDER", "SEQR_RECEIPT"]);
    expect(await deliverOutboxOnce()).toMatchObject({ claimed: 2, sent: 2 });
    expect(await storedReceipts(order.ersReference)).toHaveLength(1);
  });
});

describe("failures", () => {
  test("the SMTP server refuses the first two tries: retried after 10 s, then 20 s; it arrives exactly once when the server recovers", async () => {
    const order = await paidOrder();
    const customer = required(order.customerEmail, "an e-mail address");
    smtp.failuresFor.set(customer, 2);
    const clock = testClock();
    const confirmation = required((await messagesOf(order.orderId)).ORDER_CONFIRMATION, "the confirmation");

    // First try: refused. The try was counted before the send, and the next is 10 s away.
    const triedAt = clock.now();
    expect(await deliverOutboxOnce({ now: clock.now })).toMatchObject({ claimed: 3, sent: 2, retried: 1 });
    let row = await db.outboxMessage.findUniqueOrThrow({ where: { id: confirmation.id } });
    expect(row).toMatchObject({ status: "PENDING", attempts: 1, leaseUntil: null, lastAttemptAt: triedAt });
    expect(row.nextAttemptAt).toEqual(new Date(triedAt.getTime() + FIRST_RETRY_MS));
    expect(row.lastError).toMatch(/451/);
    expect(row.lastError).not.toMatch(/\n|\bat\s/);

    // Not before its time.
    clock.advance(FIRST_RETRY_MS - 1);
    expect(await deliverOutboxOnce({ now: clock.now })).toMatchObject({ claimed: 0 });

    // Second try: refused again; the wait doubles.
    clock.advance(1);
    const secondAt = clock.now();
    expect(await deliverOutboxOnce({ now: clock.now })).toMatchObject({ claimed: 1, retried: 1 });
    row = await db.outboxMessage.findUniqueOrThrow({ where: { id: confirmation.id } });
    expect(row).toMatchObject({ status: "PENDING", attempts: 2 });
    expect(row.nextAttemptAt).toEqual(new Date(secondAt.getTime() + 2 * FIRST_RETRY_MS));

    // The server is back: the third try delivers it, once.
    clock.advance(2 * FIRST_RETRY_MS);
    expect(await deliverOutboxOnce({ now: clock.now })).toMatchObject({ claimed: 1, sent: 1 });
    row = await db.outboxMessage.findUniqueOrThrow({ where: { id: confirmation.id } });
    expect(row).toMatchObject({ status: "SENT", attempts: 3, lastError: null, sentAt: clock.now() });
    expect(smtp.state.refused).toBeGreaterThanOrEqual(2);
    expect(arrivalsOf(row)).toHaveLength(1);

    clock.advance(60 * 60_000);
    expect(await deliverOutboxOnce({ now: clock.now })).toMatchObject({ claimed: 0 });
    expect(arrivalsOf(row)).toHaveLength(1);
  });

  test("the backoff doubles from 10 s and stops growing at 30 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map(retryDelayMs)).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000, 1_800_000, 1_800_000,
    ]);
  });

  test("DEAD after the last try, with the error in a line; listed on the dashboard; Send again delivers it once and the timeline says who asked", async () => {
    const order = await paidOrder();
    const customer = required(order.customerEmail, "an e-mail address");
    smtp.failuresFor.set(customer, 3);
    const clock = testClock();
    const options: OutboxWorkerOptions = { now: clock.now, maxAttempts: 3 };
    const confirmation = required((await messagesOf(order.orderId)).ORDER_CONFIRMATION, "the confirmation");

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await deliverOutboxOnce(options);
      clock.advance(retryDelayMs(attempt));
    }
    const dead = await db.outboxMessage.findUniqueOrThrow({ where: { id: confirmation.id } });
    expect(dead).toMatchObject({ status: "DEAD", attempts: 3, leaseUntil: null, sentAt: null });
    expect(dead.lastError).toMatch(/451 Service unavailable, try again later/);
    expect(dead.lastError?.length).toBeLessThanOrEqual(300);
    expect(arrivalsOf(dead)).toHaveLength(0);
    // A DEAD message is never due again by itself.
    clock.advance(24 * 60 * 60_000);
    expect(await deliverOutboxOnce(options)).toMatchObject({ claimed: 0 });

    const listed = (await undeliveredMessages()).find((message) => message.id === dead.id);
    expect(listed).toEqual({
      id: dead.id,
      clientInvoiceId: order.clientInvoiceId,
      number: expect.any(Number),
      kind: "Order confirmation e-mail to the customer",
      recipient: customer,
      attempts: 3,
      lastError: dead.lastError,
      lastAttemptAt: dead.lastAttemptAt,
    });

    const outcome = await resendOutboxMessage(dead.id, ADMIN);

    expect(outcome.message).toMatch(/Order confirmation e-mail to the customer for order .* sent again/);
    const again = await db.outboxMessage.findUniqueOrThrow({ where: { id: dead.id } });
    expect(again).toMatchObject({ status: "PENDING", attempts: 0, lastError: null });
    expect(again.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await undeliveredMessages()).some((message) => message.id === dead.id)).toBe(false);
    expect(await adminActionsOf(order.orderId)).toEqual([
      expect.objectContaining({
        source: "admin",
        sourceAddress: ADMIN.address,
        detail: {
          action: "resend-message",
          outboxMessageId: dead.id,
          kind: "ORDER_CONFIRMATION",
          recipient: customer,
          attempts: 3,
          lastError: dead.lastError,
        },
      }),
    ]);

    // The server is fine now: the next pass (on the real clock) delivers it once.
    expect(await deliverOutboxOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "SENT", attempts: 1 });
    expect(arrivalsOf(dead)).toHaveLength(1);

    // Send again on a message that went out: refused in words, nothing recorded.
    await expect(resendOutboxMessage(dead.id, ADMIN)).rejects.toThrow(AppError);
    await expect(resendOutboxMessage(dead.id, ADMIN)).rejects.toMatchObject({ code: "MESSAGE_NOT_DEAD", status: 409 });
    await expect(resendOutboxMessage("no-such-message", ADMIN)).rejects.toMatchObject({ code: "MESSAGE_NOT_FOUND", status: 404 });
    expect(await adminActionsOf(order.orderId)).toHaveLength(1);
  });

  test("a message no retry can mend (a payload not of its kind's shape, no recipient) is DEAD at once, with the reason", async () => {
    const order = await paidOrder();
    await db.outboxMessage.updateMany({ where: { orderId: order.orderId }, data: { status: "SENT" } });
    const unreadable = await db.outboxMessage.create({
      data: { orderId: order.orderId, kind: "REFUND_CONFIRMATION", dedupeKey: `REFUND_CONFIRMATION:test-${randomUUID()}`, recipient: order.customerEmail, payload: {} },
    });
    const nobody = await db.outboxMessage.create({
      data: { orderId: order.orderId, kind: "SHIPPED", dedupeKey: `SHIPPED:test-${randomUUID()}`, recipient: null, payload: {} },
    });

    expect(await deliverOutboxOnce()).toMatchObject({ claimed: 2, dead: 2 });

    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: unreadable.id } })).toMatchObject({
      status: "DEAD",
      attempts: 1,
      lastError: "The message cannot be read: payload.refundId: Invalid input: expected string, received undefined",
    });
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: nobody.id } })).toMatchObject({
      status: "DEAD",
      attempts: 1,
      lastError: "The message has no recipient.",
    });
  });

  test("SEQR does not take the receipt (90): retried after the backoff, stored once", async () => {
    const order = await paidOrder();
    await shop.sandbox.arm({ kind: "soap-result", operation: "submitPaymentReceipt", resultCode: 90, count: 1 });
    const clock = testClock();
    const receipt = required((await messagesOf(order.orderId)).SEQR_RECEIPT, "the receipt");

    await deliverOutboxOnce({ now: clock.now });
    const failed = await db.outboxMessage.findUniqueOrThrow({ where: { id: receipt.id } });
    expect(failed).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(failed.lastError).toMatch(/^SEQR: .*SYSTEM_ERROR/);
    expect(await storedReceipts(order.ersReference)).toEqual([]);

    clock.advance(FIRST_RETRY_MS);
    await deliverOutboxOnce({ now: clock.now });
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: receipt.id } })).toMatchObject({ status: "SENT", attempts: 2 });
    expect(await storedReceipts(order.ersReference)).toHaveLength(1);
  });
});

describe("several workers", () => {
  test("two workers on two Prisma clients, side by side: every message is sent once, none twice", async () => {
    const orders = [];
    for (let index = 0; index < 6; index += 1) orders.push(await paidOrder());
    const ids = (await db.outboxMessage.findMany({ where: { orderId: { in: orders.map((order) => order.orderId) } } })).map((row) => row.id);
    expect(ids).toHaveLength(18);
    // Slow enough that the two workers' batches overlap.
    smtp.state.delayMs = 30;
    const other = createPrismaClient(env.databaseUrl);
    try {
      const reports = await Promise.all([
        deliverOutboxOnce({ batchSize: 3 }),
        deliverOutboxOnce({ client: other, batchSize: 3 }),
        deliverOutboxOnce({ batchSize: 3 }),
        deliverOutboxOnce({ client: other, batchSize: 3 }),
      ]);
      expect(reports.reduce((sum, report) => sum + report.claimed, 0)).toBe(18);
      expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(18);
    } finally {
      await other.$disconnect();
    }
    const rows = await db.outboxMessage.findMany({ where: { id: { in: ids } } });
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(rows.map(() => ["SENT", 1]));
    for (const row of rows.filter((message) => message.channel === "EMAIL")) expect(arrivalsOf(row), row.dedupeKey).toHaveLength(1);
    for (const order of orders) expect(await storedReceipts(order.ersReference)).toHaveLength(1);
  });

  test("`npm run outbox` in two processes, running while orders are paid: every message is sent once, none twice; SIGTERM stops them", { timeout: 60_000 }, async () => {
    const workers = [startOutboxScript(), startOutboxScript()];
    const orders = [];
    for (let index = 0; index < 4; index += 1) orders.push(await paidOrder());
    const ids = (await db.outboxMessage.findMany({ where: { orderId: { in: orders.map((order) => order.orderId) } } })).map((row) => row.id);
    expect(ids).toHaveLength(12);

    const deadline = Date.now() + 30_000;
    while ((await db.outboxMessage.count({ where: { id: { in: ids }, status: "SENT" } })) < ids.length) {
      if (Date.now() > deadline) throw new Error(`not every message was sent; worker output:\n${workers.map((worker) => worker.output()).join("\n")}`);
      await sleep(100);
    }
    for (const worker of workers) worker.child.kill("SIGTERM");
    for (const worker of workers) expect(await worker.exited).toEqual({ code: 0, signal: null });

    const rows = await db.outboxMessage.findMany({ where: { id: { in: ids } } });
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(rows.map(() => ["SENT", 1]));
    for (const row of rows.filter((message) => message.channel === "EMAIL")) expect(arrivalsOf(row), row.dedupeKey).toHaveLength(1);
    for (const order of orders) expect(await storedReceipts(order.ersReference)).toHaveLength(1);
  });
});

describe("leases", () => {
  test("a SENDING message whose lease ran out (its worker died mid-send) is taken over and sent; one still leased is left alone", async () => {
    const [dying, busy] = [await paidOrder(), await paidOrder()];
    const now = Date.now();
    const abandoned = required((await messagesOf(dying.orderId)).ORDER_CONFIRMATION, "the abandoned confirmation");
    const leased = required((await messagesOf(busy.orderId)).ORDER_CONFIRMATION, "the leased confirmation");
    // What a worker leaves when it dies between its claim and its outcome.
    await db.outboxMessage.update({
      where: { id: abandoned.id },
      data: { status: "SENDING", attempts: 1, lastAttemptAt: new Date(now - 60_000), leaseUntil: new Date(now - 1_000) },
    });
    await db.outboxMessage.update({
      where: { id: leased.id },
      data: { status: "SENDING", attempts: 1, lastAttemptAt: new Date(now - 1_000), leaseUntil: new Date(now + 60_000) },
    });

    await deliverOutboxOnce();

    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: abandoned.id } })).toMatchObject({ status: "SENT", attempts: 2 });
    expect(arrivalsOf(abandoned)).toHaveLength(1);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: leased.id } })).toMatchObject({
      status: "SENDING",
      attempts: 1,
      leaseUntil: new Date(now + 60_000),
    });
    expect(arrivalsOf(leased)).toHaveLength(0);
  });

  test("a worker that stalls past its lease loses the message: another sends it, and the stalled one's late outcome is not recorded", async () => {
    const order = await paidOrder();
    const confirmation = required((await messagesOf(order.orderId)).ORDER_CONFIRMATION, "the confirmation");
    await db.outboxMessage.updateMany({ where: { orderId: order.orderId, id: { not: confirmation.id } }, data: { status: "SENT" } });
    const clock = testClock();
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const slowWorker = deliverOutboxOnce({
      now: clock.now,
      leaseMs: 1_000,
      // A send that hangs; its renewals would keep the lease, so this worker's clock stands still while the other's runs.
      deliver: async () => {
        await stalled;
        throw new Error("the stalled send finally failed");
      },
    });
    await expect.poll(async () => (await db.outboxMessage.findUniqueOrThrow({ where: { id: confirmation.id } })).status).toBe("SENDING");

    const laterClock = testClock(new Date(clock.now().getTime() + 1_001));
    expect(await deliverOutboxOnce({ now: laterClock.now })).toMatchObject({ claimed: 1, sent: 1 });
    release();
    expect(await slowWorker).toMatchObject({ claimed: 1, lost: 1 });

    const row = await db.outboxMessage.findUniqueOrThrow({ where: { id: confirmation.id } });
    expect(row).toMatchObject({ status: "SENT", attempts: 2, lastError: null });
    expect(arrivalsOf(row)).toHaveLength(1);
  });

  test("a message whose last allowed try never finished is set aside, not tried for ever", async () => {
    const order = await paidOrder();
    const confirmation = required((await messagesOf(order.orderId)).ORDER_CONFIRMATION, "the confirmation");
    await db.outboxMessage.update({
      where: { id: confirmation.id },
      data: { status: "SENDING", attempts: 3, lastAttemptAt: new Date(Date.now() - 60_000), leaseUntil: new Date(Date.now() - 1_000) },
    });

    await deliverOutboxOnce({ maxAttempts: 3 });

    const row = await db.outboxMessage.findUniqueOrThrow({ where: { id: confirmation.id } });
    expect(row).toMatchObject({ status: "DEAD", attempts: 3 });
    expect(row.lastError).toMatch(/never finished/);
    expect(arrivalsOf(row)).toHaveLength(0);
  });
});

test("the running worker delivers a newly paid order's messages within its poll, and stop() waits for the batch under way", async () => {
  const stop = startOutboxWorker({ pollMs: 50 });
  try {
    const order = await paidOrder();
    await expect
      .poll(async () => (await db.outboxMessage.findMany({ where: { orderId: order.orderId } })).map((row) => row.status), { timeout: 10_000 })
      .toEqual(["SENT", "SENT", "SENT"]);
    const confirmation = required((await messagesOf(order.orderId)).ORDER_CONFIRMATION, "the confirmation");
    expect(arrivalsOf(confirmation)).toHaveLength(1);
  } finally {
    await stop();
  }
});

// ---------------------------------------------------------------------------------------------------------------
// `npm run outbox` as a deployment runs it.

const started: ScriptProcess[] = [];

function startOutboxScript(args: string[] = []): ScriptProcess {
  const worker = startScript("lib/outbox/outbox-command.ts", args, {
    ...process.env,
    DATABASE_URL: env.databaseUrl,
    PUBLIC_BASE_URL: shopBaseUrl,
    SMTP_URL: smtp.url,
    LOG_LEVEL: "error",
  });
  started.push(worker);
  return worker;
}

afterEach(() => {
  // A test that failed half-way leaves its workers running: they must not take the next test's messages.
  for (const worker of started) signalGroup(worker, "SIGKILL");
});
