import pino from "pino";
import { describe, expect, test } from "vitest";

import { SANDBOX_DEFAULTS } from "@/lib/env";

import { SeqrError } from "@/lib/seqr/errors";
import { sampleInvoice } from "@/tests/support/seqr-fixtures";

import { clientFor, serveSandboxForThisFile } from "./support/sandbox-server";

// The shop's SEQR client against the sandbox over real HTTP: every operation and every result code the
// protocol issue lists.

const sandbox = serveSandboxForThisFile();

async function seqrError(promise: Promise<unknown>): Promise<SeqrError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SeqrError);
  return error as SeqrError;
}

async function paidInvoice(totalMinor = 71_700) {
  const invoice = sampleInvoice(
    totalMinor === 71_700 ? {} : { totalMinor, rows: [{ description: "Item", quantity: 1, totalMinor }] },
  );
  const { invoiceReference } = await sandbox.seqr.sendInvoice(invoice);
  const paid = await sandbox.server.api("POST", `/app/invoices/${invoiceReference}/pay`, {});
  expect(paid.status).toBe(200);
  const status = await sandbox.seqr.getPaymentStatus(invoiceReference);
  expect(status.status).toBe("PAID");
  return { invoiceReference, ersReference: status.ersReference ?? "", invoice };
}

describe("sendInvoice", () => {
  test("issues an invoice SEQR stores exactly as sent", async () => {
    const invoice = sampleInvoice({ notificationUrl: `${sandbox.server.notifyUrl}?order=o-1&sig=abc` });
    const sent = await sandbox.seqr.sendInvoice(invoice);
    expect(sent.invoiceReference).toMatch(/^\d{13}$/);
    expect(sent.invoiceQrCode).toBe(`HTTP://SEQR.SE/R${sent.invoiceReference}`);

    const stored = await sandbox.server.api("GET", `/invoices/${sent.invoiceReference}`);
    expect(stored.body).toMatchObject({
      status: "ISSUED",
      version: 1,
      totalMinor: 71_700,
      currency: "SEK",
      clientInvoiceId: invoice.clientInvoiceId,
      title: invoice.title,
      notificationUrl: invoice.notificationUrl,
    });
    expect(stored.body.rows).toEqual([
      expect.objectContaining({ description: "Dala horse, red", quantity: "1", totalMinor: 34_900, taxRate: "25" }),
      expect.objectContaining({ description: 'Mug "Fjord" & saucer <35 cl>', quantity: "2", totalMinor: 36_800 }),
    ]);
  });

  test.each([
    ["rows that do not sum to the total", sampleInvoice({ totalMinor: 71_600 })],
    ["an unknown currency", sampleInvoice({ currency: "QQQ" })],
  ])("answers 49 for %s", async (_case, invoice) => {
    const error = await seqrError(sandbox.seqr.sendInvoice(invoice));
    expect(error).toMatchObject({ kind: "result", resultCode: 49, resultName: "INVALID_INVOICE_DATA", transient: false });
  });

  test("answers 64 for a notification URL that is not a URL", async () => {
    const error = await seqrError(sandbox.seqr.sendInvoice(sampleInvoice({ notificationUrl: "shop/notify" })));
    expect(error).toMatchObject({ resultCode: 64, resultName: "INVALID_NOTIFICATION_URL" });
  });

  test("answers 20 for a wrong password and 29 for an unknown terminal", async () => {
    const wrongPassword = await seqrError(clientFor(sandbox.server, { terminalPassword: "nope" }).sendInvoice(sampleInvoice()));
    expect(wrongPassword).toMatchObject({ resultCode: 20, resultName: "INVALID_PASSWORD" });
    const unknownTerminal = await seqrError(clientFor(sandbox.server, { terminalId: "ghost" }).sendInvoice(sampleInvoice()));
    expect(unknownTerminal).toMatchObject({ resultCode: 29, resultName: "UNKNOWN_TERMINAL" });
  });

  test("is never retried: one transient failure reaches the caller and uses one armed fault", async () => {
    await sandbox.server.api("POST", "/faults", { kind: "soap-result", operation: "sendInvoice", resultCode: 90, count: 2 });
    const error = await seqrError(sandbox.seqr.sendInvoice(sampleInvoice()));
    expect(error).toMatchObject({ resultCode: 90, transient: true });
    const faults = await sandbox.server.api("GET", "/faults");
    expect(faults.body.faults).toEqual([expect.objectContaining({ operation: "sendInvoice", remaining: 1 })]);
  });
});

