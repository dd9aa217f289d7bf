import { setTimeout as sleep } from "node:timers/promises";

import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { consumeFault } from "./faults.ts";
import { DEFAULT_SUBSCRIBER_MSISDN } from "./registry.ts";
import { assertSandboxMode } from "./guard.ts";

// SEQR's payment notification (CONTRACT.md, step 6): one form POST to the invoice's notificationUrl with
// invoiceReference, clientInvoiceId, msisdn and subscriberKey, the URL's own query string kept. Fire and forget:
// no signature, no retry, the answer only logged. Faults can drop, repeat or delay it.

const NOTIFICATION_TIMEOUT_MS = 10_000;
const notifierLog = log.child({ component: "sandbox-notifier" });

async function postOnce(invoiceReference: string, url: string, body: string, forged: boolean): Promise<void> {
  const started = performance.now();
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(NOTIFICATION_TIMEOUT_MS),
    });
    httpStatus = response.status;
    await response.body?.cancel();
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const durationMs = Math.round(performance.now() - started);
  const outcome = httpStatus !== null && httpStatus < 300 ? "DELIVERED" : "FAILED";
  await db.sandboxNotification.create({
    data: { invoiceReference, url, body, outcome, httpStatus, error, durationMs, forged },
  });
  notifierLog.info({ invoiceReference, httpStatus, error, durationMs, forged }, "notification sent");
}

/**
 * Sends the notification for an invoice (the app calls this once, after a payment). Resolves when every copy
 * has been sent or given up; never throws and never retries.
 */
export async function notifyMerchant(invoiceReference: string, options: { forged?: boolean } = {}): Promise<void> {
  assertSandboxMode();
  const forged = options.forged ?? false;
  try {
    const invoice = await db.sandboxInvoice.findUnique({ where: { reference: invoiceReference } });
    if (!invoice?.notificationUrl) return;
    const payer = await db.sandboxSubscriber.findUnique({
      where: { msisdn: invoice.payerMsisdn ?? DEFAULT_SUBSCRIBER_MSISDN },
    });
    const body = new URLSearchParams({
      invoiceReference: invoice.reference,
      clientInvoiceId: invoice.clientInvoiceId ?? "",
      msisdn: payer?.msisdn ?? "",
      subscriberKey: payer?.subscriberKey ?? "",
    }).toString();

    if (await consumeFault("drop-notifications")) {
      await db.sandboxNotification.create({
        data: { invoiceReference, url: invoice.notificationUrl, body, outcome: "DROPPED", forged },
      });
      notifierLog.info({ invoiceReference }, "notification dropped (fault)");
      return;
    }
    const delay = await consumeFault("delay-notifications");
    if (delay?.delayMs) await sleep(delay.delayMs);
    const repeat = await consumeFault("repeat-notification");
    const copies = repeat?.copies ?? 1;
    // Copies go out at once, as a misbehaving network or a double-firing sender would send them.
    await Promise.all(
      Array.from({ length: copies }, () => postOnce(invoiceReference, invoice.notificationUrl ?? "", body, forged)),
    );
  } catch (error) {
    notifierLog.error({ err: error, invoiceReference }, "notification could not be sent");
  }
}

/** The fault API's forgery: the notification of an invoice that is not paid, sent as if it were. */
export async function forgeNotification(invoiceReference: string): Promise<void> {
  assertSandboxMode();
  const invoice = await db.sandboxInvoice.findUnique({ where: { reference: invoiceReference } });
  if (!invoice) throw new AppError("UNKNOWN_INVOICE", 404, `There is no invoice ${invoiceReference}.`);
  if (!invoice.notificationUrl) throw new AppError("NO_NOTIFICATION_URL", 409, "The invoice has no notificationUrl.");
  if (invoice.status === "PAID") throw new AppError("INVOICE_PAID", 409, "The invoice is paid: that would not be a forgery.");
  await notifyMerchant(invoiceReference, { forged: true });
}

export async function listNotifications(invoiceReference?: string) {
  assertSandboxMode();
  return db.sandboxNotification.findMany({
    where: invoiceReference ? { invoiceReference } : {},
    orderBy: { createdAt: "desc" },
    take: 200,
  });
}
