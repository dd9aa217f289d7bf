import { setTimeout as sleep } from "node:timers/promises";

import { afterEach, describe, expect, test, vi } from "vitest";

import { SANDBOX_DEFAULTS } from "@/lib/env";
import { SeqrError } from "@/lib/seqr/errors";
import { sampleInvoice } from "@/tests/support/seqr-fixtures";

import { serveSandboxForThisFile } from "./support/sandbox-server";

// SEQR's behaviours as the sandbox emulates them, driven through its HTTP API and SOAP endpoint: the commit
// rule, versions, refund limits, the app's outcomes, notifications and every fault.

const sandbox = serveSandboxForThisFile();

const ASTRID = "46700643933";

async function balanceOf(msisdn: string): Promise<number> {
  const { body } = await sandbox.server.api("GET", "/subscribers");
  return body.subscribers.find((subscriber: { msisdn: string }) => subscriber.msisdn === msisdn).balanceMinor;
}

async function issue(orderId = "order-1") {
  const invoice = sampleInvoice({ clientInvoiceId: orderId, notificationUrl: `${sandbox.server.notifyUrl}?order=${orderId}&sig=abc` });
  const { invoiceReference } = await sandbox.seqr.sendInvoice(invoice);
  return invoiceReference;
}

async function startSession(query = "order=order-1") {
  const { body } = await sandbox.server.api("POST", "/app/scan", { url: `HTTP://SEQR.SE/000/SEQRSHOP?${query}` });
  return body.sessionToken as string;
}

/**
 * Moves the clock the sandbox reads (it serves this file in-process) to `at`, from where it runs on as usual, so
 * that a window can be left without waiting it out. Only Date is faked: timers, and so HTTP, are left alone.
 */
function clockAt(at: Date): void {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(at);
}

/** The clock a second past `deadline` (an ISO date from the sandbox's API). */
const clockPast = (deadline: string): void => clockAt(new Date(new Date(deadline).getTime() + 1_000));

afterEach(() => {
  vi.useRealTimers();
});

const pay = (reference: string, device: object = {}) => sandbox.server.api("POST", `/app/invoices/${reference}/pay`, device);
const invoiceState = async (reference: string) => (await sandbox.server.api("GET", `/invoices/${reference}`)).body;

describe("the commit rule", () => {
  test("a payment nobody confirms is reversed after the window: CANCELED, money back, recorded", async () => {
    await sandbox.server.api("PUT", "/config", { commitWindowMs: 300 });
    const reference = await issue();
    const before = await balanceOf(ASTRID);
    await pay(reference);
    expect(await balanceOf(ASTRID)).toBe(before - 71_700);

    // Waited out from when Pay has answered, so the window (from the payment, inside Pay) has passed however
    // slowly Pay ran; nothing between the payment and here looks at the invoice.
    await sleep(400);
    const state = await invoiceState(reference);
    expect(state).toMatchObject({ status: "CANCELED", version: 3, committedAt: null });
    expect(state.reversedAt).not.toBeNull();
    expect(await balanceOf(ASTRID)).toBe(before);
    await expect(sandbox.seqr.getPaymentStatus(reference)).resolves.toMatchObject({ status: "CANCELED", ersReference: undefined });
  });

  test("a getPaymentStatus that sees PAID inside the window commits the payment for good", async () => {
    // A window no loaded machine can miss between Pay and the query; the test then moves the clock past it
    // instead of waiting it out.
    await sandbox.server.api("PUT", "/config", { commitWindowMs: 60_000 });
    const reference = await issue();
    await pay(reference);
    await expect(sandbox.seqr.getPaymentStatus(reference)).resolves.toMatchObject({ status: "PAID" });
    const paid = await invoiceState(reference);
    expect(new Date(paid.commitDeadline).getTime() - new Date(paid.paidAt).getTime()).toBe(60_000);

    clockPast(paid.commitDeadline);
    const state = await invoiceState(reference);
    expect(state).toMatchObject({ status: "PAID", version: 2, reversedAt: null });
    expect(new Date(state.committedAt).getTime()).toBeLessThan(new Date(state.commitDeadline).getTime());
    await expect(sandbox.seqr.getPaymentStatus(reference)).resolves.toMatchObject({ status: "PAID" });
  });

  test("expire-commit-window reverses an unconfirmed payment at once, and refuses a confirmed one", async () => {
    const reference = await issue();
    await pay(reference);
    const expired = await sandbox.server.api("POST", `/invoices/${reference}/expire-commit-window`);
    expect(expired.body).toMatchObject({ status: "CANCELED", committedAt: null });

    const confirmed = await issue("order-2");
    await pay(confirmed);
    await sandbox.seqr.getPaymentStatus(confirmed);
    const refused = await sandbox.server.api("POST", `/invoices/${confirmed}/expire-commit-window`);
    expect(refused.status).toBe(409);
    expect((await invoiceState(confirmed)).status).toBe("PAID");
  });
});

