import { createHash } from "node:crypto";

import { afterAll, beforeEach, describe, expect, test, vi } from "vitest";

import { hashPassword, merchantPasswordHash, syncMerchantAccount, verifyPassword } from "@/lib/admin/password";
import { createAdminSession, endAdminSession, findAdminSession } from "@/lib/admin/sessions";
import {
  ATTEMPT_RETENTION_MS,
  BACKOFF_AFTER,
  BACKOFF_MAX_MS,
  backoffMs,
  LOCKOUT_WINDOW_MS,
  MAX_FAILURES,
  signIn,
  WRONG_CREDENTIALS_MESSAGE,
} from "@/lib/admin/sign-in";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

import { fakeRequest, formData, outcomeOf, requestEffects } from "./support/admin-request";

// The merchant's sign-in and sessions on the real database: the password kept only as an argon2id hash, sessions
// kept only as a hash of the cookie's token, the lockout per address and the account's backoff (with the `now`
// option instead of waiting), the idle timeout, sign-out, and a changed ADMIN_PASSWORD ending every session.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

// The rotation test re-imports lib/ (a restart); the first copy of the database client is closed here.
afterAll(() => db.$disconnect());

const PASSWORD = env.admin.password;
/** The first owner's e-mail (ADMIN_EMAIL): every sign-in here is the first owner's unless it says otherwise. */
const EMAIL = env.admin.email;
const WRONG = "not-the-merchant-password";
const USER_AGENT = "admin-auth test";

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Each lockout test runs at its own moment, a day apart and in the future, so that no test's failures fall in
 * another's window (nor in the real clock's, which signInAction uses).
 */
function clockAt(day: number) {
  const start = Date.UTC(2031, 0, day, 12, 0, 0);
  return (offsetMs = 0) => new Date(start + offsetMs);
}

