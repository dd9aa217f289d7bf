import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

import { expect, test } from "@playwright/test";
import { simpleParser } from "mailparser";
import pg from "pg";
import { SMTPServer } from "smtp-server";

import type { PrismaClient } from "@/lib/db";

import { E2E_ON_POSTGRESQL, e2eServerDatabaseUrl } from "./support/e2e-database";
import { openShopDatabase } from "./support/shop-db";
import { nextOrderNumber } from "@/lib/orders/order-number";
import { signalGroup, startScript, type ScriptProcess } from "@/tests/support/script-process";

// `npm run outbox` (lib/outbox/outbox-command.ts) as a deployment runs it, SIGKILLed in the middle of delivering:
// an SMTP server started here takes every message's DATA and holds its answer, so the kill lands while each message
// is on the wire, recorded SENDING and not yet accepted. Two workers started afterwards must take over once the
// dead worker's leases have run out, and deliver every message exactly once.
//
// The workers get a database of their own (on the end-to-end run's PostgreSQL server, or a SQLite file beside the
// end-to-end one): the shop's own server delivers the end-to-end database's messages with its in-process worker,
// into the sandbox's mailbox, and would race these workers for them.

test.describe.configure({ mode: "serial", timeout: 120_000 });

const execFileAsync = promisify(execFile);
/** Its own name per test process, so that copies of this spec (--repeat-each) never share one. */
const RUN = randomUUID().slice(0, 8);
const DATABASE = `e2e_outbox_worker_${RUN}`;
const SQLITE_FILE = `data/e2e-outbox-worker-${RUN}.db`;
const DATABASE_URL = E2E_ON_POSTGRESQL ? e2eServerDatabaseUrl(DATABASE) : `file:./${SQLITE_FILE}`;
/** The lease the workers take (--lease-ms): how long the dead worker's messages stay its own. */
// Long enough that a restarted worker's own renewals (every third of it) keep it on a loaded machine.
const LEASE_MS = 5_000;
const MESSAGES = 6;
const SHOP_HOST = "shop.example";

// ---------------------------------------------------------------------------------------------------------------
// The SMTP server: keeps what it accepted, by Message-ID; while `holding`, answers no DATA (the message is sent,
// the server's 250 never comes).

type Accepted = { messageId: string; to: string[]; subject: string };

