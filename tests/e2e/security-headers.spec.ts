import fs from "node:fs";
import path from "node:path";

import type { APIRequestContext, APIResponse, Page, Response } from "@playwright/test";

import { CATALOG } from "@/lib/catalog/catalog-data";
import { sampleInvoice } from "@/tests/support/seqr-fixtures";

import { expect, madeUpInvoiceReference, plantOrder, removePlantedOrders, signInAsAdmin, test } from "./support/admin";
import { seqrClient, startNotificationCatcher } from "./support/seqr";
import { openShopDatabase } from "./support/shop-db";
import { checkoutFromProductPage, chooseInApp, giveDeliveryDetails, payOnOrderPage, scanInApp, serviceCode } from "./support/shop";

// Issue 13, item 9: every response carries the security headers (lib/http/security-headers.ts, set by proxy.ts).
// The walker finds every page and route handler under app/ and requests each against the production server; the
// browser test walks the shopper's, the SEQR app's, the merchant's and the sandbox's main pages in Chromium and
// watches for anything the Content-Security-Policy blocks.

// ---------------------------------------------------------------------------------------------------------------
// What a response must carry

function directives(policy: string): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const directive of policy.split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) parsed.set(name.toLowerCase(), sources);
  }
  return parsed;
}

/**
 * The headers every response of the (http://) end-to-end shop carries, whatever its status or type. A request
 * without a body gets proxy.ts's, with a nonce for the page's scripts (returned); a request with a body (a POST to a
 * route handler, a Server Action) skips the proxy and gets next.config.mjs's, whose policy runs no script.
 * "either": a Server Action's answer, which is the proxied page's when the action redirects.
 */
function expectSecurityHeaders(
  headers: Record<string, string>,
  what: string,
  request: "without a body" | "with a body" | "either" = "without a body",
): string {
  const policy = headers["content-security-policy"];
  expect(policy, `${what}: Content-Security-Policy`).toBeTruthy();
  const csp = directives(policy ?? "");
  const scripts = csp.get("script-src") ?? [];
  expect(scripts, `${what}: no inline scripts but the nonce's`).not.toContain("'unsafe-inline'");
  expect(scripts, `${what}: no eval in production`).not.toContain("'unsafe-eval'");
  expect(csp.get("frame-ancestors"), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(csp.get("object-src"), `${what}: object-src`).toEqual(["'none'"]);
  expect(csp.get("default-src"), `${what}: default-src`).toEqual(["'self'"]);

  expect(headers["x-content-type-options"], `${what}: X-Content-Type-Options`).toBe("nosniff");
  expect(["no-referrer", "strict-origin-when-cross-origin"], `${what}: Referrer-Policy`).toContain(headers["referrer-policy"]);
  expect(headers["permissions-policy"], `${what}: Permissions-Policy`).toMatch(/(^|, )camera=\(\)/);
  expect(headers["x-frame-options"], `${what}: X-Frame-Options`).toBe("DENY");

  if (request === "with a body" || (request === "either" && scripts.includes("'none'"))) {
    expect(scripts, `${what}: no script runs in an answer to a body`).toEqual(["'none'"]);
    // Fixed at build time, so always sent; browsers ignore it over http (tests/unit/security-headers.test.ts).
    expect(headers["strict-transport-security"], `${what}: HSTS`).toMatch(/^max-age=\d+/);
    return "";
  }
  const nonce = scripts.find((source) => /^'nonce-[A-Za-z0-9+/]{16,}={0,2}'$/.test(source));
  expect(nonce, `${what}: script-src has a nonce (${policy})`).toBeTruthy();
  expect(scripts, `${what}: script-src`).toContain("'strict-dynamic'");
  // The end-to-end shop is on http:// (playwright.config.ts): the proxy sends HSTS for https shops only. (A
  // redirecting Server Action's answer has next.config.mjs's headers too, under the page's policy.)
  if (request === "without a body") expect(headers["strict-transport-security"], `${what}: no HSTS on an http shop`).toBeUndefined();
  return (nonce ?? "").slice("'nonce-".length, -1);
}

/** Every `<script>` of a rendered page carries the response's nonce: Next.js found it and the page was rendered for this request. */
function expectScriptsNonced(html: string, nonce: string, what: string) {
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, `${what}: scripts on the page`).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, `${what}: a script without this response's nonce`).toContain(`nonce="${nonce}"`);
}

// ---------------------------------------------------------------------------------------------------------------
// The walker

type RouteFile = { file: string; kind: "page" | "route"; pattern: string };

/** Every page.tsx and route.ts under app/, with the URL pattern it answers (route groups dropped). */
function appRoutes(): RouteFile[] {
  const files = fs.readdirSync("app", { recursive: true, encoding: "utf8" }).map((file) => file.split(path.sep).join("/"));
  return files
    .filter((file) => /(^|\/)(page\.tsx|route\.ts)$/.test(file))
    .sort()
    .map((file) => {
      const segments = file.split("/").slice(0, -1).filter((segment) => !/^\(.*\)$/.test(segment));
      return { file: `app/${file}`, kind: file.endsWith("page.tsx") ? "page" : "route", pattern: `/${segments.join("/")}` };
    });
}

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof HTTP_METHODS)[number];

