import { createHash, randomBytes, randomInt } from "node:crypto";

import { test as base, expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import { parse } from "csv-parse/sync";

import type { PrismaClient } from "@/lib/db";
import { WRONG_CREDENTIALS_MESSAGE } from "@/lib/admin/sign-in-messages";
import { SANDBOX_DEFAULTS } from "@/lib/env";
import { nextOrderNumber } from "@/lib/orders/order-number";

import {
  catalogProduct,
  checkoutFromProductPage,
  chooseInApp,
  expectReceipt,
  giveDeliveryDetails,
  payOnOrderPage,
  priceOf,
  scanInApp,
  serviceCode,
} from "./shop";

// The merchant's side of the shop, as the admin specs drive it: signing in, the forms that ask "Yes, …?" first,
// and the orders they look at, paid by a shopper through the real journey or planted in the database when a test
// needs a state no journey reaches.

/** The sandbox's admin password (README), the server's ADMIN_PASSWORD being unset in the end-to-end run. */
export const ADMIN_PASSWORD: string = SANDBOX_DEFAULTS.adminPassword;
/** The first owner's e-mail (ADMIN_EMAIL's sandbox default, unset in the end-to-end run too). */
export const ADMIN_EMAIL: string = SANDBOX_DEFAULTS.adminEmail;

/** Who signs in: the first owner (ADMIN_EMAIL, ADMIN_PASSWORD) unless a test names another account. */
export type AdminCredentials = { email: string; password: string };
export const FIRST_OWNER: AdminCredentials = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

export const ADMIN_SESSION_COOKIE = "admin_session";

/** The sandbox's test subscribers (lib/sandbox/registry.ts). Only the orders spec pays as Bertil. */
export const ASTRID = "46700643933";
export const BERTIL = "46701234567";

export const SHOP_TIME_ZONE = "Europe/Stockholm";

/**
 * The address a test's browser signs in from. The lockout counts failed sign-ins per address, and the end-to-end
 * server trusts one proxy (TRUSTED_PROXY_COUNT=1 in playwright.config.ts), so the right-most X-Forwarded-For entry
 * is the client: every test, in every project, repetition and retry, sends an address of its own, and one test's
 * wrong passwords never lock another out.
 */
export function adminAddress(testInfo: Pick<TestInfo, "project" | "titlePath" | "repeatEachIndex" | "retry">, variant = ""): string {
  const key = [testInfo.project.name, ...testInfo.titlePath, testInfo.repeatEachIndex, testInfo.retry, variant].join("\u0000");
  const digest = createHash("sha256").update(key).digest();
  return `10.${digest[0]}.${digest[1]}.${digest[2]}`;
}

export const test = base.extend({
  extraHTTPHeaders: async ({ extraHTTPHeaders }, provide, testInfo) => {
    await provide({ ...extraHTTPHeaders, "x-forwarded-for": adminAddress(testInfo) });
  },
});

export { expect, WRONG_CREDENTIALS_MESSAGE };

export function signInForm(page: Page): Locator {
  return page.getByRole("form", { name: "Sign in" });
}

/**
 * The account's backoff (lib/admin/sign-in.ts): after five failed sign-ins in a row, from any test, nobody's password
 * is checked for a second or more. Tests that sign in meanwhile wait it out and try again, as the merchant would.
 */
const ACCOUNT_BACKOFF = /^Too many failed sign-ins\. Try again later, in (\d+) seconds?\.$/;

/**
 * Presses Sign in with `email` and `password` and waits for the server's answer; again after the account's backoff
 * if it ran.
 */
async function pressSignIn(page: Page, password: string, email = ADMIN_EMAIL): Promise<void> {
  const form = signInForm(page);
  for (let attempt = 1; ; attempt += 1) {
    // A try may have signed in although the form still showed the previous try's backoff message when it was read
    // (the redirect to the dashboard comes after the answer): then there is no form left to fill.
    if (attempt > 1 && new URL(page.url()).pathname !== "/admin/login") return;
    await form.getByLabel("E-mail address").fill(email);
    await form.getByLabel("Password").fill(password);
    const answered = page.waitForResponse((response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/admin/login");
    await form.getByRole("button", { name: "Sign in" }).click();
    await answered;
    // Signed in (the dashboard), or a message in the form.
    const message = async () => (await formError(form).allTextContents()).join("").trim();
    await expect.poll(async () => new URL(page.url()).pathname !== "/admin/login" || (await message()) !== "").toBe(true);
    if (new URL(page.url()).pathname !== "/admin/login") return;
    const backoff = ACCOUNT_BACKOFF.exec(await message());
    if (!backoff || attempt === 4) return;
    await new Promise((resolve) => setTimeout(resolve, Number(backoff[1]) * 1_000 + 250));
  }
}

/**
 * Types an e-mail address (the first owner's unless given) and a password on the sign-in page and presses Sign in;
 * waits for the server's answer, not for a page.
 */
export async function submitPassword(page: Page, password: string, email = ADMIN_EMAIL): Promise<void> {
  await pressSignIn(page, password, email);
  await expect(signInForm(page).getByRole("button", { name: "Sign in" })).toBeEnabled();
}

/** The sign-in page, the first owner's e-mail and password (or `account`'s), and the dashboard. */
export async function signInAsAdmin(page: Page, account: AdminCredentials = FIRST_OWNER): Promise<void> {
  await page.goto("/admin/login");
  await pressSignIn(page, account.password, account.email);
  await page.waitForURL((url) => url.pathname === "/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}

/** Opening `path` lands on the sign-in page instead. */
export async function expectSignInRequired(page: Page, path = "/admin"): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL((url) => url.pathname === "/admin/login");
  await expect(signInForm(page)).toBeVisible();
}

/** An admin form (AdminActionForm) that asks first: its button, then "Yes, …" in the confirmation. */
export async function submitConfirmed(form: Locator, label: string): Promise<void> {
  await form.getByRole("button", { name: label, exact: true }).click();
  await form.getByRole("group", { name: "Confirm" }).getByRole("button", { name: `Yes, ${label.toLowerCase()}` }).click();
}

/** What an admin form answered: its status message (role=status inside the form). */
export function formStatus(form: Locator): Locator {
  return form.getByRole("status");
}

/** What an admin form refused (role=alert inside the form; Next's route announcer is another, empty, alert). */
export function formError(form: Locator): Locator {
  return form.getByRole("alert");
}

export function adminOrderPath(clientInvoiceId: string): string {
  return `/admin/orders/${encodeURIComponent(clientInvoiceId)}`;
}

/** "138,00 kr" → 13800. */
export function minorOf(shopPrice: string): number {
  const digits = shopPrice.replace(/[^\d,]/g, "");
  const [whole = "0", fraction = "00"] = digits.split(",");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

// ---------------------------------------------------------------------------------------------------------------
// Shopper journeys

export type PaidOrder = { clientInvoiceId: string; invoiceReference: string; totalMinor: number; total: string };

/** A product's own SEQR code scanned in the simulated app, Pay on the order page, Pay in the app: a PAID order. */
export async function buyWithProductCode(page: Page, sku: string): Promise<PaidOrder> {
  const product = catalogProduct(sku);
  const total = priceOf(product);
  const { clientInvoiceId } = await scanInApp(page, serviceCode({ product: sku }));
  const invoiceReference = await payOnOrderPage(page, total);
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total });
  return { clientInvoiceId, invoiceReference, totalMinor: product.priceMinor, total };
}

/** Cart → Checkout → delivery details, the checkout's code scanned in the app, Pay, Pay: a PAID order of `quantity` × `sku`. */
export async function buyFromCart(page: Page, sku: string, quantity: number): Promise<PaidOrder> {
  const product = catalogProduct(sku);
  const total = priceOf(product, quantity);
  const clientInvoiceId = await checkoutFromProductPage(page, sku, quantity);
  await giveDeliveryDetails(page);
  const session = await scanInApp(page, serviceCode({ order: clientInvoiceId }));
  expect(session.clientInvoiceId).toBe(clientInvoiceId);
  const invoiceReference = await payOnOrderPage(page, total);
  await chooseInApp(page, "Pay");
  await expectReceipt(page, { clientInvoiceId, total });
  return { clientInvoiceId, invoiceReference, totalMinor: product.priceMinor * quantity, total };
}

/** Signs the simulated app in as another test subscriber (the app's "Switch subscriber" form). */
export async function switchAppSubscriber(page: Page, msisdn: string): Promise<void> {
  await page.goto("/sandbox/app");
  const form = page.getByRole("form", { name: "Switch subscriber" });
  await form.getByLabel("Signed in as").selectOption(msisdn);
  await form.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("region", { name: "Wallet" })).toContainText(msisdn);
}

// ---------------------------------------------------------------------------------------------------------------
// Planted rows, for states no journey reaches in a test's time (a mismatch with SEQR, an order flagged for the
// merchant, more orders than a page holds). Each test removes what it planted.

/** A clientInvoiceId of the shop's shape (22 URL-safe characters), never starting with "-" (no CSV escaping). */
export function newClientInvoiceId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/** A made-up SEQR invoice reference: 13 digits, as the sandbox's, that SEQR has never issued. */
export function madeUpInvoiceReference(): string {
  return `9${String(randomInt(0, 1_000_000)).padStart(6, "0")}${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
}

export async function plantOrder(
  db: PrismaClient,
  data: { status: "PENDING" | "NEEDS_ATTENTION" | "PAID"; totalMinor: number; attentionReason?: string; customerMsisdn?: string; paidAt?: Date },
) {
  return db.order.create({
    data: {
      number: await nextOrderNumber(db),
      clientInvoiceId: newClientInvoiceId(),
      currency: "SEK",
      taxMinor: Math.round(data.totalMinor / 5),
      status: data.status,
      totalMinor: data.totalMinor,
      attentionReason: data.attentionReason ?? null,
      customerMsisdn: data.customerMsisdn ?? null,
      paidAt: data.paidAt ?? null,
    },
  });
}

/** Removes planted orders (and their payment attempts); they have no events, so nothing else refers to them. */
export async function removePlantedOrders(db: PrismaClient, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await db.paymentAttempt.deleteMany({ where: { orderId: { in: orderIds } } });
  await db.order.deleteMany({ where: { id: { in: orderIds } } });
}

// ---------------------------------------------------------------------------------------------------------------
// Dates and files

/** The shop's date (YYYY-MM-DD in Europe/Stockholm) that `at` falls on. */
export function stockholmDate(at = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: SHOP_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** YYYY-MM-DD ± days, on the calendar. */
export function addCalendarDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** A CSV as arrays of fields: the header first. */
export function parseCsv(text: string): string[][] {
  return parse(text, { skip_empty_lines: true }) as string[][];
}
