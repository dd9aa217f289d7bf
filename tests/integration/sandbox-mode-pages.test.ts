import { afterEach, describe, expect, test, vi } from "vitest";

import { LIVE_SETTINGS } from "@/tests/support/live-settings";

import { fakeRequest } from "./support/admin-request";

// What every page says about the mode: in sandbox mode a "Sandbox: no real payments" banner in the root layout,
// and the sign-in page names the default admin password while it is the password; in live mode neither. Each
// test reads the settings afresh (vi.resetModules), as a server started with them would.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
// connection() marks the banner dynamic and needs a Next request; there is none here.
vi.mock("next/server", async (importOriginal) => ({ ...(await importOriginal<object>()), connection: async () => {} }));

const ORIGINAL = { ...process.env };

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in ORIGINAL)) delete process.env[key];
  Object.assign(process.env, ORIGINAL);
});

/** Every text and prop value in an element tree (what the server would render from), one per entry. */
function valuesIn(node: unknown, seen = new WeakSet<object>()): string[] {
  if (typeof node === "string" || typeof node === "number") return [String(node)];
  if (typeof node !== "object" || node === null || seen.has(node)) return [];
  seen.add(node);
  return Object.entries(node)
    .filter(([key]) => !key.startsWith("_") && key !== "key" && key !== "ref")
    .flatMap(([, value]) => valuesIn(value, seen));
}

/** Whether an element tree holds an element of this component. */
function holds(node: unknown, component: unknown, seen = new WeakSet<object>()): boolean {
  if (typeof node !== "object" || node === null || seen.has(node)) return false;
  seen.add(node);
  if ((node as { type?: unknown }).type === component) return true;
  return Object.entries(node).some(([key, value]) => !key.startsWith("_") && holds(value, component, seen));
}

async function pagesWith(settings: Record<string, string>) {
  vi.resetModules();
  Object.assign(process.env, settings);
  fakeRequest({ host: "127.0.0.1:3000" });
  const { SandboxBanner } = await import("@/app/_components/sandbox-banner");
  const { default: RootLayout } = await import("@/app/layout");
  const { default: LoginPage } = await import("@/app/(admin)/admin/login/page");
  return {
    banner: valuesIn(await SandboxBanner()).join("\n"),
    layoutHoldsBanner: holds(RootLayout({ children: null }), SandboxBanner),
    login: valuesIn(await LoginPage()).join("\n"),
  };
}

describe("sandbox mode", () => {
  test("every page carries the banner, and the sign-in page names the default password", async () => {
    const pages = await pagesWith({ SEQR_MODE: "sandbox" });
    expect(pages.layoutHoldsBanner).toBe(true);
    expect(pages.banner).toContain("Sandbox: no real payments");
    expect(pages.login).toContain("sandbox-admin");
  });

  test("with ADMIN_PASSWORD set, the sign-in page names no password", async () => {
    const pages = await pagesWith({ SEQR_MODE: "sandbox", ADMIN_PASSWORD: "the merchant's own password" });
    expect(pages.banner).toContain("Sandbox: no real payments");
    expect(pages.login).not.toContain("sandbox-admin");
    expect(pages.login).not.toContain("the merchant's own password");
  });
});

describe("live mode", () => {
  test("no banner, and the sign-in page says nothing of a default password", async () => {
    const pages = await pagesWith({ ...LIVE_SETTINGS });
    expect(pages.layoutHoldsBanner).toBe(true);
    expect(pages.banner).toBe("");
    expect(pages.login).not.toContain("sandbox-admin");
    expect(pages.login.toLowerCase()).not.toContain("sandbox");
  });
});
