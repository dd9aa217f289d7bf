/**
 * The caller's network address as the proxy in front of us reports it (`x-forwarded-for`'s first hop, which
 * `next start` sets from the socket when there is no proxy), for the audit log only: never for a decision.
 */
export function clientAddress(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip")?.trim() || null;
}
