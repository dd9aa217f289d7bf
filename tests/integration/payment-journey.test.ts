import "./support/shop-address";

import { afterAll, beforeAll, expect, test } from "vitest";

import { db } from "@/lib/db";
import { seedCatalog } from "@/lib/catalog/seed-catalog";
import { createOrder } from "@/lib/orders/create-order";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { requestPayment } from "@/lib/orders/request-payment";
import { serviceQrText } from "@/lib/seqr/links";
import { env } from "@/lib/env";

import { startShopServer, type SandboxServer } from "./support/sandbox-server";
import { giveDeliveryDetails } from "./support/shop-flow";

// The whole External Service journey through the shop's own code, against the sandbox over real HTTP.

let server: SandboxServer;

beforeAll(async () => {
  server = await startShopServer();
  await seedCatalog(db);
});
afterAll(async () => server.close());

async function productOrder() {
  const product = await db.product.findFirstOrThrow({ where: { stock: { gt: 2 } } });
  const order = await createOrder({ lines: [{ productId: product.id, quantity: 2 }], source: "CART", trigger: "checkout" });
  await giveDeliveryDetails(order.id);
  return { order, product };
}

test("scan, Pay, pay in the app: the notification makes the order PAID and fulfils it once", async () => {
  const { order, product } = await productOrder();
  const scanned = await server.api("POST", "/app/scan", { url: serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }) });
  expect(scanned.status).toBe(200);
  const token: string = scanned.body.sessionToken;
  const opened = await openOrderSession(token);
  expect(opened.orderId).toBe(order.id);
  const { invoiceReference } = await requestPayment(order.id);
  const paid = await server.api("POST", `/app/invoices/${invoiceReference}/pay`, { sessionToken: token });
  expect(paid.body.open).toBe(`${env.publicBaseUrl}/success#${token}_${invoiceReference}`);

  const after = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { outbox: true } });
  expect(after.status).toBe("PAID");
  expect(after.outbox.map((message) => message.kind).sort()).toEqual(["MERCHANT_NEW_ORDER", "ORDER_CONFIRMATION", "SEQR_RECEIPT"]);
  expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(product.stock - 2);
});
