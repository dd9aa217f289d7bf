import { describe, expect, test } from "vitest";

import { BODY_ANSWER_HEADERS, contentSecurityPolicy, newNonce, securityHeaders } from "@/lib/http/security-headers";

// The header values themselves; tests/e2e/security-headers.spec.ts checks that every response carries them.

const HTTP_SHOP = { publicBaseUrl: "http://localhost:3000", isDevelopment: false };
const HTTPS_SHOP = { publicBaseUrl: "https://shop.example.se", isDevelopment: false };

function directive(policy: string, name: string): string[] | undefined {
  const found = policy.split("; ").find((entry) => entry.split(" ")[0] === name);
  return found?.split(" ").slice(1);
}

describe("security headers", () => {
  test("an https shop gets HSTS and upgrades stray http:// subresources", () => {
    const headers = securityHeaders("abc", HTTPS_SHOP);
    expect(headers["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    expect(directive(headers["Content-Security-Policy"], "upgrade-insecure-requests")).toEqual([]);
  });

  test("an http shop gets neither (HSTS over http means nothing, and upgrading would break it)", () => {
    const headers = securityHeaders("abc", HTTP_SHOP);
    expect(headers).not.toHaveProperty("Strict-Transport-Security");
    expect(directive(headers["Content-Security-Policy"], "upgrade-insecure-requests")).toBeUndefined();
  });

  test("the rest is the same for both", () => {
    for (const settings of [HTTP_SHOP, HTTPS_SHOP]) {
      expect(securityHeaders("abc", settings)).toMatchObject({
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": expect.stringContaining("camera=()"),
      });
    }
  });

  test("scripts run only with the request's nonce, and nothing may frame the shop", () => {
    const policy = contentSecurityPolicy("n0nce", HTTPS_SHOP);
    expect(directive(policy, "script-src")).toEqual(["'self'", "'nonce-n0nce'", "'strict-dynamic'"]);
    expect(directive(policy, "style-src")).toEqual(["'self'", "'nonce-n0nce'"]);
    expect(directive(policy, "frame-ancestors")).toEqual(["'none'"]);
    expect(directive(policy, "object-src")).toEqual(["'none'"]);
    expect(directive(policy, "base-uri")).toEqual(["'none'"]);
    expect(directive(policy, "form-action")).toEqual(["'self'"]);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  test("next dev needs eval and nonce-less styles; production never gets them", () => {
    const development = contentSecurityPolicy("n0nce", { ...HTTP_SHOP, isDevelopment: true });
    expect(directive(development, "script-src")).toContain("'unsafe-eval'");
    expect(directive(development, "style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(contentSecurityPolicy("n0nce", HTTP_SHOP)).not.toContain("unsafe-eval");
  });

  test("a nonce is 16 random bytes, new each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  test("next.config.mjs gives answers to requests with a body the same headers, with a policy that runs no script", async () => {
    // A path in a variable: next.config.mjs is JavaScript, which TypeScript is not asked to type here.
    const configPath = "../../next.config.mjs";
    const { default: nextConfig } = (await import(configPath)) as {
      default: { headers: () => Promise<{ source: string; has: { type: string; key: string }[]; headers: { key: string; value: string }[] }[]> };
    };
    const rules = await nextConfig.headers();
    // Exactly the requests proxy.ts's matcher leaves out.
    expect(rules.map((rule) => [rule.source, rule.has])).toEqual([
      ["/:path*", [{ type: "header", key: "content-length" }]],
      ["/:path*", [{ type: "header", key: "transfer-encoding" }]],
    ]);
    for (const rule of rules) expect(Object.fromEntries(rule.headers.map(({ key, value }) => [key, value]))).toEqual(BODY_ANSWER_HEADERS);
    expect(directive(BODY_ANSWER_HEADERS["Content-Security-Policy"] ?? "", "script-src")).toEqual(["'none'"]);
    expect(directive(BODY_ANSWER_HEADERS["Content-Security-Policy"] ?? "", "frame-ancestors")).toEqual(["'none'"]);
    // The headers every answer shares are the proxy's own.
    const proxied = Object.entries(securityHeaders("abc", HTTPS_SHOP)).filter(([name]) => name !== "Content-Security-Policy");
    expect(BODY_ANSWER_HEADERS).toMatchObject(Object.fromEntries(proxied));
  });
});
