import { randomBytes } from "node:crypto";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { capAddress } from "../http/client-address.ts";
import { hashSessionToken } from "../orders/ids.ts";
import { MERCHANT_ACCOUNT_ID } from "./password.ts";

// Admin sessions live in the database; the browser holds only a random 256-bit token in an httpOnly cookie. Each
// session belongs to one account and ends, at its next request in every process, when that account's password
// generation moves on (a new password, the account switched off) or the account is switched off.

export const ADMIN_SESSION_COOKIE = "admin_session";
/** The cookie is sent only to the admin pages, their Server Actions and the CSV export. */
export const ADMIN_COOKIE_PATH = "/admin";

/** Writing lastSeenAt on every request would serialise page loads on one row: once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

/** A session waiting for its two-factor code is over this long after the password was checked. */
export const SECOND_FACTOR_TIMEOUT_MS = 5 * 60_000;

export type AdminSessionInfo = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  accountId: string;
  /** The password was right, the two-factor code is still to come: such a session opens only the code page. */
  awaitingSecondFactor: boolean;
};

/** A new random session token: what the cookie holds (the database keeps its SHA-256). */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * A new session for `details.accountId` (the first owner unless named), of `passwordGeneration`: the generation of
 * the password the caller checked, so that a sign-in racing a password change gets a session that is over at once.
 * Without one, the account's current generation.
 */
export async function createAdminSession(
  details: { address: string | null; userAgent: string | null; accountId?: string; awaitingSecondFactor?: boolean },
  now = new Date(),
  passwordGeneration?: number,
): Promise<string> {
  const token = newSessionToken();
  const accountId = details.accountId ?? MERCHANT_ACCOUNT_ID;
  const generation = passwordGeneration ?? (await currentPasswordGeneration(accountId));
  await db.adminSession.create({
    data: {
      tokenHash: hashSessionToken(token),
      address: capAddress(details.address),
      userAgent: details.userAgent?.slice(0, 300),
      createdAt: now,
      lastSeenAt: now,
      passwordGeneration: generation ?? 0,
      accountId,
      awaitingSecondFactor: details.awaitingSecondFactor ?? false,
    },
  });
  return token;
}

/** AdminAccount.passwordGeneration now, or null when the account does not exist. */
async function currentPasswordGeneration(accountId: string): Promise<number | null> {
  const account = await db.adminAccount.findUnique({ where: { id: accountId }, select: { passwordGeneration: true } });
  return account?.passwordGeneration ?? null;
}

/**
 * The session for this cookie value, or null when there is none or it is over (then it is ended): idle too long,
 * older than the absolute lifetime (counted from sign-in, however busy it has been), waiting for its two-factor
 * code for too long, naming no account, or of an account that is switched off or whose password generation has
 * moved on. The account is read from the database on every call, so a password changed or an account switched off
 * by any process ends the session at its next request in every process.
 */
export async function findAdminSession(
  token: string | undefined,
  options: { now?: Date; idleTimeoutMs?: number; maxAgeMs?: number } = {},
): Promise<AdminSessionInfo | null> {
  if (!token || token.length > 100) return null;
  const now = options.now ?? new Date();
  const idleTimeoutMs = options.idleTimeoutMs ?? env.admin.idleTimeoutMs;
  const maxAgeMs = options.maxAgeMs ?? env.admin.sessionMaxAgeMs;
  const session = await db.adminSession.findUnique({ where: { tokenHash: hashSessionToken(token) } });
  if (!session) return null;
  const account = session.accountId
    ? await db.adminAccount.findUnique({ where: { id: session.accountId }, select: { passwordGeneration: true, disabledAt: true } })
    : null;
  const age = now.getTime() - session.createdAt.getTime();
  const over =
    !session.accountId ||
    !account ||
    account.disabledAt !== null ||
    session.passwordGeneration !== account.passwordGeneration ||
    now.getTime() - session.lastSeenAt.getTime() > idleTimeoutMs ||
    age > maxAgeMs ||
    (session.awaitingSecondFactor && age > SECOND_FACTOR_TIMEOUT_MS);
  if (over || !session.accountId) {
    await db.adminSession.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.adminSession.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return {
    id: session.id,
    createdAt: session.createdAt,
    lastSeenAt: now,
    accountId: session.accountId,
    awaitingSecondFactor: session.awaitingSecondFactor,
  };
}

export async function endAdminSession(token: string | undefined): Promise<void> {
  if (!token) return;
  await db.adminSession.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
}
