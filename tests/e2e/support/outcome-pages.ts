import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

// Helpers for the outcome pages, the receipt and the legal pages (outcomes-and-legal.spec.ts): what a page looks
// like to axe, the receipt's refunds, and colours as the browser computes them.

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules the shop's pages must pass. */
const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

/** axe-core on the page as it is now: fails with each violation's rule and the elements it found. */
export async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  // After a client-side navigation Next writes the new page's <title> a moment after its content: axe must see the
  // page as it settles, not in between (its document-title rule failed once on a loaded machine).
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
  const found = results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(found, `axe on ${where}`).toEqual([]);
}

/** The receipt on the success page or the paid checkout page. */
export function receiptOf(page: Page): Locator {
  return page.getByRole("region", { name: "Receipt" });
}

/** "rgb(31, 92, 139)" or "rgba(…)" → its relative luminance (WCAG 2). */
export function luminance(cssColor: string): number {
  const channels = /rgba?\(([^)]+)\)/.exec(cssColor)?.[1]?.split(",").slice(0, 3).map((part) => Number(part.trim()) / 255);
  if (!channels || channels.length !== 3 || channels.some(Number.isNaN)) throw new Error(`not an rgb colour: ${cssColor}`);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The first colour in a computed box-shadow ("rgb(255, 255, 255) 0px 0px 0px 2px"). */
export function shadowColor(boxShadow: string): string {
  const color = /rgba?\([^)]+\)/.exec(boxShadow)?.[0];
  if (!color) throw new Error(`no colour in box-shadow: ${boxShadow}`);
  return color;
}
