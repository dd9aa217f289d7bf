import "./support/shop-address";

import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";

import { TOTP } from "otpauth";
import { isValidElement, type ReactElement } from "react";
import { beforeAll, describe, expect, test, vi } from "vitest";

import { OwnerOnly } from "@/app/(admin)/admin/(console)/owner-only";
import { editVersion } from "@/lib/admin/catalog";
import { isOwnerOnlyAction, OWNER_ONLY_MESSAGE, SECOND_FACTOR_PATH } from "@/lib/admin/guard";
import { hashPassword, merchantPasswordHash } from "@/lib/admin/password";
import { reconcileNewPeriod } from "@/lib/admin/reconciliation";
import { createAdminSession } from "@/lib/admin/sessions";
import { newTotpSecret } from "@/lib/admin/totp";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { createOrder } from "@/lib/orders/create-order";

import { solidPng } from "../support/test-pictures";
import { fakeRequest, formData, outcomeOf, requestEffects, routeRequest, type Outcome } from "./support/admin-request";
import { shopHttpServer } from "./support/shop-address";
import { serveShopForThisFile } from "./support/shop-flow";
import { invoicedOrder, payInApp, waitFor, type InvoicedOrder } from "./support/shop-orders";

// Every page, Server Action and route handler under app/(admin), found on disk (not listed by hand, so that a new
// one cannot be forgotten), called as Next would call it with a faked request context: without a session, with a
// session that has ended or never existed, with a session still waiting for its two-factor code, and with a live
// session from another origin, each must send the browser to sign-in (or to the code page, or refuse) and change
// nothing, ask SEQR nothing. A staff member's live session is refused every owner-only action (staff accounts,
// refunds) with nothing changed, and sees only "Only the shop's owner can see this page" on owner-only pages.
// Positive controls show that the same calls do work for a signed-in owner on the shop's own pages, so that the
// refusals are the guard's doing.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

const shop = serveShopForThisFile();

// ---------------------------------------------------------------------------------------------------------------
// Discovery

const ADMIN_ROOT = path.resolve("app/(admin)");
const LOGIN_PATH = "/admin/login";

/** The only page that must answer without a session: the sign-in page itself. */
const PUBLIC_PAGES = ["admin/login/page.tsx"];
/** The only Server Action that needs no session: it makes one. */
const PUBLIC_ACTIONS = ["admin/login/actions.ts#signInAction"];
/** The one page a session waiting for its two-factor code opens (every other sends it there), and its actions. */
const SECOND_FACTOR_PAGE = "admin/login/code/page.tsx";
const SECOND_FACTOR_ACTIONS = ["admin/login/code/actions.ts#verifySignInCodeAction", "admin/login/code/actions.ts#cancelSignInAction"];
/** What only an owner may do (at least these): staff accounts and refunds. */
const EXPECTED_OWNER_ONLY_ACTIONS = ["refundAction", "addStaffAction", "changeRoleAction", "switchOffAction", "switchOnAction"];
const EXPECTED_OWNER_ONLY_PAGES = ["admin/(console)/staff/page.tsx"];
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

const sourceFiles = fs
  .readdirSync(ADMIN_ROOT, { recursive: true, encoding: "utf8" })
  .map((relative) => relative.split(path.sep).join("/"))
  .filter((relative) => /\.(?:ts|tsx|js|jsx|mjs)$/.test(relative) && fs.statSync(path.join(ADMIN_ROOT, relative)).isFile())
  .sort();

function sourceOf(relative: string): string {
  return fs.readFileSync(path.join(ADMIN_ROOT, relative), "utf8");
}

