"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { adminCookieOptions, assertSameOrigin } from "@/lib/admin/guard";
import { ADMIN_SESSION_COOKIE } from "@/lib/admin/sessions";
import { signIn } from "@/lib/admin/sign-in";
import { AppError } from "@/lib/errors";
import { addressFromHeaders } from "@/lib/http/client-address";
import { validatedAction } from "@/lib/validated-action";

const signInSchema = z.object({
  password: z.string({ error: "is required" }).min(1, "is required").max(200, "is too long"),
});

// The one admin Server Action that needs no session: it makes one.
export const signInAction = validatedAction(signInSchema, async ({ password }) => {
  const requestHeaders = await headers();
  assertSameOrigin(requestHeaders);
  const result = await signIn({
    password,
    address: addressFromHeaders(requestHeaders),
    userAgent: requestHeaders.get("user-agent"),
  });
  if (result.outcome === "locked-out") {
    // Refused before the password was checked: the message is the same whatever password was typed.
    const from = result.reason === "address" ? " from your address" : "";
    throw new AppError("LOCKED_OUT", 429, `Too many failed sign-ins${from}. Try again later, in ${waitText(result.retryAfterSeconds)}.`, {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
  if (result.outcome === "wrong-password") throw new AppError("WRONG_PASSWORD", 401, "That password is not right.");
  (await cookies()).set(ADMIN_SESSION_COOKIE, result.token, adminCookieOptions());
  redirect("/admin");
});

/** "45 seconds", "1 second", "15 minutes" (rounded up). */
function waitText(seconds: number): string {
  if (seconds <= 90) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