async function startSmtpServer() {
  const accepted: Accepted[] = [];
  const held: { messageId: string }[] = [];
  const state = { holding: true };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((address) => address.address);
      simpleParser(stream).then(
        (parsed) => {
          const messageId = parsed.messageId ?? "";
          if (state.holding) {
            // Never answered: the client that sent it dies waiting.
            held.push({ messageId });
            return;
          }
          accepted.push({ messageId, to, subject: parsed.subject ?? "" });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    held,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Worker processes

const workers: ScriptProcess[] = [];

function startWorker(smtpUrl: string): ScriptProcess {
  const worker = startScript("lib/outbox/outbox-command.ts", [`--lease-ms=${LEASE_MS}`], {
    ...process.env,
    DATABASE_URL,
    SMTP_URL: smtpUrl,
    SEQR_MODE: "sandbox",
    PUBLIC_BASE_URL: `http://${SHOP_HOST}`,
    OUTBOX_WORKER: "on",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  workers.push(worker);
  return worker;
}

// ---------------------------------------------------------------------------------------------------------------
// The database

async function maintenanceQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: e2eServerDatabaseUrl("postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function removeSqliteFile(): void {
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${SQLITE_FILE}${suffix}`, { force: true });
}

async function dropDatabase(): Promise<void> {
  if (E2E_ON_POSTGRESQL) await maintenanceQuery(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  else removeSqliteFile();
}

/** A paid order with the customer's details, as the payment leaves it, and its two e-mails queued. */
async function paidOrderWithMessages(db: PrismaClient, index: number): Promise<string[]> {
  const order = await db.order.create({
    data: {
      number: await nextOrderNumber(db),
      clientInvoiceId: `OUTBOX-E2E-${index}-${randomUUID().slice(0, 8)}`,
      status: "PAID",
      currency: "SEK",
      totalMinor: 8_900,
      taxMinor: 954,
      customerMsisdn: "46700643933",
      paidAt: new Date(),
      fulfilledAt: new Date(),
      customerEmail: `customer${index}@example.se`,
      deliveryMethod: "SHIP",
      deliveryName: "Astrid Andersson",
      deliveryStreet: "Storgatan 12",
      deliveryPostcode: "123 45",
      deliveryCity: "Ystad",
      deliveryCountry: "SE",
      items: {
        create: { sku: "LINGON-JAM-400", name: "Lingonberry jam 400 g", unitPriceMinor: 8_900, quantity: 1, taxRateBps: 1_200, lineTotalMinor: 8_900 },
      },
      attempts: {
        create: { state: "SENT", seqrStatus: "PAID", invoiceReference: `INV-${randomUUID()}`, ersReference: `ERS-${randomUUID()}`, amountMinor: 8_900, currency: "SEK" },
      },
    },
  });
  const messages = [
    { kind: "ORDER_CONFIRMATION", recipient: `customer${index}@example.se` },
    { kind: "MERCHANT_NEW_ORDER", recipient: "merchant@fjallbo.example" },
  ];
  const ids: string[] = [];
  for (const { kind, recipient } of messages) {
    const row = await db.outboxMessage.create({
      data: { orderId: order.id, kind, channel: "EMAIL", dedupeKey: `${kind}:${order.id}`, recipient, payload: {} },
    });
    ids.push(row.id);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------------------------

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let db: PrismaClient;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  smtp = await startSmtpServer();
  await dropDatabase();
  if (E2E_ON_POSTGRESQL) await maintenanceQuery(`CREATE DATABASE "${DATABASE}"`);
  // As the README's commands do it.
  await execFileAsync("npm", ["run", "db:migrate"], { env: { ...process.env, DATABASE_URL } });
  db = openShopDatabase(DATABASE_URL);
});

test.afterAll(async () => {
  for (const worker of workers) signalGroup(worker, "SIGKILL");
  await Promise.all(workers.map((worker) => worker.exited));
  await db?.$disconnect();
  await smtp?.close();
  await dropDatabase();
});

test("a killed worker (SIGKILL mid-delivery) leaves no message unsent and none sent twice after restart @desktop-only", async () => {
  const ids: string[] = [];
  for (let index = 0; index < MESSAGES / 2; index += 1) ids.push(...(await paidOrderWithMessages(db, index)));
  const messageIdOf = (dedupeKey: string) => `<${dedupeKey.replaceAll(":", ".")}@${SHOP_HOST}>`;
  const rowsOf = () => db.outboxMessage.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });

  // One worker claims every message and sends each; the server has every one of them, and answers none.
  const first = startWorker(smtp.url);
  await expect
    .poll(() => smtp.held.length, { message: `every message reaches the server; worker output:\n${first.output()}`, timeout: 30_000 })
    .toBe(MESSAGES);
  const sending = await rowsOf();
  expect(sending.map((row) => [row.status, row.attempts])).toEqual(sending.map(() => ["SENDING", 1]));
  expect(new Set(smtp.held.map((message) => message.messageId))).toEqual(new Set(sending.map((row) => messageIdOf(row.dedupeKey))));

  // Killed mid-delivery: nothing was accepted, nothing recorded SENT.
  signalGroup(first, "SIGKILL");
  expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
  smtp.state.holding = false;
  expect(smtp.accepted).toEqual([]);
  expect((await rowsOf()).map((row) => row.status)).toEqual(ids.map(() => "SENDING"));

  // Restarted, as two processes: once the dead worker's leases have run out, they share the messages.
  const restarted = [startWorker(smtp.url), startWorker(smtp.url)];
  await expect
    .poll(async () => (await rowsOf()).filter((row) => row.status === "SENT").length, {
      message: `every message is sent after the restart; output:\n${restarted.map((worker) => worker.output()).join("\n")}`,
      timeout: 30_000,
    })
    .toBe(MESSAGES);
  // A little longer: no late second copy arrives.
  await sleep(LEASE_MS + 1_000);

  const sent = await rowsOf();
  for (const row of sent) {
    expect(row, row.dedupeKey).toMatchObject({ status: "SENT", attempts: 2, leaseUntil: null, lastError: null });
    expect(row.sentAt).not.toBeNull();
    // The try after the restart started only once the dead worker's lease had run out.
    expect(row.lastAttemptAt?.getTime() ?? 0).toBeGreaterThan(sending.find((before) => before.id === row.id)?.leaseUntil?.getTime() ?? Infinity);
    expect(smtp.accepted.filter((mail) => mail.messageId === messageIdOf(row.dedupeKey)), row.dedupeKey).toEqual([
      { messageId: messageIdOf(row.dedupeKey), to: [row.recipient], subject: expect.any(String) },
    ]);
  }
  expect(smtp.accepted).toHaveLength(MESSAGES);

  // SIGTERM ends the restarted workers cleanly.
  for (const worker of restarted) signalGroup(worker, "SIGTERM");
  for (const worker of restarted) expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
});