function exportedMethods(file: string): Method[] {
  const source = fs.readFileSync(file, "utf8");
  return HTTP_METHODS.filter((method) => new RegExp(`export\\s+(async\\s+function|const)\\s+${method}\\b`).test(source));
}

/**
 * Requests the walker does not make as they stand, since they would change what other tests rely on; the path
 * is still requested, with a method its route does not take (405).
 */
const NOT_SENT: Record<string, Method[]> = {
  "app/sandbox/api/reset/route.ts": ["POST"], // forgets every invoice and session of the running sandbox
  "app/sandbox/api/faults/route.ts": ["DELETE"], // disarms faults other specs arm
};

function urlFor(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`the walker has no sample value for [${name}] in ${pattern}: add one`);
    return encodeURIComponent(value);
  });
}

async function send(request: APIRequestContext, method: string, url: string): Promise<APIResponse> {
  return request.fetch(url, {
    method,
    // Bodies that every route refuses before it changes anything: not JSON, not a form, not SOAP.
    ...(method === "GET" ? {} : { data: "{", headers: { "content-type": "application/json", connection: "close" } }),
    maxRedirects: 0,
    failOnStatusCode: false,
  });
}

test.describe("the walker", { tag: "@desktop-only" }, () => {
  test("every page and route handler, and 404s, redirects and static files, carry the security headers", async ({ request, baseURL }) => {
    test.setTimeout(120_000);
    const db = openShopDatabase();
    const catcher = await startNotificationCatcher();
    const order = await plantOrder(db, { status: "PENDING", totalMinor: 6900 });
    try {
      const { invoiceReference } = await seqrClient(baseURL ?? "").sendInvoice(
        sampleInvoice({ clientInvoiceId: `walker-${Date.now()}`, notificationUrl: `${catcher.url}?order=walker` }),
      );
      // Real rows for reads; for anything that writes, values that exist nowhere, so the request is refused.
      const read = { sku: CATALOG[0]?.sku ?? "", clientInvoiceId: order.clientInvoiceId, reference: invoiceReference, action: "pay", serviceId: "SEQRSHOP", token: "0000000000-00000000", id: "no-such-mail" };
      const write = { ...read, reference: madeUpInvoiceReference(), action: "walk", serviceId: "WALKER", token: "9999999999-99999999" };

      const routes = appRoutes();
      expect(routes.filter((route) => route.kind === "page").length).toBeGreaterThanOrEqual(15);
      expect(routes.filter((route) => route.kind === "route").length).toBeGreaterThanOrEqual(15);

      const seen: string[] = [];
      for (const route of routes) {
        if (route.kind === "page") {
          const url = urlFor(route.pattern, read);
          const response = await send(request, "GET", url);
          const what = `GET ${url} (${route.file}) → ${response.status()}`;
          seen.push(what);
          const nonce = expectSecurityHeaders(response.headers(), what);
          if (response.status() === 200) expectScriptsNonced(await response.text(), nonce, what);
          continue;
        }
        const methods = exportedMethods(route.file);
        expect(methods.length, `${route.file} exports a method`).toBeGreaterThan(0);
        const skipped = NOT_SENT[route.file] ?? [];
        const sent = methods.filter((method) => !skipped.includes(method));
        for (const method of sent.length === methods.length ? sent : [...sent, HTTP_METHODS.find((m) => !methods.includes(m)) ?? "PATCH"]) {
          const url = urlFor(route.pattern, method === "GET" ? read : write) + (route.pattern === "/sandbox/soap" && method === "GET" ? "?wsdl" : "");
          const response = await send(request, method, url);
          const what = `${method} ${url} (${route.file}) → ${response.status()}`;
          seen.push(what);
          expectSecurityHeaders(response.headers(), what, method === "GET" ? "without a body" : "with a body");
        }
      }

      // What no file names: an unknown page, an unknown API path, a redirect, a Server Action refused, a static file.
      const home = await send(request, "GET", "/");
      const asset = (await home.text()).match(/<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/)?.[1];
      expect(asset, "the home page loads a script from /_next/static").toBeTruthy();
      for (const [method, url] of [
        ["GET", "/no-such-page"],
        ["GET", "/api/no-such-route"],
        ["POST", "/no-such-page"],
        ["GET", "/admin"],
        ["GET", asset ?? ""],
      ] as const) {
        const response = await send(request, method, url);
        const what = `${method} ${url} → ${response.status()}`;
        seen.push(what);
        expectSecurityHeaders(response.headers(), what, method === "GET" ? "without a body" : "with a body");
      }
      const notFound = await send(request, "GET", "/no-such-page");
      expect(notFound.status()).toBe(404);
      expectScriptsNonced(await notFound.text(), expectSecurityHeaders(notFound.headers(), "404 page"), "404 page");
      const redirect = await send(request, "GET", "/admin");
      expect(redirect.status(), "an anonymous /admin is sent to the sign-in page").toBeGreaterThanOrEqual(300);
      expect(redirect.status()).toBeLessThan(400);

      // A fresh nonce for every response.
      const nonces = new Set<string>();
      for (let i = 0; i < 3; i++) nonces.add(expectSecurityHeaders((await send(request, "GET", "/")).headers(), "GET /"));
      expect(nonces.size).toBe(3);

      await test.info().attach("responses checked", { body: seen.join("\n"), contentType: "text/plain" });
    } finally {
      await removePlantedOrders(db, [order.id]);
      await db.$disconnect();
      await catcher.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// In Chromium: nothing the policy blocks, on the pages people use

type Violation = { directive: string; blockedURI: string; sample: string; source: string; page: string };

declare global {
  interface Window {
    __cspViolations?: Violation[];
  }
}

/**
 * Records every CSP violation (the DOM event, on every document the page opens), console errors about policies,
 * and every response from the shop.
 */
async function watchPolicies(page: Page, origin: string) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations?.push({
        directive: event.effectiveDirective,
        blockedURI: event.blockedURI,
        sample: event.sample,
        source: `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
        page: location.pathname,
      });
    });
  });
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Permissions-Policy|Refused to/i.test(message.text())) {
      consoleErrors.push(`${new URL(page.url()).pathname}: ${message.text()}`);
    }
  });
  // Everything the shop answered the browser: documents, scripts, styles, pictures, Server Actions, status polls.
  const responses: Response[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).origin === origin) responses.push(response);
  });
  return {
    /** Checks the page now shown: its violations so far, and the headers of every response since the last check. */
    async expectClean(what: string) {
      const violations = await page.evaluate(() => window.__cspViolations ?? []);
      expect(violations, `${what}: CSP violations`).toEqual([]);
      expect(consoleErrors, `${what}: console errors about a policy`).toEqual([]);
      const answered = responses.splice(0);
      expect(answered.length, `${what}: responses from the shop`).toBeGreaterThan(0);
      for (const response of answered) {
        const request = response.request();
        // A Server Action that redirects answers with the target page, which Next.js renders through the proxy: its
        // answer may carry either policy.
        const body = request.method() === "GET" || request.method() === "HEAD" ? "without a body" : "either";
        expectSecurityHeaders(await response.allHeaders(), `${what}: ${request.method()} ${request.resourceType()} ${new URL(response.url()).pathname}`, body);
      }
    },
  };
}

test("the shop, the SEQR app's pages, the admin and the sandbox run under the policy without a violation", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const watch = await watchPolicies(page, new URL(baseURL ?? "").origin);

  await page.goto("/");
  await expect(page.getByRole("list", { name: "Products" }).getByRole("listitem").first()).toBeVisible();
  await watch.expectClean("home");

  // Product page, add to cart (a Server Action), the cart, checkout: the checkout page's SEQR code is an SVG.
  const clientInvoiceId = await checkoutFromProductPage(page, "WOOL-SOCKS-GREY");
  await giveDeliveryDetails(page);
  await expect(page.getByTestId("seqr-qr")).toBeVisible();
  await watch.expectClean("product, cart and checkout");

  // The simulated app opens the order page (it navigates there: no frame), which reads its TOKEN with script.
  await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  await expect(page.getByRole("button", { name: /^Pay / })).toBeVisible();
  await watch.expectClean("the order page in the simulated app");
  expect(await page.evaluate(() => window.top === window.self), "the order page is the app's top document").toBe(true);

  // Pay hands the invoice to the app; declined there, the app opens the Failure URL, which asks the server.
  await payOnOrderPage(page);
  await watch.expectClean("the invoice in the simulated app");
  await chooseInApp(page, "Decline");
  await expect(page.getByRole("heading", { name: "The payment did not go through" })).toBeVisible();
  await watch.expectClean("the failure page");

  await signInAsAdmin(page);
  await watch.expectClean("the admin sign-in and dashboard");

  await page.goto("/sandbox");
  await expect(page.getByRole("form", { name: "SOAP faults" })).toBeVisible();
  await watch.expectClean("the sandbox control page");
});

test("no site can frame the shop's pages", { tag: "@desktop-only" }, async ({ page, baseURL }) => {
  // Another origin (about:blank's) framing the order page: setContent waits for the frame's load, blocked or not.
  await page.setContent(`<iframe title="shop" src="${baseURL}/order"></iframe>`);
  const framed = page.frames().filter((frame) => frame !== page.mainFrame());
  expect(framed).toHaveLength(1);
  expect(framed[0]?.url(), "Chromium shows its error page instead of the shop's").not.toContain("/order");
});
