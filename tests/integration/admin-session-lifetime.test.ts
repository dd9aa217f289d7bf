import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { describe, expect, test } from "vitest";

import { changeOwnPassword } from "@/lib/admin/accounts";
import { hashPassword, MERCHANT_ACCOUNT_ID, merchantPasswordHash, syncMerchantAccount, verifyPassword } from "@/lib/admin/password";
import { createAdminSession, findAdminSession } from "@/lib/admin/sessions";
import { signIn } from "@/lib/admin/sign-in";
import { switchOff, switchOn } from "@/lib/admin/staff";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { hashSessionToken } from "@/lib/orders/ids";

// Admin sessions end for good when the password changes or the person is switched off, in every server process at
// once (each request compares the session's password generation with the database's, and reads whether the account
// is switched off), and 12 h after sign-in however busy they have been. ADMIN_PASSWORD changes the first owner's
// password only until they choose their own. The other process is a real one: node with tsx's loader, its own
// Prisma client, the same database.

const execFileAsync = promisify(execFile);

const DETAILS = { address: "203.0.113.7", userAgent: "admin-session-lifetime test" };

/** A second server process started with `password` as ADMIN_PASSWORD; answers the generation it left stored. */
async function otherProcessWithPassword(password: string): Promise<number> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ["--import", "tsx", path.resolve("tests/integration/support/admin-password-process.ts")],
    { env: { ...process.env, DATABASE_URL: env.databaseUrl, ADMIN_PASSWORD: password, LOG_LEVEL: "error" }, timeout: 30_000 },
  );
  return (JSON.parse(stdout.trim()) as { passwordGeneration: number }).passwordGeneration;
}

/** Another server process doing one thing to the accounts (support/admin-account-process.ts); what it printed. */
async function otherProcess(...args: string[]): Promise<unknown> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ["--import", "tsx", path.resolve("tests/integration/support/admin-account-process.ts"), ...args],
    { env: { ...process.env, DATABASE_URL: env.databaseUrl, LOG_LEVEL: "error" }, timeout: 30_000 },
  );
  return JSON.parse(stdout.trim());
}

let people = 0;
/** A staff account of its own for a test, with its password. */
async function newStaffMember(password = "a-staff-members-password") {
  people += 1;
  const account = await db.adminAccount.create({
    data: { email: `person-${people}@example.se`, name: `Person ${people}`, role: "STAFF", passwordHash: await hashPassword(password), passwordFromSetting: false },
  });
  return { ...account, password };
}

async function firstOwnerActor() {
  const owner = await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } });
  return { accountId: owner.id, name: owner.name, email: owner.email, role: owner.role };
}

async function storedGeneration(): Promise<number> {
  return (await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } })).passwordGeneration;
}

describe("a password changed by another process", () => {
  test("ends this process's sessions at their next request, and this process stops taking the old password", async () => {
    // This process has brought its ADMIN_PASSWORD into the database (its first admin request) and signed in.
    await merchantPasswordHash();
    const before = await storedGeneration();
    const token = await createAdminSession(DETAILS);
    expect(await findAdminSession(token)).not.toBeNull();

    // The other process starts with a new ADMIN_PASSWORD.
    expect(await otherProcessWithPassword("a-new-merchant-password-1")).toBe(before + 1);

    // A sign-in this process checked against the old password a moment before the change, whose session is
    // written just after it: of the old generation, so over at once.
    const lateToken = await createAdminSession(DETAILS, new Date(), before);

    expect(await findAdminSession(token)).toBeNull();
    expect(await findAdminSession(lateToken)).toBeNull();
    expect(await db.adminSession.count()).toBe(0);
    // This process still has the old ADMIN_PASSWORD in its settings; the database's hash is what sign-in checks.
    expect(await verifyPassword(await merchantPasswordHash(), env.admin.password)).toBe(false);
    expect(await verifyPassword(await merchantPasswordHash(), "a-new-merchant-password-1")).toBe(true);

    // A sign-in after the change gets a session of the new generation, which holds.
    const fresh = await createAdminSession(DETAILS);
    expect(await findAdminSession(fresh)).not.toBeNull();
    expect((await db.adminSession.findFirstOrThrow()).passwordGeneration).toBe(before + 1);
  });

  test("moves the generation on once when two processes notice the same change at once", async () => {
    const before = await storedGeneration();
    const generations = await Promise.all([
      otherProcessWithPassword("a-new-merchant-password-2"),
      otherProcessWithPassword("a-new-merchant-password-2"),
    ]);
    expect(generations).toEqual([before + 1, before + 1]);
    expect(await storedGeneration()).toBe(before + 1);
  });
});

describe("the absolute lifetime", () => {
  test("is 12 h by default (ADMIN_SESSION_MAX_AGE_MS)", () => {
    expect(env.admin.sessionMaxAgeMs).toBe(12 * 3_600_000);
  });

  test("ends a session 12 h after sign-in even when it was used a moment ago", async () => {
    await merchantPasswordHash();
    const now = new Date();
    const oldToken = await createAdminSession(DETAILS, now);
    const youngToken = await createAdminSession(DETAILS, now);
    // Both used 5 s ago, well inside the idle timeout; one signed in 12 h and a minute ago, one a minute short of it.
    const recently = new Date(now.getTime() - 5_000);
    const backdate = (token: string, signedInMsAgo: number) =>
      db.adminSession.update({
        where: { tokenHash: hashSessionToken(token) },
        data: { createdAt: new Date(now.getTime() - signedInMsAgo), lastSeenAt: recently },
      });
    await backdate(oldToken, 12 * 3_600_000 + 60_000);
    await backdate(youngToken, 12 * 3_600_000 - 60_000);

    expect(await findAdminSession(oldToken, { now })).toBeNull();
    expect(await findAdminSession(youngToken, { now })).not.toBeNull();
    // The ended session is gone from the database, not merely refused.
    expect(await db.adminSession.findUnique({ where: { tokenHash: hashSessionToken(oldToken) } })).toBeNull();
  });
});