/** Whether the module's first statement is the "use server" directive (comments and blank lines may precede it). */
function startsWithUseServer(source: string): boolean {
  const code = source.replace(/^(?:\s+|\/\/[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, "");
  return /^["']use server["']/.test(code);
}

const pageFiles = sourceFiles.filter((relative) => /(?:^|\/)page\.(?:tsx?|jsx?)$/.test(relative));
const routeFiles = sourceFiles.filter((relative) => /(?:^|\/)route\.(?:ts|js|mjs)$/.test(relative));
const actionFiles = sourceFiles.filter(
  (relative) => /(?:^|\/)actions\.(?:tsx?|jsx?)$/.test(relative) || startsWithUseServer(sourceOf(relative)),
);

type Exported = { id: string; file: string; name: string; fn: (...args: never[]) => unknown };

async function exportedFunctions(files: string[], keep: (name: string) => boolean = () => true): Promise<Exported[]> {
  const found: Exported[] = [];
  for (const file of files) {
    const loaded = (await import(path.join(ADMIN_ROOT, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(loaded)) {
      if (typeof value === "function" && keep(name)) {
        found.push({ id: `${file}#${name}`, file, name, fn: value as Exported["fn"] });
      }
    }
  }
  return found;
}

// Pages: the default export and anything else callable (generateMetadata…) runs before the merchant sees data.
const pageExports = await exportedFunctions(pageFiles);
const actionExports = await exportedFunctions(actionFiles);
const routeExports = await exportedFunctions(routeFiles, (name) => HTTP_METHODS.includes(name));

const guardedPages = pageExports.filter((page) => !PUBLIC_PAGES.includes(page.file));
const guardedActions = actionExports.filter((action) => !PUBLIC_ACTIONS.includes(action.id));
/** Everything but the code page and its actions: what a session waiting for its code must not open. */
const consolePages = guardedPages.filter((page) => page.file !== SECOND_FACTOR_PAGE);
const consoleActions = guardedActions.filter((action) => !SECOND_FACTOR_ACTIONS.includes(action.id));
/** Owner-only actions are marked by adminAction's { ownerOnly: true }; owner-only pages call requireOwnerPage(). */
const ownerOnlyActions = consoleActions.filter((action) => isOwnerOnlyAction(action.fn));
const ownerOnlyPages = consolePages.filter((page) => page.name === "default" && /\brequireOwnerPage\(/.test(sourceOf(page.file)));

/** The URL Next serves a file under app/(admin) at: route groups dropped, [segments] filled in. */
function urlPathOf(file: string, params: Record<string, string>): string {
  const segments = path.posix
    .dirname(file)
    .split("/")
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => {
      const dynamic = /^\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}$/.exec(segment);
      return dynamic ? encodeURIComponent(params[dynamic[1] ?? ""] ?? "x") : segment;
    });
  return `/${segments.join("/")}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The shop's real targets: a paid order (refund, receipt) and an order with a live invoice (cancel)

const shopUrl = new URL(env.publicBaseUrl);
const HOST = shopUrl.host;
const SAME_ORIGIN = shopUrl.origin;
const ADMIN_ADDRESS = "198.51.100.20";

type PaidTarget = InvoicedOrder & { attemptId: string; ersReference: string };
let paid: PaidTarget;
let live: InvoicedOrder;
/** An order nobody has paid, for endOrderAction (a paid order is refunded, not ended). */
let unpaid: { clientInvoiceId: string };
/** A refund SEQR never answered, for settleRefundAction. */
let unsettledRefund: string;
/** A message the outbox worker gave up on, for resendMessageAction. */
let deadMessage: string;
/** A paid order the customer collects at the shop, for markPickedUpAction (`paid` is sent: markShippedAction). */
let pickup: { clientInvoiceId: string };

// The people: an owner who acts in the positive control (so that changing their own password or two-factor
// sign-in touches nobody else), a staff member refused what only owners may do, and a staff account the owner's
// staff forms act on.
const WALKER_OWNER = { id: "walker-owner", email: "walker-owner@example.se", name: "Walker Owner", password: "walker-owner-password-1" };
const STAFF = { id: "walker-staff", email: "walker-staff@example.se", name: "Walker Staff" };
const TARGET = { id: "walker-target", email: "walker-target@example.se", name: "Walker Target" };

/** Every SOAP request SEQR (the sandbox on this file's shop server) receives. */
let soapRequests = 0;
shopHttpServer.on("request", (request: IncomingMessage) => {
  if (request.url?.startsWith("/sandbox/soap")) soapRequests += 1;
});

beforeAll(async () => {
  // The guard makes sure of the merchant's account (its hash of ADMIN_PASSWORD) at its first call, once per process:
  // done here, so that the walk below starts from a settled account and any change is the walk's doing.
  await merchantPasswordHash();
  // Reports are ready at once, so that reconciliation in the positive control does not wait for the sandbox.
  expect((await shop.server.api("PUT", "/config", { reportDelayMs: 0 })).status).toBe(200);

  const order = await invoicedOrder(shop.server);
  await payInApp(shop.server, order);
  const attempt = await waitFor("the paid order", async () => {
    const found = await db.paymentAttempt.findFirst({ where: { orderId: order.orderId, seqrStatus: "PAID" } });
    const status = (await db.order.findUniqueOrThrow({ where: { id: order.orderId } })).status;
    return found?.ersReference && status === "PAID" ? found : undefined;
  });
  paid = { ...order, attemptId: attempt.id, ersReference: attempt.ersReference ?? "" };
  await db.order.update({
    where: { id: order.orderId },
    data: {
      customerEmail: "astrid@example.se",
      deliveryMethod: "SHIP",
      deliveryName: "Astrid Andersson",
      deliveryStreet: "Storgatan 1",
      deliveryPostcode: "111 22",
      deliveryCity: "Stockholm",
      deliveryCountry: "SE",
    },
  });
  const collected = await invoicedOrder(shop.server);
  await payInApp(shop.server, collected);
  await waitFor("the paid pickup order", async () => (await db.order.findUniqueOrThrow({ where: { id: collected.orderId } })).status === "PAID" || undefined);
  await db.order.update({ where: { id: collected.orderId }, data: { customerEmail: "bertil@example.se", deliveryMethod: "PICKUP" } });
  pickup = collected;
  live = await invoicedOrder(shop.server);
  unpaid = await createOrder({ lines: [{ productId: live.productId, quantity: 1 }], source: "CART", trigger: "checkout" });
  // Made ten minutes ago and never answered; this reconciliation covers its time without listing it, so the
  // positive control's later period releases it (settleRefundAction).
  const unsettled = await db.refund.create({
    data: {
      orderId: order.orderId,
      paymentAttemptId: attempt.id,
      requestKey: "admin-access-unsettled",
      amountMinor: 150,
      currency: attempt.currency,
      status: "UNKNOWN",
      createdAt: new Date(Date.now() - 10 * 60_000),
    },
  });
  unsettledRefund = unsettled.id;
  // No outbox worker runs here: the paid order's new-order e-mail waits; set aside as the worker would after its last try.
  const message = await db.outboxMessage.update({
    where: { dedupeKey: `MERCHANT_NEW_ORDER:${order.orderId}` },
    data: { status: "DEAD", attempts: 8, lastError: "Message failed: 451 try again later" },
  });
  deadMessage = message.id;
  await reconcileNewPeriod();

  const passwordHash = await hashPassword(WALKER_OWNER.password);
  for (const [person, role] of [
    [WALKER_OWNER, "OWNER"],
    [STAFF, "STAFF"],
    [TARGET, "STAFF"],
  ] as const) {
    await db.adminAccount.create({ data: { id: person.id, email: person.email, name: person.name, role, passwordHash, passwordFromSetting: false } });
  }
});

/** A current code for the account's two-factor secret (set up or switched on), as the person's app would show. */
async function currentCode(accountId: string): Promise<string> {
  const { totpSecret } = await db.adminAccount.findUniqueOrThrow({ where: { id: accountId }, select: { totpSecret: true } });
  return totpSecret ? new TOTP({ secret: totpSecret }).generate() : "000000";
}

/** Plausible form fields for every admin action, aimed at real rows, as the admin's pages send. */
async function formFor(action: Exported): Promise<FormData> {
  const latestRun = await db.reconciliationRun.findFirst({ where: { transactionPeriodId: { not: null } }, orderBy: { createdAt: "desc" } });
  const target = await db.adminAccount.findUniqueOrThrow({ where: { id: TARGET.id }, select: { role: true } });
  const newPassword = `walker-new-password-${randomUUID()}`;
  // The catalog's forms (products/actions.ts): Retire aims at a product of its own, the others at the birch board.
  const product = await db.product.findUniqueOrThrow({ where: { sku: action.name === "retireProductAction" ? "ENAMEL-KETTLE" : "BIRCH-BOARD-L" } });
  const form = formData({
    clientInvoiceId:
      action.name === "cancelInvoiceAction"
        ? live.clientInvoiceId
        : action.name === "endOrderAction"
          ? unpaid.clientInvoiceId
          : action.name === "markPickedUpAction"
            ? pickup.clientInvoiceId
            : paid.clientInvoiceId,
    paymentAttemptId: paid.attemptId,
    amount: "1,00",
    requestKey: randomUUID(),
    reason: "admin access test",
    runId: latestRun?.id ?? "cmrun0000000000000000000",
    refundId: unsettledRefund,
    messageId: deadMessage,
    // markShippedAction
    carrier: "PostNord",
    trackingNumber: "00370712345678901234",
    trackingUrl: "",
    // signInAction: the right e-mail and password, so that only the origin check can stop it (addStaffAction: the
    // new person's e-mail and initial password).
    email: action.name === "addStaffAction" ? `walker-${randomUUID()}@example.se` : env.admin.email,
    password: env.admin.password,
    // The staff page: the account to change and its new role (addStaffAction: the new person's role).
    role: action.name === "changeRoleAction" ? (target.role === "OWNER" ? "STAFF" : "OWNER") : "STAFF",
    accountId: TARGET.id,
    // The account page (the positive control's owner: WALKER_OWNER).
    currentPassword: WALKER_OWNER.password,
    newPassword,
    repeatPassword: newPassword,
    code: await currentCode(WALKER_OWNER.id),
    // The catalog's forms
    productId: product.id,
    version: editVersion(product),
    sku: `ACCESS-${randomUUID().slice(0, 8).toUpperCase()}`,
    name: "Birch cutting board, large (admin access test)",
    description: product.description,
    price: "449,00",
    taxRate: "25",
    active: "on",
    stock: String(product.stock + 1),
    shownStock: String(product.stock),
    change: "2",
  });
  form.set("picture", new File([solidPng(4, 4)], "board.png", { type: "image/png" }));
  return form;
}

/**
 * What the positive control sets up before an action, so that the action has something to do: the walker owner's
 * known password, two-factor sign-in off, being set up or on, the target account switched on or off.
 */
const preparations: Record<string, () => Promise<unknown>> = {
  changePasswordAction: async () =>
    db.adminAccount.update({ where: { id: WALKER_OWNER.id }, data: { passwordHash: await hashPassword(WALKER_OWNER.password) } }),
  startTwoFactorAction: () => db.adminAccount.update({ where: { id: WALKER_OWNER.id }, data: { totpSecret: null, totpEnabledAt: null } }),
  cancelTwoFactorAction: () =>
    db.adminAccount.update({ where: { id: WALKER_OWNER.id }, data: { totpSecret: newTotpSecret(), totpEnabledAt: null, totpLastStep: null } }),
  confirmTwoFactorAction: () =>
    db.adminAccount.update({ where: { id: WALKER_OWNER.id }, data: { totpSecret: newTotpSecret(), totpEnabledAt: null, totpLastStep: null } }),
  turnOffTwoFactorAction: () =>
    db.adminAccount.update({ where: { id: WALKER_OWNER.id }, data: { totpSecret: newTotpSecret(), totpEnabledAt: new Date(), totpLastStep: null } }),
  switchOffAction: () => db.adminAccount.update({ where: { id: TARGET.id }, data: { disabledAt: null } }),
  switchOnAction: () => db.adminAccount.update({ where: { id: TARGET.id }, data: { disabledAt: new Date() } }),
};

/** Props Next passes to a page, aimed at the paid order (and a product of the catalog). */
function pageProps() {
  return { params: Promise.resolve({ clientInvoiceId: paid.clientInvoiceId, sku: "BIRCH-BOARD-L" }), searchParams: Promise.resolve({}) };
}

/** Everything an admin page, action or route could change, in the shop and in SEQR (the sandbox). */
async function worldSnapshot(options: { ignoreSession?: string } = {}) {
  return {
    orders: await db.order.findMany({ select: { id: true, status: true, refundedMinor: true, updatedAt: true }, orderBy: { id: "asc" } }),
    attempts: await db.paymentAttempt.findMany({ select: { id: true, seqrStatus: true, cancelReason: true }, orderBy: { id: "asc" } }),
    paymentEvents: await db.paymentEvent.count(),
    refunds: await db.refund.count(),
    reconciliationRuns: await db.reconciliationRun.findMany({ select: { id: true, status: true }, orderBy: { id: "asc" } }),
    outbox: await db.outboxMessage.count(),
    products: await db.product.findMany({ select: { id: true, name: true, priceMinor: true, stock: true, active: true, retiredAt: true, imagePath: true }, orderBy: { id: "asc" } }),
    catalogChanges: await db.catalogChange.count(),
    productImages: await db.productImage.count(),
    adminSessions: await db.adminSession.findMany({ where: { id: { not: options.ignoreSession } }, orderBy: { id: "asc" } }),
    adminAccounts: await db.adminAccount.findMany({ orderBy: { id: "asc" } }),
    signInAttempts: await db.adminSignInAttempt.count(),
    sandbox: {
      invoices: await db.sandboxInvoice.findMany({ select: { reference: true, status: true }, orderBy: { reference: "asc" } }),
      refunds: await db.sandboxRefund.count(),
      receipts: await db.sandboxReceiptDocument.count(),
      periods: await db.sandboxTransactionPeriod.count(),
    },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A live session for the first owner (or `accountId`); its cookie value. */
async function liveSession(accountId?: string): Promise<string> {
  return createAdminSession({ address: ADMIN_ADDRESS, userAgent: "admin-access test", ...(accountId ? { accountId } : {}) });
}

/** A session whose password was checked and whose two-factor code is still to come. */
async function awaitingCodeSession(): Promise<string> {
  return createAdminSession({ address: ADMIN_ADDRESS, userAgent: "admin-access test", accountId: WALKER_OWNER.id, awaitingSecondFactor: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Calling them

async function callPage(page: Exported): Promise<Outcome> {
  return outcomeOf(() => (page.fn as (props: ReturnType<typeof pageProps>) => unknown)(pageProps()));
}

async function callAction(action: Exported): Promise<Outcome> {
  const form = await formFor(action);
  return outcomeOf(() => (action.fn as (previous: null, form: FormData) => unknown)(null, form));
}

async function callRoute(route: Exported): Promise<Response> {
  const url = `${SAME_ORIGIN}${urlPathOf(route.file, { clientInvoiceId: paid.clientInvoiceId })}?q=${paid.clientInvoiceId}`;
  const handler = route.fn as (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  return handler(routeRequest(url, route.name), { params: Promise.resolve({ clientInvoiceId: paid.clientInvoiceId }) });
}

/** A route handler's answer to a caller who is not signed in: sent to sign-in (or 401), nothing of the shop's data. */
async function expectSignInAnswer(route: Exported, response: Response): Promise<void> {
  const body = await response.text();
  if (response.status === 401) {
    expect(body, route.id).not.toContain(paid.clientInvoiceId);
  } else {
    expect({ route: route.id, status: response.status }).toEqual({ route: route.id, status: 303 });
    expect(new URL(response.headers.get("location") ?? "", SAME_ORIGIN).pathname, route.id).toBe(LOGIN_PATH);
    expect(body, route.id).toBe("");
  }
  expect(response.headers.get("set-cookie"), route.id).toBeNull();
}

/** Runs `call` and checks that the world (shop, SEQR, sessions), the cookies and the cache are as they were. */
async function withoutEffects<T>(what: string, call: () => Promise<T>, options: { ignoreSession?: string } = {}): Promise<T> {
  const before = await worldSnapshot(options);
  const soapBefore = soapRequests;
  const result = await call();
  expect(await worldSnapshot(options), `${what} changed something`).toEqual(before);
  expect(soapRequests - soapBefore, `${what} asked SEQR`).toBe(0);
  expect(requestEffects().revalidated, `${what} revalidated`).toEqual([]);
  expect(requestEffects().cookieWrites, `${what} wrote cookies`).toEqual([]);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------

describe("the walker", () => {
  test("finds every page, Server Action and route handler under app/(admin), and only the sign-in ones are public", () => {
    expect(pageFiles.length).toBeGreaterThanOrEqual(6);
    expect(guardedPages.length).toBeGreaterThanOrEqual(5);
    expect(guardedActions.length).toBeGreaterThanOrEqual(7);
    expect(routeExports.length).toBeGreaterThanOrEqual(1);
    expect(pageExports.filter((page) => page.name === "default").map((page) => page.file)).toEqual(pageFiles);
    expect(routeExports.map((route) => route.id)).toContain("admin/(console)/orders/export/route.ts#GET");
    expect(routeExports.map((route) => route.id)).toContain("admin/(console)/reports/export/route.ts#GET");
    expect(pageFiles).toContain("admin/(console)/reports/page.tsx");
    expect(pageFiles).toContain("admin/(console)/orders/[clientInvoiceId]/packing-slip/page.tsx");
    expect(guardedActions.map((action) => action.name)).toEqual(
      expect.arrayContaining([
        "signOutAction",
        "refreshOrderAction",
        "cancelInvoiceAction",
        "endOrderAction",
        "sendReceiptAction",
        "refundAction",
        "reconcileAction",
        "refetchReportAction",
        "settleRefundAction",
        "markShippedAction",
        "markPickedUpAction",
        "changePasswordAction",
        "startTwoFactorAction",
        "cancelTwoFactorAction",
        "confirmTwoFactorAction",
        "turnOffTwoFactorAction",
        ...EXPECTED_OWNER_ONLY_ACTIONS,
      ]),
    );
    expect(pageFiles).toEqual(expect.arrayContaining([SECOND_FACTOR_PAGE, "admin/(console)/account/page.tsx", ...EXPECTED_OWNER_ONLY_PAGES]));
    expect(guardedActions.map((action) => action.id)).toEqual(expect.arrayContaining(SECOND_FACTOR_ACTIONS));
    // Staff accounts and refunds are an owner's alone: marked so, where the guard refuses anyone else.
    expect(ownerOnlyActions.map((action) => action.name)).toEqual(expect.arrayContaining(EXPECTED_OWNER_ONLY_ACTIONS));
    expect(ownerOnlyPages.map((page) => page.file)).toEqual(expect.arrayContaining(EXPECTED_OWNER_ONLY_PAGES));

    // The exceptions exist (a renamed sign-in would otherwise leave an exception guarding nothing) and are the only ones.
    expect(actionExports.map((action) => action.id).filter((id) => PUBLIC_ACTIONS.includes(id))).toEqual(PUBLIC_ACTIONS);
    expect(pageFiles.filter((file) => PUBLIC_PAGES.includes(file))).toEqual(PUBLIC_PAGES);

    // Every module of Server Actions is a "use server" module whose exports are all actions.
    for (const file of actionFiles) {
      expect(startsWithUseServer(sourceOf(file)), file).toBe(true);
      expect(actionExports.filter((action) => action.file === file).length, file).toBeGreaterThan(0);
    }
    // No action hides inside a component ("use server" in a function body), where the walker could not call it.
    for (const file of sourceFiles) {
      const directives = sourceOf(file).match(/["']use server["']/g) ?? [];
      expect({ file, directives: directives.length }).toEqual({ file, directives: actionFiles.includes(file) ? 1 : 0 });
    }
    // Every route handler module exports only HTTP methods the walker calls (plus Next's route settings).
    for (const file of routeFiles) {
      expect(routeExports.some((route) => route.file === file), file).toBe(true);
    }
  });

  test("nothing served under /admin lives outside app/(admin)", () => {
    const elsewhere = fs
      .readdirSync(path.resolve("app"), { recursive: true, encoding: "utf8" })
      .map((relative) => relative.split(path.sep).join("/"))
      .filter((relative) => !relative.startsWith("(admin)"))
      .filter((relative) => relative.split("/").filter((segment) => !/^\(.*\)$/.test(segment))[0] === "admin");
    expect(elsewhere).toEqual([]);
  });
});

describe("without a session", () => {
  test.each(guardedPages.map((page) => [page.id, page] as const))("page %s sends the browser to sign-in", async (_id, page) => {
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS });
    const outcome = await withoutEffects(page.id, () => callPage(page));
    expect(outcome).toEqual({ kind: "redirect", url: LOGIN_PATH });
  });

  test("the sign-in page itself renders", async () => {
    const login = pageExports.filter((page) => PUBLIC_PAGES.includes(page.file));
    expect(login.length).toBeGreaterThan(0);
    for (const page of login) {
      fakeRequest({ host: HOST });
      const outcome = await withoutEffects(page.id, () => callPage(page));
      expect(outcome.kind, page.id).toBe("returned");
      expect(isValidElement(outcome.kind === "returned" ? outcome.value : null), page.id).toBe(true);
    }
  });

  test.each(guardedActions.map((action) => [action.id, action] as const))(
    "Server Action %s sends the browser to sign-in: nothing changes, SEQR is not asked",
    async (_id, action) => {
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS });
      const outcome = await withoutEffects(action.id, () => callAction(action));
      expect(outcome).toEqual({ kind: "redirect", url: LOGIN_PATH });
    },
  );

  test.each(routeExports.map((route) => [route.id, route] as const))("route %s answers with sign-in and no data", async (_id, route) => {
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS });
    const response = await withoutEffects(route.id, () => callRoute(route));
    await expectSignInAnswer(route, response);
  });
});

/** Cookie values that look like a session and are not one (any more). `session` is the row to expect gone, if any. */
const deadCookies: Record<string, () => Promise<{ cookie: string; session?: string }>> = {
  "a session idle longer than the timeout": async () => {
    const cookie = await liveSession();
    const row = await db.adminSession.findUniqueOrThrow({ where: { tokenHash: sha256(cookie) } });
    await db.adminSession.update({
      where: { id: row.id },
      data: { lastSeenAt: new Date(Date.now() - env.admin.idleTimeoutMs - 1_000) },
    });
    return { cookie, session: row.id };
  },
  "a made-up token": async () => ({ cookie: randomBytes(32).toString("base64url") }),
  "the stored hash of a live session (a leaked database row)": async () => {
    const cookie = await liveSession();
    return { cookie: sha256(cookie) };
  },
  "an empty value": async () => ({ cookie: "" }),
  "an oversized value": async () => ({ cookie: "A".repeat(5_000) }),
};

describe.each(Object.entries(deadCookies))("with %s", (_what, makeCookie) => {
  async function deadRequest(): Promise<string | undefined> {
    const { cookie, session } = await makeCookie();
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
    return session;
  }

  async function expectEnded(session: string | undefined): Promise<void> {
    if (session) expect(await db.adminSession.findUnique({ where: { id: session } })).toBeNull();
  }

  test("every page sends the browser to sign-in", async () => {
    for (const page of guardedPages) {
      const session = await deadRequest();
      const outcome = await withoutEffects(page.id, () => callPage(page), { ignoreSession: session });
      expect({ page: page.id, outcome }).toEqual({ page: page.id, outcome: { kind: "redirect", url: LOGIN_PATH } });
      await expectEnded(session);
    }
  });

  test("every Server Action sends the browser to sign-in and changes nothing", async () => {
    for (const action of guardedActions) {
      const session = await deadRequest();
      const outcome = await withoutEffects(action.id, () => callAction(action), { ignoreSession: session });
      expect({ action: action.id, outcome }).toEqual({ action: action.id, outcome: { kind: "redirect", url: LOGIN_PATH } });
      await expectEnded(session);
    }
  });

  test("every route answers with sign-in and no data", async () => {
    for (const route of routeExports) {
      const session = await deadRequest();
      const response = await withoutEffects(route.id, () => callRoute(route), { ignoreSession: session });
      await expectSignInAnswer(route, response);
      await expectEnded(session);
    }
  });
});

describe("a live session, but the form does not come from the shop's own pages", () => {
  const otherOrigins: Record<string, { origin: string | null; forwardedHost?: string }> = {
    "another site": { origin: "https://evil.example" },
    "no Origin header": { origin: null },
    "an opaque origin (null)": { origin: "null" },
    "the shop's host name on another port": { origin: `${shopUrl.protocol}//${shopUrl.hostname}:${Number(shopUrl.port || 80) + 1}` },
    "a look-alike host": { origin: `${shopUrl.protocol}//${shopUrl.hostname}.evil.example${shopUrl.port ? `:${shopUrl.port}` : ""}` },
    "another site, behind a proxy that reports the shop's public host": { origin: "https://evil.example", forwardedHost: "shop.example" },
    "not a URL": { origin: "shop" },
  };

  test.each(Object.entries(otherOrigins))("%s: every Server Action, sign-in included, is refused", async (_what, request) => {
    const cookie = await liveSession();
    for (const action of actionExports) {
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie, ...request });
      const outcome = await withoutEffects(action.id, () => callAction(action));
      expect({ action: action.id, outcome }).toEqual({
        action: action.id,
        outcome: { kind: "returned", value: { ok: false, error: expect.stringMatching(/shop's own admin pages/) } },
      });
    }
  });
});

describe("a session still waiting for its two-factor code (the password was right, the code is to come)", () => {
  test.each(consolePages.map((page) => [page.id, page] as const))("page %s sends the browser to the code page", async (_id, page) => {
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: await awaitingCodeSession() });
    const outcome = await withoutEffects(page.id, () => callPage(page));
    expect(outcome).toEqual({ kind: "redirect", url: SECOND_FACTOR_PATH });
  });

  test.each(consoleActions.map((action) => [action.id, action] as const))(
    "Server Action %s sends the browser to the code page: nothing changes, SEQR is not asked",
    async (_id, action) => {
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: await awaitingCodeSession() });
      const outcome = await withoutEffects(action.id, () => callAction(action));
      expect(outcome).toEqual({ kind: "redirect", url: SECOND_FACTOR_PATH });
    },
  );

  test.each(routeExports.map((route) => [route.id, route] as const))("route %s answers with sign-in and no data", async (_id, route) => {
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: await awaitingCodeSession() });
    const response = await withoutEffects(route.id, () => callRoute(route));
    await expectSignInAnswer(route, response);
  });

  test("the code page renders for it, and the sign-in page lets it start again", async () => {
    for (const file of [SECOND_FACTOR_PAGE, ...PUBLIC_PAGES]) {
      const page = pageExports.find((candidate) => candidate.file === file && candidate.name === "default");
      if (!page) throw new Error(`${file} was not found`);
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: await awaitingCodeSession() });
      const outcome = await withoutEffects(page.id, () => callPage(page));
      expect({ page: page.id, kind: outcome.kind }).toEqual({ page: page.id, kind: "returned" });
    }
  });
});

