// Answers to requests that carry a body (route handlers' POSTs, Server Actions) skip proxy.ts, which sets the
// security headers on everything else: Next.js would read the whole body of a request its proxy runs for before the
// route could refuse it. These are their headers: lib/http/security-headers.ts's BODY_ANSWER_HEADERS, which
// tests/unit/security-headers.test.ts keeps equal to this list (this file cannot import TypeScript).
const BODY_ANSWER_HEADERS = [
  {
    key: "Content-Security-Policy",
    value: [
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
    ].join("; "),
  },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  {
    key: "Permissions-Policy",
    value: "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
  },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay out of the server bundle and are loaded from node_modules at run time.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg", "pino"],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: true,
  experimental: {
    // Product pictures (at most 2 MiB, lib/admin/product-images.ts) are uploaded with their form to a Server Action:
    // Next's default 1 MB would refuse them with an error before the form's own check could explain the limit.
    serverActions: { bodySizeLimit: "3mb" },
    // `'use cache'` with cacheTag, cacheLife and revalidateTag, for the catalog the home page and product pages show
    // (lib/catalog/cached.ts: each server keeps it in memory for at most CATALOG_CACHE_SECONDS, 2 s unless set).
    // Without `cacheComponents`, on purpose (docs/performance.md, "The catalog cache"): every page here is rendered
    // per request anyway (its scripts carry the request's CSP nonce, proxy.ts), and Cache Components' prerendered
    // shell would start every answer with 200 before a page could say 404 or redirect: a missing product would be a
    // "soft 404", and forms sent without JavaScript would lose their redirects.
    useCache: true,
  },
  // A request has a body when it says how long it is or that it comes in chunks (proxy.ts's matcher skips exactly these).
  async headers() {
    return ["content-length", "transfer-encoding"].map((key) => ({
      source: "/:path*",
      has: [{ type: "header", key }],
      headers: BODY_ANSWER_HEADERS,
    }));
  },
};

export default nextConfig;