describe("a person switched off", () => {
  test("by another process: their sessions here are over at their next request, and nobody else's", async () => {
    // The processes agree on ADMIN_PASSWORD again (the tests above changed it in other processes).
    await syncMerchantAccount(env.admin.password);
    const person = await newStaffMember();
    const theirs = await createAdminSession({ ...DETAILS, accountId: person.id });
    const owners = await createAdminSession({ ...DETAILS, accountId: MERCHANT_ACCOUNT_ID });
    expect(await findAdminSession(theirs)).toMatchObject({ accountId: person.id });

    expect(await otherProcess("switch-off", person.id, MERCHANT_ACCOUNT_ID)).toEqual({ message: expect.stringContaining("switched off") });

    expect(await findAdminSession(theirs)).toBeNull();
    expect(await findAdminSession(owners)).toMatchObject({ accountId: MERCHANT_ACCOUNT_ID });
    // Their password no longer signs in (the same answer as a wrong one).
    expect(await signIn({ email: person.email ?? "", password: person.password, ...DETAILS })).toEqual({ outcome: "wrong-password" });
  });

  test("here: a session another process checks is over there too, even if the row were still there", async () => {
    const person = await newStaffMember();
    const theirs = await createAdminSession({ ...DETAILS, accountId: person.id });
    expect(await otherProcess("session", theirs)).toEqual({ live: true, accountId: person.id });
    // A copy of the session's row, as another process might still hold it in flight: its generation is over too.
    const row = await db.adminSession.findUniqueOrThrow({ where: { tokenHash: hashSessionToken(theirs) } });

    await switchOff(person.id, await firstOwnerActor());
    await db.adminSession.create({ data: { ...row, id: undefined, tokenHash: hashSessionToken("kept-row-token") } });

    expect(await otherProcess("session", theirs)).toEqual({ live: false, accountId: null });
    expect(await otherProcess("session", "kept-row-token")).toEqual({ live: false, accountId: null });

    // Switched on again: they sign in afresh, and no old session comes back.
    await switchOn(person.id, await firstOwnerActor());
    await db.adminSession.create({ data: { ...row, id: undefined, tokenHash: hashSessionToken("kept-row-token-2") } });
    expect(await findAdminSession("kept-row-token-2")).toBeNull();
    const again = await signIn({ email: person.email ?? "", password: person.password, ...DETAILS });
    if (again.outcome !== "signed-in") throw new Error(`expected a session, got ${JSON.stringify(again)}`);
    expect(await otherProcess("session", again.token)).toEqual({ live: true, accountId: person.id });
  });
});

// Last in the file: the first owner chooses a password of their own.
describe("ADMIN_PASSWORD is the first owner's initial password", () => {
  test("while it is theirs a changed setting re-hashes it; once they chose their own, the setting no longer applies", async () => {
    const settingPassword = "the-setting-password-1";
    await syncMerchantAccount(settingPassword);
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } })).passwordFromSetting).toBe(true);
    // A changed setting, in another process, re-hashes it (and ends sessions), as before.
    const before = await storedGeneration();
    expect(await otherProcessWithPassword("the-setting-password-2")).toBe(before + 1);

    const session = await createAdminSession({ ...DETAILS, accountId: MERCHANT_ACCOUNT_ID });
    const sessionId = (await db.adminSession.findUniqueOrThrow({ where: { tokenHash: hashSessionToken(session) } })).id;
    const own = "the-owners-own-password";
    const changed = await changeOwnPassword({
      accountId: MERCHANT_ACCOUNT_ID,
      sessionId,
      currentPassword: "the-setting-password-2",
      newPassword: own,
      address: DETAILS.address,
    });
    const owner = await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } });
    expect(owner.passwordFromSetting).toBe(false);
    expect(changed.message).toContain("The password the shop was set up with no longer applies to your account.");

    // Another process started with yet another ADMIN_PASSWORD: nothing changes, the owner stays signed in.
    expect(await otherProcessWithPassword("the-setting-password-3")).toBe(owner.passwordGeneration);
    expect(await syncMerchantAccount("the-setting-password-4")).toBe(owner.passwordHash);
    expect(await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } })).toEqual(owner);
    expect(await findAdminSession(changed.token)).toMatchObject({ accountId: MERCHANT_ACCOUNT_ID });
    // Their own password signs in; no setting does.
    const email = owner.email ?? "";
    expect((await signIn({ email, password: own, ...DETAILS })).outcome).toBe("signed-in");
    for (const password of ["the-setting-password-2", "the-setting-password-3", "the-setting-password-4"]) {
      expect(await signIn({ email, password, ...DETAILS })).toEqual({ outcome: "wrong-password" });
    }
  });

  test("ADMIN_EMAIL sets the first owner's e-mail; a changed one replaces it", async () => {
    await syncMerchantAccount("whatever-password-1", "new-owner@example.se");
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } })).email).toBe("new-owner@example.se");
    // Another account's e-mail is left to it: the first owner keeps theirs.
    const person = await newStaffMember();
    await syncMerchantAccount("whatever-password-1", person.email ?? "");
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } })).email).toBe("new-owner@example.se");
    expect((await db.adminAccount.findUniqueOrThrow({ where: { id: person.id } })).email).toBe(person.email);
  });
});
