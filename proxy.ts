import { NextResponse, type NextRequest } from "next/server";

import { env } from "./lib/env";
import { newNonce, securityHeaders } from "./lib/http/security-headers";

const SETTINGS = { publicBaseUrl: env.publicBaseUrl, isDevelopment: env.isDevelopment };

function isSandboxPath(pathname: string): boolean {
  return pathname === "/sandbox" || pathname.startsWith("/sandbox/");
}

/**
 * Runs for every request without a body (see `config`): each of its responses, whether a page, a route handler's
 * GET (JSON, CSV, WSDL), a static file, a redirect or a 404, leaves with the security headers
 * (lib/http/security-headers.ts). Requests with a body get theirs from next.config.mjs.
 *
 * Pages get a fresh nonce: Next.js reads it from the request's copy of the Content-Security-Policy header and puts
 * it on its scripts. That only happens while rendering: a page prerendered at build time would carry scripts
 * without it, which the browser refuses. Every page is rendered per request (the root layout awaits connection(),
 * in SandboxBanner); tests/e2e/security-headers.spec.ts fails on any page whose scripts lack the response's nonce.
 */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const headers = securityHeaders(nonce, SETTINGS);

  // The SEQR sandbox exists only in sandbox mode: in live mode every /sandbox URL is a plain 404 before any page or
  // route handler of it runs. (Each of those checks again, and is the only gate for requests with a body.)
  if (isSandboxPath(request.nextUrl.pathname) && env.seqr.mode !== "sandbox") {
    return new NextResponse("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
  }

  const forwarded = new Headers(request.headers);
  // Set, not appended: a client's own Content-Security-Policy or x-nonce request header never reaches the page.
  forwarded.set("Content-Security-Policy", headers["Content-Security-Policy"]);
  forwarded.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/**
 * Every path, but no request that carries a body (a length or chunks): Next.js reads the whole body of a request
 * its proxy runs for (to hand the proxy a copy) before the route sees it, so a route's cap on bodies (issue 13,
 * item 1) would come too late. Those answers get their headers from next.config.mjs instead.
 */
export const config = {
  matcher: [
    {
      source: "/:path*",
      missing: [
        { type: "header", key: "content-length" },
        { type: "header", key: "transfer-encoding" },
      ],
    },
  ],
};
