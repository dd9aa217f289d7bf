import { randomBytes } from "node:crypto";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { hashSessionToken } from "../orders/ids.ts";

// Admin sessions live in the database; the browser holds only a random 256-bit token in an httpOnly cookie.

export const ADMIN_SESSION_COOKIE = "admin_session";
/** The cookie is sent only to the admin pages, their Server Actions and the CSV export. */
export const ADMIN_COOKIE_PATH = "/admin";

/** Writing lastSeenAt on every request would serialise page loads on one row: once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

export type AdminSessionInfo = { id: string; createdAt: Date; lastSeenAt: Date };

export async function createAdminSession(
  details: { address: string | null; userAgent: string | null },
  now = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.adminSession.create({
    data: {
      tokenHash: hashSessionToken(token),
      address: details.address,
      userAgent: details.userAgent?.slice(0, 300),
      createdAt: now,
      lastSeenAt: now,
    },
  });
  return token;
}

/** The session for this cookie value, or null when there is none or it has been idle too long (then it is ended). */
export async function findAdminSession(
  token: string | undefined,
  options: { now?: Date; idleTimeoutMs?: number } = {},
): Promise<AdminSessionInfo | null> {
  if (!token || token.length > 100) return null;
  const now = options.now ?? new Date();
  const idleTimeoutMs = options.idleTimeoutMs ?? env.admin.idleTimeoutMs;
  const session = await db.adminSession.findUnique({ where: { tokenHash: hashSessionToken(token) } });
  if (!session) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > idleTimeoutMs) {
    await db.adminSession.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.adminSession.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return { id: session.id, createdAt: session.createdAt, lastSeenAt: now };
}

export async function endAdminSession(token: string | undefined): Promise<void> {
  if (!token) return;
  await db.adminSession.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
}
