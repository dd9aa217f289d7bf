import { randomBytes } from "node:crypto";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { capAddress } from "../http/client-address.ts";
import { hashSessionToken } from "../orders/ids.ts";
import { MERCHANT_ACCOUNT_ID } from "./password.ts";

// Admin sessions live in the database; the browser holds only a random 256-bit token in an httpOnly cookie.

export const ADMIN_SESSION_COOKIE = "admin_session";
/** The cookie is sent only to the admin pages, their Server Actions and the CSV export. */
export const ADMIN_COOKIE_PATH = "/admin";

/** Writing lastSeenAt on every request would serialise page loads on one row: once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

export type AdminSessionInfo = { id: string; createdAt: Date; lastSeenAt: Date; accountId: string | null };

/**
 * A new session of `passwordGeneration`: the generation of the password the caller checked (merchantCredentials),
 * so that a sign-in racing a password change gets a session that is over at once. Without one, the account's
 * current generation.
 */
export async function createAdminSession(
  details: { address: string | null; userAgent: string | null },
  now = new Date(),
  passwordGeneration?: number,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const generation = passwordGeneration ?? (await currentPasswordGeneration());
  await db.adminSession.create({
    data: {
      tokenHash: hashSessionToken(token),
      address: capAddress(details.address),
      userAgent: details.userAgent?.slice(0, 300),
      createdAt: now,
      lastSeenAt: now,
      passwordGeneration: generation ?? 0,
    },
  });
  return token;
}

/** AdminAccount.passwordGeneration now, or null before the account exists. */
async function currentPasswordGeneration(): Promise<number | null> {
  const account = await db.adminAccount.findUnique({ where: { id: MERCHANT_ACCOUNT_ID }, select: { passwordGeneration: true } });
  return account?.passwordGeneration ?? null;
}

/**
 * The session for this cookie value, or null when there is none or it is over (then it is ended): idle too long,
 * older than the absolute lifetime (counted from sign-in, however busy it has been), or of an older password
 * generation than the account's now. The generation is read from the database on every call, so a password
 * changed by any process ends the session at its next request in every process.
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
  const over =
    now.getTime() - session.lastSeenAt.getTime() > idleTimeoutMs ||
    now.getTime() - session.createdAt.getTime() > maxAgeMs ||
    session.passwordGeneration !== (await currentPasswordGeneration());
  if (over) {
    await db.adminSession.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.adminSession.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return { id: session.id, createdAt: session.createdAt, lastSeenAt: now, accountId: session.accountId };
}

export async function endAdminSession(token: string | undefined): Promise<void> {
  if (!token) return;
  await db.adminSession.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
}