describe("getPaymentStatus", () => {
  test("reads ISSUED, then PAID with an ersReference and a receipt whose paymentReference equals it", async () => {
    const invoice = sampleInvoice();
    const { invoiceReference } = await sandbox.seqr.sendInvoice(invoice);
    const issued = await sandbox.seqr.getPaymentStatus(invoiceReference);
    expect(issued).toMatchObject({ status: "ISSUED", version: 1, ersReference: undefined, receipt: undefined });

    await sandbox.server.api("POST", `/app/invoices/${invoiceReference}/pay`, {});
    const paid = await sandbox.seqr.getPaymentStatus(invoiceReference, issued.version);
    expect(paid.status).toBe("PAID");
    expect(paid.version).toBe(2);
    expect(paid.ersReference).toMatch(/^\d{25}$/);
    expect(paid.receipt).toMatchObject({
      paymentReference: paid.ersReference,
      invoiceReference,
      clientInvoiceId: invoice.clientInvoiceId,
      terminalId: "sandbox_shop_terminal",
      payerTerminalId: "46700643933",
      invoice: { total: { amountMinor: 71_700, currency: "SEK" } },
    });
    expect(paid.receipt?.paymentDate).toBeInstanceOf(Date);
  });

  test("answers 54 for an unknown invoice reference", async () => {
    const error = await seqrError(sandbox.seqr.getPaymentStatus("1234567890123"));
    expect(error).toMatchObject({ resultCode: 54, resultName: "UNKNOWN_INVOICE_REFERENCE", transient: false });
  });

  test.each([90, 93, 94])("retries a transient %i and succeeds", async (resultCode) => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    await sandbox.server.api("POST", "/faults", { kind: "soap-result", operation: "getPaymentStatus", resultCode, count: 2 });
    await expect(sandbox.seqr.getPaymentStatus(invoiceReference)).resolves.toMatchObject({ status: "ISSUED" });
    expect((await sandbox.server.api("GET", "/faults")).body.faults).toEqual([]);
  });

  test("gives up after its retries with a transient error", async () => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    await sandbox.server.api("POST", "/faults", { kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 5 });
    const error = await seqrError(sandbox.seqr.getPaymentStatus(invoiceReference));
    expect(error).toMatchObject({ resultCode: 93, resultName: "SYSTEM_BUSY", transient: true });
    // One attempt and two retries used three of the five.
    expect((await sandbox.server.api("GET", "/faults")).body.faults[0].remaining).toBe(2);
  });

  test("treats HTTP 5xx with a SOAP fault as transient and retries it", async () => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    await sandbox.server.api("POST", "/faults", { kind: "soap-http-status", operation: "getPaymentStatus", httpStatus: 503, count: 3 });
    const error = await seqrError(sandbox.seqr.getPaymentStatus(invoiceReference));
    expect(error).toMatchObject({ kind: "http", resultName: "HTTP_503", transient: true, resultCode: null });
  });

  test("abandons a call that takes longer than the timeout", async () => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    await sandbox.server.api("POST", "/faults", { kind: "soap-delay", operation: "getPaymentStatus", delayMs: 1_500, count: 3 });
    const impatient = clientFor(sandbox.server, { timeoutMs: 300 });
    const error = await seqrError(impatient.getPaymentStatus(invoiceReference));
    expect(error).toMatchObject({ kind: "timeout", resultName: "TIMEOUT", transient: true });
  });

  describe("the read timeout (readTimeoutMs, per try of a read)", () => {
    // The shop's settings scaled down: a read try is abandoned after readTimeoutMs and tried once more, so that
    // both fit inside SEQR's commit window; writes keep the longer timeoutMs.
    const readTimeoutMs = 300;
    const quickReads = () =>
      clientFor(sandbox.server, { timeoutMs: 5_000, readTimeoutMs, readRetry: { retries: 1, minTimeoutMs: 10, maxTimeoutMs: 50 } });

    test("a read that exceeds the read timeout is abandoned after readTimeoutMs and retried once, then fails as a timeout", async () => {
      const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
      // Three slow answers armed: only two are used (the try and its one retry).
      await sandbox.server.api("POST", "/faults", { kind: "soap-delay", operation: "getPaymentStatus", delayMs: 2_000, count: 3 });
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const client = clientFor(sandbox.server, {
        timeoutMs: 5_000,
        readTimeoutMs,
        readRetry: { retries: 1, minTimeoutMs: 10, maxTimeoutMs: 50 },
        logger,
      });

      const started = performance.now();
      const error = await seqrError(client.getPaymentStatus(invoiceReference));
      const elapsedMs = performance.now() - started;
      expect(error).toMatchObject({ kind: "timeout", resultName: "TIMEOUT", transient: true });
      // Two tries of 300 ms and a pause of at most 50 ms: far less than one slow answer (2 s), let alone timeoutMs.
      expect(elapsedMs).toBeGreaterThanOrEqual(2 * readTimeoutMs - 20);
      expect(elapsedMs).toBeLessThan(2_000);
      expect(lines).toEqual([expect.objectContaining({ operation: "getPaymentStatus", attempts: 2, resultName: "TIMEOUT" })]);
      expect((await sandbox.server.api("GET", "/faults")).body.faults).toEqual([
        expect.objectContaining({ operation: "getPaymentStatus", remaining: 1 }),
      ]);
    });

    test("a first try that hangs is abandoned and the retry answers", async () => {
      const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
      await sandbox.server.api("POST", "/faults", { kind: "soap-delay", operation: "getPaymentStatus", delayMs: 2_000, count: 1 });
      const started = performance.now();
      await expect(quickReads().getPaymentStatus(invoiceReference)).resolves.toMatchObject({ status: "ISSUED" });
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    test("does not apply to writes: a cancelInvoice slower than readTimeoutMs still succeeds", async () => {
      const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
      await sandbox.server.api("POST", "/faults", { kind: "soap-delay", operation: "cancelInvoice", delayMs: 700, count: 1 });
      await expect(quickReads().cancelInvoice(invoiceReference)).resolves.toEqual({ alreadyCanceled: false });
    });
  });

  test("reports an unreachable endpoint as a transient network error", async () => {
    const nowhere = clientFor(sandbox.server, { soapUrl: "http://127.0.0.1:9/sandbox/soap" });
    const error = await seqrError(nowhere.getPaymentStatus("1"));
    expect(error).toMatchObject({ kind: "network", transient: true });
  });
});