describe("a staff member's live session", () => {
  test.each(ownerOnlyActions.map((action) => [action.id, action] as const))(
    "owner-only Server Action %s is refused: nothing changes, SEQR is not asked",
    async (_id, action) => {
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: await liveSession(STAFF.id) });
      await preparations[action.name]?.();
      const outcome = await withoutEffects(action.id, () => callAction(action));
      expect(outcome).toEqual({ kind: "returned", value: { ok: false, error: OWNER_ONLY_MESSAGE } });
    },
  );

  test.each(ownerOnlyPages.map((page) => [page.id, page] as const))(
    "owner-only page %s shows only that it is an owner's, with no data",
    async (_id, page) => {
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: await liveSession(STAFF.id) });
      const outcome = await withoutEffects(page.id, () => callPage(page));
      if (outcome.kind !== "returned" || !isValidElement(outcome.value)) throw new Error(`${page.id}: ${JSON.stringify(outcome)}`);
      // The notice, and nothing handed to it: OwnerOnly takes no props, so it can show no data.
      const element = outcome.value as ReactElement<Record<string, unknown>>;
      expect(element.type).toBe(OwnerOnly);
      expect(element.props).toEqual({});
    },
  );

  test("every other admin page renders for staff, and their order actions work", async () => {
    const cookie = await liveSession(STAFF.id);
    for (const page of consolePages.filter((candidate) => candidate.name === "default" && !ownerOnlyPages.includes(candidate))) {
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
      const outcome = await callPage(page);
      expect({ page: page.id, kind: outcome.kind }).toEqual({ page: page.id, kind: "returned" });
      if (outcome.kind === "returned") expect((outcome.value as ReactElement).type, page.id).not.toBe(OwnerOnly);
    }
    const refresh = consoleActions.find((action) => action.name === "refreshOrderAction");
    if (!refresh) throw new Error("refreshOrderAction was not found");
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
    expect(await callAction(refresh)).toEqual({ kind: "returned", value: { ok: true, data: { message: expect.any(String) } } });
    // The timeline names the staff member.
    expect(await db.paymentEvent.count({ where: { orderId: paid.orderId, type: "ADMIN_ACTION", actorAccountId: STAFF.id, actorName: STAFF.name } })).toBe(1);
  });
});

