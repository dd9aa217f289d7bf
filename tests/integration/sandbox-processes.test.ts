import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, beforeAll, expect, test } from "vitest";

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { sampleInvoice } from "@/tests/support/seqr-fixtures";
import { testSeqrClient } from "@/tests/support/seqr-client";

// The sandbox keeps its state in the database so that several server processes behave as one SEQR: two
// processes serve the same database here, and a fault armed once is used once, a payment is reversed once.

type Running = { url: string; child: ChildProcess };
const running: Running[] = [];

async function startSandboxProcess(): Promise<Running> {
  const child = spawn(
    path.resolve("node_modules/.bin/tsx"),
    [path.resolve("tests/integration/support/sandbox-process.ts")],
    { env: { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: "error" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("\n")) resolve(output.trim());
    });
    child.on("exit", (code) => reject(new Error(`sandbox process exited with ${code}`)));
  });
  const started = { url, child };
  running.push(started);
  return started;
}

const api = async (base: string, method: string, apiPath: string, body?: unknown) => {
  const response = await fetch(`${base}/sandbox/api${apiPath}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
};

let a: Running;
let b: Running;
beforeAll(async () => {
  [a, b] = await Promise.all([startSandboxProcess(), startSandboxProcess()]);
}, 60_000);
afterAll(() => {
  for (const { child } of running) child.kill("SIGTERM");
});

test("a fault armed through one process is used exactly as often as armed, whichever process answers", async () => {
  const seqrA = testSeqrClient(`${a.url}/sandbox/soap`, { readRetry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 } });
  const seqrB = testSeqrClient(`${b.url}/sandbox/soap`, { readRetry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1 } });
  const { invoiceReference } = await seqrA.sendInvoice(sampleInvoice());
  const failuresOf = (results: PromiseSettledResult<unknown>[]) =>
    results.filter((result) => result.status === "rejected").length;

  // Armed through A, met through B.
  await api(a.url, "POST", "/faults", { kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 5 });
  const throughB = await Promise.allSettled(Array.from({ length: 12 }, () => seqrB.getPaymentStatus(invoiceReference)));
  expect(failuresOf(throughB)).toBe(5);

  // Armed through B, met by both at once.
  await api(b.url, "POST", "/faults", { kind: "soap-result", operation: "getPaymentStatus", resultCode: 93, count: 5 });
  const throughBoth = await Promise.allSettled(
    Array.from({ length: 16 }, (_, index) => (index % 2 ? seqrA : seqrB).getPaymentStatus(invoiceReference)),
  );
  expect(failuresOf(throughBoth)).toBe(5);
});

test("an unconfirmed payment is reversed once, and its money returned once, however many processes look", async () => {
  const seqrA = testSeqrClient(`${a.url}/sandbox/soap`);
  const { invoiceReference } = await seqrA.sendInvoice(sampleInvoice());
  await api(b.url, "PUT", "/config", { commitWindowMs: 200 });
  const before = await db.sandboxSubscriber.findUniqueOrThrow({ where: { msisdn: "46700643933" } });
  await api(b.url, "POST", `/app/invoices/${invoiceReference}/pay`, {});
  await sleep(300);

  // Both processes look at once, many times: each look runs the reversal sweep.
  await Promise.all(
    Array.from({ length: 10 }, (_, index) => api(index % 2 ? a.url : b.url, "GET", `/invoices/${invoiceReference}`)),
  );
  const after = await db.sandboxSubscriber.findUniqueOrThrow({ where: { msisdn: "46700643933" } });
  expect(after.balanceMinor).toBe(before.balanceMinor);
  expect(await db.sandboxLedgerEntry.count({ where: { invoiceReference, type: "REVERSAL" } })).toBe(1);
  expect(await db.sandboxInvoice.findUniqueOrThrow({ where: { reference: invoiceReference } })).toMatchObject({
    status: "CANCELED",
    version: 3,
  });
});