describe("cancelInvoice", () => {
  test("cancels an issued invoice, then reports 95 as already canceled", async () => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    await expect(sandbox.seqr.cancelInvoice(invoiceReference)).resolves.toEqual({ alreadyCanceled: false });
    await expect(sandbox.seqr.cancelInvoice(invoiceReference)).resolves.toEqual({ alreadyCanceled: true });
    await expect(sandbox.seqr.getPaymentStatus(invoiceReference)).resolves.toMatchObject({ status: "CANCELED", version: 2 });
  });

  test("answers 50 for a paid invoice", async () => {
    const { invoiceReference } = await paidInvoice();
    const error = await seqrError(sandbox.seqr.cancelInvoice(invoiceReference));
    expect(error).toMatchObject({ resultCode: 50, resultName: "CANNOT_CANCEL_PAID_INVOICE" });
  });

  test("answers 51 while the subscriber has the invoice open in the app", async () => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    await sandbox.server.api("POST", "/app/scan", { url: `SEQR://SEQR.SE/R${invoiceReference}` });
    const error = await seqrError(sandbox.seqr.cancelInvoice(invoiceReference));
    expect(error).toMatchObject({ resultCode: 51, resultName: "CANNOT_CANCEL_INVOICE_IN_PROGRESS" });
  });

  test("answers 54 for an unknown invoice", async () => {
    expect(await seqrError(sandbox.seqr.cancelInvoice("999"))).toMatchObject({ resultCode: 54 });
  });
});

