import { randomBytes, randomInt, randomUUID } from "node:crypto";

import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { parseDatabaseUrl } from "@/lib/env";

import { E2E_DATABASE_URL } from "./e2e-database";

// The end-to-end server's database (playwright.config.ts), opened by the tests themselves to check what a page
// cannot show: events, outbox, stock. Tests only read it; the server is the one that writes. SQLite's file or the
// PostgreSQL database of `npm run test:e2e:postgresql`, whichever the server runs on (e2e-database.ts).

export function openShopDatabase(url: string = E2E_DATABASE_URL): PrismaClient {
  // A SQLite path taken from the project's root, as the server takes it.
  return createPrismaClient(parseDatabaseUrl(url).url);
}

/** An order with what happened to it, oldest event first. */
export function loadOrder(db: PrismaClient, clientInvoiceId: string) {
  return db.order.findUniqueOrThrow({
    where: { clientInvoiceId },
    include: {
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      outbox: true,
      attempts: { orderBy: { createdAt: "asc" } },
    },
  });
}

export type LoadedOrder = Awaited<ReturnType<typeof loadOrder>>;

/** The STATUS_CHANGED events that made the order PAID: exactly one when the transition happened once. */
export function transitionsToPaid(order: LoadedOrder) {
  return order.events.filter((event) => event.type === "STATUS_CHANGED" && event.toStatus === "PAID");
}

export function eventsOfType(order: LoadedOrder, type: LoadedOrder["events"][number]["type"]) {
  return order.events.filter((event) => event.type === type);
}

// ---------------------------------------------------------------------------------------------------------------
// Setting the stage. A few tests need a state no journey reaches in a test's time (the last unit of a product, a
// wallet no other test spends from); they write it here, on rows no other test touches.

/** Puts exactly `stock` units of the product on the shelf. Only for a product no other test buys. */
export async function setProductStock(db: PrismaClient, sku: string, stock: number): Promise<void> {
  const updated = await db.product.updateMany({ where: { sku }, data: { stock } });
  if (updated.count !== 1) throw new Error(`the e2e database has no product ${sku}`);
}

export type PlantedProduct = { id: string; sku: string; name: string; priceMinor: number; stock: number };

/**
 * A product on sale that only the calling test buys or looks at: its SKU is `<skuPrefix>-<random suffix>` and its
 * name `<name> <the same suffix>`, so that no other spec (nor the same spec in the other project) moves its stock
 * or refreshes its cached catalog page.
 */
export async function plantProduct(
  db: PrismaClient,
  product: { skuPrefix: string; name: string; description: string; priceMinor: number; stock: number },
): Promise<PlantedProduct> {
  const suffix = randomBytes(4).toString("hex").toUpperCase();
  return db.product.create({
    data: {
      sku: `${product.skuPrefix}-${suffix}`,
      name: `${product.name} ${suffix}`,
      description: product.description,
      imagePath: "/products/dala-horse.svg",
      priceMinor: product.priceMinor,
      currency: "SEK",
      taxRateBps: 2500,
      stock: product.stock,
    },
    select: { id: true, sku: true, name: true, priceMinor: true, stock: true },
  });
}

/**
 * A sandbox subscriber of the test's own (a new msisdn each call, 10 000 kr in the wallet): its orders are found by
 * its number, and what it pays comes out of no other test's wallet.
 */
export async function plantSubscriber(db: PrismaClient, name: string): Promise<{ msisdn: string; name: string }> {
  // 4679… is outside the seeded subscribers' 4670… (lib/sandbox/registry.ts).
  const msisdn = `4679${String(randomInt(0, 100_000_000)).padStart(8, "0")}`;
  await db.sandboxSubscriber.create({
    data: { msisdn, subscriberKey: randomUUID(), name, balanceMinor: 1_000_000, currency: "SEK" },
  });
  return { msisdn, name };
}
