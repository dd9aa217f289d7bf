import { db } from "../db.ts";
import { env } from "../env.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import { defaultSandboxConfig } from "./config.ts";
import { assertSandboxMode } from "./guard.ts";

// What SEQR knew about the world before any call: the shop's terminal, its External Service and a few test
// subscribers. Settings are the truth for the terminal (SEQR_TERMINAL_*) and for the shop's service
// (SEQR_SERVICE_ID and PUBLIC_BASE_URL), brought back in line whenever a server process starts using the sandbox;
// other services may be registered through the sandbox's API. Subscribers are created when missing, so their
// wallets survive restarts.

export const TEST_SUBSCRIBERS = [
  // CONTRACT.md's sample msisdn.
  { msisdn: "46700643933", subscriberKey: "c5b1e0a4-7d3f-4b8e-9a61-2f0d8c4e7a10", name: "Astrid Andersson", balanceMinor: 1_000_000 },
  { msisdn: "46701234567", subscriberKey: "0e9f3b72-51c6-4f0a-8d2b-6a4c1e9d3f58", name: "Bertil Berg", balanceMinor: 1_000_000 },
  // Too little money for most of the catalog: paying fails, which is how a shopper meets FAILED.
  { msisdn: "46709876543", subscriberKey: "7a2d4c91-0b8e-4e37-b5f6-3c1a9e8d2b04", name: "Cecilia Ek (low balance)", balanceMinor: 5_000 },
] as const;

export const DEFAULT_SUBSCRIBER_MSISDN = TEST_SUBSCRIBERS[0].msisdn;

/** The External Service URLs SEQR opens, by default the shop's own pages. */
export function defaultServiceUrls(baseUrl = env.publicBaseUrl) {
  return {
    orderUrl: `${baseUrl}/order`,
    successUrl: `${baseUrl}/success`,
    failureUrl: `${baseUrl}/failure`,
    cancelUrl: `${baseUrl}/cancel`,
  };
}

/** The shop's client, or a transaction of it (resetSandbox rebuilds the registry inside its own). */
export type RegistryWriter = Prisma.TransactionClient | typeof db;

/**
 * Writes the registry through `client`. Upserts only, so that processes doing it at once agree: the settings'
 * terminal and service are brought in line, subscribers and the timings row are created when missing.
 */
export async function writeSandboxRegistry(client: RegistryWriter): Promise<void> {
  assertSandboxMode();
  await client.sandboxTerminal.upsert({
    where: { id: env.seqr.terminalId },
    create: { id: env.seqr.terminalId, password: env.seqr.terminalPassword, name: SHOP_NAME },
    update: { password: env.seqr.terminalPassword },
  });
  await client.sandboxService.upsert({
    where: { id: env.seqr.serviceId },
    create: { id: env.seqr.serviceId, name: SHOP_NAME, ...defaultServiceUrls() },
    update: defaultServiceUrls(),
  });
  for (const subscriber of TEST_SUBSCRIBERS) {
    await client.sandboxSubscriber.upsert({
      where: { msisdn: subscriber.msisdn },
      create: { ...subscriber, currency: "SEK" },
      update: {},
    });
  }
  await client.sandboxConfig.upsert({ where: { id: 1 }, create: defaultSandboxConfig(), update: {} });
}

// Once per process: after that the registry is in the database for every process. A reset rebuilds it in the same
// transaction that empties it (reset.ts), so no process ever needs to build it again.
let ready: Promise<void> | undefined;

/** Makes sure the registry exists; cheap after the first call in a process. */
export function ensureSandboxRegistry(): Promise<void> {
  assertSandboxMode();
  ready ??= writeSandboxRegistry(db).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}
