import { db } from "../db.ts";
import { env } from "../env.ts";
import { capAddress } from "../http/client-address.ts";
import { MERCHANT_ACCOUNT_ID, merchantCredentials, verifyPassword } from "./password.ts";
import { createAdminSession } from "./sessions.ts";

// Sign-in with two brakes, neither of which a stranger can use to lock the merchant out:
// - per address: at most MAX_FAILURES failed sign-ins per address in a minute (the address is the socket's, or the
//   trusted proxies' word for it: lib/http/client-address.ts);
// - per account: after BACKOFF_AFTER failures in a row, from any address, no password is checked for a while that
//   doubles with every further failure (1 s, 2 s, 4 s … at most BACKOFF_MAX_MS); a success resets it. Guessing
//   from many addresses buys no more than this backoff allows, and the merchant's own address is never blocked
//   for longer than it.
// There is no ceiling over all addresses: an attacker could fill it from forged or borrowed addresses and keep the
// merchant out for as long as they kept at it.

export const MAX_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 60_000;
export const BACKOFF_AFTER = 5;
export const BACKOFF_MAX_MS = 15 * 60_000;

/** The account AdminAccount row of lib/admin/password.ts (one merchant). */

/** Counted against the per-address limit: failures, and attempts still being checked (parallel guesses count too). */
const COUNTED = ["PENDING", "FAILED"];

/** Sign-in attempts are kept this long for the merchant's audit, then deleted. */
export const ATTEMPT_RETENTION_MS = 90 * 24 * 3_600_000;

export type SignInResult =
  | { outcome: "signed-in"; token: string }
  | { outcome: "wrong-password" }
  /** Refused unchecked: too many failures from this address (in the last minute) or on the account (the backoff). */
  | { outcome: "locked-out"; reason: "address" | "account"; retryAfterSeconds: number };

/** How long the account waits after its `failures`th failure in a row: 0 below BACKOFF_AFTER. */
export function backoffMs(failures: number): number {
  if (failures < BACKOFF_AFTER) return 0;
  return Math.min(1_000 * 2 ** Math.min(failures - BACKOFF_AFTER, 30), BACKOFF_MAX_MS);
}

const secondsUntil = (moment: number, now: Date) => Math.max(1, Math.ceil((moment - now.getTime()) / 1000));

export async function signIn(input: {
  password: string;
  address: string | null;
  userAgent: string | null;
  now?: Date;
}): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const address = capAddress(input.address) ?? "unknown";
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
  // Makes sure the account exists (and holds the hash of the current ADMIN_PASSWORD) before its backoff is read. The
  // session is of the generation whose password was checked, so a change racing this sign-in ends it too.
  const { passwordHash, passwordGeneration } = await merchantCredentials();

  // Recorded before counting, so that parallel guesses see each other: of ten at once, at most five are checked.
  const attempt = await db.adminSignInAttempt.create({ data: { address, outcome: "PENDING", createdAt: now } });
  const lockOut = async (reason: "address" | "account", freeAt: number): Promise<SignInResult> => {
    await db.adminSignInAttempt.update({ where: { id: attempt.id }, data: { outcome: "LOCKED_OUT" } });
    return { outcome: "locked-out", reason, retryAfterSeconds: secondsUntil(freeAt, now) };
  };

  const fromAddress = await db.adminSignInAttempt.findMany({
    where: { address, createdAt: { gte: windowStart, lte: now }, outcome: { in: COUNTED }, id: { not: attempt.id } },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  const blocking = fromAddress.length >= MAX_FAILURES ? fromAddress[fromAddress.length - MAX_FAILURES] : undefined;
  if (blocking) return lockOut("address", blocking.createdAt.getTime() + LOCKOUT_WINDOW_MS);

  const claim = await claimPasswordCheck(now);
  if (!claim.claimed) return lockOut("account", claim.freeAt);

  const matches = await verifyPassword(passwordHash, input.password);
  await db.adminSignInAttempt.update({ where: { id: attempt.id }, data: { outcome: matches ? "SUCCEEDED" : "FAILED" } });
  if (!matches) return { outcome: "wrong-password" };
  // The failures in a row end here (the claim counted this attempt as one, in case it failed).
  await db.adminAccount.updateMany({ where: { id: MERCHANT_ACCOUNT_ID }, data: { failedSignIns: 0, signInBlockedUntil: null } });
  const token = await createAdminSession({ address: input.address, userAgent: input.userAgent }, now, passwordGeneration);
  await forgetOldRecords(now);
  return { outcome: "signed-in", token };
}

/**
 * The account's permission to check one password now. Each check is counted as a failure BEFORE it runs, and the
 * backoff that failure would start is written in the same conditional update (compare-and-set on the two fields),
 * so that concurrent attempts, in one process or several, take their turns: once the count reaches BACKOFF_AFTER,
 * the next attempt finds the account blocked, however many were sent at once. A success resets both.
 */
async function claimPasswordCheck(now: Date): Promise<{ claimed: true } | { claimed: false; freeAt: number }> {
  // Each lost race means another attempt was counted: a few rounds settle it; a storm of them is refused for a second.
  for (let round = 0; round < 20; round += 1) {
    const account = await db.adminAccount.findUniqueOrThrow({
      where: { id: MERCHANT_ACCOUNT_ID },
      select: { failedSignIns: true, signInBlockedUntil: true },
    });
    const blockedUntil = account.signInBlockedUntil?.getTime() ?? 0;
    if (blockedUntil > now.getTime()) return { claimed: false, freeAt: blockedUntil };
    const failures = account.failedSignIns + 1;
    const wait = backoffMs(failures);
    const claimed = await db.adminAccount.updateMany({
      where: { id: MERCHANT_ACCOUNT_ID, failedSignIns: account.failedSignIns, signInBlockedUntil: account.signInBlockedUntil },
      data: { failedSignIns: failures, signInBlockedUntil: wait > 0 ? new Date(now.getTime() + wait) : account.signInBlockedUntil },
    });
    if (claimed.count === 1) return { claimed: true };
  }
  return { claimed: false, freeAt: now.getTime() + 1_000 };
}

/** Sessions nobody will come back to (idle past the timeout) and attempts past their retention. */
async function forgetOldRecords(now: Date): Promise<void> {
  await db.adminSession.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - env.admin.idleTimeoutMs) } } });
  await db.adminSignInAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - ATTEMPT_RETENTION_MS) } } });
}
