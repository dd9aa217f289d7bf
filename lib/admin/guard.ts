import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { z } from "zod";

import { env } from "../env.ts";
import { AppError } from "../errors.ts";
import { addressFromHeaders } from "../http/client-address.ts";
import { validatedAction, type ActionResult } from "../validated-action.ts";
import { actorOfSession, type AdminActor } from "./actor.ts";
import { OWNER_ONLY_MESSAGE } from "./guard-messages.ts";
import { merchantCredentials } from "./password.ts";
import { issueText } from "./wording.ts";
import { ADMIN_COOKIE_PATH, ADMIN_SESSION_COOKIE, findAdminSession, type AdminSessionInfo } from "./sessions.ts";

// The one gate in front of everything under /admin: pages call requireAdminPage(), Server Actions are built with
// adminAction(), route handlers call requireAdminRequest(). tests/integration/admin-access.test.ts walks them all.

export const LOGIN_PATH = "/admin/login";
/** Where a session waiting for its two-factor code is sent, whatever admin page or action it asked for. */
export const SECOND_FACTOR_PATH = "/admin/login/code";

export { OWNER_ONLY_MESSAGE, OWNER_ONLY_PAGE_MESSAGE } from "./guard-messages.ts";

export type AdminContext = { session: AdminSessionInfo; address: string | null; actor: AdminActor };

/** Cookie settings: Secure whenever the shop is served over https. */
export function adminCookieOptions() {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: env.publicBaseUrl.startsWith("https://"),
    path: ADMIN_COOKIE_PATH,
  };
}

/**
 * Server Actions run only for a form of the shop's own pages: the browser's Origin must be the host the request
 * was sent to, or the shop's public address (PUBLIC_BASE_URL). Next checks the first too; this check does not
 * depend on its configuration, and refuses a request without an Origin, which every browser sends with a POST.
 */
export function assertSameOrigin(requestHeaders: Headers): void {
  const origin = requestHeaders.get("origin");
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host");
  const originHost = origin && URL.canParse(origin) ? new URL(origin).host : null;
  if (!originHost || (originHost !== host && originHost !== new URL(env.publicBaseUrl).host)) {
    throw new AppError("CROSS_ORIGIN", 403, "This form must be sent from the shop's own admin pages.");
  }
}

type CurrentSession = { session: AdminSessionInfo; actor: AdminActor };

/**
 * The live session and whose it is, or null; "awaiting-code" for a session whose password was checked but whose
 * two-factor code was not yet: it opens nothing but the code page.
 */
async function currentSession(): Promise<CurrentSession | "awaiting-code" | null> {
  const current = await anyCurrentSession();
  if (!current) return null;
  return current.session.awaitingSecondFactor ? "awaiting-code" : current;
}

async function anyCurrentSession(): Promise<CurrentSession | null> {
  const session = await currentSessionInfo();
  if (!session) return null;
  const actor = await actorOfSession(session);
  return actor ? { session, actor } : null;
}

async function currentSessionInfo(): Promise<AdminSessionInfo | null> {
  // This process's ADMIN_PASSWORD is brought into the database before any session is honoured (once per process);
  // findAdminSession then compares each session's password generation with the database's, on every request.
  await merchantCredentials();
  const store = await cookies();
  return findAdminSession(store.get(ADMIN_SESSION_COOKIE)?.value);
}

/** For admin pages: the session, or a redirect to the sign-in page (or to the code page, for a half sign-in). */
export async function requireAdminPage(): Promise<AdminContext> {
  const current = await currentSession();
  if (current === "awaiting-code") redirect(SECOND_FACTOR_PATH);
  if (!current) redirect(LOGIN_PATH);
  return { ...current, address: addressFromHeaders(await headers()) };
}

/**
 * For pages only owners may open (staff accounts): the owner's session; null for a signed-in staff member, whom the
 * page then shows <OwnerOnly /> and nothing else (no data is read for them).
 */
