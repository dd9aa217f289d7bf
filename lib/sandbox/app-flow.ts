import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { getSandboxConfig } from "./config.ts";
import { newErsReference } from "./ids.ts";
import { commitDeadlineFrom, reverseOverduePayments } from "./invoices.ts";
import { notifyMerchant } from "./notifier.ts";
import { parseSeqrCode } from "./seqr-urls.ts";
import { findSession, setSessionStatus, startSession } from "./sessions.ts";
import { assertSandboxMode } from "./guard.ts";

// The simulated SEQR app: what happens when a subscriber scans a code, pays, declines or cancels. The pages
// under /sandbox/app and the fault API's app endpoints both go through here.

/** Something the subscriber cannot do right now; the message is for them (409 from the API). */
export class AppFlowError extends AppError {
  constructor(message: string) {
    super("APP_FLOW_REFUSED", 409, message);
  }
}

/** Where the app goes next: a URL to open (the merchant's page, with the fragment) or a page of the app. */
export type AppStep = { open: string };

export type AppDevice = { msisdn: string; sessionToken?: string };

const APP_HOME = "/sandbox/app";

export function appInvoicePath(invoiceReference: string): string {
  return `${APP_HOME}/invoices/${invoiceReference}`;
}

/**
 * A scanned code. A service code starts a session and opens `<Order URL>#<TOKEN>`; an invoice code opens the
 * invoice in the app (which now counts as being paid: cancelInvoice answers 51); SEQR-ACTION://WIZARD/CANCEL ends
 * the session and returns to the app's start.
 */
export async function scanCode(text: string, device: AppDevice, now = new Date()): Promise<AppStep & { sessionToken?: string | null }> {
  assertSandboxMode();
  const code = parseSeqrCode(text);
  switch (code.kind) {
    case "service": {
      const services = await db.sandboxService.findMany();
      const service = services.find((candidate) => candidate.id.toLowerCase() === code.serviceId.toLowerCase());
      if (!service) throw new AppFlowError(`No External Service is registered as "${code.serviceId}".`);
      const token = await startSession(service.id, device.msisdn, code.parameters, now);
      return { open: `${service.orderUrl}#${token}`, sessionToken: token };
    }
    case "invoice": {
      await openInvoice(code.invoiceReference, device, now);
      return { open: appInvoicePath(code.invoiceReference) };
    }
    case "wizard-cancel": {
      if (device.sessionToken) await setSessionStatus(device.sessionToken, "CANCELED");
      return { open: APP_HOME, sessionToken: null };
    }
    case "unknown":
      throw new AppFlowError("That is not a SEQR code.");
  }
}

async function openInvoice(invoiceReference: string, device: AppDevice, now: Date): Promise<void> {
  await reverseOverduePayments(now);
  const invoice = await db.sandboxInvoice.findUnique({ where: { reference: invoiceReference } });
  if (!invoice) throw new AppFlowError(`There is no invoice ${invoiceReference}.`);
  if (invoice.status !== "ISSUED") return;
  const { invoiceInProgressMs } = await getSandboxConfig();
  await db.sandboxInvoice.updateMany({
    where: { reference: invoiceReference, status: "ISSUED" },
    data: { inProgressUntil: new Date(now.getTime() + invoiceInProgressMs) },
  });
  if (device.sessionToken) {
    await db.sandboxSession.updateMany({
      where: { token: device.sessionToken, status: "ACTIVE" },
      data: { status: "IN_PROGRESS" },
    });
  }
}

async function serviceUrlsFor(sessionToken: string | undefined) {
  if (!sessionToken) return null;
  const session = await findSession(sessionToken);
  return session ? { token: session.token, service: session.service } : null;
}

export type PayOutcome = AppStep & {
  /** Resolves once the merchant's notification has been sent (or dropped); the caller keeps it alive. */
  notification: Promise<void>;
};

/**
 * Pay: the invoice becomes PAID with a fresh ersReference and a commit deadline, the wallet is debited, then
 * exactly one notification goes to the merchant and the app opens `<Success URL>#<TOKEN>_<invoiceReference>`.
 * A wallet without the money makes the payment FAILED instead, and the app opens the Failure URL.
 */
