import http from "node:http";
import type { AddressInfo } from "node:net";

import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, beforeEach } from "vitest";

import type { SeqrClientConfig } from "@/lib/seqr/client";
import { testSeqrClient } from "@/tests/support/seqr-client";

// A real HTTP server on a free port that serves the sandbox's own route handlers (the same modules Next serves
// under /sandbox) plus an endpoint that records the notifications it receives, so that integration tests run
// the shop's SEQR client against the sandbox over real HTTP and SOAP, on a real database, without a Next build.

type RouteModule = Record<string, unknown>;
type Route = { pattern: RegExp; params: string[]; load: () => Promise<RouteModule> };

const routes: Route[] = [
  { pattern: /^\/sandbox\/soap$/, params: [], load: () => import("@/app/sandbox/soap/route") },
  { pattern: /^\/sandbox\/api\/reset$/, params: [], load: () => import("@/app/sandbox/api/reset/route") },
  { pattern: /^\/sandbox\/api\/config$/, params: [], load: () => import("@/app/sandbox/api/config/route") },
  { pattern: /^\/sandbox\/api\/faults$/, params: [], load: () => import("@/app/sandbox/api/faults/route") },
  { pattern: /^\/sandbox\/api\/subscribers$/, params: [], load: () => import("@/app/sandbox/api/subscribers/route") },
  {
    pattern: /^\/sandbox\/api\/invoices\/([^/]+)$/,
    params: ["reference"],
    load: () => import("@/app/sandbox/api/invoices/[reference]/route"),
  },
  {
    pattern: /^\/sandbox\/api\/invoices\/([^/]+)\/expire-commit-window$/,
    params: ["reference"],
    load: () => import("@/app/sandbox/api/invoices/[reference]/expire-commit-window/route"),
  },
  {
    pattern: /^\/sandbox\/api\/invoices\/([^/]+)\/forge-notification$/,
    params: ["reference"],
    load: () => import("@/app/sandbox/api/invoices/[reference]/forge-notification/route"),
  },
  { pattern: /^\/sandbox\/api\/app\/scan$/, params: [], load: () => import("@/app/sandbox/api/app/scan/route") },
  {
    pattern: /^\/sandbox\/api\/app\/invoices\/([^/]+)\/([^/]+)$/,
    params: ["reference", "action"],
    load: () => import("@/app/sandbox/api/app/invoices/[reference]/[action]/route"),
  },
  {
    pattern: /^\/sandbox\/api\/sessions\/([^/]+)$/,
    params: ["token"],
    load: () => import("@/app/sandbox/api/sessions/[token]/route"),
  },
  {
    pattern: /^\/sandbox\/api\/services\/([^/]+)$/,
    params: ["serviceId"],
    load: () => import("@/app/sandbox/api/services/[serviceId]/route"),
  },
];

/** The shop's machine-facing routes, served beside the sandbox by startShopServer(). */
const shopRoutes: Route[] = [
  { pattern: /^\/api\/seqr\/notification$/, params: [], load: () => import("@/app/api/seqr/notification/route") },
  {
    pattern: /^\/api\/orders\/([^/]+)\/status$/,
    params: ["clientInvoiceId"],
    load: () => import("@/app/api/orders/[clientInvoiceId]/status/route"),
  },
];

/** JSON from the sandbox API, read loosely: tests assert its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON paths and assert on them
export type ApiBody = any;

export type ReceivedNotification = { query: URLSearchParams; form: URLSearchParams; contentType: string | null };

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type SandboxServer = {
  url: string;
  soapUrl: string;
  /** A notificationUrl that records what it receives. */
  notifyUrl: string;
  notifications: ReceivedNotification[];
  /** The JSON API: `api("POST", "/faults", {...})`. */
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: ApiBody }>;
  close: () => Promise<void>;
};

export async function startSandboxServer(
  options: { server?: http.Server; withShopRoutes?: boolean } = {},
): Promise<SandboxServer> {
  const served = options.withShopRoutes ? [...routes, ...shopRoutes] : routes;
  const notifications: ReceivedNotification[] = [];
  const listener = getRequestListener(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/notify") {
      notifications.push({
        query: url.searchParams,
        form: new URLSearchParams(await request.text()),
        contentType: request.headers.get("content-type"),
      });
      return new Response("ok");
    }
    for (const route of served) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const routeModule = await route.load();
      const handler = routeModule[request.method] as Handler | undefined;
      if (!handler) return new Response("method not allowed", { status: 405 });
      const params = Object.fromEntries(route.params.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? "")]));
      return handler(request, { params: Promise.resolve(params) });
    }
    return new Response("not found", { status: 404 });
  });
  const server = options.server ?? http.createServer();
  server.on("request", listener);
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    soapUrl: `${url}/sandbox/soap`,
    notifyUrl: `${url}/notify`,
    notifications,
    async api(method, path, body) {
      const response = await fetch(`${url}/sandbox/api${path}`, {
        method,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The sandbox plus the shop's notification and status routes on the server of shop-address.ts (import that
 * first), which PUBLIC_BASE_URL points at: the shop's SEQR client talks SOAP to it and SEQR's notifications for
 * the shop's invoices come back to it, all over real HTTP.
 */
export async function startShopServer(): Promise<SandboxServer> {
  const { shopHttpServer } = await import("./shop-address.ts");
  return startSandboxServer({ server: shopHttpServer, withShopRoutes: true });
}

/** The shop's client, pointed at a test sandbox, with quick retries so tests of retrying stay short. */
export function clientFor(server: SandboxServer, overrides: Partial<SeqrClientConfig> = {}) {
  return testSeqrClient(server.soapUrl, overrides);
}

/**
 * A sandbox server for this test file with the shop's client pointed at it, started fresh for the file and
 * reset before every test (no invoice, session, fault or recorded notification carries over).
 */
export function serveSandboxForThisFile(): { readonly server: SandboxServer; readonly seqr: ReturnType<typeof clientFor> } {
  let server: SandboxServer | undefined;
  let seqr: ReturnType<typeof clientFor> | undefined;
  beforeAll(async () => {
    server = await startSandboxServer();
    seqr = clientFor(server);
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    await server?.api("POST", "/reset");
    if (server) server.notifications.length = 0;
  });
  return {
    get server() {
      if (!server) throw new Error("the sandbox server starts in beforeAll");
      return server;
    },
    get seqr() {
      if (!seqr) throw new Error("the sandbox server starts in beforeAll");
      return seqr;
    },
  };
}
