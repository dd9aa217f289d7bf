import { createHash } from "node:crypto";

import { Secret, TOTP, URI } from "otpauth";
import { beforeAll, describe, expect, test, vi } from "vitest";

import { accountOverview, cancelTwoFactorSetup, confirmTwoFactorSetup, startTwoFactorSetup, turnOffTwoFactor } from "@/lib/admin/accounts";
import { hashPassword, merchantPasswordHash } from "@/lib/admin/password";
import { findAdminSession, SECOND_FACTOR_TIMEOUT_MS } from "@/lib/admin/sessions";
import { BACKOFF_AFTER, completeSecondFactor, LOCKOUT_WINDOW_MS, MAX_FAILURES, signIn, WRONG_CODE_MESSAGE } from "@/lib/admin/sign-in";
import { matchingStep, TOTP_PERIOD_SECONDS } from "@/lib/admin/totp";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { SHOP_NAME } from "@/lib/shop/brand";

import { fakeRequest, formData, outcomeOf, requestEffects } from "./support/admin-request";

// Two-factor sign-in (RFC 6238) on the real database: switched on from the Account page with a QR code and one
// code, then asked for after the password. The half-signed-in session opens nothing but the code page; a right code
// makes it whole under a new token, and is never taken twice; wrong codes count toward the same lockout and backoff
// as wrong passwords. Codes are computed here with otpauth, as an authenticator app would.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

const HOST = new URL(env.publicBaseUrl).host;
const PASSWORD = "a-two-factor-password";
const PERIOD_MS = TOTP_PERIOD_SECONDS * 1000;

let people = 0;
let addresses = 0;
function freshAddress(): string {
  addresses += 1;
  return `192.0.2.${addresses}`;
}

/** A person of their own for each test, with two-factor sign-in on (unless `on` is false), and their app. */
async function personWithTwoFactor(options: { on?: boolean } = {}) {
  people += 1;
  const secret = new Secret({ size: 20 }).base32;
  const account = await db.adminAccount.create({
    data: {
      email: `two-factor-${people}@example.se`,
      name: `Two Factor ${people}`,
      role: "STAFF",
      passwordHash: await hashPassword(PASSWORD),
      passwordFromSetting: false,
      ...(options.on === false ? {} : { totpSecret: secret, totpEnabledAt: new Date() }),
    },
  });
  const app = new TOTP({ secret, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS });
  return { account, email: account.email ?? "", app, codeAt: (at: Date) => app.generate({ timestamp: at.getTime() }) };
}

/** A moment in the middle of a time step, so that ±1 step is exactly one period away. */
function midStep(offsetSteps = 0): Date {
  const step = Math.floor(Date.now() / PERIOD_MS) + offsetSteps;
  return new Date(step * PERIOD_MS + PERIOD_MS / 2);
}

async function halfSignedIn(email: string, at: Date, address = freshAddress()) {
  const result = await signIn({ email, password: PASSWORD, address, userAgent: "totp test", now: at });
  if (result.outcome !== "code-needed") throw new Error(`expected a code to be asked for, got ${JSON.stringify(result)}`);
  const session = await findAdminSession(result.token, { now: at });
  if (!session) throw new Error("the half session is not live");
  return { token: result.token, session };
}

beforeAll(async () => {
  await merchantPasswordHash();
});