describe("refundPayment", () => {
  test("refunds in parts up to the payment, each with its own ersReference, then answers 98", async () => {
    const { ersReference } = await paidInvoice(10_000);
    const first = await sandbox.seqr.refundPayment({ ersReference, amountMinor: 2_550, currency: "SEK", title: "Return" });
    const second = await sandbox.seqr.refundPayment({ ersReference, amountMinor: 7_450, currency: "SEK", title: "Return" });
    expect(first.refundErsReference).toMatch(/^\d{25}$/);
    expect(new Set([ersReference, first.refundErsReference, second.refundErsReference]).size).toBe(3);
    const error = await seqrError(sandbox.seqr.refundPayment({ ersReference, amountMinor: 1, currency: "SEK", title: "More" }));
    expect(error).toMatchObject({ resultCode: 98, resultName: "REFUNDS_EXCEED_PAYMENT" });
  });

  test("answers 23 for an unknown ersReference", async () => {
    const error = await seqrError(
      sandbox.seqr.refundPayment({ ersReference: "1".repeat(25), amountMinor: 100, currency: "SEK", title: "x" }),
    );
    expect(error).toMatchObject({ resultCode: 23, resultName: "UNKNOWN_ERS_REFERENCE" });
  });
});

describe("updateInvoice", () => {
  test("replaces an issued invoice's content and moves its version on", async () => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    const smaller = sampleInvoice({ totalMinor: 34_900, rows: [{ description: "Dala horse", quantity: 1, totalMinor: 34_900 }] });
    await sandbox.seqr.updateInvoice(invoiceReference, smaller);
    const stored = await sandbox.server.api("GET", `/invoices/${invoiceReference}`);
    expect(stored.body).toMatchObject({ totalMinor: 34_900, version: 2, status: "ISSUED" });
  });

  test("answers 49 and 64 as sendInvoice does", async () => {
    const { invoiceReference } = await sandbox.seqr.sendInvoice(sampleInvoice());
    expect(await seqrError(sandbox.seqr.updateInvoice(invoiceReference, sampleInvoice({ totalMinor: 1 })))).toMatchObject({
      resultCode: 49,
    });
    expect(
      await seqrError(sandbox.seqr.updateInvoice(invoiceReference, sampleInvoice({ notificationUrl: "ftp://x/" }))),
    ).toMatchObject({ resultCode: 64 });
  });
});

describe("submitPaymentReceipt", () => {
  test("accepts a receipt for a payment and answers 23 for an unknown one", async () => {
    const { ersReference } = await paidInvoice();
    const data = new TextEncoder().encode("Kvitto: 717,00 kr");
    await expect(sandbox.seqr.submitPaymentReceipt({ ersReference, mimeType: "text/plain", data })).resolves.toBeUndefined();
    const error = await seqrError(sandbox.seqr.submitPaymentReceipt({ ersReference: "42", mimeType: "text/plain", data }));
    expect(error).toMatchObject({ resultCode: 23 });
  });
});

describe("markTransactionPeriod and executeReport", () => {
  test("waits out 2 (not ready) and returns the period's payments and refunds", async () => {
    await sandbox.server.api("PUT", "/config", { reportDelayMs: 300 });
    const { invoiceReference, ersReference, invoice } = await paidInvoice();
    await sandbox.seqr.refundPayment({ ersReference, amountMinor: 1_000, currency: "SEK", title: "Part" });
    const { transactionPeriodId } = await sandbox.seqr.markTransactionPeriod();
    expect(transactionPeriodId).toMatch(/^\d+$/);
    // SEQR answers 2 twice whatever the machine's speed (the report delay alone may have passed on a slow one).
    expect((await sandbox.server.api("POST", "/faults", { kind: "soap-result", operation: "executeReport", resultCode: 2, count: 2 })).status).toBe(201);

    const report = await sandbox.seqr.executeReport({ reportId: "TRANSACTION_REPORT", parameters: { transactionPeriodId } });
    // Both 2s were answered and waited out.
    expect((await sandbox.server.api("GET", "/faults")).body.faults).toEqual([]);
    expect(report.mimeType).toBe("text/csv");
    expect(report.content?.toString("utf8")).toBe(report.contentString);
    const lines = report.contentString?.split("\n") ?? [];
    expect(lines[0]).toBe("type,time,invoiceReference,clientInvoiceId,ersReference,amount,currency");
    expect(lines[1]).toMatch(new RegExp(`^PAYMENT,[^,]+,${invoiceReference},${invoice.clientInvoiceId},${ersReference},717\\.00,SEK$`));
    expect(lines[2]).toMatch(new RegExp(`^REFUND,[^,]+,${invoiceReference},${invoice.clientInvoiceId},\\d{25},-10\\.00,SEK$`));
    expect(lines.slice(3)).toEqual(["TOTAL_PAID,,,,,717.00,SEK", "TOTAL_REFUNDED,,,,,-10.00,SEK"]);
  });

  test("gives up with 2 when the report stays unready", async () => {
    await sandbox.server.api("PUT", "/config", { reportDelayMs: 60_000 });
    const { transactionPeriodId } = await sandbox.seqr.markTransactionPeriod();
    const error = await seqrError(sandbox.seqr.executeReport({ reportId: "TRANSACTION_REPORT", parameters: { transactionPeriodId } }));
    expect(error).toMatchObject({ resultCode: 2, resultName: "REPORT_NOT_READY" });
  });
});

