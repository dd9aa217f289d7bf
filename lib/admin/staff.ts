import { randomInt } from "node:crypto";

import { databaseProvider, db } from "../db.ts";
import { AppError } from "../errors.ts";
import { Prisma, type AdminRole } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { roleName, type AdminActor } from "./actor.ts";
import { hashPassword, MERCHANT_ACCOUNT_ID, merchantCredentials } from "./password.ts";
import { normalizeEmail } from "./sign-in.ts";

// The people who may sign in to the admin, as an owner manages them on the Staff page: add a person with an
// initial password (theirs to give, or one made here and shown once), change their role, switch them off and on.
// Two rules hold whatever arrives at once:
// - the shop always keeps an active owner: the last one can be neither switched off nor made staff. Every change
//   that could take an owner away first locks the first owner's row (always there), so such changes take turns and
//   each one counts the owners left after the one before it;
// - a person switched off is out at their next request, in every process: their password generation moves on with
//   disabledAt, and every request compares the two (sessions.ts), as a changed password does.

const staffLog = log.child({ component: "admin-staff" });

export const ADMIN_ROLES = ["OWNER", "STAFF"] as const satisfies readonly AdminRole[];

export type StaffMember = {
  id: string;
  name: string;
  email: string | null;
  role: AdminRole;
  disabledAt: Date | null;
  twoFactorOn: boolean;
  createdAt: Date;
};

/** Everyone who has an account: active ones first, then by when they were added. */
export async function listStaff(): Promise<StaffMember[]> {
  const accounts = await db.adminAccount.findMany({
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true, email: true, role: true, disabledAt: true, totpEnabledAt: true, createdAt: true },
  });
  return accounts
    .map(({ totpEnabledAt, ...account }) => ({ ...account, twoFactorOn: totpEnabledAt !== null }))
    .sort((a, b) => Number(a.disabledAt !== null) - Number(b.disabledAt !== null));
}