export async function requireOwnerPage(): Promise<AdminContext | null> {
  const admin = await requireAdminPage();
  return admin.actor.role === "OWNER" ? admin : null;
}

/** For the admin's own chrome (the header): who is signed in, or null. Never redirects: pages do that themselves. */
export async function currentAdminActor(): Promise<AdminActor | null> {
  const current = await currentSession();
  return current && current !== "awaiting-code" ? current.actor : null;
}

/** For admin route handlers: the session, or null (answer with adminSignInRedirect). */
export async function requireAdminRequest(request: Request): Promise<AdminContext | null> {
  const current = await currentSession();
  return current && current !== "awaiting-code" ? { ...current, address: addressFromHeaders(request.headers) } : null;
}

/** For the two-factor code page: the session waiting for its code; a full session goes on to /admin, none to sign-in. */
export async function requireSecondFactorPage(): Promise<CurrentSession> {
  const current = await anyCurrentSession();
  if (!current) redirect(LOGIN_PATH);
  if (!current.session.awaitingSecondFactor) redirect("/admin");
  return current;
}

export function adminSignInRedirect(request: Request): Response {
  return Response.redirect(new URL(LOGIN_PATH, request.url), 303);
}

/** The actions built with { ownerOnly: true }, so that tests/integration/admin-access.test.ts can hold them to it. */
const ownerOnlyActions = new WeakSet<object>();

export function isOwnerOnlyAction(action: unknown): boolean {
  return typeof action === "function" && ownerOnlyActions.has(action);
}

/**
 * An admin Server Action: same origin and a live session first (without one, the browser goes to sign-in and
 * nothing else runs, not even validation), then validatedAction's zod check and error handling.
 */
export function adminAction<S extends z.ZodType, T>(
  schema: S,
  action: (input: z.output<S>, admin: AdminContext) => Promise<T>,
  options: { ownerOnly?: boolean } = {},
): (previous: ActionResult<T>, formData: FormData) => Promise<ActionResult<T>> {
  const guarded = async (previous: ActionResult<T>, formData: FormData): Promise<ActionResult<T>> => {
    const requestHeaders = await headers();
    try {
      assertSameOrigin(requestHeaders);
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.message };
      throw error;
    }
    const current = await currentSession();
    if (current === "awaiting-code") redirect(SECOND_FACTOR_PATH);
    if (!current) redirect(LOGIN_PATH);
    const admin = { ...current, address: addressFromHeaders(requestHeaders) };
    // Checked before the input is even read: a staff member's refund changes nothing, whatever they sent.
    if (options.ownerOnly && admin.actor.role !== "OWNER") return { ok: false, error: OWNER_ONLY_MESSAGE };
    return validatedAction(schema, (input) => action(input, admin), { issueText })(previous, formData);
  };
  if (options.ownerOnly) ownerOnlyActions.add(guarded);
  return guarded;
}

/**
 * The Server Actions of the two-factor code page: same origin first, then a session waiting for its code (none: to
 * sign-in; a full one: to /admin, nothing else runs), then validatedAction's zod check.
 */
export function secondFactorAction<S extends z.ZodType, T>(
  schema: S,
  action: (input: z.output<S>, pending: CurrentSession & { address: string | null }) => Promise<T>,
): (previous: ActionResult<T>, formData: FormData) => Promise<ActionResult<T>> {
  return async (previous, formData) => {
    const requestHeaders = await headers();
    try {
      assertSameOrigin(requestHeaders);
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.message };
      throw error;
    }
    const current = await anyCurrentSession();
    if (!current) redirect(LOGIN_PATH);
    if (!current.session.awaitingSecondFactor) redirect("/admin");
    const pending = { ...current, address: addressFromHeaders(requestHeaders) };
    return validatedAction(schema, (input) => action(input, pending), { issueText })(previous, formData);
  };
}