describe("getClientSessionInfo", () => {
  async function scan(url: string) {
    const scanned = await sandbox.server.api("POST", "/app/scan", { url });
    expect(scanned.status).toBe(200);
    return scanned.body as { open: string; sessionToken: string };
  }

  test("returns the subscriber and every QR parameter for a fresh token", async () => {
    const { open, sessionToken } = await scan("HTTP://SEQR.SE/000/SEQRSHOP?order=abc123&lang=sv");
    expect(sessionToken).toMatch(/^\d{10}-\d{8}$/);
    expect(open).toBe(`http://localhost:3000/order#${sessionToken}`);
    const info = await sandbox.seqr.getClientSessionInfo(sessionToken);
    expect(info).toMatchObject({ msisdn: "46700643933", subscriberKey: expect.any(String) });
    expect(info.parameters).toMatchObject({ order: "abc123", lang: "sv" });
    expect(info.authKey).toMatch(/^\d+$/);
  });

  test.each([
    ["expire", 60, "TOKEN_EXPIRED"],
    ["cancel", 61, "TOKEN_CANCELED"],
    ["start-payment", 62, "TOKEN_IN_PROGRESS"],
  ])("answers %s tokens with %i", async (action, resultCode, resultName) => {
    const { sessionToken } = await scan("seqr://seqr.se/000/seqrshop?order=x");
    await sandbox.server.api("POST", `/sessions/${sessionToken}`, { action });
    expect(await seqrError(sandbox.seqr.getClientSessionInfo(sessionToken))).toMatchObject({ resultCode, resultName });
  });

  test("answers 63 for an unknown token", async () => {
    expect(await seqrError(sandbox.seqr.getClientSessionInfo("0000000000-00000000"))).toMatchObject({
      resultCode: 63,
      resultName: "UNKNOWN_TOKEN",
    });
  });
});

describe("logging", () => {
  test("one line per call with operation, duration and result code; never the password or a session token", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const logged = clientFor(sandbox.server, { logger });
    const { sessionToken } = (await sandbox.server.api("POST", "/app/scan", { url: "HTTP://SEQR.SE/000/SEQRSHOP?order=x" })).body;

    await logged.getClientSessionInfo(sessionToken);
    const { invoiceReference } = await logged.sendInvoice(sampleInvoice());
    await sandbox.server.api("POST", "/faults", { kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 1 });
    await logged.getPaymentStatus(invoiceReference);
    await logged.cancelInvoice("404").catch(() => undefined);

    expect(lines.map((line) => [line.operation, line.resultCode, line.attempts])).toEqual([
      ["getClientSessionInfo", 0, 1],
      ["sendInvoice", 0, 1],
      ["getPaymentStatus", 0, 2],
      ["cancelInvoice", 54, 1],
    ]);
    for (const line of lines) {
      expect(line.durationMs).toEqual(expect.any(Number));
      expect(line.clientReference).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(lines[3]).toMatchObject({ resultName: "UNKNOWN_INVOICE_REFERENCE", transient: false });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(SANDBOX_DEFAULTS.terminalPassword);
    expect(text).not.toContain(sessionToken);
  });
});

describe("requests the shop cannot send", () => {
  test("an amount SEQR cannot carry fails before anything is sent, saying why", async () => {
    const before = (await sandbox.server.api("GET", "/faults")).body;
    const error = await seqrError(sandbox.seqr.sendInvoice(sampleInvoice({ currency: "KWD" })));
    expect(error).toMatchObject({ kind: "protocol", transient: false });
    expect(error.message).toBe("sendInvoice: could not build the request: KWD has 3 decimals; SEQR amounts carry at most 2");
    expect(before.faults).toEqual([]);
    const { db } = await import("@/lib/db");
    expect(await db.sandboxInvoice.count()).toBe(0);
  });
});