let addressCounter = 0;
/** An address no other test uses (TEST-NET-3 and friends, made unique). */
function freshAddress(): string {
  addressCounter += 1;
  return `203.0.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
}

async function attemptsFrom(address: string) {
  return db.adminSignInAttempt.findMany({ where: { address }, orderBy: { createdAt: "asc" } });
}

async function outcomesFrom(address: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const attempt of await attemptsFrom(address)) counts[attempt.outcome] = (counts[attempt.outcome] ?? 0) + 1;
  return counts;
}

describe("the merchant's password", () => {
  test("is stored only as an argon2id hash of ADMIN_PASSWORD, never as the password itself", async () => {
    const stored = await merchantPasswordHash();
    const account = await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } });

    expect(account.passwordHash).toBe(stored);
    expect(account.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(account.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(account.passwordHash, PASSWORD)).toBe(true);
    expect(await verifyPassword(account.passwordHash, WRONG)).toBe(false);
    // A fresh salt every time: the same password never gives the same hash.
    expect(await hashPassword(PASSWORD)).not.toBe(await hashPassword(PASSWORD));
    // A hash the library cannot read matches nothing, rather than throwing.
    expect(await verifyPassword("not a hash", PASSWORD)).toBe(false);
    expect(await verifyPassword("", "")).toBe(false);
  });

  test("an unchanged ADMIN_PASSWORD keeps the stored hash and every session", async () => {
    const before = await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } });
    const token = await createAdminSession({ address: "192.0.2.1", userAgent: USER_AGENT });

    expect(await syncMerchantAccount(PASSWORD)).toBe(before.passwordHash);

    expect(await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } })).toEqual(before);
    expect(await findAdminSession(token)).not.toBeNull();
    await endAdminSession(token);
  });
});

/** The account's failures in a row and its backoff start afresh: each test's own failures are what count. */
async function resetAccountBackoff() {
  await merchantPasswordHash();
  await db.adminAccount.updateMany({ data: { failedSignIns: 0, signInBlockedUntil: null } });
}

async function accountBackoff() {
  return db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" }, select: { failedSignIns: true, signInBlockedUntil: true } });
}

describe("signIn", () => {
  beforeEach(resetAccountBackoff);

  test("the right password makes a session; the database keeps only the SHA-256 of its token", async () => {
    const address = freshAddress();

    const result = await signIn({ email: EMAIL, password: PASSWORD, address, userAgent: USER_AGENT });

    if (result.outcome !== "signed-in") throw new Error(`expected a session, got ${JSON.stringify(result)}`);
    // 256 random bits, base64url: 43 characters.
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await db.adminSession.findUniqueOrThrow({ where: { tokenHash: sha256(result.token) } });
    expect(row).toMatchObject({ address, userAgent: USER_AGENT });
    expect(Object.values(row).map(String).some((value) => value.includes(result.token))).toBe(false);
    expect(await db.adminSession.count({ where: { tokenHash: result.token } })).toBe(0);
    expect((await attemptsFrom(address)).map((attempt) => attempt.outcome)).toEqual(["SUCCEEDED"]);

    expect(await findAdminSession(result.token)).toMatchObject({ id: row.id });
    // The hash itself, were it to leak from the database, is no cookie.
    expect(await findAdminSession(row.tokenHash)).toBeNull();
    await endAdminSession(result.token);
  });

  test("a wrong password: wrong-password, a FAILED attempt, no session", async () => {
    const address = freshAddress();
    const sessions = await db.adminSession.count();

    expect(await signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT })).toEqual({ outcome: "wrong-password" });
    // Case and surrounding spaces matter.
    expect(await signIn({ email: EMAIL, password: PASSWORD.toUpperCase(), address, userAgent: USER_AGENT })).toEqual({ outcome: "wrong-password" });
    expect(await signIn({ email: EMAIL, password: ` ${PASSWORD}`, address, userAgent: USER_AGENT })).toEqual({ outcome: "wrong-password" });

    expect((await attemptsFrom(address)).map((attempt) => attempt.outcome)).toEqual(["FAILED", "FAILED", "FAILED"]);
    expect(await db.adminSession.count()).toBe(sessions);
  });

  test(`${MAX_FAILURES} failures from one address in a minute lock it out, even with the right password; other addresses are not`, async () => {
    const at = clockAt(1);
    const address = freshAddress();
    expect(MAX_FAILURES).toBe(5);
    expect(LOCKOUT_WINDOW_MS).toBe(60_000);

    // Four failures leave the right password working (a success does not reset the count).
    for (let second = 0; second < 4; second += 1) {
      expect(await signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT, now: at(second * 1_000) })).toEqual({ outcome: "wrong-password" });
    }
    const fifthTry = await signIn({ email: EMAIL, password: PASSWORD, address, userAgent: USER_AGENT, now: at(5_000) });
    expect(fifthTry.outcome).toBe("signed-in");
    expect(await signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT, now: at(6_000) })).toEqual({ outcome: "wrong-password" });

    // The sixth failure would be the sixth guess: refused unchecked, right password or not.
    const sessions = await db.adminSession.count();
    const locked = await signIn({ email: EMAIL, password: PASSWORD, address, userAgent: USER_AGENT, now: at(30_000) });
    // Free once the oldest of the five failures (at 0 s) is a minute old.
    expect(locked).toEqual({ outcome: "locked-out", reason: "address", retryAfterSeconds: 30 });
    expect(await signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT, now: at(59_000) })).toEqual({
      outcome: "locked-out",
      reason: "address",
      retryAfterSeconds: 1,
    });
    expect(await db.adminSession.count()).toBe(sessions);

    // Another address at the same moment signs in.
    expect((await signIn({ email: EMAIL, password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT, now: at(30_000) })).outcome).toBe("signed-in");

    // A minute after the first failure only four remain in the window: the right password works again.
    expect((await signIn({ email: EMAIL, password: PASSWORD, address, userAgent: USER_AGENT, now: at(60_001) })).outcome).toBe("signed-in");

    expect(await outcomesFrom(address)).toEqual({ FAILED: 5, SUCCEEDED: 2, LOCKED_OUT: 2 });
    expect((await attemptsFrom(address)).every((attempt) => attempt.outcome !== "PENDING")).toBe(true);
  });

  test("a locked-out address stays locked while it keeps guessing, and refused guesses do not extend the lockout", async () => {
    const at = clockAt(2);
    const address = freshAddress();
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
      await signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT, now: at() });
    }
    for (let second = 1; second < 60; second += 7) {
      expect((await signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT, now: at(second * 1_000) })).outcome).toBe("locked-out");
    }
    // LOCKED_OUT attempts were never checked, so they do not count: the lockout ends a minute after the failures.
    expect((await signIn({ email: EMAIL, password: PASSWORD, address, userAgent: USER_AGENT, now: at(60_001) })).outcome).toBe("signed-in");
    expect((await outcomesFrom(address)).FAILED).toBe(MAX_FAILURES);
  });

  test("ten guesses at once from one address: at most five reach the password check", async () => {
    const at = clockAt(3);
    const address = freshAddress();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT, now: at() })),
    );

    const checked = results.filter((result) => result.outcome === "wrong-password").length;
    const refused = results.filter((result) => result.outcome === "locked-out").length;
    expect(checked + refused).toBe(10);
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES);
    const outcomes = await outcomesFrom(address);
    expect(outcomes.FAILED ?? 0).toBe(checked);
    expect(outcomes.LOCKED_OUT ?? 0).toBe(refused);
    expect(outcomes.PENDING).toBeUndefined();
  });

  test("ten guesses at once with the right password among them: still at most five checked", async () => {
    const at = clockAt(4);
    const address = freshAddress();

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => signIn({ email: EMAIL, password: index === 9 ? PASSWORD : WRONG, address, userAgent: USER_AGENT, now: at() })),
    );

    const checked = results.filter((result) => result.outcome !== "locked-out").length;
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES);
    const outcomes = await outcomesFrom(address);
    expect((outcomes.FAILED ?? 0) + (outcomes.SUCCEEDED ?? 0)).toBe(checked);
    expect(outcomes.PENDING).toBeUndefined();
  });

  test("200 guesses at once from 200 forged addresses: at most five are checked, and the merchant's own address waits only the account's backoff", async () => {
    const at = clockAt(5);
    expect(BACKOFF_AFTER).toBe(5);
    const merchant = freshAddress();

    const results = await Promise.all(
      Array.from({ length: 200 }, () => signIn({ email: EMAIL, password: WRONG, address: freshAddress(), userAgent: USER_AGENT, now: at() })),
    );

    // Every check was counted before it ran, so that parallel guesses took turns: the fifth failure started the
    // backoff, and every other guess was refused unchecked, naming the account, not the (fresh) address.
    const checked = results.filter((result) => result.outcome === "wrong-password").length;
    expect(checked).toBe(BACKOFF_AFTER);
    expect(results.filter((result) => result.outcome === "locked-out")).toHaveLength(200 - BACKOFF_AFTER);
    for (const result of results) {
      if (result.outcome === "locked-out") expect(result).toEqual({ outcome: "locked-out", reason: "account", retryAfterSeconds: 1 });
    }
    expect(await accountBackoff()).toEqual({ failedSignIns: BACKOFF_AFTER, signInBlockedUntil: at(1_000) });

    // The merchant, at the same moment: told to wait a second, the password unchecked (the same answer for any).
    expect(await signIn({ email: EMAIL, password: PASSWORD, address: merchant, userAgent: USER_AGENT, now: at(500) })).toEqual({
      outcome: "locked-out",
      reason: "account",
      retryAfterSeconds: 1,
    });
    expect(await signIn({ email: EMAIL, password: WRONG, address: merchant, userAgent: USER_AGENT, now: at(500) })).toEqual({
      outcome: "locked-out",
      reason: "account",
      retryAfterSeconds: 1,
    });
    // A second later the merchant is in (a ceiling over all addresses kept everybody out for a minute), and the
    // failures in a row are over.
    expect((await signIn({ email: EMAIL, password: PASSWORD, address: merchant, userAgent: USER_AGENT, now: at(1_000) })).outcome).toBe("signed-in");
    expect(await accountBackoff()).toEqual({ failedSignIns: 0, signInBlockedUntil: null });
    expect(await outcomesFrom(merchant)).toEqual({ LOCKED_OUT: 2, SUCCEEDED: 1 });
  });

  test("the account's backoff doubles with every failure in a row (1 s, 2 s, 4 s … 15 minutes) and a success resets it", async () => {
    const at = clockAt(7);
    let clock = 0;
    // Failures from ever new addresses, each as soon as the account lets one through.
    for (let failure = 1; failure <= BACKOFF_AFTER + 11; failure += 1) {
      expect(await signIn({ email: EMAIL, password: WRONG, address: freshAddress(), userAgent: USER_AGENT, now: at(clock) })).toEqual({ outcome: "wrong-password" });
      const wait = backoffMs(failure);
      expect(wait).toBe(failure < BACKOFF_AFTER ? 0 : Math.min(1_000 * 2 ** (failure - BACKOFF_AFTER), BACKOFF_MAX_MS));
      expect(await accountBackoff()).toMatchObject({ failedSignIns: failure });
      if (wait > 0) {
        // Right away, from yet another address: refused, told how long, nothing checked or counted.
        expect(await signIn({ email: EMAIL, password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT, now: at(clock) })).toEqual({
          outcome: "locked-out",
          reason: "account",
          retryAfterSeconds: wait / 1000,
        });
        expect(await accountBackoff()).toMatchObject({ failedSignIns: failure });
      }
      clock += wait;
    }
    expect(backoffMs(BACKOFF_AFTER + 10)).toBe(BACKOFF_MAX_MS);
    expect(backoffMs(BACKOFF_AFTER + 11)).toBe(BACKOFF_MAX_MS);

    // The right password once the backoff is over: in, and the count starts again from nothing.
    expect((await signIn({ email: EMAIL, password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT, now: at(clock) })).outcome).toBe("signed-in");
    expect(await accountBackoff()).toEqual({ failedSignIns: 0, signInBlockedUntil: null });
    expect(await signIn({ email: EMAIL, password: WRONG, address: freshAddress(), userAgent: USER_AGENT, now: at(clock) })).toEqual({ outcome: "wrong-password" });
    expect((await signIn({ email: EMAIL, password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT, now: at(clock) })).outcome).toBe("signed-in");
  });

  test("a long address is stored at most 64 characters long", async () => {
    const address = `${freshAddress()}${"z".repeat(300)}`;
    expect((await signIn({ email: EMAIL, password: WRONG, address, userAgent: USER_AGENT })).outcome).toBe("wrong-password");
    expect(await attemptsFrom(address.slice(0, 64))).toHaveLength(1);
  });

  test("without a known address, attempts share one bucket", async () => {
    const at = clockAt(6);
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
      expect(await signIn({ email: EMAIL, password: WRONG, address: null, userAgent: null, now: at() })).toEqual({ outcome: "wrong-password" });
    }
    expect((await signIn({ email: EMAIL, password: PASSWORD, address: null, userAgent: null, now: at(1_000) })).outcome).toBe("locked-out");
  });
});

describe("signing in by e-mail address, without telling which addresses have an account", () => {
  beforeEach(resetAccountBackoff);

  test("the address is matched whatever its case and surrounding spaces; another account's password opens nothing", async () => {
    expect((await signIn({ email: ` ${EMAIL.toUpperCase()} `, password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT })).outcome).toBe("signed-in");
    expect(await signIn({ email: "", password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT })).toEqual({ outcome: "wrong-password" });
    expect(await signIn({ email: "someone-else@example.se", password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT })).toEqual({
      outcome: "wrong-password",
    });
  });

  test("an unknown address, a switched-off account and a wrong password get the same answers, backoff included", async () => {
    const at = clockAt(60);
    const known = await db.adminAccount.create({
      data: { email: "known@example.se", name: "Known", role: "STAFF", passwordHash: await hashPassword("the-known-password"), passwordFromSetting: false },
    });
    const switchedOff = await db.adminAccount.create({
      data: {
        email: "switched-off@example.se",
        name: "Switched off",
        role: "STAFF",
        passwordHash: await hashPassword("the-right-password"),
        passwordFromSetting: false,
        disabledAt: at(-1_000),
      },
    });
    const sessions = await db.adminSession.count();
    /** Failures in a row from ever new addresses, as a distributed guesser would send them; the answers in order. */
    async function answersFor(email: string, password: string) {
      const answers = [];
      for (const offset of [0, 0, 0, 0, 0, 0, 500, 1_000, 1_000, 3_000]) {
        answers.push(await signIn({ email, password, address: freshAddress(), userAgent: USER_AGENT, now: at(offset) }));
      }
      return answers;
    }

    const forKnown = await answersFor(known.email ?? "", "a-wrong-password");
    // The backoff as for any account: five checked, then a second's wait, then two.
    expect(forKnown.map((answer) => answer.outcome)).toEqual([
      ...Array<string>(5).fill("wrong-password"),
      "locked-out",
      "locked-out",
      "wrong-password",
      "locked-out",
      "wrong-password",
    ]);
    expect(await answersFor("nobody@example.se", "a-wrong-password")).toEqual(forKnown);
    expect(await answersFor("NOBODY-ELSE@example.se ", "a-wrong-password")).toEqual(forKnown);
    // The right password of a switched-off account is answered as a wrong one, and counted as one.
    expect(await answersFor(switchedOff.email ?? "", "the-right-password")).toEqual(forKnown);
    expect(await db.adminSession.count()).toBe(sessions);
    // What an unknown address leaves behind: a counter under its hash, never the address itself.
    const counters = await db.rateLimiterFlexible.findMany({ where: { key: { startsWith: "admin-sign-in:" } } });
    expect(counters.map((counter) => counter.key)).toEqual(
      expect.arrayContaining(["nobody@example.se", "nobody-else@example.se"].map((email) => `admin-sign-in:${sha256(email)}`)),
    );
    expect(JSON.stringify(counters)).not.toMatch(/nobody/i);
  });
});

describe("forgetting old records", () => {
  test("a sign-in deletes sessions idle past the timeout and attempts older than their retention, and nothing newer", async () => {
    const at = clockAt(40);
    const address = freshAddress();
    const stale = await createAdminSession({ address, userAgent: USER_AGENT }, at(-env.admin.idleTimeoutMs - 1));
    const recent = await createAdminSession({ address, userAgent: USER_AGENT }, at(-env.admin.idleTimeoutMs + 60_000));
    const old = await db.adminSignInAttempt.create({ data: { address, outcome: "FAILED", createdAt: at(-ATTEMPT_RETENTION_MS - 1) } });
    const kept = await db.adminSignInAttempt.create({ data: { address, outcome: "FAILED", createdAt: at(-ATTEMPT_RETENTION_MS + 60_000) } });

    expect(await signIn({ email: EMAIL, password: PASSWORD, address, userAgent: USER_AGENT, now: at() })).toMatchObject({ outcome: "signed-in" });

    expect(await db.adminSession.findUnique({ where: { tokenHash: sha256(stale) } })).toBeNull();
    expect(await db.adminSession.findUnique({ where: { tokenHash: sha256(recent) } })).not.toBeNull();
    expect(await db.adminSignInAttempt.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.adminSignInAttempt.findUnique({ where: { id: kept.id } })).not.toBeNull();
  });
});

describe("sessions", () => {
  async function newSession() {
    const token = await createAdminSession({ address: "192.0.2.10", userAgent: USER_AGENT });
    const row = await db.adminSession.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
    return { token, row, since: (offsetMs: number) => new Date(row.lastSeenAt.getTime() + offsetMs) };
  }

  test("idle longer than the timeout: null, and the row is deleted", async () => {
    const { token, row, since } = await newSession();
    const idleTimeoutMs = 5 * 60_000;

    expect(await findAdminSession(token, { now: since(idleTimeoutMs + 1), idleTimeoutMs })).toBeNull();

    expect(await db.adminSession.findUnique({ where: { id: row.id } })).toBeNull();
    // Gone for good: even "earlier" it is no session any more.
    expect(await findAdminSession(token, { now: since(0), idleTimeoutMs })).toBeNull();
  });

  test("the default idle timeout is ADMIN_IDLE_TIMEOUT_MS (30 minutes unless set)", async () => {
    const { token, since } = await newSession();

    expect(await findAdminSession(token, { now: since(env.admin.idleTimeoutMs) })).not.toBeNull();
    expect(await findAdminSession(token, { now: since(2 * env.admin.idleTimeoutMs + 1) })).toBeNull();
  });

  test("activity within the timeout keeps it alive; lastSeenAt is written at most once a minute", async () => {
    const { token, row, since } = await newSession();
    const idleTimeoutMs = 5 * 60_000;
    const lastSeen = async () => (await db.adminSession.findUniqueOrThrow({ where: { id: row.id } })).lastSeenAt.getTime();

    // 30 s later: alive, not written (the row still says when it was made).
    expect(await findAdminSession(token, { now: since(30_000), idleTimeoutMs })).toMatchObject({ id: row.id });
    expect(await lastSeen()).toBe(row.lastSeenAt.getTime());
    // Exactly a minute: still not written.
    await findAdminSession(token, { now: since(60_000), idleTimeoutMs });
    expect(await lastSeen()).toBe(row.lastSeenAt.getTime());
    // 90 s: written.
    expect(await findAdminSession(token, { now: since(90_000), idleTimeoutMs })).toMatchObject({ id: row.id, lastSeenAt: since(90_000) });
    expect(await lastSeen()).toBe(since(90_000).getTime());
    // 120 s: within a minute of the last write, not written again.
    await findAdminSession(token, { now: since(120_000), idleTimeoutMs });
    expect(await lastSeen()).toBe(since(90_000).getTime());

    // Counted from the last activity: past the timeout since it was made, within it since 90 s.
    expect(await findAdminSession(token, { now: since(90_000 + idleTimeoutMs), idleTimeoutMs })).toMatchObject({ id: row.id });
    // And idle for longer than the timeout after that: over.
    const written = await lastSeen();
    expect(await findAdminSession(token, { now: new Date(written + idleTimeoutMs + 1), idleTimeoutMs })).toBeNull();
    expect(await db.adminSession.findUnique({ where: { id: row.id } })).toBeNull();
  });

  test("endAdminSession ends that session and no other", async () => {
    const first = await newSession();
    const second = await newSession();

    await endAdminSession(first.token);

    expect(await findAdminSession(first.token)).toBeNull();
    expect(await db.adminSession.findUnique({ where: { id: first.row.id } })).toBeNull();
    expect(await findAdminSession(second.token)).toMatchObject({ id: second.row.id });
    // Nothing to end: no error, nothing else ended.
    await endAdminSession(undefined);
    await endAdminSession("");
    await endAdminSession(first.token);
    expect(await findAdminSession(second.token)).not.toBeNull();
    await endAdminSession(second.token);
  });

  test("no token, an empty one or an oversized one is no session", async () => {
    expect(await findAdminSession(undefined)).toBeNull();
    expect(await findAdminSession("")).toBeNull();
    expect(await findAdminSession("A".repeat(101))).toBeNull();
  });
});

describe("signInAction (the sign-in form)", () => {
  beforeEach(resetAccountBackoff);
  const HOST = new URL(env.publicBaseUrl).host;

  async function submit(password: string | undefined, address: string, email: string | null = EMAIL) {
    const { signInAction } = await import("@/app/(admin)/admin/login/actions");
    // No server stamps this made-up request with a socket's address: X-Forwarded-For's right-most entry stands in
    // (lib/http/client-address.ts; tests/integration/client-address.test.ts covers the real thing).
    fakeRequest({ host: HOST, forwardedFor: address, userAgent: USER_AGENT });
    const fields = { ...(email === null ? {} : { email }), ...(password === undefined ? {} : { password }) };
    return outcomeOf(() => signInAction(null, formData(fields)));
  }

  test("the right password: an httpOnly, SameSite=Lax cookie for /admin holding the session's token, then /admin", async () => {
    const address = freshAddress();

    const outcome = await submit(PASSWORD, address);

    expect(outcome).toEqual({ kind: "redirect", url: "/admin" });
    const writes = requestEffects().cookieWrites;
    expect(writes).toHaveLength(1);
    expect(writes[0]).toEqual({
      name: "admin_session",
      value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      options: { httpOnly: true, sameSite: "lax", secure: env.publicBaseUrl.startsWith("https://"), path: "/admin" },
    });
    const token = writes[0]?.value ?? "";
    // A session cookie: no expiry, the idle timeout on the server ends it.
    expect(writes[0]?.options).not.toHaveProperty("maxAge");
    expect(writes[0]?.options).not.toHaveProperty("expires");
    const row = await db.adminSession.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
    expect(row).toMatchObject({ address, userAgent: USER_AGENT });
    expect(await findAdminSession(token)).toMatchObject({ id: row.id });
    await endAdminSession(token);
  });

  test("a wrong password, a missing one, and then a locked-out address: a message, no cookie, no session", async () => {
    const address = freshAddress();
    const sessions = await db.adminSession.count();

    expect(await submit(WRONG, address)).toEqual({ kind: "returned", value: { ok: false, error: WRONG_CREDENTIALS_MESSAGE } });
    expect(requestEffects().cookieWrites).toEqual([]);
    expect(await submit(PASSWORD, address, null)).toEqual({ kind: "returned", value: { ok: false, error: "Type your e-mail address." } });
    expect(await submit(PASSWORD, address, " ")).toEqual({ kind: "returned", value: { ok: false, error: "Type your e-mail address." } });
    expect(await submit(undefined, address)).toEqual({ kind: "returned", value: { ok: false, error: "Type your password." } });
    expect(await submit("", address)).toEqual({ kind: "returned", value: { ok: false, error: "Type your password." } });
    expect(await submit("x".repeat(201), address)).toEqual({ kind: "returned", value: { ok: false, error: "That password is too long." } });
    // Invalid input never reaches signIn: only the wrong password counted.
    expect(await outcomesFrom(address)).toEqual({ FAILED: 1 });

    for (let attempt = 1; attempt < MAX_FAILURES; attempt += 1) await submit(WRONG, address);
    const locked = await submit(PASSWORD, address);
    expect(locked).toEqual({
      kind: "returned",
      value: { ok: false, error: expect.stringMatching(/^Too many failed sign-ins from your address\. Try again later, in \d+ seconds\.$/) },
    });
    expect(requestEffects().cookieWrites).toEqual([]);
    expect(await db.adminSession.count()).toBe(sessions);
  });

  test("while the account's backoff runs: the same message for the right password and a wrong one, saying how long", async () => {
    await db.adminAccount.updateMany({ data: { failedSignIns: BACKOFF_AFTER + 10, signInBlockedUntil: new Date(Date.now() + BACKOFF_MAX_MS) } });
    const refusal = { kind: "returned", value: { ok: false, error: "Too many failed sign-ins. Try again later, in 15 minutes." } };

    expect(await submit(PASSWORD, freshAddress())).toEqual(refusal);
    expect(await submit(WRONG, freshAddress())).toEqual(refusal);
    expect(requestEffects().cookieWrites).toEqual([]);

    await db.adminAccount.updateMany({ data: { signInBlockedUntil: new Date(Date.now() + 42_500) } });
    expect(await submit(WRONG, freshAddress())).toEqual({
      kind: "returned",
      value: { ok: false, error: "Too many failed sign-ins. Try again later, in 43 seconds." },
    });
    await resetAccountBackoff();
  });
});

// Last in the file: it changes the merchant's password.
describe("a changed ADMIN_PASSWORD (rotation)", () => {
  const NEW_PASSWORD = "a-brand-new-merchant-password";

  test("syncMerchantAccount re-hashes, ends every session; the old password no longer matches", async () => {
    const oldHash = await merchantPasswordHash();
    const tokens = [
      await createAdminSession({ address: "192.0.2.20", userAgent: USER_AGENT }),
      await createAdminSession({ address: "192.0.2.21", userAgent: USER_AGENT }),
    ];
    for (const token of tokens) expect(await findAdminSession(token)).not.toBeNull();

    const newHash = await syncMerchantAccount(NEW_PASSWORD);

    expect(newHash).not.toBe(oldHash);
    expect(newHash.startsWith("$argon2id$")).toBe(true);
    expect(newHash).not.toContain(NEW_PASSWORD);
    const account = await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } });
    expect(account.passwordHash).toBe(newHash);
    expect(await verifyPassword(account.passwordHash, NEW_PASSWORD)).toBe(true);
    expect(await verifyPassword(account.passwordHash, PASSWORD)).toBe(false);
    expect(await db.adminSession.count()).toBe(0);
    for (const token of tokens) expect(await findAdminSession(token)).toBeNull();
  });

  test("after a restart with the new ADMIN_PASSWORD: the old password fails, the new one signs in, older sessions are gone", async () => {
    // A session made under the old password, still in the database (as if made by the server before its restart).
    const oldHash = await hashPassword(PASSWORD);
    await db.adminAccount.update({ where: { id: "merchant" }, data: { passwordHash: oldHash } });
    const before = await createAdminSession({ address: "192.0.2.30", userAgent: USER_AGENT });

    const previous = process.env.ADMIN_PASSWORD;
    process.env.ADMIN_PASSWORD = NEW_PASSWORD;
    vi.resetModules();
    const restarted = {
      signIn: (await import("@/lib/admin/sign-in")).signIn,
      guard: await import("@/lib/admin/guard"),
      db: (await import("@/lib/db")).db,
    };
    try {
      // The guard makes sure of the account before honouring any session: the old one is over.
      fakeRequest({ host: new URL(env.publicBaseUrl).host, session: before });
      expect(await outcomeOf(() => restarted.guard.requireAdminPage())).toEqual({ kind: "redirect", url: "/admin/login" });
      expect(await db.adminSession.findUnique({ where: { tokenHash: sha256(before) } })).toBeNull();

      expect(await restarted.signIn({ email: EMAIL, password: PASSWORD, address: freshAddress(), userAgent: USER_AGENT })).toEqual({ outcome: "wrong-password" });
      const signedIn = await restarted.signIn({ email: EMAIL, password: NEW_PASSWORD, address: freshAddress(), userAgent: USER_AGENT });
      expect(signedIn.outcome).toBe("signed-in");
      expect((await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } })).passwordHash).not.toBe(oldHash);
    } finally {
      if (previous === undefined) delete process.env.ADMIN_PASSWORD;
      else process.env.ADMIN_PASSWORD = previous;
      await restarted.db.$disconnect();
    }
  });
});
