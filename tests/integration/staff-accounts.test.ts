import { createHash } from "node:crypto";

import { isValidElement, type ReactElement } from "react";
import { beforeAll, beforeEach, describe, expect, test, vi } from "vitest";

import { OwnerOnly } from "@/app/(admin)/admin/(console)/owner-only";
import type { AdminActor } from "@/lib/admin/actor";
import { OWNER_ONLY_MESSAGE } from "@/lib/admin/guard";
import { MERCHANT_ACCOUNT_ID, merchantPasswordHash, verifyPassword } from "@/lib/admin/password";
import { createAdminSession, findAdminSession } from "@/lib/admin/sessions";
import { signIn } from "@/lib/admin/sign-in";
import { addStaffMember, changeRole, generatePassword, listStaff, switchOff, switchOn } from "@/lib/admin/staff";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

import { fakeRequest, formData, outcomeOf, requestEffects } from "./support/admin-request";

// More than one person in the admin, on the real database: owners add people with their own e-mail and password
// (argon2id), change their role, switch them off and on; staff are refused what only owners may do with nothing
// changed; and the shop never loses its last active owner, even when two owners act against each other at once.

vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);

const HOST = new URL(env.publicBaseUrl).host;
const DETAILS = { address: "198.51.100.77", userAgent: "staff-accounts test" };

let firstOwner: AdminActor;

beforeAll(async () => {
  await merchantPasswordHash();
  const owner = await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } });
  firstOwner = { accountId: owner.id, name: owner.name, email: owner.email, role: owner.role };
});

/** Each test starts from the first owner alone: the people other tests added are switched off and made staff. */
beforeEach(async () => {
  await db.adminAccount.updateMany({ where: { id: { not: MERCHANT_ACCOUNT_ID } }, data: { disabledAt: new Date(), role: "STAFF" } });
  await db.adminAccount.update({ where: { id: MERCHANT_ACCOUNT_ID }, data: { disabledAt: null, role: "OWNER", failedSignIns: 0, signInBlockedUntil: null } });
});

let counter = 0;
function uniqueEmail(name: string): string {
  counter += 1;
  return `${name}-${counter}-${Date.now()}@example.se`;
}

async function actorOf(accountId: string): Promise<AdminActor> {
  const account = await db.adminAccount.findUniqueOrThrow({ where: { id: accountId } });
  return { accountId: account.id, name: account.name, email: account.email, role: account.role };
}