// Letters and digits that cannot be mistaken for each other when read out or copied by hand (no 0/O, 1/l/I).
const PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A password for a new person: 20 characters of 56 (about 116 bits), in groups of five for reading out. */
export function generatePassword(): string {
  const groups = Array.from({ length: 4 }, () =>
    Array.from({ length: 5 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join(""),
  );
  return groups.join("-");
}

export type AddedStaffMember = { message: string; accountId: string; email: string; generatedPassword: string | null };

/** A new person with their own e-mail and password. Without a password given, one is made and answered (once). */
export async function addStaffMember(
  input: { name: string; email: string; role: AdminRole; password?: string | undefined },
  by: AdminActor,
): Promise<AddedStaffMember> {
  const email = normalizeEmail(input.email);
  const generatedPassword = input.password ? null : generatePassword();
  const passwordHash = await hashPassword(input.password ?? generatedPassword ?? "");
  let accountId: string;
  try {
    const created = await db.adminAccount.create({
      data: { name: input.name.trim(), email, role: input.role, passwordHash, passwordFromSetting: false },
      select: { id: true },
    });
    accountId = created.id;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("EMAIL_TAKEN", 409, `There is already an account with the e-mail address ${email}. Nothing changed.`);
    }
    throw error;
  }
  staffLog.info({ accountId, role: input.role, by: by.accountId }, "admin account added");
  const who = `${input.name.trim()} (${roleName(input.role)})`;
  return {
    accountId,
    email,
    generatedPassword,
    message: generatedPassword
      ? `Added ${who}. They sign in with ${email} and the password below: give it to them now, it is not shown again.`
      : `Added ${who}. They sign in with ${email} and the password you chose.`,
  };
}

/** A change of role; the last active owner stays an owner. */
export async function changeRole(accountId: string, role: AdminRole, by: AdminActor): Promise<{ message: string }> {
  if (accountId === by.accountId) {
    throw new AppError("OWN_ACCOUNT", 409, "You cannot change your own role. Ask another owner to do it. Nothing changed.");
  }
  await merchantCredentials();
  const message = await db.$transaction(async (tx) => {
    await lockOwners(tx);
    const account = await tx.adminAccount.findUnique({ where: { id: accountId }, select: { name: true, role: true, disabledAt: true } });
    if (!account) throw new AppError("ACCOUNT_NOT_FOUND", 404, "There is no such account. Reload the Staff page and try again.");
    if (account.role === role) return `${account.name} is already ${roleName(role).toLowerCase()}. Nothing changed.`;
    if (account.role === "OWNER" && account.disabledAt === null) await assertAnotherActiveOwner(tx, accountId, account.name, "made staff");
    await tx.adminAccount.update({ where: { id: accountId }, data: { role } });
    return `${account.name} is now ${roleName(role).toLowerCase()}.`;
  });
  staffLog.info({ accountId, role, by: by.accountId }, "admin account role changed");
  return { message };
}

/** Switches a person off: they cannot sign in, and every session of theirs is over at its next request. */
export async function switchOff(accountId: string, by: AdminActor, now = new Date()): Promise<{ message: string }> {
  if (accountId === by.accountId) {
    throw new AppError("OWN_ACCOUNT", 409, "You cannot switch off your own account. Ask another owner to do it. Nothing changed.");
  }
  await merchantCredentials();
  const message = await db.$transaction(async (tx) => {
    await lockOwners(tx);
    const account = await tx.adminAccount.findUnique({ where: { id: accountId }, select: { name: true, role: true, disabledAt: true } });
    if (!account) throw new AppError("ACCOUNT_NOT_FOUND", 404, "There is no such account. Reload the Staff page and try again.");
    if (account.disabledAt !== null) return `${account.name} is already switched off. Nothing changed.`;
    if (account.role === "OWNER") await assertAnotherActiveOwner(tx, accountId, account.name, "switched off");
    await tx.adminAccount.update({ where: { id: accountId }, data: { disabledAt: now, passwordGeneration: { increment: 1 } } });
    // Housekeeping only: the generation check already ends them, in every process.
    await tx.adminSession.deleteMany({ where: { accountId } });
    return `${account.name} is switched off: they cannot sign in, and they are signed out everywhere.`;
  });
  staffLog.info({ accountId, by: by.accountId }, "admin account switched off");
  return { message };
}

/** Lets a person switched off sign in again (with the password they had; no old session comes back). */
export async function switchOn(accountId: string, by: AdminActor): Promise<{ message: string }> {
  const account = await db.adminAccount.findUnique({ where: { id: accountId }, select: { name: true } });
  if (!account) throw new AppError("ACCOUNT_NOT_FOUND", 404, "There is no such account. Reload the Staff page and try again.");
  const moved = await db.adminAccount.updateMany({ where: { id: accountId, disabledAt: { not: null } }, data: { disabledAt: null } });
  if (moved.count === 0) return { message: `${account.name} can already sign in. Nothing changed.` };
  staffLog.info({ accountId, by: by.accountId }, "admin account switched on");
  return { message: `${account.name} can sign in again.` };
}

/**
 * The lock every change that could take an owner away takes first: the first owner's row, which always exists
 * (merchantCredentials makes it before any admin request is honoured). PostgreSQL: FOR NO KEY UPDATE, so a second
 * such change waits, and its reads afterwards (READ COMMITTED: a fresh snapshot per statement) see the first one's
 * result. SQLite: a write that changes nothing, which takes the database's one write lock for the transaction
 * (lib/db-locks.ts explains both).
 */
async function lockOwners(tx: Prisma.TransactionClient): Promise<void> {
  if (!(await lockedFirstOwner(tx))) throw new AppError("NO_FIRST_OWNER", 503, "The shop's accounts are not set up yet. Try again in a moment.");
}

async function lockedFirstOwner(tx: Prisma.TransactionClient): Promise<boolean> {
  if (databaseProvider === "postgresql") {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "AdminAccount" WHERE "id" = ${MERCHANT_ACCOUNT_ID} FOR NO KEY UPDATE`;
    return locked.length === 1;
  }
  return (await tx.$executeRaw`UPDATE "AdminAccount" SET "id" = "id" WHERE "id" = ${MERCHANT_ACCOUNT_ID}`) === 1;
}

async function assertAnotherActiveOwner(tx: Prisma.TransactionClient, accountId: string, name: string, what: string): Promise<void> {
  const others = await tx.adminAccount.count({ where: { role: "OWNER", disabledAt: null, id: { not: accountId } } });
  if (others === 0) {
    throw new AppError(
      "LAST_OWNER",
      409,
      `${name} is the shop's only active owner, so they cannot be ${what}: make someone else an owner first. Nothing changed.`,
    );
  }
}
