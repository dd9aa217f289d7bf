import { db } from "../db.ts";
import { env } from "../env.ts";
import { LIVE_INVOICE_STATUSES } from "./state-machine.ts";

// How long the shopper has to pay, for the checkout and the order page: an invoice still unpaid
// INVOICE_TIMEOUT_MS after it was sent is canceled and its order EXPIRED (the reconciler: reconciler.ts). The
// pages say so up front, and warn shortly before (app/_components/payment-deadline.tsx).

/** What the pages show about the time to pay, every text formatted here, on the server. */
export type PaymentWindowView = {
  /** How long an invoice stays open once sent: "10 minutes". */
  windowText: string;
  /** The invoice out now and when it ends; null while no invoice is out (before Pay). */
  deadline: {
    /** ISO time. */
    at: string;
    /** Time left when the page was made: "10 minutes". */
    remainingText: string;
    /** The end on the shop's clock: "14:32", or "14:32 on 3 March" when that is another day. */
    byText: string;
  } | null;
  /** How long before the end the page warns (2 minutes, or a third of a shorter window). */
  warnBeforeMs: number;
  /** The same in words: "2 minutes". */
  warnBeforeText: string;
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;

/** A duration as a shopper reads it, rounded up (a minute and a half left is "2 minutes" to pay within). */
export function formatDuration(ms: number): string {
  const positive = Math.max(ms, 0);
  if (positive < MINUTE_MS) return plural(Math.max(1, Math.ceil(positive / 1_000)), "second");
  if (positive < 2 * HOUR_MS) return plural(Math.ceil(positive / MINUTE_MS), "minute");
  if (positive < 2 * DAY_MS) return plural(Math.ceil(positive / HOUR_MS), "hour");
  return plural(Math.ceil(positive / DAY_MS), "day");
}

/** A moment on the shop's clock (SHOP_TIME_ZONE): "14:32", with its day when it is not `now`'s day there. */
export function formatShopClock(at: Date, now: Date, timeZone: string = env.timeZone): string {
  const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(at);
  const day = (date: Date) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", timeZone }).format(date);
  const sameDay = new Intl.DateTimeFormat("en-CA", { timeZone }).format(at) === new Intl.DateTimeFormat("en-CA", { timeZone }).format(now);
  return sameDay ? time : `${time} on ${day(at)}`;
}

/** How long before the end the pages warn: 2 minutes, or a third of a window shorter than 6 minutes. */
export function warnBeforeMs(invoiceTimeoutMs: number): number {
  return Math.min(2 * MINUTE_MS, Math.floor(invoiceTimeoutMs / 3));
}

/** The time to pay an order: its invoice out now (the newest live one), if any. */
export async function loadPaymentWindow(
  where: { id: string } | { clientInvoiceId: string },
  options: { now?: Date; invoiceTimeoutMs?: number } = {},
): Promise<PaymentWindowView> {
  const now = options.now ?? new Date();
  const timeoutMs = options.invoiceTimeoutMs ?? env.orders.invoiceTimeoutMs;
  const live = await db.paymentAttempt.findFirst({
    where: { order: where, state: "SENT", seqrStatus: { in: LIVE_INVOICE_STATUSES } },
    orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
    select: { issuedAt: true },
  });
  const warnMs = warnBeforeMs(timeoutMs);
  const ends = live ? new Date(live.issuedAt.getTime() + timeoutMs) : null;
  return {
    windowText: formatDuration(timeoutMs),
    deadline: ends
      ? { at: ends.toISOString(), remainingText: formatDuration(ends.getTime() - now.getTime()), byText: formatShopClock(ends, now) }
      : null,
    warnBeforeMs: warnMs,
    warnBeforeText: formatDuration(warnMs),
  };
}
