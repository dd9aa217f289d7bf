import { hash, verify } from "@node-rs/argon2";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { log } from "../log.ts";

// The merchant's password is ADMIN_PASSWORD, kept in the database only as an argon2id hash (OWASP's first
// choice; @node-rs/argon2's defaults: 19 MiB, 2 passes). Sign-in checks against the hash, never the setting.

const ACCOUNT_ID = "merchant";

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

let accountReady: Promise<string> | undefined;

/**
 * The stored hash, made from ADMIN_PASSWORD the first time and again whenever ADMIN_PASSWORD changes; a change
 * ends every session, so that whoever knew the old password is signed out. Checked once per process.
 */
export function merchantPasswordHash(): Promise<string> {
  accountReady ??= syncMerchantAccount(env.admin.password).catch((error: unknown) => {
    accountReady = undefined;
    throw error;
  });
  return accountReady;
}

export async function syncMerchantAccount(password: string): Promise<string> {
  const account = await db.adminAccount.findUnique({ where: { id: ACCOUNT_ID } });
  if (account && (await verifyPassword(account.passwordHash, password))) return account.passwordHash;
  const passwordHash = await hashPassword(password);
  await db.$transaction([
    db.adminAccount.upsert({
      where: { id: ACCOUNT_ID },
      create: { id: ACCOUNT_ID, passwordHash },
      update: { passwordHash },
    }),
    db.adminSession.deleteMany({}),
  ]);
  if (account) log.info("ADMIN_PASSWORD changed: stored a new hash and ended every admin session");
  return passwordHash;
}
