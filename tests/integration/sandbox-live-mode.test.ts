import fs from "node:fs";
import path from "node:path";

import { beforeAll, describe, expect, test } from "vitest";

import { LIVE_SETTINGS } from "@/tests/support/live-settings";

// In live mode the sandbox does not exist: every /sandbox route handler answers 404 and every sandbox Server
// Action refuses, whatever it is asked. (The proxy in front of them is checked end to end in tests/e2e.)

beforeAll(() => {
  Object.assign(process.env, LIVE_SETTINGS);
});

const context = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

describe("SEQR_MODE=live", () => {
  test("every sandbox route handler answers 404 and touches nothing", async () => {
    // Every route file under app/sandbox and every method it exports: a new one cannot be forgotten.
    const routeFiles = fs
      .readdirSync(path.resolve("app/sandbox"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith("route.ts"));
    expect(routeFiles.length).toBeGreaterThanOrEqual(12);
    let checked = 0;
    for (const file of routeFiles) {
      const routeModule = (await import(path.resolve("app/sandbox", file))) as Record<string, unknown>;
      const params = Object.fromEntries([...file.matchAll(/\[(\w+)\]/g)].map((match) => [match[1], "1"]));
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const handler = routeModule[method] as
          | ((request: Request, ctx: ReturnType<typeof context>) => Promise<Response>)
          | undefined;
        if (!handler) continue;
        const request = new Request("https://shop.example/sandbox/soap?wsdl", {
          method,
          body: method === "GET" ? undefined : "{}",
        });
        const response = await handler(request, context(params));
        expect(response.status, `${method} app/sandbox/${file}`).toBe(404);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(16);
    const { db } = await import("@/lib/db");
    expect(await db.sandboxTerminal.count()).toBe(0);
    expect(await db.sandboxConfig.count()).toBe(0);
  });

  test("sandbox Server Actions refuse", async () => {
    const { armFaultAction, resetAction } = await import("@/app/sandbox/actions");
    const { scanAction } = await import("@/app/sandbox/app/actions");
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [key, value] of Object.entries(fields)) data.set(key, value);
      return data;
    };
    await expect(resetAction(null, form({}))).resolves.toEqual({ ok: false, error: "Not found." });
    await expect(armFaultAction(null, form({ kind: "drop-notifications", count: "1" }))).resolves.toEqual({
      ok: false,
      error: "Not found.",
    });
    await expect(scanAction(null, form({ url: "HTTP://SEQR.SE/000/LIVESHOP" }))).resolves.toEqual({ ok: false, error: "Not found." });
    const { db } = await import("@/lib/db");
    expect(await db.sandboxFault.count()).toBe(0);
  });
});
