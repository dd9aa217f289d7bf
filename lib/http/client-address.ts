/**
 * The caller's network address as the proxy in front of us reports it (`x-forwarded-for`'s first hop, which
 * `next start` sets from the socket when there is no proxy). A client can forge it where no proxy overwrites it,
 * so it goes into the audit log, and into decisions only with a backstop that does not trust it (the admin
 * sign-in's lockout has a ceiling over all addresses).
 */
export function addressFromHeaders(requestHeaders: Headers): string | null {
  const forwarded = requestHeaders.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || requestHeaders.get("x-real-ip")?.trim() || null;
}

export function clientAddress(request: Request): string | null {
  return addressFromHeaders(request.headers);
}
