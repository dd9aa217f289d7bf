import { setTimeout as sleep } from "node:timers/promises";

import { db } from "../../../lib/db.ts";
import { payInvoice } from "../../../lib/sandbox/app-flow.ts";
import { DEFAULT_SUBSCRIBER_MSISDN } from "../../../lib/sandbox/registry.ts";
import { seqr } from "../../../lib/seqr/index.ts";
import { memoryAtRest, residentMemoryMiB, type MemoryReading } from "../../load/support/load-server.ts";
import { seededRandom } from "../../support/seeded-random.ts";
import { checkedLoad, describeLoad, httpLoad, type LoadRun } from "../support/load.ts";
import { copyInvoicedOrders, countPaid, fillWallets, notificationOf, type InvoicedOrder, type Template } from "../support/shop-data.ts";
import { durations, median, percentile, ratio, samples, UnmeasuredError, type RowOutcome } from "../support/stats.ts";

// The rows measured against the running shop (`next start` on the production build), side by side with their floor
// in the same run. Each returns its number (a ratio, or what the goal is about) and the absolute values behind it;
// each throws UnmeasuredError, naming what is missing, when it cannot vouch for its number.
//
// Import this module only once the shop's settings are in process.env (run.ts does): the shop's modules read them
// when they load.

export type Shop = {
  url: string;
  pid: number;
  /** The sandbox's count of the SOAP calls it answered since the last read (tests/bench/support/seqr-sandbox.ts). */
  sandboxCalls: () => Promise<Record<string, number>>;
};

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

// --- catalog throughput -------------------------------------------------------------------------------------------

export type ThroughputSettings = { connections: number; seconds: number; warmupSeconds: number; rounds: number };

/**
 * Requests per second of each target, measured in `rounds` alternating rounds (so that the machine's ups and downs
 * fall on every target alike), after a warm-up of each. Only 200s count; anything else makes the row unmeasured.
 */
export async function throughputSideBySide(targets: Record<string, string>, settings: ThroughputSettings): Promise<Record<string, LoadRun>> {
  for (const [name, url] of Object.entries(targets)) {
    checkedLoad(`${name} (warm-up)`, await httpLoad({ url, connections: settings.connections, seconds: settings.warmupSeconds, maxSeconds: settings.warmupSeconds + 20 }), [200], 1);
  }
  const runs: Record<string, LoadRun[]> = {};
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const [name, url] of Object.entries(targets)) {
      const seconds = settings.seconds / settings.rounds;
      const load = await httpLoad({ url, connections: settings.connections, seconds, maxSeconds: seconds + 20 });
      (runs[name] ??= []).push(checkedLoad(name, load, [200], 20));
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, list]) => {
      const responses = list.reduce((sum, load) => sum + load.responses, 0);
      const seconds = list.reduce((sum, load) => sum + load.seconds, 0);
      const statuses: Record<string, number> = {};
      for (const load of list) for (const [status, count] of Object.entries(load.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
      const combined: LoadRun = {
        responses,
        seconds,
        perSecond: responses / seconds,
        statuses,
        errors: 0,
        timeouts: 0,
        latencyP50Ms: median(list.map((load) => load.latencyP50Ms)),
        latencyP99Ms: Math.max(...list.map((load) => load.latencyP99Ms)),
        stoppedAtLimit: list.some((load) => load.stoppedAtLimit),
      };
      return [name, combined];
    }),
  );
}

// --- notification → PAID ------------------------------------------------------------------------------------------

/**
 * Time from SEQR's notification POST to the order being PAID (the handler answers once the transition is committed;
 * each order is read back to be sure), against one bare getPaymentStatus round trip, through the shop's own SEQR
 * client, to the same sandbox about an invoice in the same state (paid, not yet confirmed). Alternated one by one.
 */