describe("switching it on (the Account page)", () => {
  test("a new secret, shown only as the QR code's otpauth URI and its text, until one right code switches it on", async () => {
    const { account } = await personWithTwoFactor({ on: false });
    expect((await accountOverview(account.id)).twoFactor).toEqual({ state: "off" });

    await startTwoFactorSetup(account.id);

    const overview = await accountOverview(account.id);
    if (overview.twoFactor.state !== "setting-up") throw new Error(JSON.stringify(overview.twoFactor));
    const stored = await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.totpEnabledAt).toBeNull();
    // What authenticator apps read: 6 digits every 30 s with SHA-1, issuer the shop, label the e-mail.
    const scanned = URI.parse(overview.twoFactor.uri);
    if (!(scanned instanceof TOTP)) throw new Error("not a TOTP URI");
    expect(scanned).toMatchObject({ issuer: SHOP_NAME, label: account.email, algorithm: "SHA1", digits: 6, period: 30 });
    expect(scanned.secret.base32).toBe(stored.totpSecret);
    expect(overview.twoFactor.secretText.replaceAll(" ", "")).toBe(stored.totpSecret);
    // 160 random bits.
    expect(scanned.secret.bytes.length).toBe(20);

    // A wrong code: still off.
    const wrong = String((Number(scanned.generate()) + 1) % 1_000_000).padStart(6, "0");
    await expect(confirmTwoFactorSetup({ accountId: account.id, code: wrong, address: freshAddress() })).rejects.toMatchObject({
      code: "WRONG_CODE",
      message: `${WRONG_CODE_MESSAGE} Two-factor sign-in is not on yet.`,
    });
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).totpEnabledAt).toBeNull();

    // The app's code: on, and that code's time step is used up.
    const now = new Date();
    await confirmTwoFactorSetup({ accountId: account.id, code: scanned.generate({ timestamp: now.getTime() }), address: freshAddress(), now });
    const on = await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(on.totpEnabledAt).toEqual(now);
    expect(on.totpLastStep).toBe(scanned.counter({ timestamp: now.getTime() }));
    // Once on, the page no longer shows the secret.
    const after = await accountOverview(account.id);
    expect(after.twoFactor).toEqual({ state: "on", since: now });
    expect(JSON.stringify(after)).not.toContain(stored.totpSecret);
    await expect(startTwoFactorSetup(account.id)).rejects.toMatchObject({ code: "TWO_FACTOR_ON" });
  });

  test("a set-up given up forgets its secret; starting again makes a new one", async () => {
    const { account } = await personWithTwoFactor({ on: false });
    await startTwoFactorSetup(account.id);
    const first = (await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).totpSecret;
    await startTwoFactorSetup(account.id);
    const second = (await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).totpSecret;
    expect(second).not.toBe(first);

    await cancelTwoFactorSetup(account.id);
    expect(await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    await expect(cancelTwoFactorSetup(account.id)).rejects.toBeInstanceOf(AppError);
  });

  test("switching it off takes a current code; a wrong one leaves it on", async () => {
    const { account, codeAt } = await personWithTwoFactor();
    const at = midStep();
    await expect(turnOffTwoFactor({ accountId: account.id, code: "000000", address: freshAddress(), now: at })).rejects.toMatchObject({ code: "WRONG_CODE" });
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).totpEnabledAt).not.toBeNull();

    await turnOffTwoFactor({ accountId: account.id, code: codeAt(at), address: freshAddress(), now: at });
    expect(await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    // Signing in is the password alone again.
    expect((await signIn({ email: account.email ?? "", password: PASSWORD, address: freshAddress(), userAgent: null })).outcome).toBe("signed-in");
  });
});

