import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import AxeBuilder from "@axe-core/playwright";
import { hash } from "@node-rs/argon2";
import type { Page, TestInfo } from "@playwright/test";
import { TOTP } from "otpauth";

import { OWNER_ONLY_MESSAGE, OWNER_ONLY_PAGE_MESSAGE } from "@/lib/admin/guard-messages";
import { WRONG_CODE_MESSAGE } from "@/lib/admin/sign-in-messages";

import {
  adminOrderPath,
  expect,
  madeUpInvoiceReference,
  plantOrder,
  removePlantedOrders,
  signInAsAdmin,
  signInForm,
  test,
} from "./support/admin";
import { openShopDatabase } from "./support/shop-db";

// More than one person in the admin, in Chromium on a desktop and on a 390 px phone: the owner adds a staff member
// on the Staff page and hands over the password made for them; the staff member signs in as themselves, has no
// Staff page and cannot refund, not even by posting the refund action by hand; and a person switches two-factor
// sign-in on by scanning the QR code (the code is computed here with otpauth, as an authenticator app would),
// after which signing in asks for a code, opens nothing else until it is given, and takes each code once.

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

/** An e-mail address of this test's own, in every project, repetition and retry. */
function uniqueEmail(testInfo: TestInfo, who: string): string {
  return `${who}-${testInfo.project.name}-${testInfo.repeatEachIndex}-${testInfo.retry}-${randomBytes(4).toString("hex")}@example.se`;
}

function adminNav(page: Page) {
  return page.getByRole("navigation", { name: "Admin" });
}

/** axe-core finds no WCAG 2.2 A/AA violation in the page's main content. */
async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).include("main").withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const found = results.violations.map((violation) => ({ rule: violation.id, nodes: violation.nodes.map((node) => node.target.join(" ")) }));
  expect(found, `axe on ${where}`).toEqual([]);
}

/** Nothing on the page is wider than the screen (no sideways scrolling on a phone). */
async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `sideways scroll on ${where}`).toBeLessThanOrEqual(0);
}

/**
 * The id Next gave a Server Action in this build (its server-reference manifest), so that a test can post it by
 * hand, as someone could who copied another person's form.
 */
function serverActionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.resolve(".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === file && entry.exportedName === exportedName);
  if (!found) throw new Error(`no Server Action ${exportedName} of ${file} in this build`);
  return found[0];
}

/** Types an e-mail address and password on the sign-in page and presses Sign in (the code page may come next). */
async function typeCredentials(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/admin/login");
  const form = signInForm(page);
  await form.getByLabel("E-mail address").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("form", { name: "Sign out" }).getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/admin/login");
}

