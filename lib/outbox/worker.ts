import { randomUUID } from "node:crypto";

import { ZodError } from "zod";

import { databaseProvider, db as shopDb, type PrismaClient } from "../db.ts";
import { env } from "../env.ts";
import type { OutboxMessage, Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { renderEmail } from "../mail/messages.ts";
import { messageIdFor, sendEmail } from "../mail/transport.ts";
import { loadOrderReceipt, submitOrderReceipt } from "../orders/seqr-receipt.ts";
import { SeqrError } from "../seqr/index.ts";
import { parseOutboxContent } from "./payloads.ts";

// The outbox worker: delivers every OutboxMessage at least once, and a message it recorded SENT never again.
//
// 1. Claim: due messages (PENDING whose nextAttemptAt has come, or SENDING whose lease has run out: the worker
//    delivering it died) become SENDING under a lease, with the try counted (attempts + 1, lastAttemptAt) BEFORE
//    anything is sent. The claim is a checked conditional update (PostgreSQL: one statement that skips the rows
//    another worker is claiming, FOR NO KEY UPDATE SKIP LOCKED), so several processes share the messages and none
//    is claimed by two of them while its lease holds.
// 2. Send: the e-mail (rendered from the database now, with a Message-ID made from its dedupeKey) or the SEQR
//    receipt. The lease is renewed while the send runs.
// 3. Record AFTER, still conditional on holding the claim (status SENDING and this claim's attempts and
//    lastAttemptAt, which only this claim wrote): SENT with the time; or, on failure, PENDING again after a
//    backoff, or DEAD after OUTBOX_MAX_ATTEMPTS tries, with the error in a line.
//
// A worker that dies between 1 and 3 leaves the message SENDING; its lease runs out and another worker (or this
// one, restarted) sends it again: at least once. The receiver keeps one copy where it can: the sandbox's mailbox
// is idempotent on the Message-ID, and mail clients thread duplicates by it. SEQR keeps every receipt it is given.

/** A claim holds a message this long; renewed every third of it while the send runs. */
export const OUTBOX_LEASE_MS = 30_000;
/** The first retry waits this long; each further one twice as long as the one before… */
export const FIRST_RETRY_MS = 10_000;
/** …up to this. */
export const MAX_RETRY_MS = 30 * 60_000;
/** Messages one claim takes (and sends side by side). */
export const OUTBOX_BATCH_SIZE = 10;
/** How often a running worker looks for due messages when it found none. */
export const OUTBOX_POLL_MS = 1_000;
/** lastError is kept to this many characters: a line for the dashboard, never a stack. */
const MAX_ERROR_LENGTH = 300;

const outboxLog = log.child({ component: "outbox" });

/** The wait before the next try, after `attempts` tries failed: 10 s, 20 s, 40 s … at most 30 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** A failure no retry can mend (no recipient, a payload the shop cannot read): the message is DEAD at once. */
export class PermanentDeliveryError extends Error {
  override readonly name = "PermanentDeliveryError";
}

/** Delivers one message through its channel; throws when it was not delivered. */
export async function deliverMessage(message: OutboxMessage): Promise<void> {
  try {
    parseOutboxContent(message);
  } catch (error) {
    throw new PermanentDeliveryError(`The message cannot be read: ${errorLine(error)}`);
  }
  if (message.channel === "SEQR_RECEIPT") {
    const receipt = await loadOrderReceipt(message.orderId);
    if (!receipt) throw new PermanentDeliveryError("The order has no SEQR payment to attach a receipt to.");
    await submitOrderReceipt(receipt);
    return;
  }
  if (!message.recipient) throw new PermanentDeliveryError("The message has no recipient.");
  const email = await renderEmail(message);
  await sendEmail({ to: message.recipient, ...email, messageId: messageIdFor(message.dedupeKey) });
}

/** The error as one short line for lastError and the dashboard: no stack, no internals beyond the message. */
export function errorLine(error: unknown): string {
  let text: string;
  if (error instanceof SeqrError) text = `SEQR: ${error.message}`;
  else if (error instanceof ZodError) text = error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`).join("; ");
  else if (error instanceof Error) text = error.message;
  else text = String(error);
  const line = text.split("\n")[0]?.trim() || "Unknown error";
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}

export type OutboxWorkerOptions = {
  /** The database the worker claims and records in (default: the shop's). */
  client?: PrismaClient;
  /** Names the worker in its log lines (default: a random one). */
  owner?: string;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  now?: () => Date;
  /** How a message is delivered (default deliverMessage). */
  deliver?: (message: OutboxMessage) => Promise<void>;
};

type Settings = Required<OutboxWorkerOptions>;

function settingsFrom(options: OutboxWorkerOptions): Settings {
  return {
    client: options.client ?? shopDb,
    owner: options.owner ?? `outbox-${randomUUID()}`,
    batchSize: Math.max(1, options.batchSize ?? OUTBOX_BATCH_SIZE),
    leaseMs: options.leaseMs ?? OUTBOX_LEASE_MS,
    maxAttempts: options.maxAttempts ?? env.outbox.maxAttempts,
    now: options.now ?? (() => new Date()),
    deliver: options.deliver ?? deliverMessage,
  };
}

export type DeliveryReport = { claimed: number; sent: number; retried: number; dead: number; lost: number };

function emptyReport(): DeliveryReport {
  return { claimed: 0, sent: 0, retried: 0, dead: 0, lost: 0 };
}

/** What a claimed message is due on: PENDING and its time has come, or SENDING with a lease run out. */
function due(at: Date): Prisma.OutboxMessageWhereInput {
  return {
    OR: [
      { status: "PENDING", nextAttemptAt: { lte: at } },
      { status: "SENDING", leaseUntil: { lt: at } },
    ],
  };
}

/**
 * Claims up to `take` due messages, oldest due first, for `leaseMs`; returns them as claimed (SENDING, attempts
 * counted, lastAttemptAt = `at`).
 */
async function claim(settings: Settings, at: Date, take: number): Promise<OutboxMessage[]> {
  const { client, leaseMs } = settings;
  const leaseUntil = new Date(at.getTime() + leaseMs);
  let ids: string[];
  if (databaseProvider === "postgresql") {
    // Under READ COMMITTED, workers running the conditional update below side by side would all pick the same
    // oldest rows and queue on each other's row locks; SKIP LOCKED hands each one different messages. The row
    // lock lasts from the SELECT to the commit of the UPDATE, and a row changed since this statement's snapshot is
    // checked again against the conditions before it is locked.
    const rows = await client.$queryRaw<{ id: string }[]>`
      WITH "claimable" AS MATERIALIZED (
        SELECT "id"
        FROM "OutboxMessage"
        WHERE ("status" = 'PENDING' AND "nextAttemptAt" <= ${at})
           OR ("status" = 'SENDING' AND "leaseUntil" < ${at})
        ORDER BY "nextAttemptAt" ASC
        LIMIT ${take}
        FOR NO KEY UPDATE SKIP LOCKED
      )
      UPDATE "OutboxMessage" AS "message"
      SET "status" = 'SENDING',
          "attempts" = "message"."attempts" + 1,
          "lastAttemptAt" = ${at},
          "leaseUntil" = ${leaseUntil}
      FROM "claimable"
      WHERE "message"."id" = "claimable"."id"
      RETURNING "message"."id"`;
    ids = rows.map((row) => row.id);
  } else {
    // SQLite has one writer at a time: each conditional update sees every claim committed before it, and a row
    // another worker claimed since the list was read no longer matches (count 0).
    const candidates = await client.outboxMessage.findMany({
      where: due(at),
      orderBy: { nextAttemptAt: "asc" },
      take,
      select: { id: true },
    });
    ids = [];
    for (const { id } of candidates) {
      const { count } = await client.outboxMessage.updateMany({
        where: { id, ...due(at) },
        data: { status: "SENDING", attempts: { increment: 1 }, lastAttemptAt: at, leaseUntil },
      });
      if (count === 1) ids.push(id);
    }
  }
  if (ids.length === 0) return [];
  return client.outboxMessage.findMany({ where: { id: { in: ids } }, orderBy: { nextAttemptAt: "asc" } });
}

/** The rows of this claim and no later one: a worker that took the message over has counted another try. */
function held(message: OutboxMessage): Prisma.OutboxMessageWhereInput {
  return { id: message.id, status: "SENDING", attempts: message.attempts, lastAttemptAt: message.lastAttemptAt };
}

type Outcome = "sent" | "retried" | "dead" | "lost";

/** Sends one claimed message and records how it went. Never throws: a failure is recorded on the message. */
async function sendClaimed(settings: Settings, message: OutboxMessage): Promise<Outcome> {
  const { client, leaseMs, maxAttempts, now, owner } = settings;
  const context = { owner, messageId: message.id, kind: message.kind, orderId: message.orderId, attempt: message.attempts };

  // A message taken over after its last allowed try began and never ended (the worker died each time, perhaps
  // because of this very message) is set aside rather than tried for ever.
  if (message.attempts > maxAttempts) {
    const { count } = await client.outboxMessage.updateMany({
      where: held(message),
      data: {
        status: "DEAD",
        attempts: maxAttempts,
        leaseUntil: null,
        lastError: message.lastError ?? `Tried ${maxAttempts} times; the last try never finished (the worker stopped).`,
      },
    });
    return count === 1 ? "dead" : "lost";
  }

  // The lease is renewed while the send runs, so that a slow SMTP server or SEQR does not hand the message to
  // another worker meanwhile; should this process die, renewals stop and the lease runs out.
  let renewing: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewing = client.outboxMessage
      .updateMany({ where: held(message), data: { leaseUntil: new Date(now().getTime() + leaseMs) } })
      .catch((error: unknown) => outboxLog.warn({ ...context, err: error }, "lease renewal failed"));
  }, Math.max(1, Math.floor(leaseMs / 3)));

  let failure: unknown;
  let delivered = false;
  try {
    await settings.deliver(message);
    delivered = true;
  } catch (error) {
    failure = error;
  } finally {
    clearInterval(heartbeat);
    await renewing;
  }

  const at = now();
  if (delivered) {
    const { count } = await client.outboxMessage.updateMany({
      where: held(message),
      data: { status: "SENT", sentAt: at, leaseUntil: null, lastError: null },
    });
    if (count === 0) {
      // This worker stalled past its lease and another one took the message: it may be sent twice.
      outboxLog.warn(context, "outbox message sent after its lease was lost");
      return "lost";
    }
    outboxLog.debug(context, "outbox message sent");
    return "sent";
  }

  const lastError = errorLine(failure);
  const dead = failure instanceof PermanentDeliveryError || message.attempts >= maxAttempts;
  const { count } = await client.outboxMessage.updateMany({
    where: held(message),
    data: dead
      ? { status: "DEAD", leaseUntil: null, lastError }
      : { status: "PENDING", leaseUntil: null, lastError, nextAttemptAt: new Date(at.getTime() + retryDelayMs(message.attempts)) },
  });
  if (count === 0) {
    outboxLog.warn({ ...context, lastError }, "outbox message failed after its lease was lost");
    return "lost";
  }
  if (dead) outboxLog.error({ ...context, lastError }, "outbox message set aside as DEAD");
  else outboxLog.warn({ ...context, lastError }, "outbox message failed; will retry");
  return dead ? "dead" : "retried";
}

/** Claims one batch of due messages and delivers them side by side; returns what happened. */
async function deliverBatch(settings: Settings): Promise<DeliveryReport> {
  const report = emptyReport();
  const claimed = await claim(settings, settings.now(), settings.batchSize);
  report.claimed = claimed.length;
  const outcomes = await Promise.all(
    claimed.map((message) =>
      sendClaimed(settings, message).catch((error: unknown) => {
        // Recording the outcome failed (the database went away): the lease runs out and another try comes.
        outboxLog.error({ owner: settings.owner, messageId: message.id, err: error }, "outbox outcome not recorded");
        return "lost" as const;
      }),
    ),
  );
  for (const outcome of outcomes) report[outcome] += 1;
  return report;
}

function add(total: DeliveryReport, batch: DeliveryReport): void {
  for (const key of Object.keys(total) as (keyof DeliveryReport)[]) total[key] += batch[key];
}

/**
 * One pass, for `npm run outbox -- --once` and tests: batches until no message is due (on the worker's clock);
 * each message is tried at most once per pass (a failed one is due again only after its backoff).
 */
export async function deliverOutboxOnce(options: OutboxWorkerOptions = {}): Promise<DeliveryReport> {
  const settings = settingsFrom(options);
  const total = emptyReport();
  for (;;) {
    const batch = await deliverBatch(settings);
    add(total, batch);
    if (batch.claimed < settings.batchSize) return total;
  }
}

/**
 * Runs the worker until the returned stop function is called: a batch whenever messages are due, a look every
 * `pollMs` otherwise. stop() resolves once the batch under way is sent and recorded.
 */
export function startOutboxWorker(options: OutboxWorkerOptions & { pollMs?: number } = {}): () => Promise<void> {
  const settings = settingsFrom(options);
  const pollMs = options.pollMs ?? OUTBOX_POLL_MS;
  let stopped = false;
  let wake: (() => void) | undefined;

  const loop = async () => {
    while (!stopped) {
      let full = false;
      try {
        const report = await deliverBatch(settings);
        full = report.claimed >= settings.batchSize;
        if (report.claimed > 0) outboxLog.info({ owner: settings.owner, ...report }, "outbox batch");
      } catch (error) {
        outboxLog.error({ owner: settings.owner, err: error }, "outbox claim failed");
      }
      if (stopped) break;
      // A full batch means more may be due: the next one at once.
      if (full) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  };

  const running = loop();
  outboxLog.info({ owner: settings.owner, pollMs, batchSize: settings.batchSize }, "outbox worker started");
  return async () => {
    stopped = true;
    wake?.();
    await running;
  };
}
