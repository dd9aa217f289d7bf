import { isHTTPAccessFallbackError } from "next/dist/client/components/http-access-fallback/http-access-fallback";
import { getURLFromRedirectError } from "next/dist/client/components/redirect";
import { isRedirectError } from "next/dist/client/components/redirect-error";

// Next's request context for calling admin pages, Server Actions and route handlers directly in a test, without a
// Next server: what `cookies()` and `headers()` from next/headers answer, and what `revalidatePath` was asked.
//
// In the test file, before anything that imports lib/admin:
//
//   vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);
//   vi.mock("next/cache", async () => (await import("./support/admin-request")).nextCacheMock);
//
// then describe each request with fakeRequest({ session, origin, ... }). `redirect()` and `notFound()` stay
// Next's own: outcomeOf() recognises the errors they throw. This module imports nothing from lib/, so it reads
// no settings.

export type CookieOptions = { path?: string; httpOnly?: boolean; sameSite?: unknown; secure?: boolean; maxAge?: number; expires?: Date };

/** Every cookie the code under test set or deleted, in order. */
export type CookieWrite = { name: string; value: string | null; options: CookieOptions };

type RequestDescription = {
  /** The admin_session cookie's value; absent means no cookie at all. */
  session?: string;
  /** The shop's own host ("127.0.0.1:3000"), sent as Host. */
  host: string;
  /** Origin header; null means none (a same-origin form always sends one, so the guard refuses its absence). */
  origin?: string | null;
  forwardedHost?: string;
  forwardedFor?: string;
  userAgent?: string;
};

type RequestState = { cookies: Map<string, string>; headers: Headers; cookieWrites: CookieWrite[]; revalidated: string[] };

// Kept on globalThis, so that a test that re-imports modules (vi.resetModules, to simulate a restart) still
// describes the one request every copy of this module and of the mocks sees.
const globalState = globalThis as typeof globalThis & { __adminRequestState?: RequestState };
const state: RequestState = (globalState.__adminRequestState ??= {
  cookies: new Map(),
  headers: new Headers(),
  cookieWrites: [],
  revalidated: [],
});

/** The current fake request as a browser would send it to `url` (for route handlers, which get a Request). */
export function fakeRequest(description: RequestDescription): void {
  state.cookies = new Map();
  if (description.session !== undefined) state.cookies.set("admin_session", description.session);
  const headers = new Headers({ host: description.host, "user-agent": description.userAgent ?? "vitest admin-request" });
  if (description.origin !== null) headers.set("origin", description.origin ?? `http://${description.host}`);
  if (description.forwardedHost) headers.set("x-forwarded-host", description.forwardedHost);
  if (description.forwardedFor) headers.set("x-forwarded-for", description.forwardedFor);
  if (state.cookies.size > 0) {
    headers.set("cookie", [...state.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
  }
  state.headers = headers;
  state.cookieWrites = [];
  state.revalidated = [];
}

/** A Request for a route handler, carrying the current fake request's headers (and so its cookie). */
export function routeRequest(url: string, method = "GET"): Request {
  const headers = new Headers(state.headers);
  headers.delete("origin");
  return new Request(url, { method, headers });
}

/** What the code under test did to the cookies and the cache during the current fake request. */
export function requestEffects(): { cookieWrites: readonly CookieWrite[]; revalidated: readonly string[]; cookies: ReadonlyMap<string, string> } {
  return { cookieWrites: [...state.cookieWrites], revalidated: [...state.revalidated], cookies: new Map(state.cookies) };
}

function cookieStore() {
  const entry = (name: string) => {
    const value = state.cookies.get(name);
    return value === undefined ? undefined : { name, value };
  };
  return {
    get: (name: string | { name: string }) => entry(typeof name === "string" ? name : name.name),
    getAll: () => [...state.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => state.cookies.has(name),
    set(nameOrCookie: string | ({ name: string; value: string } & CookieOptions), value?: string, options: CookieOptions = {}) {
      const cookie = typeof nameOrCookie === "string" ? { name: nameOrCookie, value: value ?? "", ...options } : nameOrCookie;
      const { name, value: cookieValue, ...rest } = cookie;
      state.cookies.set(name, cookieValue);
      state.cookieWrites.push({ name, value: cookieValue, options: rest });
      return this;
    },
    delete(nameOrOptions: string | ({ name: string } & CookieOptions)) {
      const { name, ...rest } = typeof nameOrOptions === "string" ? { name: nameOrOptions } : nameOrOptions;
      state.cookies.delete(name);
      state.cookieWrites.push({ name, value: null, options: rest });
      return this;
    },
    get size() {
      return state.cookies.size;
    },
  };
}

/** Stands in for next/headers (Next's request-scoped cookies() and headers()). */
export const nextHeadersMock = {
  cookies: async () => cookieStore(),
  headers: async () => new Headers(state.headers),
  draftMode: async () => ({ isEnabled: false, enable() {}, disable() {} }),
};

/** Stands in for next/cache: records what would have been revalidated. */
export const nextCacheMock = {
  revalidatePath: (path: string) => {
    state.revalidated.push(path);
  },
  revalidateTag: (tag: string) => {
    state.revalidated.push(`tag:${tag}`);
  },
  updateTag: (tag: string) => {
    state.revalidated.push(`tag:${tag}`);
  },
  refresh: () => {},
};

export type Outcome =
  | { kind: "redirect"; url: string }
  | { kind: "not-found" }
  | { kind: "returned"; value: unknown };

/** How a page, action or handler ended: Next's redirect()/notFound() become outcomes, other errors propagate. */
export async function outcomeOf(run: () => unknown): Promise<Outcome> {
  try {
    return { kind: "returned", value: await run() };
  } catch (error) {
    if (isRedirectError(error)) return { kind: "redirect", url: getURLFromRedirectError(error) };
    if (isHTTPAccessFallbackError(error)) return { kind: "not-found" };
    throw error;
  }
}

/** FormData from plain fields, as a browser's form would send them. */
export function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}
