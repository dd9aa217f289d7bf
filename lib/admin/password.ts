import { hash, verify } from "@node-rs/argon2";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { log } from "../log.ts";

// The merchant's password is ADMIN_PASSWORD, kept in the database only as an argon2id hash (OWASP's first
// choice; @node-rs/argon2's defaults: 19 MiB, 2 passes). Sign-in checks against the hash, never the setting.

/** The merchant's one account (AdminAccount.id). */
export const MERCHANT_ACCOUNT_ID = "merchant";

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

/** The stored hash and the generation it belongs to (AdminAccount.passwordGeneration). */
export type MerchantCredentials = { passwordHash: string; passwordGeneration: number };

let accountReady: Promise<unknown> | undefined;

/**
 * The stored password, read afresh from the database on every call. ADMIN_PASSWORD is brought into the database
 * once per process (the first call); after that the database is the truth, because another process may have
 * changed the password since: a process still holding the old setting in memory must not accept the old password.
 */
export async function merchantCredentials(): Promise<MerchantCredentials> {
  accountReady ??= storeMerchantPassword(env.admin.password).catch((error: unknown) => {
    accountReady = undefined;
    throw error;
  });
  await accountReady;
  const account = await db.adminAccount.findUnique({
    where: { id: MERCHANT_ACCOUNT_ID },
    select: { passwordHash: true, passwordGeneration: true },
  });
  if (account) return account;
  // Deleted behind our back (a test, a hand-edited database): bring ADMIN_PASSWORD back in.
  accountReady = undefined;
  return storeMerchantPassword(env.admin.password);
}

/** The stored hash, current as of this call (merchantCredentials). */
export async function merchantPasswordHash(): Promise<string> {
  return (await merchantCredentials()).passwordHash;
}

/**
 * Makes the stored hash match `password` and answers it. A change moves AdminAccount.passwordGeneration on by
 * one: every session of an older generation is over, in every process at once, since each request compares the
 * two (sessions.ts). The change is a conditional update on the hash this process read, so that two processes
 * noticing the same change at once move the generation on once.
 */
export async function syncMerchantAccount(password: string): Promise<string> {
  return (await storeMerchantPassword(password)).passwordHash;
}

async function storeMerchantPassword(password: string): Promise<MerchantCredentials> {
  for (;;) {
    const account = await db.adminAccount.findUnique({ where: { id: MERCHANT_ACCOUNT_ID } });
    if (account && (await verifyPassword(account.passwordHash, password))) {
      return { passwordHash: account.passwordHash, passwordGeneration: account.passwordGeneration };
    }
    const passwordHash = await hashPassword(password);
    if (!account) {
      // Another process may create it first: then the loop compares against what it stored.
      await db.adminAccount.upsert({ where: { id: MERCHANT_ACCOUNT_ID }, create: { id: MERCHANT_ACCOUNT_ID, passwordHash }, update: {} });
      continue;
    }
    const changed = await db.adminAccount.updateMany({
      where: { id: MERCHANT_ACCOUNT_ID, passwordHash: account.passwordHash },
      data: { passwordHash, passwordGeneration: { increment: 1 } },
    });
    if (changed.count === 0) continue;
    const passwordGeneration = account.passwordGeneration + 1;
    // Housekeeping only: the generation check already refuses them.
    await db.adminSession.deleteMany({ where: { passwordGeneration: { lt: passwordGeneration } } });
    log.info({ passwordGeneration }, "ADMIN_PASSWORD changed: stored a new hash and ended every admin session");
    return { passwordHash, passwordGeneration };
  }
}
