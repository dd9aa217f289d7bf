import { db } from "../db.ts";
import { env } from "../env.ts";
import { merchantPasswordHash, verifyPassword } from "./password.ts";
import { createAdminSession } from "./sessions.ts";

// Sign-in with a lockout: at most MAX_FAILURES failed sign-ins per address in a minute. The address comes from
// X-Forwarded-For, which a client can forge when no proxy overwrites it, so a ceiling over all addresses backs it
// up: forging addresses cannot buy more than GLOBAL_MAX_FAILURES guesses a minute.

export const MAX_FAILURES = 5;
export const GLOBAL_MAX_FAILURES = 50;
export const LOCKOUT_WINDOW_MS = 60_000;

/** Counted against the limit: failures, and attempts still being checked (so that parallel guesses count too). */
const COUNTED = ["PENDING", "FAILED"];

/** Sign-in attempts are kept this long for the merchant's audit, then deleted. */
export const ATTEMPT_RETENTION_MS = 90 * 24 * 3_600_000;

export type SignInResult =
  | { outcome: "signed-in"; token: string }
  | { outcome: "wrong-password" }
  | { outcome: "locked-out"; retryAfterSeconds: number };

export async function signIn(input: {
  password: string;
  address: string | null;
  userAgent: string | null;
  now?: Date;
}): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const address = input.address ?? "unknown";
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS);

  // Recorded before counting, so that parallel guesses see each other: of ten at once, at most five are checked.
  const attempt = await db.adminSignInAttempt.create({ data: { address, outcome: "PENDING", createdAt: now } });
  const recent = { createdAt: { gte: windowStart, lte: now }, outcome: { in: COUNTED }, id: { not: attempt.id } };
  const [fromAddress, fromAnywhere] = await Promise.all([
    db.adminSignInAttempt.findMany({ where: { ...recent, address }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
    db.adminSignInAttempt.findMany({ where: recent, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
  ]);
  const blocking =
    fromAddress.length >= MAX_FAILURES
      ? fromAddress[fromAddress.length - MAX_FAILURES]
      : fromAnywhere.length >= GLOBAL_MAX_FAILURES
        ? fromAnywhere[fromAnywhere.length - GLOBAL_MAX_FAILURES]
        : undefined;
  if (blocking) {
    await db.adminSignInAttempt.update({ where: { id: attempt.id }, data: { outcome: "LOCKED_OUT" } });
    const freeAt = blocking.createdAt.getTime() + LOCKOUT_WINDOW_MS;
    return { outcome: "locked-out", retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) };
  }

  const matches = await verifyPassword(await merchantPasswordHash(), input.password);
  await db.adminSignInAttempt.update({ where: { id: attempt.id }, data: { outcome: matches ? "SUCCEEDED" : "FAILED" } });
  if (!matches) return { outcome: "wrong-password" };
  const token = await createAdminSession({ address: input.address, userAgent: input.userAgent }, now);
  await forgetOldRecords(now);
  return { outcome: "signed-in", token };
}

/** Sessions nobody will come back to (idle past the timeout) and attempts past their retention. */
async function forgetOldRecords(now: Date): Promise<void> {
  await db.adminSession.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - env.admin.idleTimeoutMs) } } });
  await db.adminSignInAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - ATTEMPT_RETENTION_MS) } } });
}
