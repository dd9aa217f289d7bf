import { db } from "../db.ts";
import { env, SANDBOX_DEFAULTS } from "../env.ts";
import { AppError } from "../errors.ts";
import type { AdminRole } from "../generated/prisma/client.ts";
import { log } from "../log.ts";
import { hashSessionToken } from "../orders/ids.ts";
import { hashPassword, MERCHANT_ACCOUNT_ID, merchantCredentials, verifyPassword } from "./password.ts";
import { newSessionToken } from "./sessions.ts";
import { checkUnderBrakes, lockedOutMessage, WRONG_CODE_MESSAGE, type LockedOut } from "./sign-in.ts";
import { consumeTotpCode, groupedSecret, newTotpSecret, totpUri } from "./totp.ts";

// What a signed-in person does with their own account (the Account page): a password of their own, and two-factor
// sign-in switched on and off. Each proves itself first (the current password, a current code), under the same
// brakes as sign-in, so that a session left open on a shared computer cannot be used to guess them.

const accountLog = log.child({ component: "admin-account" });

export type TwoFactorState =
  | { state: "off" }
  /** Set up but not confirmed with a code yet: the page shows the QR code (the only place the secret is shown). */
  | { state: "setting-up"; uri: string; secretText: string }
  | { state: "on"; since: Date };

export type AccountOverview = {
  id: string;
  name: string;
  email: string | null;
  role: AdminRole;
  /** The first owner whose password is still ADMIN_PASSWORD's. */
  passwordFromSetting: boolean;
  twoFactor: TwoFactorState;
};

export async function accountOverview(accountId: string): Promise<AccountOverview> {
  const account = await db.adminAccount.findUniqueOrThrow({ where: { id: accountId } });
  const twoFactor: TwoFactorState = account.totpEnabledAt
    ? { state: "on", since: account.totpEnabledAt }
    : account.totpSecret
      ? { state: "setting-up", uri: totpUri(account.totpSecret, account.email), secretText: groupedSecret(account.totpSecret) }
      : { state: "off" };
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    role: account.role,
    passwordFromSetting: account.id === MERCHANT_ACCOUNT_ID && account.passwordFromSetting,
    twoFactor,
  };
}

/** Sandbox mode's sign-in hint names the default password only while it is the first owner's password. */
export async function firstOwnerUsesDefaultPassword(): Promise<boolean> {
  if (env.admin.password !== SANDBOX_DEFAULTS.adminPassword) return false;
  await merchantCredentials();
  const owner = await db.adminAccount.findUnique({ where: { id: MERCHANT_ACCOUNT_ID }, select: { passwordFromSetting: true } });
  return owner?.passwordFromSetting === true;
}

function refusedUnderBrakes(result: LockedOut): AppError {
  return new AppError("LOCKED_OUT", 429, lockedOutMessage(result), { retryAfterSeconds: result.retryAfterSeconds });
}

/**
 * A new password of the person's own choosing, after their current one. Every other session of the account ends
 * (its password generation moves on, in every process at once); this browser's session stays, under a new token,
 * which the caller puts in the cookie. For the first owner, ADMIN_PASSWORD no longer applies from then on.
 */
