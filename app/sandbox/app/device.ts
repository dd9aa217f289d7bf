import { cookies } from "next/headers";

import type { AppDevice } from "@/lib/sandbox/app-flow";
import { DEFAULT_SUBSCRIBER_MSISDN } from "@/lib/sandbox/registry";

// The simulated phone's memory, in cookies: which subscriber is signed in to the app and which External Service
// session (TOKEN) it is in. A real SEQR app keeps both on the phone.

const SUBSCRIBER_COOKIE = "sandbox_app_msisdn";
const SESSION_COOKIE = "sandbox_app_session";
const COOKIE_OPTIONS = { httpOnly: true, sameSite: "lax", path: "/sandbox" } as const;

export async function readDevice(): Promise<AppDevice> {
  const jar = await cookies();
  return {
    msisdn: jar.get(SUBSCRIBER_COOKIE)?.value ?? DEFAULT_SUBSCRIBER_MSISDN,
    sessionToken: jar.get(SESSION_COOKIE)?.value,
  };
}

export async function rememberSubscriber(msisdn: string): Promise<void> {
  (await cookies()).set(SUBSCRIBER_COOKIE, msisdn, COOKIE_OPTIONS);
}

/** A new session replaces the old one; null ends it. */
export async function rememberSession(token: string | null): Promise<void> {
  const jar = await cookies();
  if (token) jar.set(SESSION_COOKIE, token, COOKIE_OPTIONS);
  else jar.delete({ name: SESSION_COOKIE, path: "/sandbox" });
}
