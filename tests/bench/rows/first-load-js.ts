import zlib from "node:zlib";

import { chromium, type Browser, type Response } from "@playwright/test";

import { measured, UnmeasuredError } from "../support/stats.ts";

// The "first-load JS" rows (issue 18): the JavaScript a page makes the browser load, in Chromium (Debian's, as the
// end-to-end tests launch it: playwright.config.ts), each page in a new context so nothing comes from a cache.
// What counts: every response the browser received for a script (resourceType "script") from the start until the
// network has been quiet for 500 ms after the load event (10 s at most), each body gzipped here at level 6 (zlib's default, and what `next start` compresses with), so
// that the number depends on the code shipped and not on how it was sent. The bytes the network actually carried
// (the encoded bodies) are kept alongside, for reference.

export type PageWeight = {
  url: string;
  /** Script responses, each URL once. */
  scripts: number;
  /** Their bodies, gzipped at level 6. */
  gzipBytes: number;
  /** Their bodies as received (after decoding). */
  rawBytes: number;
  /** Their bodies as the network carried them (Content-Encoding as served). */
  wireBytes: number;
  /** Each script (its path) and its gzip bytes, largest first: what to look at when a page is heavy. */
  files: { path: string; gzipBytes: number }[];
  /** Whether the network went quiet (500 ms without a request) within IDLE_WAIT_MS of the load event. */
  quiet: boolean;
};

export const GZIP_LEVEL = 6;
const PAGE_TIMEOUT_MS = 30_000;
const IDLE_WAIT_MS = 10_000;

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.BENCH_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The scripts `url` loads in a fresh browser context (with `cookies`, when the page needs the shopper's). */
export async function pageWeight(browser: Browser, url: string, cookies: { name: string; value: string }[] = []): Promise<PageWeight> {
  const context = await browser.newContext();
  try {
    if (cookies.length > 0) await context.addCookies(cookies.map((cookie) => ({ ...cookie, url: new URL(url).origin })));
    const page = await context.newPage();
    const scripts = new Map<string, Response>();
    page.on("response", (response) => {
      if (response.request().resourceType() === "script") scripts.set(response.url(), response);
    });
    const document = await page.goto(url, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
    if (!document || document.status() !== 200) throw new UnmeasuredError(`${url} answered ${document?.status() ?? "nothing"}`);
    // Then what the page fetches once it runs (chunks loaded on hydration), until the network has been quiet for
    // 500 ms; a page that polls faster than that never is, and counts what it loaded in IDLE_WAIT_MS.
    const quiet = await page.waitForLoadState("networkidle", { timeout: IDLE_WAIT_MS }).then(
      () => true,
      () => false,
    );
    let gzipBytes = 0;
    let rawBytes = 0;
    let wireBytes = 0;
    const files: PageWeight["files"] = [];
    for (const [scriptUrl, response] of scripts) {
      if (response.status() !== 200) throw new UnmeasuredError(`${url}: its script ${scriptUrl} answered ${response.status()}`);
      const body = await response.body();
      rawBytes += measured(`${url}: the script ${scriptUrl}`, body.length);
      const gzipped = zlib.gzipSync(body, { level: GZIP_LEVEL }).length;
      gzipBytes += gzipped;
      files.push({ path: new URL(scriptUrl).pathname, gzipBytes: gzipped });
      wireBytes += (await response.request().sizes()).responseBodySize;
    }
    files.sort((a, b) => b.gzipBytes - a.gzipBytes);
    return { url, scripts: measured(`${url}: scripts loaded`, scripts.size), gzipBytes, rawBytes, wireBytes, files, quiet };
  } finally {
    await context.close();
  }
}