describe("signing in with it", () => {
  test("the password gives a half session that waits for the code; the right code makes it whole under a new token", async () => {
    const { account, email, codeAt } = await personWithTwoFactor();
    const at = midStep();
    const { token, session } = await halfSignedIn(email, at);
    expect(session).toMatchObject({ accountId: account.id, awaitingSecondFactor: true });

    const result = await completeSecondFactor({ session, code: codeAt(at), address: freshAddress(), now: at });

    if (result.outcome !== "signed-in") throw new Error(JSON.stringify(result));
    expect(result.token).not.toBe(token);
    // The half session's token opens nothing now; the new one is a whole session (the same row, rotated).
    expect(await findAdminSession(token, { now: at })).toBeNull();
    expect(await findAdminSession(result.token, { now: at })).toMatchObject({ id: session.id, awaitingSecondFactor: false });
    expect(await db.adminSession.count({ where: { tokenHash: createHash("sha256").update(token).digest("hex") } })).toBe(0);
  });

  test("a code is taken once: the same code (its time step) is refused afterwards, also for another sign-in", async () => {
    const { email, codeAt } = await personWithTwoFactor();
    const at = midStep();
    const first = await halfSignedIn(email, at);
    expect((await completeSecondFactor({ session: first.session, code: codeAt(at), address: freshAddress(), now: at })).outcome).toBe("signed-in");

    const second = await halfSignedIn(email, at);
    // Replayed within the same step, or a little later while it would still be in the window.
    expect(await completeSecondFactor({ session: second.session, code: codeAt(at), address: freshAddress(), now: at })).toEqual({ outcome: "wrong-code" });
    expect(await completeSecondFactor({ session: second.session, code: codeAt(at), address: freshAddress(), now: midStep(1) })).toEqual({ outcome: "wrong-code" });
    expect((await findAdminSession(second.token, { now: at }))?.awaitingSecondFactor).toBe(true);
    // An older step's code, still in the window, is refused too once a later one was taken.
    expect(await completeSecondFactor({ session: second.session, code: codeAt(midStep(-1)), address: freshAddress(), now: at })).toEqual({ outcome: "wrong-code" });
    // The next step's code is new: taken.
    expect((await completeSecondFactor({ session: second.session, code: codeAt(midStep(1)), address: freshAddress(), now: midStep(1) })).outcome).toBe("signed-in");
  });

  test("the same code sent for two sign-ins at once is taken by one of them", async () => {
    for (let round = 0; round < 5; round += 1) {
      const { email, codeAt } = await personWithTwoFactor();
      const at = midStep();
      const first = await halfSignedIn(email, at);
      const second = await halfSignedIn(email, at);

      const results = await Promise.all(
        [first, second].map(({ session }) => completeSecondFactor({ session, code: codeAt(at), address: freshAddress(), now: at })),
      );

      expect(results.map((result) => result.outcome).sort()).toEqual(["signed-in", "wrong-code"]);
    }
  });

  test("the window: codes of the step before and after are accepted, two steps away are not", async () => {
    const { account, codeAt } = await personWithTwoFactor();
    const secret = (await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).totpSecret ?? "";
    const at = midStep();
    const step = Math.floor(at.getTime() / PERIOD_MS);
    expect(matchingStep(secret, codeAt(midStep(-1)), at)).toBe(step - 1);
    expect(matchingStep(secret, codeAt(midStep(1)), at)).toBe(step + 1);
    expect(matchingStep(secret, codeAt(at), at)).toBe(step);
    expect(matchingStep(secret, codeAt(midStep(-2)), at)).toBeNull();
    expect(matchingStep(secret, codeAt(midStep(2)), at)).toBeNull();
    // Typed with a space, as apps show it; anything else is no code.
    const code = codeAt(at);
    expect(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at)).toBe(step);
    for (const junk of ["", "12345", "1234567", "abcdef", `${code}0`]) expect(matchingStep(secret, junk, at)).toBeNull();
  });

  test("wrong codes count toward the address's lockout, like wrong passwords", async () => {
    const { email, codeAt } = await personWithTwoFactor();
    const at = new Date(Date.UTC(2032, 5, 1, 12, 0, 15));
    const address = freshAddress();
    const { session } = await halfSignedIn(email, at, address);
    // The password's success does not count toward the address; five wrong codes fill its minute (the fifth a
    // second later, once the account's own backoff, which the fifth failure in a row started, has passed).
    for (let attempt = 1; attempt < MAX_FAILURES; attempt += 1) {
      expect(await completeSecondFactor({ session, code: "000000", address, now: at })).toEqual({ outcome: "wrong-code" });
    }
    const second = new Date(at.getTime() + 1_000);
    expect(await completeSecondFactor({ session, code: "000000", address, now: second })).toEqual({ outcome: "wrong-code" });

    // The right code is now refused unchecked, from this address.
    expect(await completeSecondFactor({ session, code: codeAt(second), address, now: second })).toEqual({
      outcome: "locked-out",
      reason: "address",
      retryAfterSeconds: LOCKOUT_WINDOW_MS / 1000 - 1,
    });
    // A password from this address too.
    expect((await signIn({ email, password: PASSWORD, address, userAgent: null, now: second })).outcome).toBe("locked-out");
    expect(await db.adminSignInAttempt.groupBy({ by: ["outcome"], where: { address }, _count: true, orderBy: { outcome: "asc" } })).toEqual([
      { outcome: "FAILED", _count: MAX_FAILURES },
      { outcome: "LOCKED_OUT", _count: 2 },
      { outcome: "SUCCEEDED", _count: 1 },
    ]);
  });

  test("wrong codes from many addresses count toward the account's backoff; the right code ends it", async () => {
    const { account, email, codeAt } = await personWithTwoFactor();
    const at = new Date(Date.UTC(2032, 5, 2, 12, 0, 15));
    const { session } = await halfSignedIn(email, at);
    // The password's check counted as the first failure in a row (it is half a sign-in); wrong codes add up.
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).failedSignIns).toBe(1);
    for (let failure = 2; failure <= BACKOFF_AFTER; failure += 1) {
      expect(await completeSecondFactor({ session, code: "000000", address: freshAddress(), now: at })).toEqual({ outcome: "wrong-code" });
    }
    expect(await completeSecondFactor({ session, code: codeAt(at), address: freshAddress(), now: at })).toEqual({
      outcome: "locked-out",
      reason: "account",
      retryAfterSeconds: 1,
    });
    const later = new Date(at.getTime() + 1_000);
    expect((await completeSecondFactor({ session, code: codeAt(later), address: freshAddress(), now: later })).outcome).toBe("signed-in");
    expect(await db.adminAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ failedSignIns: 0, signInBlockedUntil: null });
  });

  test("a half session is over after five minutes without its code", async () => {
    const { email } = await personWithTwoFactor();
    const at = midStep();
    const { token } = await halfSignedIn(email, at);
    expect(await findAdminSession(token, { now: new Date(at.getTime() + SECOND_FACTOR_TIMEOUT_MS - 1_000) })).not.toBeNull();
    expect(await findAdminSession(token, { now: new Date(at.getTime() + SECOND_FACTOR_TIMEOUT_MS + 1_000) })).toBeNull();
  });
});

