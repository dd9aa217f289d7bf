import "./support/shop-address";

import { expect, test } from "vitest";

import { newClientInvoiceId } from "@/lib/orders/ids";
import { requestPayment } from "@/lib/orders/request-payment";

import { shopBaseUrl } from "./support/shop-address";
import { eventsOfType, expectNoInternals, orderFor, orderState, shopSnapshot, serveShopForThisFile } from "./support/shop-flow";

// GET /api/orders/<clientInvoiceId>/status over real HTTP: the checkout page's poller gets the status and nothing
// else, never from a cache; while an invoice is live the route asks SEQR now and then on its behalf.

const shop = serveShopForThisFile();

async function getStatus(clientInvoiceId: string) {
  const response = await fetch(`${shopBaseUrl}/api/orders/${encodeURIComponent(clientInvoiceId)}/status`);
  const text = await response.text();
  expectNoInternals(text);
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as unknown };
}

test("a PENDING order: 200 with exactly {status}, Cache-Control no-store, SEQR not asked", async () => {
  const { order } = await orderFor("LINGON-JAM-400");
  const before = await shopSnapshot();

  const response = await getStatus(order.clientInvoiceId);

  expect(response.status).toBe(200);
  expect(response.json).toEqual({ status: "PENDING" });
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await shopSnapshot()).toEqual(before);
});

test("an invoiced order paid while the notification was lost: the route asks SEQR and answers PAID", async () => {
  const { order } = await orderFor("LINGON-JAM-400");
  const { invoiceReference } = await requestPayment(order.id);
  await shop.sandbox.arm({ kind: "drop-notifications", count: 1 });
  await shop.sandbox.pay(invoiceReference);

  const response = await getStatus(order.clientInvoiceId);

  expect(response.status).toBe(200);
  expect(response.json).toEqual({ status: "PAID" });
  expect(response.headers.get("cache-control")).toBe("no-store");
  const state = await orderState(order.id);
  expect(state.status).toBe("PAID");
  expect(eventsOfType(state, "STATUS_CHANGED").at(-1)).toMatchObject({ source: "status-route", fromStatus: "INVOICED", toStatus: "PAID" });
  expect(eventsOfType(state, "FULFILLED")).toHaveLength(1);
  expect((await shop.sandbox.invoice(invoiceReference)).committedAt).not.toBeNull();

  // Settled: answered from the database, SEQR is not asked again.
  const queries = eventsOfType(state, "STATUS_QUERIED").length;
  expect((await getStatus(order.clientInvoiceId)).json).toEqual({ status: "PAID" });
  expect(eventsOfType(await orderState(order.id), "STATUS_QUERIED")).toHaveLength(queries);
});

test("a poller asking every moment does not make the shop ask SEQR every moment", async () => {
  const { order } = await orderFor("LINGON-JAM-400");
  await requestPayment(order.id);

  const started = Date.now();
  const answers = [];
  for (let poll = 0; poll < 4; poll += 1) answers.push(await getStatus(order.clientInvoiceId));
  // SEQR is asked at most once per 3 s per order on the poller's behalf (lib/orders/order-status.ts).
  expect(Date.now() - started).toBeLessThan(3_000);

  for (const answer of answers) {
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "INVOICED" });
  }
  const queried = eventsOfType(await orderState(order.id), "STATUS_QUERIED").filter((event) => event.source === "status-route");
  expect(queried).toHaveLength(1);
  expect(queried[0]?.detail).toMatchObject({ status: "ISSUED" });
});

test("an unknown or malformed id: 404 problem, nothing else said", async () => {
  const before = await shopSnapshot();
  for (const id of [newClientInvoiceId(), "short", "x".repeat(200), "AAAAAAAAAAAAAAAAAAAA%2F", "' OR 1=1 --"]) {
    const response = await getStatus(id);
    expect({ id, status: response.status }).toEqual({ id, status: 404 });
    expect(response.json).toEqual({ error: { code: "ORDER_NOT_FOUND", message: expect.any(String) } });
  }
  expect(await shopSnapshot()).toEqual(before);
});
