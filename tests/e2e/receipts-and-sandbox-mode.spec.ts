import { spawn } from "node:child_process";

import { expect, test } from "@playwright/test";

import { SANDBOX_DEFAULTS } from "@/lib/env";

import { E2E_DATABASE_URL } from "./support/e2e-database";
import { serverErrorLines } from "./support/server-output";
import { catalogProduct, checkoutFromProductPage } from "./support/shop";

// Issue 13: /checkout/<id> shows what was bought only to the browser that bought it; a production server runs
// the sandbox only when told to, and then every page says so.

const JAM = catalogProduct("LINGON-JAM-400");

test("another browser sees the order's status but not its items or receipt", async ({ page, browser }) => {
  const clientInvoiceId = await checkoutFromProductPage(page, JAM.sku, 1);
  await expect(page.getByRole("table", { name: "Your order" })).toContainText(JAM.name);

  // The same link in another browser (no cart cookie, or another cart): the status alone.
  const elsewhere = await browser.newContext();
  try {
    const other = await elsewhere.newPage();
    await other.goto(`/checkout/${clientInvoiceId}`);
    await expect(other.getByTestId("order-status-only")).toBeVisible();
    await expect(other.getByTestId("order-status")).toHaveText("Waiting for payment");
    await expect(other.getByRole("main")).not.toContainText(JAM.name);
    await expect(other.getByRole("table")).toHaveCount(0);
    await expect(other.getByRole("region", { name: "Receipt" })).toHaveCount(0);
    await expect(other.getByTestId("seqr-qr")).toHaveCount(0);
  } finally {
    await elsewhere.close();
  }

  // The browser that placed it still has everything.
  await page.reload();
  await expect(page.getByRole("table", { name: "Your order" })).toContainText(JAM.name);
});

test("every page of the sandbox-mode shop says it takes no real payments", async ({ page }) => {
  for (const path of ["/", `/products/${JAM.sku}`, "/cart", "/admin/login", "/sandbox", "/sandbox/app", "/cancel", "/no-such-page"]) {
    await page.goto(path);
    await expect(page.getByTestId("sandbox-banner"), path).toHaveText("Sandbox: no real payments");
  }
});

test("the sign-in page names the sandbox's default password", async ({ page }) => {
  await page.goto("/admin/login");
  await expect(page.getByTestId("default-password-hint")).toContainText(SANDBOX_DEFAULTS.adminPassword);
});

test("a production server without SEQR_MODE refuses to start, with one line saying to choose", { tag: "@desktop-only" }, async () => {
  // The build the other tests use, on a port of its own; SEQR_MODE empty is unset (lib/env.ts).
  const child = spawn("npx", ["next", "start", "--port", "3196"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", SEQR_MODE: "", DATABASE_URL: E2E_DATABASE_URL },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }, 20_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  expect(code).toBe(1);
  expect(serverErrorLines(stderr)).toEqual([
    "Invalid settings: SEQR_MODE must be set in production (NODE_ENV=production): SEQR_MODE=live for real payments, or SEQR_MODE=sandbox on purpose",
  ]);
});
