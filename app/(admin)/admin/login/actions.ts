"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { adminCookieOptions, assertSameOrigin, SECOND_FACTOR_PATH } from "@/lib/admin/guard";
import { MAX_PASSWORD_LENGTH } from "@/lib/admin/password";
import { ADMIN_SESSION_COOKIE } from "@/lib/admin/sessions";
import { lockedOutMessage, signIn, WRONG_CREDENTIALS_MESSAGE } from "@/lib/admin/sign-in";
import { issueText } from "@/lib/admin/wording";
import { AppError } from "@/lib/errors";
import { addressFromHeaders } from "@/lib/http/client-address";
import { validatedAction } from "@/lib/validated-action";

const signInSchema = z.object({
  email: z.string({ error: "Type your e-mail address." }).trim().min(1, "Type your e-mail address.").max(254, "That e-mail address is too long."),
  password: z.string({ error: "Type your password." }).min(1, "Type your password.").max(MAX_PASSWORD_LENGTH, "That password is too long."),
});

// The one admin Server Action that needs no session: it makes one (or, with two-factor sign-in, half of one).
export const signInAction = validatedAction(
  signInSchema,
  async ({ email, password }) => {
    const requestHeaders = await headers();
    assertSameOrigin(requestHeaders);
    const result = await signIn({
      email,
      password,
      address: addressFromHeaders(requestHeaders),
      userAgent: requestHeaders.get("user-agent"),
    });
    if (result.outcome === "locked-out") {
      // Refused before the password was checked: the message is the same whatever password was typed.
      throw new AppError("LOCKED_OUT", 429, lockedOutMessage(result), { retryAfterSeconds: result.retryAfterSeconds });
    }
    if (result.outcome === "wrong-password") throw new AppError("WRONG_PASSWORD", 401, WRONG_CREDENTIALS_MESSAGE);
    (await cookies()).set(ADMIN_SESSION_COOKIE, result.token, adminCookieOptions());
    redirect(result.outcome === "code-needed" ? SECOND_FACTOR_PATH : "/admin");
  },
  // Labels, not keys, in a refusal (lib/admin/wording.ts).
  { issueText },
);
