import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

// What "accessible" means for the shopper's pages, as accessibility-shop.spec.ts and keyboard-checkout.spec.ts check
// it: axe-core finds no WCAG 2.2 A/AA violation (nor a breach of its best practices), nothing scrolls sideways on a
// phone (WCAG 1.4.10, reflow: 320 px is its narrowest width), and the keyboard's focus is visible.

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules every shopper page must pass. */
export const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
/**
 * And axe's best practices: one <main>, nothing outside a landmark, headings in order, roles their elements allow.
 * No WCAG criterion names them, but a screen reader user finds their way by exactly these.
 */
export const AXE_RULES = [...WCAG_22_AA, "best-practice"];

/** The narrowest phone the shop supports: WCAG's reflow width. */
export const NARROWEST_PHONE = { width: 320, height: 640 } as const;

/**
 * axe-core on the page as it is now, one line per violation: its rule, what the rule asks, how bad, and each element
 * it found (CSS selectors), so that a failure says what to fix without opening a trace.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_RULES).analyze();
  return results.violations.map((violation) => {
    const nodes = violation.nodes.map((node) => `    ${node.target.join(" ")}${node.failureSummary ? `: ${oneLine(node.failureSummary)}` : ""}`);
    return [`${violation.id} (${violation.impact ?? "?"}): ${violation.help} ${violation.helpUrl}`, ...nodes].join("\n");
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** How far the page scrolls sideways (0 when it fits the viewport's width). */
export async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * Checks the page as it is now (axe, and no sideways scrolling) and, on a phone, again at 320 px: the viewport is
 * narrowed, checked and put back, so that every state a test reaches is seen at both widths without taking the
 * journey twice. Findings are soft: a test goes on to the next page and reports every page's violations at its end.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  await checkAtCurrentWidth(page, where);
  const viewport = page.viewportSize();
  if (viewport && viewport.width > NARROWEST_PHONE.width && viewport.width < 600) {
    await page.setViewportSize(NARROWEST_PHONE);
    try {
      await checkAtCurrentWidth(page, where);
    } finally {
      await page.setViewportSize(viewport);
    }
  }
}

async function checkAtCurrentWidth(page: Page, where: string): Promise<void> {
  // One frame for the layout to follow a resize.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
  // The page as it settles, not mid-update: after a Server Action (Add to cart) Next.js streams the page's metadata
  // after its body, so its <title> can be missing for a moment (axe once read it then: document-title). A page whose
  // title never comes still fails, here, by name.
  await expect(page, `${where}: the page's title`).toHaveTitle(/\S/);
  const width = page.viewportSize()?.width ?? 0;
  expect.soft(await sidewaysScroll(page), `${where} at ${width} px scrolls sideways by this many px`).toBeLessThanOrEqual(0);
  const violations = await axeViolations(page);
  expect.soft(violations, `axe-core's violations on ${where} at ${width} px:\n${violations.join("\n")}\n`).toEqual([]);
}

/** The focus ring as the browser draws it on the focused element. */
export type FocusRing = { element: string; outlineStyle: string; outlineWidthPx: number; focusVisible: boolean };

/** The element that has the keyboard's focus, described, and its outline as computed. */
export async function focusRing(page: Page): Promise<FocusRing> {
  return page.evaluate(() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) return { element: "(nothing)", outlineStyle: "none", outlineWidthPx: 0, focusVisible: false };
    const style = getComputedStyle(focused);
    const name = (focused.getAttribute("aria-label") ?? (focused as HTMLElement).innerText ?? "").trim().slice(0, 40);
    const label = focused.id ? document.querySelector(`label[for="${CSS.escape(focused.id)}"]`)?.textContent?.trim() : undefined;
    return {
      element: `<${focused.tagName.toLowerCase()}> ${label ?? name}`,
      outlineStyle: style.outlineStyle,
      outlineWidthPx: Number.parseFloat(style.outlineWidth),
      focusVisible: focused.matches(":focus-visible"),
    };
  });
}

/** The focused element shows a ring a keyboard user can follow: an outline of 2 px or more (WCAG 2.4.7, 2.4.13). */
export async function expectFocusRing(page: Page): Promise<FocusRing> {
  const ring = await focusRing(page);
  expect(ring.focusVisible, `${ring.element} has the keyboard's focus (:focus-visible)`).toBe(true);
  expect(ring.outlineStyle, `the outline of ${ring.element}`).not.toBe("none");
  expect(ring.outlineWidthPx, `the outline width of ${ring.element}`).toBeGreaterThanOrEqual(2);
  return ring;
}

/**
 * Presses Tab until `target` has the focus (Shift+Tab when the target comes before the focused element), checking the
 * ring on every control the focus passes on the way; fails after `limit` presses. Only keys: no focus() call.
 */
export async function tabTo(page: Page, target: Locator, options: { limit?: number } = {}): Promise<void> {
  const limit = options.limit ?? 60;
  await expect(target).toBeVisible();
  const backwards = await target.evaluate((element) => {
    const focused = document.activeElement;
    if (!focused || focused === document.body || focused === element) return false;
    return Boolean(focused.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING);
  });
  const key = backwards ? "Shift+Tab" : "Tab";
  for (let presses = 1; presses <= limit; presses += 1) {
    await page.keyboard.press(key);
    await expectFocusRing(page);
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`${limit} presses of ${key} never reached ${target.toString()}`);
}
