"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { adminAction, adminCookieOptions, LOGIN_PATH } from "@/lib/admin/guard";
import { ADMIN_SESSION_COOKIE, endAdminSession } from "@/lib/admin/sessions";

export const signOutAction = adminAction(z.object({}), async () => {
  const store = await cookies();
  await endAdminSession(store.get(ADMIN_SESSION_COOKIE)?.value);
  store.delete({ name: ADMIN_SESSION_COOKIE, ...adminCookieOptions() });
  redirect(LOGIN_PATH);
});
