"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { adminCookieOptions, LOGIN_PATH, secondFactorAction } from "@/lib/admin/guard";
import { ADMIN_SESSION_COOKIE, endAdminSession } from "@/lib/admin/sessions";
import { completeSecondFactor, lockedOutMessage, WRONG_CODE_MESSAGE } from "@/lib/admin/sign-in";
import { AppError } from "@/lib/errors";

// The two-factor code page's actions: they need a session that is waiting for its code (secondFactorAction), and
// nothing else opens for such a session.

const codeSchema = z.object({ code: z.string({ error: "is required" }).trim().min(1, "is required").max(20, "is too long") });

export const verifySignInCodeAction = secondFactorAction(codeSchema, async ({ code }, pending) => {
  const result = await completeSecondFactor({ session: pending.session, code, address: pending.address });
  if (result.outcome === "locked-out") {
    throw new AppError("LOCKED_OUT", 429, lockedOutMessage(result), { retryAfterSeconds: result.retryAfterSeconds });
  }
  if (result.outcome === "wrong-code") throw new AppError("WRONG_CODE", 401, WRONG_CODE_MESSAGE);
  if (result.outcome === "no-pending-sign-in") redirect(LOGIN_PATH);
  // The session's new token: the one the browser held opened only this page.
  (await cookies()).set(ADMIN_SESSION_COOKIE, result.token, adminCookieOptions());
  redirect("/admin");
});

/** Gives up this sign-in: the half session ends, and the browser goes back to the sign-in page. */
export const cancelSignInAction = secondFactorAction(z.object({}), async () => {
  const store = await cookies();
  await endAdminSession(store.get(ADMIN_SESSION_COOKIE)?.value);
  store.delete({ name: ADMIN_SESSION_COOKIE, ...adminCookieOptions() });
  redirect(LOGIN_PATH);
});
