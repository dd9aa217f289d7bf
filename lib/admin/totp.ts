import { Secret, TOTP } from "otpauth";

import { db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { SHOP_NAME } from "../shop/brand.ts";

// Two-factor sign-in with time-based one-time codes (RFC 6238), as every authenticator app reads them: 6 digits, a
// new code every 30 s, HMAC-SHA-1 (the only algorithm all of them support), and the codes of the step before and
// after accepted too (±1: a clock a little off, a code typed as it changed). The secret stays on the server: it
// leaves it only in the enrolment QR code and its text form, shown to the person setting it up.
//
// A code is accepted once: AdminAccount.totpLastStep holds the time step of the last code accepted, and a code is
// taken only by a conditional update that moves it forward, so the same code (or an older one) is refused however
// many processes are asked at once (RFC 6238 §5.2).

export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ALGORITHM = "SHA1";
/** Time steps accepted on either side of the current one. */
export const TOTP_WINDOW = 1;

/** A new random secret: 160 bits (RFC 4226's recommendation), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secret: string, email: string | null = null): TOTP {
  return new TOTP({
    issuer: SHOP_NAME,
    label: email ?? SHOP_NAME,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** The otpauth:// URI an authenticator app scans: issuer the shop's name, label the person's e-mail. */
export function totpUri(secret: string, email: string | null): string {
  return totpFor(secret, email).toString();
}

/** The secret grouped in fours, for typing it into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

/** "123 456" and "123456" are the same code; anything else that is not six digits matches nothing. */
export function normalizeCode(code: string): string | null {
  const digits = code.replace(/[\s-]/g, "");
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits) ? digits : null;
}

/** The time step `code` belongs to (within the window around `now`), or null when it matches none. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  const token = normalizeCode(code);
  if (!token) return null;
  const totp = totpFor(secret);
  const delta = totp.validate({ token, timestamp: now.getTime(), window: TOTP_WINDOW });
  return delta === null ? null : totp.counter({ timestamp: now.getTime() }) + delta;
}

/**
 * Takes `code` for the account, once: true when it matches the account's secret and its time step is later than
 * the last one accepted. `which` says whose secret: the one switched on (sign-in, switching it off) or the one
 * being set up (confirming it). `also` is written in the same conditional update (switching it on or off).
 */
export async function consumeTotpCode(
  accountId: string,
  code: string,
  now: Date,
  which: "enabled" | "pending",
  also: Prisma.AdminAccountUpdateManyMutationInput = {},
): Promise<boolean> {
  const account = await db.adminAccount.findUnique({
    where: { id: accountId },
    select: { totpSecret: true, totpEnabledAt: true, totpLastStep: true },
  });
  if (!account?.totpSecret) return false;
  if ((which === "enabled") !== (account.totpEnabledAt !== null)) return false;
  const step = matchingStep(account.totpSecret, code, now);
  if (step === null || (account.totpLastStep !== null && step <= account.totpLastStep)) return false;
  const taken = await db.adminAccount.updateMany({
    where: {
      id: accountId,
      totpSecret: account.totpSecret,
      totpEnabledAt: which === "enabled" ? { not: null } : null,
      OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }],
    },
    data: { ...also, totpLastStep: step },
  });
  return taken.count === 1;
}
