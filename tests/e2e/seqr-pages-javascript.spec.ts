import fs from "node:fs";
import path from "node:path";

import { expect, test, type Page } from "@playwright/test";

// Issue 18: the pages the SEQR app opens ship no validation library to the phone. The poller and the fragment
// reader check their few values by hand (app/_components/use-order-status.ts); the server validates everything.
// zod's schema classes are registered under names such as "$ZodType" that survive minification, so a bundle that
// carries zod carries that string.

const ZOD_MARKERS = ["$ZodType", "$ZodError"];

async function scriptsOf(page: Page, pagePath: string): Promise<Map<string, string>> {
  const scripts = new Map<string, Promise<string>>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script" && response.ok()) scripts.set(response.url(), response.text());
  });
  await page.goto(pagePath);
  await page.waitForLoadState("networkidle");
  const bodies = new Map<string, string>();
  for (const [url, body] of scripts) bodies.set(url, await body);
  return bodies;
}

for (const pagePath of ["/order#NO-SUCH-TOKEN", "/success#NO-SUCH-TOKEN_123", "/failure#NO-SUCH-TOKEN", "/cancel#NO-SUCH-TOKEN"]) {
  test(`${pagePath.split("#")[0]} loads no validation library`, async ({ page }) => {
    const scripts = await scriptsOf(page, pagePath);
    expect(scripts.size, "the page loads its scripts").toBeGreaterThan(0);
    const carryingZod = [...scripts].filter(([, body]) => ZOD_MARKERS.some((marker) => body.includes(marker)));
    expect(carryingZod.map(([url]) => url)).toEqual([]);
  });
}

test("the markers are names zod itself registers, so a bundle with zod would carry them", () => {
  // If a zod upgrade renamed them, the tests above would pass whatever the pages load: this one fails first.
  const core = path.join(process.cwd(), "node_modules", "zod", "v4", "core");
  const sources = ["schemas.js", "errors.js"].map((file) => fs.readFileSync(path.join(core, file), "utf8")).join("\n");
  for (const marker of ZOD_MARKERS) expect(sources).toContain(`"${marker}"`);
});
