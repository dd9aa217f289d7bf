import { createHash } from "node:crypto";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { capAddress } from "../http/client-address.ts";
import { hashSessionToken } from "../orders/ids.ts";
import { decoyPasswordHash, merchantCredentials, verifyPassword } from "./password.ts";
import { createAdminSession, newSessionToken } from "./sessions.ts";
import { consumeTotpCode } from "./totp.ts";

export { WRONG_CODE_MESSAGE, WRONG_CREDENTIALS_MESSAGE } from "./sign-in-messages.ts";

// Sign-in by e-mail and password, then (when the person has switched it on) a two-factor code, with two brakes on
// guessing, neither of which a stranger can use to lock a person out:
// - per address: at most MAX_FAILURES failed checks (passwords and codes) per address in a minute (the address is
//   the socket's, or the trusted proxies' word for it: lib/http/client-address.ts);
// - per account: after BACKOFF_AFTER failures in a row, from any address, nothing is checked for a while that
//   doubles with every further failure (1 s, 2 s, 4 s … at most BACKOFF_MAX_MS); a success resets it. Guessing
//   from many addresses buys no more than this backoff allows, and the person's own address is never blocked for
//   longer than it.
// There is no ceiling over all addresses: an attacker could fill it from forged or borrowed addresses and keep
// everybody out for as long as they kept at it.
//
// Nothing here tells whether an e-mail address has an account: a sign-in naming none (or an account switched off)
// checks the password against a decoy hash, answers with the same words, and has a backoff of its own that grows
// exactly as an account's would (kept in RateLimiterFlexible under the address's SHA-256).

export const MAX_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 60_000;
export const BACKOFF_AFTER = 5;
export const BACKOFF_MAX_MS = 15 * 60_000;

/** Counted against the per-address limit: failures, and attempts still being checked (parallel guesses count too). */
const COUNTED = ["PENDING", "FAILED"];

/** Sign-in attempts are kept this long for the merchant's audit, then deleted. */
export const ATTEMPT_RETENTION_MS = 90 * 24 * 3_600_000;

/** Refused unchecked: too many failures from this address (in the last minute) or on the account (the backoff). */
export type LockedOut = { outcome: "locked-out"; reason: "address" | "account"; retryAfterSeconds: number };

export type SignInResult =
  | { outcome: "signed-in"; token: string }
  /** The password was right and the account asks for a two-factor code: a session that opens only the code page. */
  | { outcome: "code-needed"; token: string }
  /** The e-mail address and password do not match an account that may sign in (the same answer for every case). */
  | { outcome: "wrong-password" }
  | LockedOut;

/** How long the account waits after its `failures`th failure in a row: 0 below BACKOFF_AFTER. */
export function backoffMs(failures: number): number {
  if (failures < BACKOFF_AFTER) return 0;
  return Math.min(1_000 * 2 ** Math.min(failures - BACKOFF_AFTER, 30), BACKOFF_MAX_MS);
}

const secondsUntil = (moment: number, now: Date) => Math.max(1, Math.ceil((moment - now.getTime()) / 1000));

/** "Too many failed sign-ins from your address. Try again later, in 45 seconds." The same whatever was typed. */
export function lockedOutMessage(result: LockedOut): string {
  const from = result.reason === "address" ? " from your address" : "";
  return `Too many failed sign-ins${from}. Try again later, in ${waitText(result.retryAfterSeconds)}.`;
}