export async function payInvoice(invoiceReference: string, device: AppDevice, now = new Date()): Promise<PayOutcome> {
  assertSandboxMode();
  await reverseOverduePayments(now);
  const invoice = await db.sandboxInvoice.findUnique({ where: { reference: invoiceReference } });
  if (!invoice) throw new AppFlowError(`There is no invoice ${invoiceReference}.`);
  if (invoice.status !== "ISSUED") throw new AppFlowError(`This invoice is ${invoice.status.toLowerCase()}.`);
  const subscriber = await db.sandboxSubscriber.findUnique({ where: { msisdn: device.msisdn } });
  if (!subscriber) throw new AppFlowError("Choose a subscriber first.");
  const flow = await serviceUrlsFor(device.sessionToken);

  if (subscriber.currency !== invoice.currency || subscriber.balanceMinor < invoice.totalMinor) {
    await failInvoice(invoiceReference, device);
    return { open: flow ? `${flow.service.failureUrl}#${flow.token}` : appInvoicePath(invoiceReference), notification: Promise.resolve() };
  }

  const deadline = await commitDeadlineFrom(now);
  const paid = await db.$transaction(async (tx) => {
    const claimed = await tx.sandboxInvoice.updateMany({
      where: { reference: invoiceReference, status: "ISSUED" },
      data: {
        status: "PAID",
        version: { increment: 1 },
        ersReference: newErsReference(),
        paidAt: now,
        commitDeadline: deadline,
        payerMsisdn: subscriber.msisdn,
        sessionToken: flow?.token ?? null,
        inProgressUntil: null,
      },
    });
    if (claimed.count === 0) return false;
    const debited = await tx.sandboxSubscriber.updateMany({
      where: { msisdn: subscriber.msisdn, balanceMinor: { gte: invoice.totalMinor } },
      data: { balanceMinor: { decrement: invoice.totalMinor } },
    });
    if (debited.count === 0) throw new AppFlowError("The wallet no longer holds enough money.");
    await tx.sandboxLedgerEntry.create({
      data: {
        msisdn: subscriber.msisdn,
        type: "PAYMENT",
        amountMinor: -invoice.totalMinor,
        currency: invoice.currency,
        invoiceReference,
        note: invoice.title,
      },
    });
    return true;
  });
  if (!paid) throw new AppFlowError("This invoice was paid or closed a moment ago.");
  if (flow) await setSessionStatus(flow.token, "COMPLETED");

  return {
    open: flow ? `${flow.service.successUrl}#${flow.token}_${invoiceReference}` : appInvoicePath(invoiceReference),
    notification: notifyMerchant(invoiceReference),
  };
}

async function failInvoice(invoiceReference: string, device: AppDevice): Promise<void> {
  const updated = await db.sandboxInvoice.updateMany({
    where: { reference: invoiceReference, status: "ISSUED" },
    data: { status: "FAILED", version: { increment: 1 }, inProgressUntil: null, payerMsisdn: device.msisdn },
  });
  if (updated.count === 0) throw new AppFlowError("This invoice was paid or closed a moment ago.");
  // The session stays open: the shopper may try again from the merchant's failure page.
  if (device.sessionToken) {
    await db.sandboxSession.updateMany({
      where: { token: device.sessionToken, status: "IN_PROGRESS" },
      data: { status: "ACTIVE" },
    });
  }
}

/** Decline: the payment fails (FAILED) and the app opens `<Failure URL>#<TOKEN>`. */
export async function declineInvoice(invoiceReference: string, device: AppDevice): Promise<AppStep> {
  assertSandboxMode();
  await failInvoice(invoiceReference, device);
  const flow = await serviceUrlsFor(device.sessionToken);
  return { open: flow ? `${flow.service.failureUrl}#${flow.token}` : appInvoicePath(invoiceReference) };
}

/** Cancel: the invoice is CANCELED, the session ends, and the app opens `<Cancel URL>#<TOKEN>`. */
export async function cancelInvoiceInApp(invoiceReference: string, device: AppDevice): Promise<AppStep> {
  assertSandboxMode();
  const updated = await db.sandboxInvoice.updateMany({
    where: { reference: invoiceReference, status: "ISSUED" },
    data: { status: "CANCELED", version: { increment: 1 }, inProgressUntil: null },
  });
  if (updated.count === 0) throw new AppFlowError("This invoice was paid or closed a moment ago.");
  const flow = await serviceUrlsFor(device.sessionToken);
  if (flow) await setSessionStatus(flow.token, "CANCELED");
  return { open: flow ? `${flow.service.cancelUrl}#${flow.token}` : appInvoicePath(invoiceReference) };
}

export async function listSubscribers() {
  assertSandboxMode();
  return db.sandboxSubscriber.findMany({ orderBy: { createdAt: "asc" } });
}

export async function subscriberWithHistory(msisdn: string) {
  assertSandboxMode();
  await reverseOverduePayments();
  return db.sandboxSubscriber.findUnique({
    where: { msisdn },
    include: { ledger: { orderBy: { createdAt: "desc" }, take: 50 } },
  });
}