describe("versions", () => {
  test("go up on every status change and update", async () => {
    const reference = await issue();
    expect((await sandbox.seqr.getPaymentStatus(reference)).version).toBe(1);
    await sandbox.seqr.updateInvoice(reference, sampleInvoice({ clientInvoiceId: "order-1" }));
    expect((await sandbox.seqr.getPaymentStatus(reference)).version).toBe(2);
    await pay(reference);
    expect((await sandbox.seqr.getPaymentStatus(reference, 2)).version).toBe(3);
  });
});

describe("refunds", () => {
  test("can never sum to more than the payment, even when they race", async () => {
    const reference = await issue();
    await pay(reference);
    const { ersReference } = await sandbox.seqr.getPaymentStatus(reference);
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        sandbox.seqr.refundPayment({ ersReference: ersReference ?? "", amountMinor: 20_000, currency: "SEK", title: "Race" }),
      ),
    );
    const refused = attempts.filter((attempt) => attempt.status === "rejected");
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(3);
    for (const attempt of refused) expect((attempt as PromiseRejectedResult).reason).toMatchObject({ resultCode: 98 });
    const state = await invoiceState(reference);
    expect(state.refundedMinor).toBe(60_000);
    expect(state.refunds).toHaveLength(3);
  });

  test("give the subscriber the money back", async () => {
    const reference = await issue();
    const before = await balanceOf(ASTRID);
    await pay(reference);
    const { ersReference } = await sandbox.seqr.getPaymentStatus(reference);
    await sandbox.seqr.refundPayment({ ersReference: ersReference ?? "", amountMinor: 1_700, currency: "SEK", title: "Part" });
    expect(await balanceOf(ASTRID)).toBe(before - 70_000);
  });
});