/** "45 seconds", "1 second", "15 minutes" (rounded up). */
function waitText(seconds: number): string {
  if (seconds <= 90) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** E-mail addresses are kept lower-case (AdminAccount.email); what a person types is compared the same way. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function signIn(input: {
  email: string;
  password: string;
  address: string | null;
  userAgent: string | null;
  now?: Date;
}): Promise<SignInResult> {
  const now = input.now ?? new Date();
  // Makes sure the first owner exists (and, while it applies, holds the hash of the current ADMIN_PASSWORD) before
  // any account is read.
  await merchantCredentials();
  const email = normalizeEmail(input.email);

  const attempt = await openAttempt(input.address, now);
  if (attempt.lockedOut) return attempt.lockedOut;

  // Read before the check: the session is of the generation whose password was checked, so a password change
  // racing this sign-in ends it too.
  const account = await db.adminAccount.findUnique({
    where: { email },
    select: { id: true, passwordHash: true, passwordGeneration: true, disabledAt: true, totpEnabledAt: true },
  });
  const claim = account ? await claimAccountCheck(account.id, now) : await claimUnknownEmailCheck(email, now);
  if (!claim.claimed) return attempt.refuse(claim.freeAt);

  const matches = await verifyPassword(account?.passwordHash ?? (await decoyPasswordHash()), input.password);
  const admitted = matches && account !== null && account.disabledAt === null;
  await attempt.finish(admitted);
  if (!admitted) return { outcome: "wrong-password" };

  const awaitingSecondFactor = account.totpEnabledAt !== null;
  // With two-factor sign-in the failures in a row end only with the right code (a right password alone is half).
  if (!awaitingSecondFactor) await resetAccountFailures(account.id);
  const token = await createAdminSession(
    { address: input.address, userAgent: input.userAgent, accountId: account.id, awaitingSecondFactor },
    now,
    account.passwordGeneration,
  );
  await forgetOldRecords(now);
  return { outcome: awaitingSecondFactor ? "code-needed" : "signed-in", token };
}

export type SecondFactorResult =
  /** The code was right: the session is whole now, under a new token (the old cookie opens nothing). */
  | { outcome: "signed-in"; token: string }
  /** A wrong code, or one already used (the same answer). */
  | { outcome: "wrong-code" }
  /** The session no longer waits for a code (it ended, or another request completed it). */
  | { outcome: "no-pending-sign-in" }
  | LockedOut;

/**
 * The second step of a two-factor sign-in: the code for the session that is waiting for one. A right code is taken
 * once (totp.ts: never the same time step twice), and the session is flipped to a whole one under a new token in a
 * conditional update, so the token that only opened the code page opens nothing afterwards. Wrong codes count
 * toward both brakes, as wrong passwords do.
 */
export async function completeSecondFactor(input: {
  session: { id: string; accountId: string };
  code: string;
  address: string | null;
  now?: Date;
}): Promise<SecondFactorResult> {
  const now = input.now ?? new Date();
  const { id, accountId } = input.session;
  const checked = await checkUnderBrakes(accountId, input.address, () => consumeTotpCode(accountId, input.code, now, "enabled"), now);
  if (checked.outcome === "locked-out") return checked;
  if (checked.outcome === "wrong") return { outcome: "wrong-code" };
  const token = newSessionToken();
  const flipped = await db.adminSession.updateMany({
    where: { id, accountId, awaitingSecondFactor: true },
    data: { tokenHash: hashSessionToken(token), awaitingSecondFactor: false, lastSeenAt: now },
  });
  if (flipped.count === 0) return { outcome: "no-pending-sign-in" };
  await forgetOldRecords(now);
  return { outcome: "signed-in", token };
}

/**
 * A secret the signed-in (or half signed-in) person proves they know, checked under both brakes: a two-factor code,
 * or their current password before they change it. `check` runs only when neither brake refuses; a success ends
 * the account's failures in a row.
 */
export async function checkUnderBrakes(
  accountId: string,
  address: string | null,
  check: () => Promise<boolean>,
  now = new Date(),
): Promise<{ outcome: "right" } | { outcome: "wrong" } | LockedOut> {
  const attempt = await openAttempt(address, now);
  if (attempt.lockedOut) return attempt.lockedOut;
  const claim = await claimAccountCheck(accountId, now);
  if (!claim.claimed) return attempt.refuse(claim.freeAt);
  const right = await check();
  await attempt.finish(right);
  if (!right) return { outcome: "wrong" };
  await resetAccountFailures(accountId);
  return { outcome: "right" };
}

/**
 * The attempt's row, recorded (PENDING) before counting, so that parallel guesses see each other: of ten at once, at
 * most five are checked. `lockedOut` when the address has had its failures for the minute.
 */
async function openAttempt(rawAddress: string | null, now: Date) {
  const address = capAddress(rawAddress) ?? "unknown";
  const row = await db.adminSignInAttempt.create({ data: { address, outcome: "PENDING", createdAt: now } });
  const refuse = async (freeAt: number, reason: LockedOut["reason"] = "account"): Promise<LockedOut> => {
    await db.adminSignInAttempt.update({ where: { id: row.id }, data: { outcome: "LOCKED_OUT" } });
    return { outcome: "locked-out", reason, retryAfterSeconds: secondsUntil(freeAt, now) };
  };
  const fromAddress = await db.adminSignInAttempt.findMany({
    where: {
      address,
      createdAt: { gte: new Date(now.getTime() - LOCKOUT_WINDOW_MS), lte: now },
      outcome: { in: COUNTED },
      id: { not: row.id },
    },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  const blocking = fromAddress.length >= MAX_FAILURES ? fromAddress[fromAddress.length - MAX_FAILURES] : undefined;
  return {
    lockedOut: blocking ? await refuse(blocking.createdAt.getTime() + LOCKOUT_WINDOW_MS, "address") : null,
    refuse,
    finish: async (succeeded: boolean) => {
      await db.adminSignInAttempt.update({ where: { id: row.id }, data: { outcome: succeeded ? "SUCCEEDED" : "FAILED" } });
    },
  };
}

type Claim = { claimed: true } | { claimed: false; freeAt: number };

/**
 * The account's permission to check one secret now. Each check is counted as a failure BEFORE it runs, and the
 * backoff that failure would start is written in the same conditional update (compare-and-set on the two fields),
 * so that concurrent attempts, in one process or several, take their turns: once the count reaches BACKOFF_AFTER,
 * the next attempt finds the account blocked, however many were sent at once. A success resets both.
 */
async function claimAccountCheck(accountId: string, now: Date): Promise<Claim> {
  // Each lost race means another attempt was counted: a few rounds settle it; a storm of them is refused for a second.
  for (let round = 0; round < 20; round += 1) {
    const account = await db.adminAccount.findUniqueOrThrow({
      where: { id: accountId },
      select: { failedSignIns: true, signInBlockedUntil: true },
    });
    const blockedUntil = account.signInBlockedUntil?.getTime() ?? 0;
    if (blockedUntil > now.getTime()) return { claimed: false, freeAt: blockedUntil };
    const failures = account.failedSignIns + 1;
    const wait = backoffMs(failures);
    const claimed = await db.adminAccount.updateMany({
      where: { id: accountId, failedSignIns: account.failedSignIns, signInBlockedUntil: account.signInBlockedUntil },
      data: { failedSignIns: failures, signInBlockedUntil: wait > 0 ? new Date(now.getTime() + wait) : account.signInBlockedUntil },
    });
    if (claimed.count === 1) return { claimed: true };
  }
  return { claimed: false, freeAt: now.getTime() + 1_000 };
}

/**
 * The same backoff for an e-mail address with no account, so that its answers cannot be told from an account's:
 * a RateLimiterFlexible row per address (its SHA-256, never the address itself) holding the failures in a row
 * (`points`) and, in `expire`, the last failure plus ATTEMPT_RETENTION_MS (the row is forgotten with the attempts).
 */
async function claimUnknownEmailCheck(email: string, now: Date): Promise<Claim> {
  const key = `admin-sign-in:${createHash("sha256").update(email).digest("hex")}`;
  for (let round = 0; round < 20; round += 1) {
    const row = await db.rateLimiterFlexible.findUnique({ where: { key } });
    const failuresBefore = row?.points ?? 0;
    const lastFailure = row?.expire ? row.expire.getTime() - ATTEMPT_RETENTION_MS : null;
    const blockedUntil = lastFailure === null ? 0 : lastFailure + backoffMs(failuresBefore);
    if (blockedUntil > now.getTime()) return { claimed: false, freeAt: blockedUntil };
    const next = { points: failuresBefore + 1, expire: new Date(now.getTime() + ATTEMPT_RETENTION_MS) };
    if (!row) {
      try {
        await db.rateLimiterFlexible.create({ data: { key, ...next } });
        return { claimed: true };
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") continue;
        throw error;
      }
    }
    const claimed = await db.rateLimiterFlexible.updateMany({ where: { key, points: row.points, expire: row.expire }, data: next });
    if (claimed.count === 1) return { claimed: true };
  }
  return { claimed: false, freeAt: now.getTime() + 1_000 };
}

async function resetAccountFailures(accountId: string): Promise<void> {
  await db.adminAccount.updateMany({ where: { id: accountId }, data: { failedSignIns: 0, signInBlockedUntil: null } });
}

/** Sessions nobody will come back to (idle past the timeout) and attempts past their retention. */
async function forgetOldRecords(now: Date): Promise<void> {
  await db.adminSession.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - env.admin.idleTimeoutMs) } } });
  await db.adminSignInAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - ATTEMPT_RETENTION_MS) } } });
}
