"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";

import {
  cancelTwoFactorSetup,
  changeOwnPassword,
  confirmTwoFactorSetup,
  startTwoFactorSetup,
  turnOffTwoFactor,
} from "@/lib/admin/accounts";
import { adminAction, adminCookieOptions } from "@/lib/admin/guard";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/admin/password";
import { ADMIN_SESSION_COOKIE } from "@/lib/admin/sessions";

// The Account page's actions: what every signed-in person does with their own account.

const ACCOUNT_PATH = "/admin/account";

const passwordChange = z
  .object({
    currentPassword: z.string({ error: "is required" }).min(1, "is required").max(MAX_PASSWORD_LENGTH, "is too long"),
    newPassword: z
      .string({ error: "is required" })
      .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
      .max(MAX_PASSWORD_LENGTH, "is too long"),
    repeatPassword: z.string({ error: "is required" }).max(MAX_PASSWORD_LENGTH, "is too long"),
  })
  .refine((input) => input.newPassword === input.repeatPassword, {
    message: "is not the same as the new password",
    path: ["repeatPassword"],
  });

export const changePasswordAction = adminAction(passwordChange, async ({ currentPassword, newPassword }, admin) => {
  const { token, message } = await changeOwnPassword({
    accountId: admin.actor.accountId,
    sessionId: admin.session.id,
    currentPassword,
    newPassword,
    address: admin.address,
  });
  // This browser's session goes on under its new token; every other one of the account is over.
  (await cookies()).set(ADMIN_SESSION_COOKIE, token, adminCookieOptions());
  revalidatePath(ACCOUNT_PATH);
  return { message };
});

const codeInput = z.object({ code: z.string({ error: "is required" }).trim().min(1, "is required").max(20, "is too long") });

export const startTwoFactorAction = adminAction(z.object({}), async (_input, admin) => {
  const outcome = await startTwoFactorSetup(admin.actor.accountId);
  revalidatePath(ACCOUNT_PATH);
  return outcome;
});

export const cancelTwoFactorAction = adminAction(z.object({}), async (_input, admin) => {
  const outcome = await cancelTwoFactorSetup(admin.actor.accountId);
  revalidatePath(ACCOUNT_PATH);
  return outcome;
});

export const confirmTwoFactorAction = adminAction(codeInput, async ({ code }, admin) => {
  const outcome = await confirmTwoFactorSetup({ accountId: admin.actor.accountId, code, address: admin.address });
  revalidatePath(ACCOUNT_PATH);
  return outcome;
});

export const turnOffTwoFactorAction = adminAction(codeInput, async ({ code }, admin) => {
  const outcome = await turnOffTwoFactor({ accountId: admin.actor.accountId, code, address: admin.address });
  revalidatePath(ACCOUNT_PATH);
  return outcome;
});
