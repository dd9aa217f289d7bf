import { db } from "../db.ts";
import type { SandboxSessionStatus } from "../generated/prisma/client.ts";
import { getSandboxConfig } from "./config.ts";
import { newAuthKey, newSessionToken } from "./ids.ts";
import { SeqrFailure } from "./seqr-failure.ts";
import { assertSandboxMode } from "./guard.ts";

// External Service sessions: the TOKEN the SEQR app hands the Order URL, and what getClientSessionInfo tells
// the merchant about it (CONTRACT.md, "The External Service flow", steps 3 and 4).

export async function startSession(
  serviceId: string,
  msisdn: string,
  parameters: [string, string][],
  now = new Date(),
): Promise<string> {
  assertSandboxMode();
  const { sessionTtlMs } = await getSandboxConfig();
  const token = newSessionToken();
  await db.sandboxSession.create({
    data: {
      token,
      serviceId,
      msisdn,
      authKey: newAuthKey(),
      parameters,
      expiresAt: new Date(now.getTime() + sessionTtlMs),
    },
  });
  return token;
}

/** getClientSessionInfo: msisdn, subscriberKey and authKey, then every QR parameter; 60-63 when it cannot. */
export async function readSessionInfo(token: string, now = new Date()): Promise<[string, string][]> {
  assertSandboxMode();
  const session = await db.sandboxSession.findUnique({ where: { token } });
  if (!session) throw new SeqrFailure(63, "unknown token");
  if (session.status === "CANCELED") throw new SeqrFailure(61, "the session was canceled in the app");
  if (session.expiresAt <= now) throw new SeqrFailure(60, "the session has expired");
  // In progress while the subscriber has an invoice of this session open, for as long as an opened invoice
  // counts as being paid; a subscriber who walked away leaves the session usable again.
  const { invoiceInProgressMs } = await getSandboxConfig();
  if (session.status === "IN_PROGRESS" && session.updatedAt.getTime() + invoiceInProgressMs > now.getTime()) {
    throw new SeqrFailure(62, "the subscriber is paying in the app");
  }
  const subscriber = await db.sandboxSubscriber.findUniqueOrThrow({ where: { msisdn: session.msisdn } });
  const fixed: [string, string][] = [
    ["msisdn", subscriber.msisdn],
    ["subscriberKey", subscriber.subscriberKey],
    ["authKey", session.authKey],
  ];
  const reserved = new Set(fixed.map(([key]) => key));
  const qrParameters = (session.parameters as [string, string][]).filter(([key]) => !reserved.has(key));
  return [...fixed, ...qrParameters];
}

export async function findSession(token: string) {
  assertSandboxMode();
  return db.sandboxSession.findUnique({ where: { token }, include: { service: true } });
}

export async function setSessionStatus(token: string, status: SandboxSessionStatus): Promise<boolean> {
  assertSandboxMode();
  const updated = await db.sandboxSession.updateMany({ where: { token }, data: { status } });
  return updated.count > 0;
}

/** The fault API's "expire this token": usable no more (60). */
export async function expireSession(token: string, now = new Date()): Promise<boolean> {
  assertSandboxMode();
  const updated = await db.sandboxSession.updateMany({ where: { token }, data: { expiresAt: now } });
  return updated.count > 0;
}
