import "./support/shop-address";

import { describe, expect, test, vi } from "vitest";

import { readOutcomeAction } from "@/app/(seqr)/actions";
import { env } from "@/lib/env";
import { stageOf } from "@/lib/orders/order-view";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { requestPayment } from "@/lib/orders/request-payment";
import { serviceQrText } from "@/lib/seqr/links";

import { ASTRID, BERTIL, eventsOfType, orderFor, orderState, serveShopForThisFile, shopSnapshot } from "./support/shop-flow";

// The Success URL (/success#<TOKEN>_<invoiceReference>, CONTRACT.md step 8) as its page reads it: through
// readOutcomeAction, with the token and invoice reference the page takes from the fragment. Anyone can type a
// fragment, so the page must show only what the server finds out, never what the URL claims.

// The action reads its caller's address for its rate limit (lib/http/rate-limit.ts): a request context for it.
vi.mock("next/headers", async () => (await import("./support/admin-request")).nextHeadersMock);

const shop = serveShopForThisFile();

const NOT_FOUND =
  "We could not find this payment. If you paid, the payment is in your SEQR app's history; otherwise start again from the shop.";

/** An order opened in the app by `msisdn` (its session token), with an invoice out. */
async function invoicedInApp(msisdn: string) {
  const { order } = await orderFor("LINGON-JAM-400");
  const scanned = await shop.sandbox.scan(serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }), { msisdn });
  const token: string = scanned.sessionToken;
  expect((await openOrderSession(token)).orderId).toBe(order.id);
  const { invoiceReference } = await requestPayment(order.id);
  return { order, token, invoiceReference };
}

/** What /success#<token>_<invoiceReference> shows. */
function openSuccess(token: string, invoiceReference: string) {
  const form = new FormData();
  form.set("token", token);
  form.set("invoiceReference", invoiceReference);
  return readOutcomeAction(null, form);
}

describe("/success opened with another order's token", () => {
  test("a token and an invoice of two different orders: not found, nothing of either shown, SEQR not asked", async () => {
    const astrid = await invoicedInApp(ASTRID);
    const bertil = await invoicedInApp(BERTIL);
    const paid = await shop.sandbox.pay(bertil.invoiceReference, { msisdn: BERTIL, sessionToken: bertil.token });
    expect(paid.open).toBe(`${env.publicBaseUrl}/success#${bertil.token}_${bertil.invoiceReference}`);
    expect((await orderState(bertil.order.id)).status).toBe("PAID");
    const before = await shopSnapshot();

    // Astrid's token with Bertil's paid invoice, and Bertil's token with Astrid's unpaid one.
    for (const [token, invoiceReference] of [
      [astrid.token, bertil.invoiceReference],
      [bertil.token, astrid.invoiceReference],
    ] as const) {
      const outcome = await openSuccess(token, invoiceReference);
      expect(outcome).toEqual({ ok: false, error: NOT_FOUND });
      expect(JSON.stringify(outcome)).not.toContain(astrid.order.clientInvoiceId);
      expect(JSON.stringify(outcome)).not.toContain(bertil.order.clientInvoiceId);
    }
    // Refused before anything was asked or written.
    expect(await shopSnapshot()).toEqual(before);

    // Each token with its own invoice is answered: the refusal above was about the mix alone.
    const own = await openSuccess(bertil.token, bertil.invoiceReference);
    expect(own).toMatchObject({ ok: true, data: { order: { clientInvoiceId: bertil.order.clientInvoiceId, status: "PAID" } } });
    expect(own?.ok && own.data.order.paymentReference).toMatch(/^\d{25}$/);
  });
});

describe("/success for an invoice that is not paid", () => {
  test("declined in the app, the shop not yet told: the order is synced and shown FAILED, with no receipt", async () => {
    const { order, token, invoiceReference } = await invoicedInApp(ASTRID);
    await shop.sandbox.decline(invoiceReference, { msisdn: ASTRID, sessionToken: token });
    // SEQR sends no notification for a decline: the shop still thinks the invoice is out.
    expect((await orderState(order.id)).status).toBe("INVOICED");

    const outcome = await openSuccess(token, invoiceReference);

    expect(outcome).toMatchObject({ ok: true, data: { order: { clientInvoiceId: order.clientInvoiceId, status: "FAILED" } } });
    const shown = outcome?.ok ? outcome.data.order : null;
    expect(shown).toMatchObject({ paymentReference: null, paidAt: null });
    expect(stageOf(shown?.status ?? "PAID")).toBe("failed");
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "FAILED", paidAt: null, fulfilledAt: null });
    expect(eventsOfType(state, "STATUS_CHANGED").at(-1)).toMatchObject({ source: "outcome-page", fromStatus: "INVOICED", toStatus: "FAILED" });
    expect(eventsOfType(state, "FULFILLED")).toHaveLength(0);
    expect(state.outbox).toHaveLength(0);
  });

  test("still waiting for payment: SEQR is asked, the order is shown as it is (INVOICED), with no receipt", async () => {
    const { order, token, invoiceReference } = await invoicedInApp(ASTRID);
    const queriesBefore = eventsOfType(await orderState(order.id), "STATUS_QUERIED").length;

    const outcome = await openSuccess(token, invoiceReference);

    expect(outcome).toMatchObject({ ok: true, data: { order: { clientInvoiceId: order.clientInvoiceId, status: "INVOICED" } } });
    const shown = outcome?.ok ? outcome.data.order : null;
    expect(shown).toMatchObject({ paymentReference: null, paidAt: null });
    expect(stageOf(shown?.status ?? "PAID")).toBe("processing");
    const state = await orderState(order.id);
    expect(state).toMatchObject({ status: "INVOICED", paidAt: null, fulfilledAt: null });
    const queries = eventsOfType(state, "STATUS_QUERIED");
    expect(queries).toHaveLength(queriesBefore + 1);
    expect(queries.at(-1)).toMatchObject({ source: "outcome-page", seqrResultCode: 0, detail: expect.objectContaining({ status: "ISSUED" }) });
    expect(state.outbox).toHaveLength(0);
    expect((await shop.sandbox.invoice(invoiceReference)).status).toBe("ISSUED");
  });
});
