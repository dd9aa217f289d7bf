import fs from "node:fs";
import path from "node:path";

import { beforeAll, describe, expect, test } from "vitest";

import { LIVE_SETTINGS } from "@/tests/support/live-settings";

// In live mode the sandbox does not exist: every /sandbox route handler answers 404, every sandbox page is Next's
// 404, every sandbox Server Action refuses, and every lib/sandbox function that touches the sandbox's tables
// throws a 404 before it does, whatever it is asked. Each checks on its own (lib/sandbox/guard.ts), not only the
// proxy and the layout in front of them, which are checked end to end in tests/e2e. Every walk below finds its
// files and exports by itself, so a new page, action, route or function cannot be forgotten.

beforeAll(() => {
  Object.assign(process.env, LIVE_SETTINGS);
});

const context = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

/** Files under a folder of the project whose names match, relative to it. */
function filesUnder(folder: string, name: RegExp): string[] {
  return fs
    .readdirSync(path.resolve(folder), { recursive: true, encoding: "utf8" })
    .filter((file) => name.test(path.basename(file)))
    .sort();
}

/** Dynamic segments ([reference], [action]…) filled with a value that would name something real. */
function paramsOf(file: string): Record<string, string> {
  return Object.fromEntries([...file.matchAll(/\[(\w+)\]/g)].map((match) => [match[1] as string, "1"]));
}

const isClass = (value: unknown) => typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));

/**
 * lib/sandbox exports that touch no table and no network: pure helpers (parsing, formatting, ids), the wrappers
 * whose products the walks below call, and the guard itself. Everything else exported from lib/sandbox must refuse.
 */
const PURE = new Set([
  "amounts.ts:isKnownCurrency",
  "amounts.ts:parseAmount",
  "amounts.ts:formatAmount",
  "app-flow.ts:appInvoicePath",
  "actions.ts:sandboxAction",
  "config.ts:defaultSandboxConfig",
  "guard.ts:isSandboxMode",
  "http.ts:isSandboxEnabled",
  "http.ts:sandboxRoute",
  "http.ts:readJson",
  "ids.ts:newInvoiceReference",
  "ids.ts:newErsReference",
  "ids.ts:newSessionToken",
  "ids.ts:newAuthKey",
  "ids.ts:newTransactionPeriodId",
  "registry.ts:defaultServiceUrls",
  "seqr-urls.ts:parseSeqrCode",
  "soap-requests.ts:element",
  "soap-requests.ts:text",
  "soap-requests.ts:list",
  "soap-requests.ts:readAmount",
  "soap-requests.ts:readInvoice",
  "soap-requests.ts:readParameterMap",
  "soap-server.ts:soapFault",
  "wsdl.ts:sandboxWsdl",
]);

async function sandboxRowCounts(): Promise<Record<string, number>> {
  const { db } = await import("@/lib/db");
  return {
    terminals: await db.sandboxTerminal.count(),
    services: await db.sandboxService.count(),
    subscribers: await db.sandboxSubscriber.count(),
    sessions: await db.sandboxSession.count(),
    invoices: await db.sandboxInvoice.count(),
    refunds: await db.sandboxRefund.count(),
    receipts: await db.sandboxReceiptDocument.count(),
    ledger: await db.sandboxLedgerEntry.count(),
    notifications: await db.sandboxNotification.count(),
    faults: await db.sandboxFault.count(),
    periods: await db.sandboxTransactionPeriod.count(),
    config: await db.sandboxConfig.count(),
  };
}

const NOTHING = {
  terminals: 0,
  services: 0,
  subscribers: 0,
  sessions: 0,
  invoices: 0,
  refunds: 0,
  receipts: 0,
  ledger: 0,
  notifications: 0,
  faults: 0,
  periods: 0,
  config: 0,
};

