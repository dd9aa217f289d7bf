// The security headers every response carries (proxy.ts sets them on all of them: pages, route handlers, Server
// Action answers, static files, 404s). Pure functions of the request's nonce and the shop's settings, so a unit
// test can read the policy for an https shop without starting one.

export type SecurityHeaderSettings = {
  /** env.publicBaseUrl: an https:// shop gets HSTS and has its stray http:// subresources upgraded. */
  publicBaseUrl: string;
  /** `next dev`: React rebuilds server error stacks with eval, and dev styles come without a nonce. */
  isDevelopment: boolean;
};

/** 16 random bytes, base64: a nonce nobody can guess, new for every request. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function isHttpsShop(settings: Pick<SecurityHeaderSettings, "publicBaseUrl">): boolean {
  return settings.publicBaseUrl.startsWith("https://");
}

/**
 * The Content-Security-Policy for one response, as Next.js documents it for a nonce set in proxy.ts: Next.js reads
 * the nonce back from the request's copy of this header and puts it on its own scripts, and `'strict-dynamic'` lets
 * those scripts load the page's chunks. No `'unsafe-inline'` for scripts: an injected `<script>` or `onclick=`
 * does not run.
 *
 * Styles: `<style>` and `<link>` need `'self'` or the nonce (Next.js sets it on what it inlines). Style
 * *attributes* are allowed (`style-src-attr 'unsafe-inline'`) because next/image writes one on every product
 * picture (`style="color:transparent"`, and the layout of `fill` images); a nonce cannot cover an attribute. An
 * injected style attribute can restyle an element but, unlike an injected `<style>`, has no selectors with which
 * to read the page.
 *
 * `frame-ancestors 'none'`: no site may frame any page of ours (clickjacking). The SEQR app opens the order and
 * outcome pages as the top document of its web view, and the simulated app navigates to them (it never frames
 * them), so neither is a frame ancestor.
 */
export function contentSecurityPolicy(nonce: string, settings: SecurityHeaderSettings): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${settings.isDevelopment ? " 'unsafe-eval'" : ""}`,
    // In development Next.js injects styles without a nonce (and with one, 'unsafe-inline' would be ignored).
    settings.isDevelopment ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Only on https: on an http shop (development, the end-to-end run) it would send same-site requests to a port
    // that does not speak TLS.
    ...(isHttpsShop(settings) ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/**
 * Powerful browser features the shop never uses, switched off for its pages and anything they might embed. The
 * SEQR app scans codes with its own camera, not through our pages.
 */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "camera=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "payment=()",
  "usb=()",
].join(", ");

/** Two years, the subdomains too; no `preload`, which is the merchant's commitment to make, not ours. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** The headers that do not depend on the request or on the shop's address. */
const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy": PERMISSIONS_POLICY,
  // frame-ancestors' older spelling, for browsers that predate it.
  "X-Frame-Options": "DENY",
} as const;

/**
 * Every security header of a response that proxy.ts handles (every request without a body). Referrer-Policy is
 * strict-origin-when-cross-origin rather than no-referrer: under no-referrer a form posted as a plain navigation
 * (before the page's script has loaded, or without script) carries `Origin: null`, and Next.js refuses a Server
 * Action whose Origin is not the shop's. Other sites still see only the shop's origin, never a path such as
 * /checkout/<order>.
 */
export function securityHeaders(
  nonce: string,
  settings: SecurityHeaderSettings,
): { "Content-Security-Policy": string } & Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(nonce, settings),
    ...COMMON_HEADERS,
    ...(isHttpsShop(settings) ? { "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY } : {}),
  };
}

/**
 * The policy of answers to requests that carry a body (route handlers' POSTs, Server Actions). Those skip proxy.ts:
 * Next.js reads the whole body of every request its proxy runs for before the route sees it, which would undo the
 * routes' body caps (issue 13, item 1). With no nonce for them, no script runs: a page rendered as the answer to a
 * form posted without script shows as it is, and the next page the browser opens runs its scripts again.
 */
export const NO_SCRIPT_POLICY = [
  "default-src 'self'",
  "script-src 'none'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * What next.config.mjs's `headers()` sets on answers to requests with a body (tests/unit/security-headers.test.ts
 * keeps the two equal). next.config's headers are fixed when the shop is built, before PUBLIC_BASE_URL is known, so
 * HSTS is always among them: a browser ignores it on an http:// answer (RFC 6797, section 8.1).
 */
export const BODY_ANSWER_HEADERS: Record<string, string> = {
  "Content-Security-Policy": NO_SCRIPT_POLICY,
  ...COMMON_HEADERS,
  "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY,
};