test("the owner adds a staff member, who signs in as themselves, has no Staff page and cannot refund", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  // A paid order with a payment SEQR took (planted: only the refund's refusal matters here, and SEQR is not asked).
  const order = await plantOrder(db, { status: "PAID", totalMinor: 24_900, paidAt: new Date() });
  await db.paymentAttempt.create({
    data: {
      orderId: order.id,
      state: "SENT",
      invoiceReference: madeUpInvoiceReference(),
      seqrStatus: "PAID",
      ersReference: `9${randomBytes(6).toString("hex")}`,
      amountMinor: 24_900,
      currency: "SEK",
      finalizedAt: new Date(),
    },
  });
  const name = `Sam Staff ${randomBytes(2).toString("hex")}`;
  const email = uniqueEmail(testInfo, "sam");
  try {
    // The owner: their name and role in the header, and the Staff page in the menu.
    await signInAsAdmin(page);
    await expect(page.getByTestId("signed-in-as")).toHaveText("Owner (Owner)");
    await adminNav(page).getByRole("link", { name: "Staff" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Staff" })).toBeVisible();

    const add = page.getByRole("form", { name: "Add a person" });
    await add.getByLabel("Name").fill(name);
    await add.getByLabel("E-mail address").fill(email);
    await add.getByLabel("Role").selectOption("STAFF");
    // No password given: one is made, and shown this once.
    await add.getByRole("button", { name: "Add person" }).click();
    await expect(add.getByRole("status")).toContainText(`Added ${name} (Staff). They sign in with ${email}`);
    const password = (await add.getByTestId("generated-password").textContent()) ?? "";
    expect(password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    const row = page.getByTestId("person").filter({ hasText: email });
    await expect(row).toContainText(name);
    await expect(row).toContainText("Staff");
    await expect(row).toContainText("Can sign in");
    await expectAccessible(page, "the staff page");
    await expectNoSidewaysScroll(page, "the staff page");
    // The password exists only as its hash.
    const account = await db.adminAccount.findUniqueOrThrow({ where: { email } });
    expect(account).toMatchObject({ name, role: "STAFF", passwordFromSetting: false });
    expect(account.passwordHash).toMatch(/^\$argon2id\$/);
    await signOut(page);

    // The staff member, with the password they were given.
    await signInAsAdmin(page, { email, password });
    await expect(page.getByTestId("signed-in-as")).toHaveText(`${name} (Staff)`);
    await expect(adminNav(page).getByRole("link", { name: "Orders" })).toBeVisible();
    await expect(adminNav(page).getByRole("link", { name: "Staff" })).toHaveCount(0);
    await page.goto("/admin/staff");
    await expect(page.getByRole("heading", { level: 1, name: OWNER_ONLY_PAGE_MESSAGE })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    await expect(page.getByText(email)).toHaveCount(0);
    await expectAccessible(page, "the owner-only notice");

    // The order: figures, but no refund form.
    await page.goto(adminOrderPath(order.clientInvoiceId));
    await expect(page.getByTestId("refund-owner-only")).toHaveText("Only an owner can refund.");
    await expect(page.getByRole("button", { name: /^Refund/ })).toHaveCount(0);

    // The refund action posted by hand with the staff member's cookie: refused, nothing written.
    const refundActionId = serverActionId("app/(admin)/admin/(console)/orders/[clientInvoiceId]/actions.ts", "refundAction");
    const attempt = await db.paymentAttempt.findFirstOrThrow({ where: { orderId: order.id } });
    const posted = await page.request.post(adminOrderPath(order.clientInvoiceId), {
      headers: { "Next-Action": refundActionId, Origin: new URL(page.url()).origin, Accept: "text/x-component" },
      // React's encoding of the action's arguments (previous state, the form): [null, FormData] with the form's
      // fields under "1_".
      multipart: {
        "0": JSON.stringify([null, "$K1"]),
        "1_clientInvoiceId": order.clientInvoiceId,
        "1_paymentAttemptId": attempt.id,
        "1_requestKey": randomUUID(),
        "1_mode": "amount",
        "1_amount": "249,00",
      },
    });
    expect(posted.status()).toBe(200);
    expect(await posted.text()).toContain(OWNER_ONLY_MESSAGE);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(0);
    expect(await db.paymentEvent.count({ where: { orderId: order.id } })).toBe(0);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "PAID", refundedMinor: 0 });
  } finally {
    await removePlantedOrders(db, [order.id]);
  }
});

test("two-factor sign-in: switched on by scanning the QR code, then a code after the password, each code once", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const email = uniqueEmail(testInfo, "tova");
  const password = `tovas-password-${randomBytes(4).toString("hex")}`;
  await db.adminAccount.create({
    data: { email, name: "Tova Tvåsteg", role: "OWNER", passwordHash: await hash(password), passwordFromSetting: false },
  });

  await signInAsAdmin(page, { email, password });
  await adminNav(page).getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(page.getByTestId("two-factor-state")).toContainText("Off.");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();

  // The QR code (drawn on the server) and its key as text: what the app is given.
  const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
  await expect(qr).toBeVisible();
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replaceAll(" ", "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expectAccessible(page, "the account page while setting up two-factor sign-in");
  await expectNoSidewaysScroll(page, "the account page");
  const app = new TOTP({ issuer: "Fjällbo", label: email, secret, algorithm: "SHA1", digits: 6, period: 30 });

  const confirm = page.getByRole("form", { name: "Turn on two-factor sign-in" });
  await confirm.getByLabel("Code from the app").fill(app.generate());
  await confirm.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByTestId("two-factor-state")).toContainText("On since");
  await expect(page.getByTestId("totp-secret")).toHaveCount(0);
  await signOut(page);

  // The password alone opens only the code page.
  await typeCredentials(page, email, password);
  await page.waitForURL((url) => url.pathname === "/admin/login/code");
  await expect(page.getByText(`Signing in as ${email}`)).toBeVisible();
  await expectAccessible(page, "the code page");
  for (const elsewhere of ["/admin", "/admin/orders", "/admin/account"]) {
    await page.goto(elsewhere);
    await expect(page, elsewhere).toHaveURL((url) => url.pathname === "/admin/login/code");
  }
  const codeForm = page.getByRole("form", { name: "Two-factor code" });
  await codeForm.getByLabel("Code").fill("000000");
  await codeForm.getByRole("button", { name: "Sign in" }).click();
  await expect(codeForm.getByRole("alert")).toHaveText(WRONG_CODE_MESSAGE);

  // The next time step's code (the enrolment used this one's), as the app shows it a moment later.
  const code = app.generate({ timestamp: Date.now() + 30_000 });
  await codeForm.getByLabel("Code").fill(code);
  await codeForm.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Tova Tvåsteg (Owner)");
  await signOut(page);

  // The same code again, for a new sign-in: refused. Cancel goes back to the sign-in page.
  await typeCredentials(page, email, password);
  await page.waitForURL((url) => url.pathname === "/admin/login/code");
  await codeForm.getByLabel("Code").fill(code);
  await codeForm.getByRole("button", { name: "Sign in" }).click();
  await expect(codeForm.getByRole("alert")).toHaveText(WRONG_CODE_MESSAGE);
  await page.getByRole("button", { name: "Cancel and sign in again" }).click();
  await page.waitForURL((url) => url.pathname === "/admin/login");
  await page.goto("/admin");
  await expect(page).toHaveURL((url) => url.pathname === "/admin/login");
});
