import { randomBytes } from "node:crypto";

import { hash, verify } from "@node-rs/argon2";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { log } from "../log.ts";

// Passwords are kept in the database only as argon2id hashes (OWASP's first choice; @node-rs/argon2's defaults:
// 19 MiB, 2 passes). Sign-in checks against the hash, never a setting.
//
// The first owner (AdminAccount "merchant") comes from the settings: ADMIN_EMAIL is its e-mail, and ADMIN_PASSWORD
// its initial password. While AdminAccount.passwordFromSetting is true, a changed ADMIN_PASSWORD re-hashes it and
// ends its sessions; once the owner has chosen a password of their own (lib/admin/accounts.ts) the setting no
// longer applies to it.

/** The first owner's account (AdminAccount.id), made from ADMIN_EMAIL and ADMIN_PASSWORD. */
export const MERCHANT_ACCOUNT_ID = "merchant";

/** What a person may choose as a password (the same floor as ADMIN_PASSWORD's). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A hash this library cannot read matches nothing.
    return false;
  }
}

let decoyHash: Promise<string> | undefined;

/**
 * A hash no password matches, checked when a sign-in names no account (or one switched off): the answer then takes
 * as long as a real check, so the time it takes does not tell whether an e-mail address has an account.
 */
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  return decoyHash;
}

/** The first owner's stored hash and the generation it belongs to (AdminAccount.passwordGeneration). */
export type MerchantCredentials = { passwordHash: string; passwordGeneration: number };

let accountReady: Promise<unknown> | undefined;

/**
 * The first owner's stored password, read afresh from the database on every call. ADMIN_EMAIL and ADMIN_PASSWORD
 * are brought into the database once per process (the first call); after that the database is the truth, because
 * another process may have changed the password since: a process still holding the old setting in memory must not
 * accept the old password.
 */
export async function merchantCredentials(): Promise<MerchantCredentials> {
  accountReady ??= storeFirstOwner(env.admin.password, env.admin.email).catch((error: unknown) => {
    accountReady = undefined;
    throw error;
  });
  await accountReady;
  const account = await db.adminAccount.findUnique({
    where: { id: MERCHANT_ACCOUNT_ID },
    select: { passwordHash: true, passwordGeneration: true },
  });
  if (account) return account;
  // Deleted behind our back (a test, a hand-edited database): bring the settings back in.
  accountReady = undefined;
  return storeFirstOwner(env.admin.password, env.admin.email);
}

/** The first owner's stored hash, current as of this call (merchantCredentials). */
export async function merchantPasswordHash(): Promise<string> {
  return (await merchantCredentials()).passwordHash;
}

/**
 * Makes the first owner's stored hash match `password` (while its password still comes from the setting) and
 * answers the stored hash. A change moves AdminAccount.passwordGeneration on by one: every session of an older
 * generation is over, in every process at once, since each request compares the two (sessions.ts). The change is
 * a conditional update on the hash this process read, so that two processes noticing the same change at once
 * move the generation on once.
 */
export async function syncMerchantAccount(password: string, email = env.admin.email): Promise<string> {
  return (await storeFirstOwner(password, email)).passwordHash;
}

async function storeFirstOwner(password: string, email: string): Promise<MerchantCredentials> {
  for (;;) {
    const account = await db.adminAccount.findUnique({ where: { id: MERCHANT_ACCOUNT_ID } });
    if (!account) {
      const passwordHash = await hashPassword(password);
      // Another process may create it first: then the loop compares against what it stored.
      await db.adminAccount.upsert({
        where: { id: MERCHANT_ACCOUNT_ID },
        create: { id: MERCHANT_ACCOUNT_ID, email, name: "Owner", role: "OWNER", passwordHash, passwordFromSetting: true },
        update: {},
      });
      continue;
    }
    if (account.email !== email) await storeFirstOwnerEmail(account.email, email);
    // The owner chose a password of their own: ADMIN_PASSWORD no longer applies (docs/admin.md).
    if (!account.passwordFromSetting || (await verifyPassword(account.passwordHash, password))) {
      return { passwordHash: account.passwordHash, passwordGeneration: account.passwordGeneration };
    }
    const passwordHash = await hashPassword(password);
    const changed = await db.adminAccount.updateMany({
      where: { id: MERCHANT_ACCOUNT_ID, passwordHash: account.passwordHash, passwordFromSetting: true },
      data: { passwordHash, passwordGeneration: { increment: 1 } },
    });
    if (changed.count === 0) continue;
    const passwordGeneration = account.passwordGeneration + 1;
    // Housekeeping only: the generation check already refuses them.
    await db.adminSession.deleteMany({ where: { accountId: MERCHANT_ACCOUNT_ID, passwordGeneration: { lt: passwordGeneration } } });
    log.info({ passwordGeneration }, "ADMIN_PASSWORD changed: stored a new hash and ended the first owner's sessions");
    return { passwordHash, passwordGeneration };
  }
}

/** ADMIN_EMAIL sets the first owner's e-mail; an address another account already has is left alone, with a warning. */
async function storeFirstOwnerEmail(previous: string | null, email: string): Promise<void> {
  try {
    await db.adminAccount.updateMany({ where: { id: MERCHANT_ACCOUNT_ID, email: previous }, data: { email } });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    log.warn("ADMIN_EMAIL is the e-mail of another admin account: the first owner keeps its e-mail address");
  }
}