describe("positive control: signed in, on the shop's own pages", () => {
  test("every admin page renders for a live session; the sign-in and code pages send it on to /admin", async () => {
    const cookie = await liveSession();
    for (const page of pageExports.filter((candidate) => candidate.name === "default")) {
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
      const outcome = await callPage(page);
      if (PUBLIC_PAGES.includes(page.file) || page.file === SECOND_FACTOR_PAGE) {
        expect({ page: page.id, outcome }).toEqual({ page: page.id, outcome: { kind: "redirect", url: "/admin" } });
      } else {
        expect({ page: page.id, kind: outcome.kind }).toEqual({ page: page.id, kind: "returned" });
        expect(isValidElement(outcome.kind === "returned" ? outcome.value : null), page.id).toBe(true);
      }
    }
  });

  test("the CSV export answers with the orders for a live session", async () => {
    const cookie = await liveSession();
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
    const route = routeExports.find((candidate) => candidate.id === "admin/(console)/orders/export/route.ts#GET");
    if (!route) throw new Error("the export route was not found");
    const response = await callRoute(route);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(await response.text()).toContain(paid.clientInvoiceId);
  });

  test("the period report's CSV answers with today's books for a live session", async () => {
    const cookie = await liveSession();
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
    const route = routeExports.find((candidate) => candidate.id === "admin/(console)/reports/export/route.ts#GET");
    if (!route) throw new Error("the report export route was not found");
    const response = await callRoute(route);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await response.arrayBuffer());
    // A UTF-8 byte order mark first (Swedish Excel reads the file as UTF-8 only then); the paid order was paid today.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8")).toMatch(/^Period;[^\n]*\r\n\d{4}-\d\d-\d\d;[^\n]*;SEK;Sales;[1-9]/);
  });

  test("the very forms the walker sent act for a live session (each action either changes the shop or asks SEQR)", async () => {
    // An owner's session of its own for each form: changing one's password moves the session to a new token.
    for (const action of consoleActions.filter((candidate) => candidate.name !== "signOutAction")) {
      await preparations[action.name]?.();
      fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: await liveSession(WALKER_OWNER.id) });
      const before = await worldSnapshot();
      const soapBefore = soapRequests;
      const outcome = await callAction(action);
      expect({ action: action.id, outcome }).toEqual({ action: action.id, outcome: { kind: "returned", value: { ok: true, data: expect.anything() } } });
      const changed = JSON.stringify(await worldSnapshot()) !== JSON.stringify(before);
      expect({ action: action.id, actedOrAskedSeqr: changed || soapRequests > soapBefore }).toEqual({ action: action.id, actedOrAskedSeqr: true });
    }
    // What the refusals above prevented: a refund of the paid order, the live invoice canceled, a period closed.
    expect(await db.refund.count({ where: { paymentAttemptId: paid.attemptId, status: "SUCCEEDED" } })).toBe(1);
    expect((await db.paymentAttempt.findFirstOrThrow({ where: { orderId: live.orderId } })).seqrStatus).toBe("CANCELED");
    expect(await db.reconciliationRun.count({ where: { status: "COMPLETED" } })).toBeGreaterThanOrEqual(1);
    // Refresh, cancel and receipt in the orders' timelines as ADMIN_ACTION, the refund as REFUND, each from the admin's address.
    expect(await db.paymentEvent.count({ where: { type: "ADMIN_ACTION", sourceAddress: ADMIN_ADDRESS } })).toBeGreaterThanOrEqual(3);
    expect(await db.paymentEvent.count({ where: { type: "REFUND", sourceAddress: ADMIN_ADDRESS } })).toBeGreaterThanOrEqual(1);
    // Each names the person who did it.
    expect(
      await db.paymentEvent.count({ where: { type: "ADMIN_ACTION", actorAccountId: WALKER_OWNER.id, actorName: WALKER_OWNER.name } }),
    ).toBeGreaterThanOrEqual(3);
    // The staff forms and the account's own forms did what they say.
    expect(await db.adminAccount.count({ where: { email: { startsWith: "walker-" }, name: { not: { in: [WALKER_OWNER.name, STAFF.name, TARGET.name] } } } })).toBe(1);
    expect(await db.adminAccount.findUniqueOrThrow({ where: { id: TARGET.id } })).toMatchObject({ disabledAt: null });
  });

  test("refreshOrderAction on the shop's own page: ok, recorded in the order's timeline, the order page and the shop's catalog revalidated", async () => {
    const cookie = await liveSession();
    const action = guardedActions.find((candidate) => candidate.name === "refreshOrderAction");
    if (!action) throw new Error("refreshOrderAction was not found");
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
    const events = await db.paymentEvent.count({ where: { orderId: paid.orderId, type: "ADMIN_ACTION" } });

    const outcome = await callAction(action);

    expect(outcome).toEqual({ kind: "returned", value: { ok: true, data: { message: expect.any(String) } } });
    expect(await db.paymentEvent.count({ where: { orderId: paid.orderId, type: "ADMIN_ACTION" } })).toBe(events + 1);
    // The catalog too: a refresh that learns the order expired or failed gives its stock back (lib/catalog/cached.ts).
    expect(requestEffects().revalidated).toEqual([`/admin/orders/${paid.clientInvoiceId}`, "tag:catalog"]);
  });

  test("behind a proxy, a form from the public host the proxy forwards (X-Forwarded-Host) is the shop's own", async () => {
    const cookie = await liveSession();
    const action = guardedActions.find((candidate) => candidate.name === "refreshOrderAction");
    if (!action) throw new Error("refreshOrderAction was not found");
    fakeRequest({ host: "10.0.0.5:3000", forwardedHost: "shop.example", origin: "https://shop.example", forwardedFor: ADMIN_ADDRESS, session: cookie });

    expect(await callAction(action)).toEqual({ kind: "returned", value: { ok: true, data: { message: expect.any(String) } } });
  });

  test("signOutAction ends the session, deletes the cookie and sends the browser to sign-in; the cookie then opens nothing", async () => {
    const cookie = await liveSession();
    const action = guardedActions.find((candidate) => candidate.name === "signOutAction");
    if (!action) throw new Error("signOutAction was not found");
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
    const sessions = await db.adminSession.count();

    const outcome = await callAction(action);

    expect(outcome).toEqual({ kind: "redirect", url: LOGIN_PATH });
    expect(await db.adminSession.count()).toBe(sessions - 1);
    expect(requestEffects().cookieWrites).toEqual([
      { name: "admin_session", value: null, options: expect.objectContaining({ path: "/admin", httpOnly: true }) },
    ]);

    const dashboard = guardedPages.find((page) => page.file === "admin/(console)/page.tsx");
    if (!dashboard) throw new Error("the dashboard was not found");
    fakeRequest({ host: HOST, forwardedFor: ADMIN_ADDRESS, session: cookie });
    expect(await callPage(dashboard)).toEqual({ kind: "redirect", url: LOGIN_PATH });
  });
});