describe("the sign-in form and the code page", () => {
  async function submitSignIn(email: string, address: string) {
    const { signInAction } = await import("@/app/(admin)/admin/login/actions");
    fakeRequest({ host: HOST, forwardedFor: address });
    return outcomeOf(() => signInAction(null, formData({ email, password: PASSWORD })));
  }

  test("the password sends the browser to the code page with a half session; the code to /admin with a new cookie", async () => {
    const { email, codeAt } = await personWithTwoFactor();
    const address = freshAddress();
    expect(await submitSignIn(email, address)).toEqual({ kind: "redirect", url: "/admin/login/code" });
    const halfToken = requestEffects().cookieWrites[0]?.value ?? "";
    expect((await findAdminSession(halfToken))?.awaitingSecondFactor).toBe(true);

    const { verifySignInCodeAction } = await import("@/app/(admin)/admin/login/code/actions");
    const { default: CodePage } = await import("@/app/(admin)/admin/login/code/page");
    fakeRequest({ host: HOST, forwardedFor: address, session: halfToken });
    expect((await outcomeOf(() => CodePage())).kind).toBe("returned");

    fakeRequest({ host: HOST, forwardedFor: address, session: halfToken });
    expect(await outcomeOf(() => verifySignInCodeAction(null, formData({ code: "000000" })))).toEqual({
      kind: "returned",
      value: { ok: false, error: WRONG_CODE_MESSAGE },
    });
    expect(requestEffects().cookieWrites).toEqual([]);

    fakeRequest({ host: HOST, forwardedFor: address, session: halfToken });
    // Wait for the next step if this one is nearly over, so that the code is still right when it is checked.
    if (30_000 - (Date.now() % 30_000) < 2_000) await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await outcomeOf(() => verifySignInCodeAction(null, formData({ code: codeAt(new Date()) })))).toEqual({ kind: "redirect", url: "/admin" });
    const [cookie] = requestEffects().cookieWrites;
    expect(cookie).toMatchObject({ name: "admin_session", options: { httpOnly: true, sameSite: "lax", path: "/admin" } });
    expect(cookie?.value).not.toBe(halfToken);
    expect(await findAdminSession(cookie?.value ?? "")).toMatchObject({ awaitingSecondFactor: false });
    expect(await findAdminSession(halfToken)).toBeNull();

    // A whole session has nothing to do on the code page.
    fakeRequest({ host: HOST, forwardedFor: address, session: cookie?.value ?? "" });
    expect(await outcomeOf(() => CodePage())).toEqual({ kind: "redirect", url: "/admin" });
  });

  test("Cancel ends the half session and goes back to sign-in", async () => {
    const { email } = await personWithTwoFactor();
    const address = freshAddress();
    await submitSignIn(email, address);
    const halfToken = requestEffects().cookieWrites[0]?.value ?? "";
    const { cancelSignInAction } = await import("@/app/(admin)/admin/login/code/actions");

    fakeRequest({ host: HOST, forwardedFor: address, session: halfToken });
    expect(await outcomeOf(() => cancelSignInAction(null, formData({})))).toEqual({ kind: "redirect", url: "/admin/login" });
    expect(requestEffects().cookieWrites).toEqual([{ name: "admin_session", value: null, options: expect.objectContaining({ path: "/admin" }) }]);
    expect(await findAdminSession(halfToken)).toBeNull();
  });
});