export async function notificationToPaid(shop: Shop, template: Template, count: number): Promise<RowOutcome> {
  const warmups = 3;
  const orders = await copyInvoicedOrders(template, 2 * (count + warmups), { paid: true, commitWindowMs: 600_000 });
  const notified = orders.slice(0, count + warmups);
  const asked = orders.slice(count + warmups);
  const notificationMs: number[] = [];
  const roundTripMs: number[] = [];
  for (let index = 0; index < count + warmups; index += 1) {
    const order = notified[index] as InvoicedOrder;
    const notification = notificationOf(order, shop.url);
    let started = performance.now();
    const response = await fetch(`${shop.url}${notification.path}`, { method: "POST", headers: FORM, body: notification.body, signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    const notificationTook = performance.now() - started;
    if (response.status !== 200) throw new UnmeasuredError(`the notification of order ${order.orderId} answered ${response.status}`);
    const { status } = await db.order.findUniqueOrThrow({ where: { id: order.orderId }, select: { status: true } });
    if (status !== "PAID") throw new UnmeasuredError(`the notification of order ${order.orderId} was answered with the order ${status}, not PAID`);

    started = performance.now();
    const answer = await seqr.getPaymentStatus((asked[index] as InvoicedOrder).invoiceReference);
    const roundTripTook = performance.now() - started;
    if (answer.status !== "PAID") throw new UnmeasuredError(`the bare getPaymentStatus saw ${answer.status}, not PAID`);
    if (index >= warmups) {
      notificationMs.push(notificationTook);
      roundTripMs.push(roundTripTook);
    }
  }
  const notification = samples("notification → PAID", notificationMs, count);
  const roundTrip = samples("getPaymentStatus round trip", roundTripMs, count);
  const [notificationP50, roundTripP50] = [median(notification), median(roundTrip)];
  return {
    value: ratio("notification → PAID", notificationP50, roundTripP50),
    absolute:
      `p50 ${notificationP50.toFixed(0)} ms (p90 ${percentile(notification, 90).toFixed(0)}) vs ` +
      `p50 ${roundTripP50.toFixed(0)} ms (p90 ${percentile(roundTrip, 90).toFixed(0)}), ${count} each`,
    details: { notificationMs: notification, roundTripMs: roundTrip },
  };
}

// --- notification throughput --------------------------------------------------------------------------------------

export type NotificationLoadSettings = {
  connections: number;
  orders: number;
  maxSeconds: number;
  /** Fewer answers than this in the time allowed (on either side) is no measurement. */
  minimumResponses: number;
};

/** Each order's notification once, from `connections` connections, until every order had its one or time is up. */
async function notifyAll(url: string, orders: readonly InvoicedOrder[], request: (order: InvoicedOrder) => { path: string; body: string }, settings: NotificationLoadSettings) {
  let nextIndex = 0;
  // Never more than the orders prepared: autocannon prepares each connection's next request ahead of time.
  const amount = orders.length - 2 * settings.connections;
  if (amount < 10 * settings.connections) throw new UnmeasuredError(`${orders.length} orders are too few for ${settings.connections} connections`);
  return httpLoad({
    url,
    connections: settings.connections,
    amount,
    maxSeconds: settings.maxSeconds,
    next: () => {
      const order = orders[Math.min(nextIndex, orders.length - 1)] as InvoicedOrder;
      nextIndex += 1;
      return { method: "POST", headers: FORM, ...request(order) };
    },
  });
}

/**
 * Notifications handled per second by the shop (signature, lookup, event, SEQR query, transition: each makes an
 * order PAID) against the bare node:http server of support/bare-notification-server.ts doing only the database write
 * and the SOAP call, each on its own orders whose invoices are paid and not yet confirmed. The bare server first, so
 * that the shop's outbox, busy after the burst of payments, does not slow the floor down.
 */
export async function notificationThroughput(shop: Shop, bareUrl: string, template: Template, settings: NotificationLoadSettings): Promise<RowOutcome> {
  // A short warm-up of each (a few connections, a few dozen notifications): the first requests of a route are slow.
  const warmup = { ...settings, connections: Math.min(4, settings.connections), orders: 60, maxSeconds: 15 };
  const bareOrders = await copyInvoicedOrders(template, settings.orders + warmup.orders, { paid: true, commitWindowMs: 600_000 });
  const shopOrders = await copyInvoicedOrders(template, settings.orders + warmup.orders, { paid: true, commitWindowMs: 600_000 });
  const bareRequest = (order: InvoicedOrder) => ({ path: `/notify?order=${order.orderId}&reference=${order.invoiceReference}`, body: `invoiceReference=${order.invoiceReference}` });
  const shopRequest = (order: InvoicedOrder) => notificationOf(order, shop.url);

  checkedLoad("bare server (warm-up)", await notifyAll(bareUrl, bareOrders.slice(0, warmup.orders), bareRequest, warmup), [200], 1);
  await shop.sandboxCalls();
  const bare = checkedLoad("bare server", await notifyAll(bareUrl, bareOrders.slice(warmup.orders), bareRequest, settings), [200], settings.minimumResponses);
  const bareCalls = (await shop.sandboxCalls()).getPaymentStatus ?? 0;

  checkedLoad("shop (warm-up)", await notifyAll(shop.url, shopOrders.slice(0, warmup.orders), shopRequest, warmup), [200], 1);
  await shop.sandboxCalls();
  const measuredOrders = shopOrders.slice(warmup.orders);
  const shopLoad = checkedLoad("shop", await notifyAll(shop.url, measuredOrders, shopRequest, settings), [200], settings.minimumResponses);
  const shopCalls = (await shop.sandboxCalls()).getPaymentStatus ?? 0;
  const paid = await countPaid(measuredOrders);
  if (paid < shopLoad.responses) throw new UnmeasuredError(`${shopLoad.responses} notifications answered 200, but only ${paid} orders are PAID`);
  for (const [who, load, calls] of [["the bare server", bare, bareCalls], ["the shop", shopLoad, shopCalls]] as const) {
    if (calls < load.responses) throw new UnmeasuredError(`${who} answered ${load.responses} notifications but SEQR was asked ${calls} times`);
  }
  return {
    value: ratio("notification throughput", shopLoad.perSecond, bare.perSecond),
    absolute: `shop ${describeLoad(shopLoad)} vs bare ${describeLoad(bare)}, ${settings.connections} connections`,
    details: { shop: shopLoad, bare, paid, sandboxCalls: { shop: shopCalls, bare: bareCalls } },
  };
}

// --- lost notification → commit -----------------------------------------------------------------------------------

export type LostNotificationSettings = { payments: number; payWindowMs: number; settleMs: number; waitMs: number; invoiceTimeoutMs: number };

/**
 * Seconds from a payment to the getPaymentStatus that sees it PAID (the sandbox's committedAt − paidAt), with the
 * notification dropped, so that only the shop's reconciler (inside `next start`) can find it. The invoices are
 * made old by backdating (their issue time), not by waiting, as tests/integration/slow-payer.test.ts does: each is
 * paid at a random age between a few seconds and the invoice timeout (less 15 s, so that it is not canceled first),
 * at a random moment of `payWindowMs`, once the reconciler has taken them into its rhythm. A payment never confirmed
 * (SEQR reversed it, or the wait ran out) counts as the time waited: the row then misses its goal, as it should.
 */
export async function lostNotification(template: Template, settings: LostNotificationSettings): Promise<RowOutcome> {
  const random = seededRandom(20);
  await fillWallets();
  const createdAt = Date.now();
  const payAt = Array.from({ length: settings.payments }, () => settings.settleMs + random() * settings.payWindowMs);
  const ageAtPayment = Array.from({ length: settings.payments }, () => random() * (settings.invoiceTimeoutMs - 15_000));
  // Never issued later than now: the youngest are as old as the wait before their payment.
  const issuedAt = payAt.map((at, index) => Math.min(createdAt, createdAt + at - (ageAtPayment[index] ?? 0)));
  const orders = await copyInvoicedOrders(template, settings.payments, {
    paid: false,
    schedule: (index) => ({
      issuedAt: new Date(issuedAt[index] ?? createdAt),
      // Spread over one look interval, as invoices issued at different moments are.
      nextCheckAt: new Date(Date.now() + random() * 2_100),
    }),
  });
  const started = Date.now();
  const payments = orders.map(async (order, index) => {
    await sleep(Math.max(0, started + (payAt[index] ?? 0) - Date.now()));
    const outcome = await payInvoice(order.invoiceReference, { msisdn: DEFAULT_SUBSCRIBER_MSISDN });
    await outcome.notification;
  });
  await Promise.all(payments);

  const references = orders.map((order) => order.invoiceReference);
  const deadline = Date.now() + settings.waitMs;
  let invoices = await db.sandboxInvoice.findMany({ where: { reference: { in: references } }, select: { reference: true, paidAt: true, committedAt: true, status: true } });
  while (invoices.some((invoice) => invoice.committedAt === null && invoice.status === "PAID") && Date.now() < deadline) {
    await sleep(500);
    invoices = await db.sandboxInvoice.findMany({ where: { reference: { in: references } }, select: { reference: true, paidAt: true, committedAt: true, status: true } });
  }
  const waitedUntil = Date.now();
  const unconfirmed = invoices.filter((invoice) => invoice.committedAt === null).length;
  const seconds = durations(
    "payment → commit",
    invoices.map((invoice) => {
      if (!invoice.paidAt) return Number.NaN;
      // Never confirmed: at least the time waited (a reversal happens 20 s after the payment).
      const end = invoice.committedAt ?? new Date(waitedUntil);
      return (end.getTime() - invoice.paidAt.getTime()) / 1000;
    }),
    settings.payments,
  );
  const p50 = percentile(seconds, 50);
  const p99 = percentile(seconds, 99);
  const ages = issuedAt.map((at, index) => (started + (payAt[index] ?? 0) - at) / 1000);
  return {
    value: p99,
    absolute:
      `p50 ${p50.toFixed(2)} s, p99 ${p99.toFixed(2)} s, max ${Math.max(...seconds).toFixed(2)} s over ${seconds.length} payments ` +
      `(invoice ages ${Math.min(...ages).toFixed(0)}-${Math.max(...ages).toFixed(0)} s of a ${settings.invoiceTimeoutMs / 1000} s timeout)` +
      (unconfirmed > 0 ? `; ${unconfirmed} never confirmed` : ""),
    details: { seconds, p50, p99, unconfirmed, agesSeconds: ages },
  };
}

// --- memory -------------------------------------------------------------------------------------------------------

export type MemorySettings = { requests: number; connections: number; maxSeconds: number; restSeconds: number; startSeconds: number };

/** The start-up's own fall, as a share of the memory: smaller than a load's (a tenth or so, against a third). */
const START_FALL = 0.05;

/**
 * The server's resident memory after start, at rest (load-server.ts's memoryAtRest): V8 gives back what starting
 * took, about a tenth, some 15-25 s after the server starts. Waits for that fall and for the memory to hold still,
 * `startSeconds` at most. Read before the server has answered anything but its health check.
 */
export async function memoryAfterStart(shop: Shop, settings: MemorySettings): Promise<MemoryReading> {
  return memoryAtRest(shop.pid, settings.startSeconds, { fallFraction: START_FALL });
}

/**
 * The server's resident memory after `requests` requests of the mix (sent in turn from every connection), read at
 * rest as the start was (V8 gives memory back some 25-40 s after a load stops, a third or more; `restSeconds` at
 * most), against `start` (memoryAfterStart).
 */
export async function memoryAfterRequests(shop: Shop, start: MemoryReading, mix: { path: string }[], allowed: number[], settings: MemorySettings): Promise<RowOutcome> {
  const load = await httpLoad({ url: shop.url, connections: settings.connections, amount: settings.requests, maxSeconds: settings.maxSeconds, requests: mix });
  checkedLoad("mixed requests", load, allowed, settings.requests);
  const justAfter = residentMemoryMiB(shop.pid);
  const rest = await memoryAtRest(shop.pid, settings.restSeconds);
  const when = (reading: MemoryReading) =>
    reading.fell ? `at rest after ${reading.waitedSeconds} s` : `not yet fallen after ${reading.waitedSeconds} s`;
  return {
    value: ratio("memory", rest.mib, start.mib),
    absolute:
      `${rest.mib} MiB after the requests (${when(rest)}; ${justAfter} MiB just after) vs ${start.mib} MiB after start ` +
      `(${when(start)}); ${load.responses} requests at ${Math.round(load.perSecond)}/s`,
    details: { start, justAfterMiB: justAfter, rest, load },
  };
}