async function expectAppError(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe("adding a person", () => {
  test("with a password the owner gives: an argon2id hash, the e-mail lower-cased, and they sign in as themselves", async () => {
    const email = uniqueEmail("Anna.Staff").toUpperCase();
    const added = await addStaffMember({ name: " Anna Berg ", email, role: "STAFF", password: "annas-first-password" }, firstOwner);

    expect(added.generatedPassword).toBeNull();
    expect(added.message).toContain(email.toLowerCase());
    const account = await db.adminAccount.findUniqueOrThrow({ where: { id: added.accountId } });
    expect(account).toMatchObject({ email: email.toLowerCase(), name: "Anna Berg", role: "STAFF", passwordFromSetting: false, disabledAt: null });
    expect(account.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(account.passwordHash).not.toContain("annas-first-password");

    // Signs in with their own e-mail (typed any case, with spaces) and password; the first owner's password does not open it.
    const signedIn = await signIn({ email: `  ${email} `, password: "annas-first-password", ...DETAILS });
    if (signedIn.outcome !== "signed-in") throw new Error(`expected a session, got ${JSON.stringify(signedIn)}`);
    expect(await findAdminSession(signedIn.token)).toMatchObject({ accountId: added.accountId, awaitingSecondFactor: false });
    expect(await signIn({ email, password: env.admin.password, ...DETAILS })).toEqual({ outcome: "wrong-password" });
  });

  test("without a password: one is made, answered once and never stored, and it signs in", async () => {
    const email = uniqueEmail("made");
    const added = await addStaffMember({ name: "Made Up", email, role: "OWNER" }, firstOwner);

    const password = added.generatedPassword ?? "";
    expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
    const account = await db.adminAccount.findUniqueOrThrow({ where: { id: added.accountId } });
    expect(JSON.stringify(account)).not.toContain(password);
    expect(await verifyPassword(account.passwordHash, password)).toBe(true);
    expect(account.role).toBe("OWNER");
    expect((await signIn({ email, password, ...DETAILS })).outcome).toBe("signed-in");
    // Different every time.
    expect(new Set(Array.from({ length: 50 }, generatePassword)).size).toBe(50);
  });

  test("an e-mail address already in use, in any case: refused, nothing changed", async () => {
    const email = uniqueEmail("taken");
    await addStaffMember({ name: "First", email, role: "STAFF", password: "the-first-password" }, firstOwner);
    const before = await db.adminAccount.findMany({ orderBy: { id: "asc" } });

    const error = await expectAppError(addStaffMember({ name: "Second", email: email.toUpperCase(), role: "OWNER" }, firstOwner), "EMAIL_TAKEN");
    expect(error.message).toBe(`There is already an account with the e-mail address ${email}. Nothing changed.`);
    await expectAppError(addStaffMember({ name: "Owner twin", email: env.admin.email, role: "OWNER" }, firstOwner), "EMAIL_TAKEN");
    expect(await db.adminAccount.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });
});

describe("roles", () => {
  test("a change of role applies at the person's next request, without signing in again", async () => {
    const { accountId } = await addStaffMember({ name: "Promoted", email: uniqueEmail("promoted"), role: "STAFF", password: "promoted-password" }, firstOwner);
    const session = await createAdminSession({ ...DETAILS, accountId });
    const { changeRoleAction } = await import("@/app/(admin)/admin/(console)/staff/actions");
    const asThem = () => fakeRequest({ host: HOST, forwardedFor: DETAILS.address, session });

    asThem();
    expect(await outcomeOf(() => changeRoleAction(null, formData({ accountId: MERCHANT_ACCOUNT_ID, role: "STAFF" })))).toEqual({
      kind: "returned",
      value: { ok: false, error: OWNER_ONLY_MESSAGE },
    });

    expect(await changeRole(accountId, "OWNER", firstOwner)).toEqual({ message: "Promoted is now owner." });
    expect(await changeRole(accountId, "OWNER", firstOwner)).toEqual({ message: "Promoted is already owner. Nothing changed." });

    // The same session may now do what owners do (here: make the first owner staff, since another owner remains).
    asThem();
    expect(await outcomeOf(() => changeRoleAction(null, formData({ accountId: MERCHANT_ACCOUNT_ID, role: "STAFF" })))).toEqual({
      kind: "returned",
      value: { ok: true, data: { message: "Owner is now staff." } },
    });
    expect(requestEffects().revalidated).toEqual(["/admin/staff"]);
    // And the first owner, now staff, is refused at their very next request.
    fakeRequest({ host: HOST, forwardedFor: DETAILS.address, session: await createAdminSession({ ...DETAILS, accountId: MERCHANT_ACCOUNT_ID }) });
    expect(await outcomeOf(() => changeRoleAction(null, formData({ accountId, role: "STAFF" })))).toEqual({
      kind: "returned",
      value: { ok: false, error: OWNER_ONLY_MESSAGE },
    });
  });

  test("nobody changes their own role or switches themselves off", async () => {
    await expectAppError(changeRole(MERCHANT_ACCOUNT_ID, "STAFF", firstOwner), "OWN_ACCOUNT");
    await expectAppError(switchOff(MERCHANT_ACCOUNT_ID, firstOwner), "OWN_ACCOUNT");
    expect(await db.adminAccount.findUniqueOrThrow({ where: { id: MERCHANT_ACCOUNT_ID } })).toMatchObject({ role: "OWNER", disabledAt: null });
  });
});

describe("the last active owner", () => {
  test("can be neither made staff nor switched off, whoever asks; once another owner is active, they can", async () => {
    const second = await addStaffMember({ name: "Second Owner", email: uniqueEmail("second"), role: "OWNER", password: "second-owner-pass" }, firstOwner);
    const secondActor = await actorOf(second.accountId);
    // The second owner switches the first off: one active owner is left.
    await switchOff(MERCHANT_ACCOUNT_ID, secondActor);
    const before = await db.adminAccount.findMany({ orderBy: { id: "asc" } });

    // The first owner's request was already on its way (the guard had let it through): it finds no other owner.
    const demoted = await expectAppError(changeRole(second.accountId, "STAFF", firstOwner), "LAST_OWNER");
    expect(demoted.message).toBe(
      "Second Owner is the shop's only active owner, so they cannot be made staff: make someone else an owner first. Nothing changed.",
    );
    await expectAppError(switchOff(second.accountId, firstOwner), "LAST_OWNER");
    expect(await db.adminAccount.findMany({ orderBy: { id: "asc" } })).toEqual(before);

    // A switched-off owner is no active owner, and may be made staff.
    expect(await changeRole(MERCHANT_ACCOUNT_ID, "STAFF", secondActor)).toEqual({ message: "Owner is now staff." });
    // Another active owner: now the second one may go.
    const third = await addStaffMember({ name: "Third Owner", email: uniqueEmail("third"), role: "OWNER", password: "third-owner-pass" }, secondActor);
    expect((await switchOff(second.accountId, await actorOf(third.accountId))).message).toContain("switched off");
    expect(await db.adminAccount.count({ where: { role: "OWNER", disabledAt: null } })).toBe(1);
  });

  test("two owners switching each other off at the same moment: exactly one succeeds, every time", async () => {
    for (let round = 0; round < 8; round += 1) {
      const other = await addStaffMember({ name: `Rival ${round}`, email: uniqueEmail("rival"), role: "OWNER", password: "the-rivals-password" }, firstOwner);
      const rival = await actorOf(other.accountId);
      const owner = await actorOf(MERCHANT_ACCOUNT_ID);

      const results = await Promise.allSettled([
        round % 2 === 0 ? switchOff(other.accountId, owner) : changeRole(other.accountId, "STAFF", owner),
        round % 3 === 0 ? changeRole(MERCHANT_ACCOUNT_ID, "STAFF", rival) : switchOff(MERCHANT_ACCOUNT_ID, rival),
      ]);

      const refused = results.filter((result) => result.status === "rejected");
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: "LAST_OWNER" });
      expect(await db.adminAccount.count({ where: { role: "OWNER", disabledAt: null } })).toBe(1);
      // Back to the first owner alone for the next round.
      await db.adminAccount.update({ where: { id: MERCHANT_ACCOUNT_ID }, data: { role: "OWNER", disabledAt: null } });
      await db.adminAccount.update({ where: { id: other.accountId }, data: { role: "STAFF", disabledAt: new Date() } });
    }
  });
});

describe("switching a person off and on", () => {
  test("off: signed out everywhere at once and cannot sign in (the same answer as a wrong password); on: signs in afresh", async () => {
    const email = uniqueEmail("leaver");
    const { accountId } = await addStaffMember({ name: "Leaver", email, role: "STAFF", password: "the-leavers-password" }, firstOwner);
    const sessions = [await createAdminSession({ ...DETAILS, accountId }), await createAdminSession({ ...DETAILS, accountId })];
    for (const token of sessions) expect(await findAdminSession(token)).not.toBeNull();

    expect(await switchOff(accountId, firstOwner)).toEqual({ message: "Leaver is switched off: they cannot sign in, and they are signed out everywhere." });
    expect(await switchOff(accountId, firstOwner)).toEqual({ message: "Leaver is already switched off. Nothing changed." });

    for (const token of sessions) expect(await findAdminSession(token)).toBeNull();
    expect(await db.adminSession.count({ where: { accountId } })).toBe(0);
    expect(await signIn({ email, password: "the-leavers-password", ...DETAILS })).toEqual({ outcome: "wrong-password" });

    expect(await switchOn(accountId, firstOwner)).toEqual({ message: "Leaver can sign in again." });
    expect(await switchOn(accountId, firstOwner)).toEqual({ message: "Leaver can already sign in. Nothing changed." });
    expect((await signIn({ email, password: "the-leavers-password", ...DETAILS })).outcome).toBe("signed-in");
  });
});

describe("a staff member and what only owners may do", () => {
  test("the staff page's actions are refused before the form is read: nothing changes", async () => {
    const { accountId } = await addStaffMember({ name: "Curious", email: uniqueEmail("curious"), role: "STAFF", password: "curious-password" }, firstOwner);
    const target = await addStaffMember({ name: "Target", email: uniqueEmail("target"), role: "STAFF", password: "target-password" }, firstOwner);
    const actions = await import("@/app/(admin)/admin/(console)/staff/actions");
    const session = await createAdminSession({ ...DETAILS, accountId });
    const before = { accounts: await db.adminAccount.findMany({ orderBy: { id: "asc" } }), sessions: await db.adminSession.count() };

    const forms = [
      [actions.addStaffAction, { name: "Sneaky", email: uniqueEmail("sneaky"), role: "OWNER", password: "" }],
      [actions.changeRoleAction, { accountId, role: "OWNER" }],
      [actions.changeRoleAction, { accountId: MERCHANT_ACCOUNT_ID, role: "STAFF" }],
      [actions.switchOffAction, { accountId: MERCHANT_ACCOUNT_ID }],
      [actions.switchOffAction, { accountId: target.accountId }],
      [actions.switchOnAction, { accountId: target.accountId }],
    ] as const;
    for (const [action, fields] of forms) {
      fakeRequest({ host: HOST, forwardedFor: DETAILS.address, session });
      expect(await outcomeOf(() => action(null, formData(fields)))).toEqual({ kind: "returned", value: { ok: false, error: OWNER_ONLY_MESSAGE } });
      expect(requestEffects()).toMatchObject({ cookieWrites: [], revalidated: [] });
    }
    expect({ accounts: await db.adminAccount.findMany({ orderBy: { id: "asc" } }), sessions: await db.adminSession.count() }).toEqual(before);
  });

  test("the staff page shows staff only that it is an owner's; an owner sees everyone, without a password hash in sight", async () => {
    const { accountId } = await addStaffMember({ name: "Looker", email: uniqueEmail("looker"), role: "STAFF", password: "looker-password" }, firstOwner);
    const { default: StaffPage } = await import("@/app/(admin)/admin/(console)/staff/page");

    fakeRequest({ host: HOST, forwardedFor: DETAILS.address, session: await createAdminSession({ ...DETAILS, accountId }) });
    const forStaff = await outcomeOf(() => StaffPage());
    if (forStaff.kind !== "returned" || !isValidElement(forStaff.value)) throw new Error(JSON.stringify(forStaff));
    expect((forStaff.value as ReactElement).type).toBe(OwnerOnly);

    fakeRequest({ host: HOST, forwardedFor: DETAILS.address, session: await createAdminSession({ ...DETAILS, accountId: MERCHANT_ACCOUNT_ID }) });
    const forOwner = await outcomeOf(() => StaffPage());
    expect(forOwner.kind).toBe("returned");
    const people = await listStaff();
    expect(people.map((person) => person.id)).toEqual(expect.arrayContaining([MERCHANT_ACCOUNT_ID, accountId]));
    expect(JSON.stringify(people)).not.toMatch(/argon2|passwordHash|totpSecret/);
    // Active people first.
    const firstOff = people.findIndex((person) => person.disabledAt !== null);
    expect(people.slice(firstOff === -1 ? people.length : firstOff).every((person) => person.disabledAt !== null)).toBe(true);
  });

  test("an owner adds a person through the form: the made-up password is in the answer, and works", async () => {
    const { addStaffAction } = await import("@/app/(admin)/admin/(console)/staff/actions");
    fakeRequest({ host: HOST, forwardedFor: DETAILS.address, session: await createAdminSession({ ...DETAILS, accountId: MERCHANT_ACCOUNT_ID }) });
    const email = uniqueEmail("through-form");

    const outcome = await outcomeOf(() => addStaffAction(null, formData({ name: "Form Person", email, role: "STAFF", password: "" })));

    if (outcome.kind !== "returned") throw new Error(JSON.stringify(outcome));
    const value = outcome.value as { ok: true; data: { message: string; generatedPassword: string } };
    expect(value.ok).toBe(true);
    expect((await signIn({ email, password: value.data.generatedPassword, ...DETAILS })).outcome).toBe("signed-in");
    // A short password of the owner's is refused with what to do.
    fakeRequest({ host: HOST, forwardedFor: DETAILS.address, session: await createAdminSession({ ...DETAILS, accountId: MERCHANT_ACCOUNT_ID }) });
    expect(await outcomeOf(() => addStaffAction(null, formData({ name: "Short", email: uniqueEmail("short"), role: "STAFF", password: "short" })))).toEqual({
      kind: "returned",
      value: { ok: false, error: expect.stringContaining("at least 12 characters") },
    });
    expect(await db.adminAccount.count({ where: { name: "Short" } })).toBe(0);
  });
});

describe("sessions name their person", () => {
  test("a session's token is kept only as its hash, and belongs to one account", async () => {
    const { accountId } = await addStaffMember({ name: "Hashed", email: uniqueEmail("hashed"), role: "STAFF", password: "hashed-password" }, firstOwner);
    const token = await createAdminSession({ ...DETAILS, accountId });
    const row = await db.adminSession.findUniqueOrThrow({ where: { tokenHash: createHash("sha256").update(token).digest("hex") } });
    expect(row).toMatchObject({ accountId, awaitingSecondFactor: false });
    // A session naming no account (from before staff accounts) is over.
    await db.adminSession.update({ where: { id: row.id }, data: { accountId: null } });
    expect(await findAdminSession(token)).toBeNull();
  });
});