describe("SEQR_MODE=live", () => {
  test("every sandbox route handler answers 404 and touches nothing", async () => {
    const routeFiles = filesUnder("app/sandbox", /^route\.ts$/);
    expect(routeFiles.length).toBeGreaterThanOrEqual(12);
    let checked = 0;
    for (const file of routeFiles) {
      const routeModule = (await import(path.resolve("app/sandbox", file))) as Record<string, unknown>;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const handler = routeModule[method] as
          | ((request: Request, ctx: ReturnType<typeof context>) => Promise<Response>)
          | undefined;
        if (!handler) continue;
        const request = new Request("https://shop.example/sandbox/soap?wsdl", {
          method,
          body: method === "GET" ? undefined : "{}",
        });
        const response = await handler(request, context(paramsOf(file)));
        expect(response.status, `${method} app/sandbox/${file}`).toBe(404);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(16);
    expect(await sandboxRowCounts()).toEqual(NOTHING);
  });

  test("every sandbox Server Action refuses and touches nothing", async () => {
    const actionFiles = filesUnder("app/sandbox", /^actions\.ts$/);
    expect(actionFiles.length).toBeGreaterThanOrEqual(2);
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [key, value] of Object.entries(fields)) data.set(key, value);
      return data;
    };
    // Fields each action would accept in sandbox mode: the refusal must not depend on a validation failing.
    const valid = form({
      kind: "drop-notifications",
      count: "1",
      reference: "1",
      choice: "pay",
      msisdn: "46700643933",
      url: "HTTP://SEQR.SE/000/LIVESHOP",
      commitWindowMs: "3000",
    });
    let checked = 0;
    for (const file of actionFiles) {
      const actions = (await import(path.resolve("app/sandbox", file))) as Record<string, unknown>;
      for (const [name, action] of Object.entries(actions)) {
        if (typeof action !== "function") continue;
        const result = await (action as (previous: unknown, data: FormData) => Promise<unknown>)(null, valid);
        expect(result, `${name} in app/sandbox/${file}`).toEqual({ ok: false, error: "Not found." });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
    expect(await sandboxRowCounts()).toEqual(NOTHING);
  });

  test("every sandbox page is a 404 before it reads or writes anything", async () => {
    const pageFiles = filesUnder("app/sandbox", /^page\.tsx$/);
    expect(pageFiles.length).toBeGreaterThanOrEqual(3);
    for (const file of pageFiles) {
      const pageModule = (await import(path.resolve("app/sandbox", file))) as { default: (props: unknown) => unknown };
      const rendering = Promise.resolve().then(() =>
        pageModule.default({
          params: Promise.resolve(paramsOf(file)),
          searchParams: Promise.resolve({ url: "HTTP://SEQR.SE/000/LIVESHOP" }),
        }),
      );
      // notFound() throws Next's 404 signal, which Next turns into its not-found page.
      await expect(rendering, `app/sandbox/${file}`).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
    }
    expect(await sandboxRowCounts()).toEqual(NOTHING);
  });

  test("every lib/sandbox function that touches the sandbox's tables throws a 404 first", async () => {
    const moduleFiles = filesUnder("lib/sandbox", /\.ts$/);
    const refused: string[] = [];
    const notRefused: string[] = [];
    for (const file of moduleFiles) {
      const sandboxModule = (await import(path.resolve("lib/sandbox", file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(sandboxModule)) {
        if (typeof value !== "function" || isClass(value) || PURE.has(`${file}:${name}`)) continue;
        // Arguments shaped like real ones (a terminal id, a reference, an invoice, a device, a request), so that
        // a function without its own check would go ahead and write.
        const args = [
          "sandbox_shop_terminal",
          "1",
          { currency: "SEK", totalMinor: 100, rows: [], msisdn: "46700643933" },
          new Date(),
        ];
        const call = (value as (...args: unknown[]) => unknown).bind(null);
        const request = new Request("https://shop.example/sandbox/soap", { method: "POST", body: "<x/>" });
        const outcome = await Promise.resolve()
          .then(() => (name === "handleSoapRequest" ? call(request) : call(...args)))
          .then(
            () => "resolved",
            (error: unknown) => error,
          );
        const status = typeof outcome === "object" && outcome !== null ? (outcome as { status?: unknown }).status : undefined;
        (status === 404 ? refused : notRefused).push(`${file}:${name}`);
      }
    }
    expect(notRefused).toEqual([]);
    expect(refused).toEqual(expect.arrayContaining(["registry.ts:ensureSandboxRegistry", "reset.ts:resetSandbox", "soap-server.ts:handleSoapRequest"]));
    expect(refused.length).toBeGreaterThanOrEqual(30);
    expect(await sandboxRowCounts()).toEqual(NOTHING);
  });
});