export async function changeOwnPassword(input: {
  accountId: string;
  sessionId: string;
  currentPassword: string;
  newPassword: string;
  address: string | null;
  now?: Date;
}): Promise<{ token: string; message: string }> {
  const now = input.now ?? new Date();
  const account = await db.adminAccount.findUniqueOrThrow({
    where: { id: input.accountId },
    select: { passwordHash: true, passwordGeneration: true, passwordFromSetting: true },
  });
  const checked = await checkUnderBrakes(input.accountId, input.address, () => verifyPassword(account.passwordHash, input.currentPassword), now);
  if (checked.outcome === "locked-out") throw refusedUnderBrakes(checked);
  if (checked.outcome === "wrong") throw new AppError("WRONG_PASSWORD", 422, "Your current password is not right. Nothing changed.");
  if (input.newPassword === input.currentPassword) {
    throw new AppError("SAME_PASSWORD", 422, "The new password is the same as the current one. Choose another. Nothing changed.");
  }
  const passwordHash = await hashPassword(input.newPassword);
  const token = newSessionToken();
  const generation = account.passwordGeneration + 1;
  const changed = await db.$transaction(async (tx) => {
    // Conditional on what was checked: a password changed (or the account switched off) meanwhile wins.
    const moved = await tx.adminAccount.updateMany({
      where: { id: input.accountId, passwordHash: account.passwordHash, passwordGeneration: account.passwordGeneration, disabledAt: null },
      data: { passwordHash, passwordFromSetting: false, passwordGeneration: generation },
    });
    if (moved.count === 0) return false;
    // This browser stays signed in: its session moves to the new generation under a new token.
    await tx.adminSession.updateMany({
      where: { id: input.sessionId, accountId: input.accountId },
      data: { tokenHash: hashSessionToken(token), passwordGeneration: generation, lastSeenAt: now },
    });
    // Housekeeping only: the generation check already ends them.
    await tx.adminSession.deleteMany({ where: { accountId: input.accountId, passwordGeneration: { lt: generation } } });
    return true;
  });
  if (!changed) throw new AppError("ACCOUNT_CHANGED", 409, "Your account changed while the password was being saved. Reload the page and try again.");
  accountLog.info({ accountId: input.accountId, passwordGeneration: generation }, "admin changed their own password");
  const setting = account.passwordFromSetting && input.accountId === MERCHANT_ACCOUNT_ID ? " The password the shop was set up with no longer applies to your account." : "";
  return {
    token,
    message: `Your password is changed. You stay signed in here; every other browser signed in as you is signed out.${setting}`,
  };
}

/** Starts setting up two-factor sign-in: a new secret, shown on the Account page until a code confirms it. */
export async function startTwoFactorSetup(accountId: string): Promise<{ message: string }> {
  const started = await db.adminAccount.updateMany({
    where: { id: accountId, totpEnabledAt: null },
    data: { totpSecret: newTotpSecret(), totpLastStep: null },
  });
  if (started.count === 0) throw new AppError("TWO_FACTOR_ON", 409, "Two-factor sign-in is already on. Nothing changed.");
  return { message: "Scan the QR code with your authenticator app, then type the code it shows." };
}

/** Gives up a set-up that was never confirmed: the secret is forgotten. */
export async function cancelTwoFactorSetup(accountId: string): Promise<{ message: string }> {
  const canceled = await db.adminAccount.updateMany({
    where: { id: accountId, totpEnabledAt: null, totpSecret: { not: null } },
    data: { totpSecret: null, totpLastStep: null },
  });
  if (canceled.count === 0) throw new AppError("NO_TWO_FACTOR_SETUP", 409, "There is no two-factor set-up to cancel. Nothing changed.");
  return { message: "Two-factor sign-in was not switched on." };
}

/** Switches two-factor sign-in on with the first code the app shows for the new secret. */
export async function confirmTwoFactorSetup(input: { accountId: string; code: string; address: string | null; now?: Date }): Promise<{ message: string }> {
  const now = input.now ?? new Date();
  const checked = await checkUnderBrakes(input.accountId, input.address, () => consumeTotpCode(input.accountId, input.code, now, "pending", { totpEnabledAt: now }), now);
  if (checked.outcome === "locked-out") throw refusedUnderBrakes(checked);
  if (checked.outcome === "wrong") throw new AppError("WRONG_CODE", 422, `${WRONG_CODE_MESSAGE} Two-factor sign-in is not on yet.`);
  accountLog.info({ accountId: input.accountId }, "admin switched two-factor sign-in on");
  return { message: "Two-factor sign-in is on. From now on you sign in with your password and a code from the app." };
}

/** Switches two-factor sign-in off, with a current code (so that a session left open cannot do it). */
export async function turnOffTwoFactor(input: { accountId: string; code: string; address: string | null; now?: Date }): Promise<{ message: string }> {
  const now = input.now ?? new Date();
  const checked = await checkUnderBrakes(
    input.accountId,
    input.address,
    () => consumeTotpCode(input.accountId, input.code, now, "enabled", { totpSecret: null, totpEnabledAt: null }),
    now,
  );
  if (checked.outcome === "locked-out") throw refusedUnderBrakes(checked);
  if (checked.outcome === "wrong") throw new AppError("WRONG_CODE", 422, `${WRONG_CODE_MESSAGE} Two-factor sign-in is still on.`);
  accountLog.info({ accountId: input.accountId }, "admin switched two-factor sign-in off");
  return { message: "Two-factor sign-in is off. You sign in with your password alone." };
}