describe("the simulated app", () => {
  test("Pay opens the Success URL with TOKEN_invoiceReference and sends exactly one notification", async () => {
    const token = await startSession();
    const reference = await issue();
    const { body } = await pay(reference, { sessionToken: token });
    expect(body.open).toBe(`http://localhost:3000/success#${token}_${reference}`);
    expect(sandbox.server.notifications).toHaveLength(1);
    const [notification] = sandbox.server.notifications;
    expect(notification?.contentType).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(notification?.query ?? [])).toEqual({ order: "order-1", sig: "abc" });
    expect(Object.fromEntries(notification?.form ?? [])).toEqual({
      invoiceReference: reference,
      clientInvoiceId: "order-1",
      msisdn: ASTRID,
      subscriberKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const state = await invoiceState(reference);
    expect(state.notifications).toEqual([expect.objectContaining({ outcome: "DELIVERED", httpStatus: 200, forged: false })]);
  });

  test("Decline makes the invoice FAILED and opens the Failure URL; no notification", async () => {
    const token = await startSession();
    const reference = await issue();
    const { body } = await sandbox.server.api("POST", `/app/invoices/${reference}/decline`, { sessionToken: token });
    expect(body.open).toBe(`http://localhost:3000/failure#${token}`);
    expect((await invoiceState(reference)).status).toBe("FAILED");
    expect(sandbox.server.notifications).toHaveLength(0);
  });

  test("Cancel makes the invoice CANCELED, ends the session and opens the Cancel URL", async () => {
    const token = await startSession();
    const reference = await issue();
    const { body } = await sandbox.server.api("POST", `/app/invoices/${reference}/cancel`, { sessionToken: token });
    expect(body.open).toBe(`http://localhost:3000/cancel#${token}`);
    expect((await invoiceState(reference)).status).toBe("CANCELED");
    await expect(sandbox.seqr.getClientSessionInfo(token)).rejects.toMatchObject({ resultCode: 61 });
  });

  test("a wallet without the money fails the payment and opens the Failure URL", async () => {
    const { body: scanned } = await sandbox.server.api("POST", "/app/scan", { url: "HTTP://SEQR.SE/000/SEQRSHOP", msisdn: "46709876543" });
    const reference = await issue();
    const { body } = await pay(reference, { msisdn: "46709876543", sessionToken: scanned.sessionToken });
    expect(body.open).toBe(`http://localhost:3000/failure#${scanned.sessionToken}`);
    expect((await invoiceState(reference)).status).toBe("FAILED");
    expect(await balanceOf("46709876543")).toBe(5_000);
  });

  test("a paid or closed invoice cannot be paid again", async () => {
    const reference = await issue();
    await pay(reference);
    const again = await pay(reference);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe("This invoice is paid.");
    expect(sandbox.server.notifications).toHaveLength(1);
  });

  test("scans service codes in any case and with the SEQR: scheme; unknown services are refused", async () => {
    for (const url of ["http://seqr.se/000/seqrshop?order=a", "SEQR://SEQR.SE/000/SEQRSHOP?order=a"]) {
      const { status, body } = await sandbox.server.api("POST", "/app/scan", { url });
      expect(status).toBe(200);
      expect(body.open).toMatch(/^http:\/\/localhost:3000\/order#\d{10}-\d{8}$/);
    }
    const unknown = await sandbox.server.api("POST", "/app/scan", { url: "HTTP://SEQR.SE/000/NOSUCH" });
    expect(unknown.status).toBe(409);
  });

  test("opens a registered service's own Order URL", async () => {
    const urls = {
      orderUrl: "https://other.example/o",
      successUrl: "https://other.example/s",
      failureUrl: "https://other.example/f",
      cancelUrl: "https://other.example/c",
    };
    expect((await sandbox.server.api("PUT", "/services/OTHER", urls)).status).toBe(200);
    const { body } = await sandbox.server.api("POST", "/app/scan", { url: "HTTP://SEQR.SE/000/OTHER?x=1" });
    expect(body.open).toMatch(/^https:\/\/other\.example\/o#/);
  });
});

describe("sessions", () => {
  test("are in progress (62) while an invoice is open in the app, and usable again once that has passed", async () => {
    // A minute in progress: the checks inside it cannot be late; the clock is then moved past it.
    await sandbox.server.api("PUT", "/config", { invoiceInProgressMs: 60_000 });
    const token = await startSession();
    const reference = await issue();
    // The minute starts while the scan is answered: somewhere between these two moments.
    const beforeScan = Date.now();
    await sandbox.server.api("POST", "/app/scan", { url: `HTTP://SEQR.SE/R${reference}`, sessionToken: token });
    const afterScan = Date.now();
    await expect(sandbox.seqr.getClientSessionInfo(token)).rejects.toMatchObject({ resultCode: 62 });
    await expect(sandbox.seqr.cancelInvoice(reference)).rejects.toMatchObject({ resultCode: 51 });
    // Still in progress a moment before the minute is up…
    clockAt(new Date(beforeScan + 55_000));
    await expect(sandbox.seqr.getClientSessionInfo(token)).rejects.toMatchObject({ resultCode: 62 });
    // …and usable again once it has passed.
    clockAt(new Date(afterScan + 61_000));
    await expect(sandbox.seqr.getClientSessionInfo(token)).resolves.toMatchObject({ msisdn: ASTRID });
    await expect(sandbox.seqr.cancelInvoice(reference)).resolves.toEqual({ alreadyCanceled: false });
  });

  test("expire after their lifetime (60)", async () => {
    await sandbox.server.api("PUT", "/config", { sessionTtlMs: 60_000 });
    // Its lifetime starts while the scan is answered: somewhere between these two moments.
    const beforeScan = Date.now();
    const token = await startSession();
    const afterScan = Date.now();
    await expect(sandbox.seqr.getClientSessionInfo(token)).resolves.toMatchObject({ msisdn: ASTRID });
    // Usable to near the end of its lifetime…
    clockAt(new Date(beforeScan + 55_000));
    await expect(sandbox.seqr.getClientSessionInfo(token)).resolves.toMatchObject({ msisdn: ASTRID });
    // …and not after it.
    clockAt(new Date(afterScan + 61_000));
    await expect(sandbox.seqr.getClientSessionInfo(token)).rejects.toMatchObject({ resultCode: 60 });
  });
});

describe("notification faults", () => {
  test("drop the next notification: nothing is posted, the drop is recorded", async () => {
    await sandbox.server.api("POST", "/faults", { kind: "drop-notifications", count: 1 });
    const reference = await issue();
    await pay(reference);
    expect(sandbox.server.notifications).toHaveLength(0);
    expect((await invoiceState(reference)).notifications).toEqual([expect.objectContaining({ outcome: "DROPPED" })]);
    // Only the next one: the one after is delivered.
    const second = await issue("order-2");
    await pay(second);
    expect(sandbox.server.notifications).toHaveLength(1);
  });

  test("deliver the next notification 5 times", async () => {
    await sandbox.server.api("POST", "/faults", { kind: "repeat-notification", copies: 5 });
    const reference = await issue();
    await pay(reference);
    expect(sandbox.server.notifications).toHaveLength(5);
    expect(new Set(sandbox.server.notifications.map((n) => n.form.get("invoiceReference")))).toEqual(new Set([reference]));
  });

  test("delay the next notification", async () => {
    await sandbox.server.api("POST", "/faults", { kind: "delay-notifications", delayMs: 400 });
    const reference = await issue();
    const started = Date.now();
    await pay(reference);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(sandbox.server.notifications).toHaveLength(1);
  });

  test("forge a notification for an invoice that is not paid", async () => {
    const reference = await issue();
    const forged = await sandbox.server.api("POST", `/invoices/${reference}/forge-notification`);
    expect(forged.status).toBe(200);
    expect(forged.body.status).toBe("ISSUED");
    expect(sandbox.server.notifications).toHaveLength(1);
    expect(sandbox.server.notifications[0]?.form.get("invoiceReference")).toBe(reference);
    expect(forged.body.notifications).toEqual([expect.objectContaining({ forged: true, outcome: "DELIVERED" })]);

    await pay(reference);
    expect((await sandbox.server.api("POST", `/invoices/${reference}/forge-notification`)).status).toBe(409);
  });

  test("a notification URL that does not answer is recorded as FAILED and never retried", async () => {
    const invoice = sampleInvoice({ notificationUrl: "http://127.0.0.1:9/notify" });
    const { invoiceReference } = await sandbox.seqr.sendInvoice(invoice);
    await pay(invoiceReference);
    const state = await invoiceState(invoiceReference);
    expect(state.notifications).toEqual([expect.objectContaining({ outcome: "FAILED", httpStatus: null })]);
  });
});

describe("the fault API", () => {
  test("refuses a malformed fault with a clear 400 and arms nothing", async () => {
    const bad = await sandbox.server.api("POST", "/faults", { kind: "soap-result", operation: "getPaymentStatus", resultCode: "93" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^resultCode: /);
    const unknownOperation = await sandbox.server.api("POST", "/faults", { kind: "soap-delay", operation: "pay", delayMs: 1 });
    expect(unknownOperation.status).toBe(400);
    expect((await sandbox.server.api("GET", "/faults")).body.faults).toEqual([]);
  });

  test("answers a delayed call late, so a patient client still succeeds", async () => {
    const reference = await issue();
    await sandbox.server.api("POST", "/faults", { kind: "soap-delay", operation: "getPaymentStatus", delayMs: 300 });
    const started = Date.now();
    await expect(sandbox.seqr.getPaymentStatus(reference)).resolves.toMatchObject({ status: "ISSUED" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  test("reset forgets invoices, faults and balances", async () => {
    const reference = await issue();
    await pay(reference);
    await sandbox.server.api("POST", "/faults", { kind: "drop-notifications", count: 3 });
    await sandbox.server.api("PUT", "/config", { commitWindowMs: 1_000 });
    await sandbox.server.api("POST", "/reset");
    expect((await sandbox.server.api("GET", `/invoices/${reference}`)).status).toBe(404);
    expect((await sandbox.server.api("GET", "/faults")).body.faults).toEqual([]);
    expect((await sandbox.server.api("GET", "/config")).body.commitWindowMs).toBe(20_000);
    expect(await balanceOf(ASTRID)).toBe(1_000_000);
  });

  test("config refuses values out of range and unknown keys", async () => {
    expect((await sandbox.server.api("PUT", "/config", { commitWindowMs: 5 })).status).toBe(400);
    expect((await sandbox.server.api("PUT", "/config", { commitWindow: 500 })).status).toBe(400);
    expect((await sandbox.server.api("GET", "/config")).body.commitWindowMs).toBe(20_000);
  });
});

describe("the SOAP endpoint", () => {
  const post = (body: string) =>
    fetch(sandbox.server.soapUrl, { method: "POST", headers: { "Content-Type": "text/xml; charset=utf-8" }, body });

  test("answers malformed XML with a SOAP fault and changes nothing", async () => {
    const response = await post("<soapenv:Envelope><soapenv:Body><ext:sendInvoice>");
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("<faultstring>Unmarshalling Error");
  });

  test("refuses a document with a DTD (no entity expansion)", async () => {
    const response = await post(
      `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>` +
        `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>`,
    );
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("DTDs and entity declarations are not accepted");
  });

  test("answers an operation it does not have with a SOAP fault naming it", async () => {
    const response = await post(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ext="http://external.interfaces.ers.seamless.com/">` +
        `<soapenv:Body><ext:requestTopup/></soapenv:Body></soapenv:Envelope>`,
    );
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("Unexpected wrapper element {http://external.interfaces.ers.seamless.com/}requestTopup");
  });

  test.each([
    ["more than 2 decimals", "349.005", "349.005"],
    ["a comma for a decimal point", "349,00", "349,00"],
    ["rows that do not sum to the total", "349.00", "348.99"],
  ])("answers 49 for an amount with %s, and stores nothing", async (_case, rowValue, totalValue) => {
    const response = await post(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ext="http://external.interfaces.ers.seamless.com/">` +
        `<soapenv:Body><ext:sendInvoice><context><initiatorPrincipalId><id>${SANDBOX_DEFAULTS.terminalId}</id>` +
        `<type>TERMINALID</type></initiatorPrincipalId><password>${SANDBOX_DEFAULTS.terminalPassword}</password>` +
        `<clientRequestTimeout>0</clientRequestTimeout></context><invoice><title>Odd</title><invoiceRows><invoiceRow>` +
        `<itemDescription>Dala horse</itemDescription><itemQuantity>1</itemQuantity>` +
        `<itemTotalAmount><currency>SEK</currency><value>${rowValue}</value></itemTotalAmount></invoiceRow></invoiceRows>` +
        `<totalAmount><currency>SEK</currency><value>${totalValue}</value></totalAmount></invoice></ext:sendInvoice>` +
        `</soapenv:Body></soapenv:Envelope>`,
    );
    const text = await response.text();
    expect(text).toContain("<resultCode>49</resultCode><resultDescription>INVALID_INVOICE_DATA</resultDescription>");
    expect(text).not.toContain("invoiceReference");
    const { db } = await import("@/lib/db");
    expect(await db.sandboxInvoice.count()).toBe(0);
  });

  test("answers 21 when a report is asked for with a terminal principal", async () => {
    const response = await post(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ext="http://external.interfaces.ers.seamless.com/">` +
        `<soapenv:Body><ext:markTransactionPeriod><context><initiatorPrincipalId><id>${SANDBOX_DEFAULTS.terminalId}</id>` +
        `<type>TERMINALID</type></initiatorPrincipalId><password>${SANDBOX_DEFAULTS.terminalPassword}</password>` +
        `<clientRequestTimeout>0</clientRequestTimeout></context></ext:markTransactionPeriod></soapenv:Body></soapenv:Envelope>`,
    );
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain("<resultCode>21</resultCode><resultDescription>ACCESS_DENIED</resultDescription>");
  });

  test("serves its WSDL at ?wsdl with its own address", async () => {
    const response = await fetch(`${sandbox.server.soapUrl}?wsdl`);
    const text = await response.text();
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(text).toContain(`<soap:address location="${sandbox.server.soapUrl}"/>`);
    expect(text).toContain('<wsdl:operation name="getClientSessionInfo">');
  });

  test("a token's error reaches the client as a SeqrError, not a crash", async () => {
    const error = await sandbox.seqr.getClientSessionInfo("garbage").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeqrError);
    expect(error).toMatchObject({ resultCode: 63 });
  });
});
