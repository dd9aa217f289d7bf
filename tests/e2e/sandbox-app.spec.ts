import { expect, test, type Page } from "@playwright/test";

import { SeqrError } from "@/lib/seqr/errors";
import { seqrAppLink, serviceQrText } from "@/lib/seqr/links";
import { sampleInvoice } from "@/tests/support/seqr-fixtures";

import { seqrClient, startNotificationCatcher } from "./support/seqr";

// The simulated SEQR app in Chromium, driven as a shopper's phone would be, with the merchant's side played by
// the shop's own SEQR client: scan the service code, the back end reads the session and sends an invoice, the
// app shows it, and the shopper pays, declines or cancels.

let catcher: Awaited<ReturnType<typeof startNotificationCatcher>>;
test.beforeAll(async () => {
  catcher = await startNotificationCatcher();
});
test.afterAll(() => catcher.close());

async function startServiceFlow(page: Page, baseURL: string, orderId: string) {
  const seqr = seqrClient(baseURL);
  const appUrl = `${baseURL}/sandbox/app`;
  // What the shop's "Open in SEQR" link does in sandbox mode: hand the service code to the app.
  await page.goto(seqrAppLink(serviceQrText("SEQRSHOP", { order: orderId }), appUrl));
  await page.waitForURL(/\/order#\d{10}-\d{8}$/);
  const token = new URL(page.url()).hash.slice(1);

  const session = await seqr.getClientSessionInfo(token);
  expect(session.parameters.order).toBe(orderId);
  expect(session.msisdn).toBe("46700643933");

  const invoice = sampleInvoice({ clientInvoiceId: orderId, notificationUrl: `${catcher.url}?order=${orderId}&sig=s1` });
  const { invoiceReference } = await seqr.sendInvoice(invoice);
  // The order page then starts the payment with the app link for SEQR://SEQR.SE/R<invoiceReference>.
  await page.goto(seqrAppLink(`SEQR://SEQR.SE/R${invoiceReference}`, appUrl));
  await page.waitForURL(`**/sandbox/app/invoices/${invoiceReference}`);
  await expect(page.getByRole("heading", { name: invoice.title })).toBeVisible();
  await expect(page.getByRole("table", { name: "Invoice rows" })).toContainText("1 × Dala horse, red");
  await expect(page.getByRole("table", { name: "Invoice rows" })).toContainText('2 × Mug "Fjord" & saucer <35 cl>');
  await expect(page.getByTestId("invoice-total")).toHaveText(/717,00\skr/);
  return { seqr, token, invoiceReference, orderId };
}

test("Pay: PAID, one notification, and the app opens the Success URL with TOKEN_invoiceReference", async ({ page, baseURL }, info) => {
  const orderId = `e2e-pay-${info.project.name}-${Date.now()}`;
  const { seqr, token, invoiceReference } = await startServiceFlow(page, baseURL ?? "", orderId);

  await page.getByRole("button", { name: /^Pay/ }).click();
  await page.waitForURL((url) => url.pathname === "/success" && url.hash === `#${token}_${invoiceReference}`);

  await expect.poll(() => catcher.received.filter((n) => n.query.get("order") === orderId).length).toBe(1);
  const notification = catcher.received.find((n) => n.query.get("order") === orderId);
  expect(notification?.contentType).toBe("application/x-www-form-urlencoded");
  expect(notification?.query.get("sig")).toBe("s1");
  expect(Object.fromEntries(notification?.form ?? [])).toEqual({
    invoiceReference,
    clientInvoiceId: orderId,
    msisdn: "46700643933",
    subscriberKey: expect.any(String),
  });

  const status = await seqr.getPaymentStatus(invoiceReference);
  expect(status).toMatchObject({ status: "PAID", version: 2 });
  expect(status.receipt?.paymentReference).toBe(status.ersReference);

  // The app's history shows the payment.
  await page.goto("/sandbox/app");
  await expect(page.getByRole("region", { name: "Payment history" })).toContainText("Fjällbo order 1001");
});

test("Decline: FAILED and the app opens the Failure URL with the TOKEN", async ({ page, baseURL }, info) => {
  const orderId = `e2e-decline-${info.project.name}-${Date.now()}`;
  const { seqr, token, invoiceReference } = await startServiceFlow(page, baseURL ?? "", orderId);

  await page.getByRole("button", { name: "Decline" }).click();
  await page.waitForURL((url) => url.pathname === "/failure" && url.hash === `#${token}`);
  await expect((await seqr.getPaymentStatus(invoiceReference)).status).toBe("FAILED");
  expect(catcher.received.filter((n) => n.query.get("order") === orderId)).toHaveLength(0);
});

test("Cancel: CANCELED, the session ends, and the app opens the Cancel URL with the TOKEN", async ({ page, baseURL }, info) => {
  const orderId = `e2e-cancel-${info.project.name}-${Date.now()}`;
  const { seqr, token, invoiceReference } = await startServiceFlow(page, baseURL ?? "", orderId);

  await page.getByRole("button", { name: "Cancel" }).click();
  await page.waitForURL((url) => url.pathname === "/cancel" && url.hash === `#${token}`);
  await expect((await seqr.getPaymentStatus(invoiceReference)).status).toBe("CANCELED");
  const error = await seqr.getClientSessionInfo(token).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(SeqrError);
  expect((error as SeqrError).resultCode).toBe(61);
});

test("SEQR-ACTION://WIZARD/CANCEL ends the service flow and returns to the app's start", async ({ page, baseURL }) => {
  const seqr = seqrClient(baseURL ?? "");
  const appUrl = `${baseURL}/sandbox/app`;
  await page.goto(seqrAppLink(serviceQrText("SEQRSHOP", { product: "DALA-HORSE-RED" }), appUrl));
  await page.waitForURL(/\/order#/);
  const token = new URL(page.url()).hash.slice(1);

  await page.goto(seqrAppLink("SEQR-ACTION://WIZARD/CANCEL", appUrl));
  await page.waitForURL((url) => url.pathname === "/sandbox/app" && !url.search);
  await expect(page.getByTestId("seqr-app")).toBeVisible();
  const error = await seqr.getClientSessionInfo(token).catch((caught: unknown) => caught);
  expect((error as SeqrError).resultCode).toBe(61);
});

test("the app says so when a pasted code is not a SEQR code", async ({ page }) => {
  await page.goto("/sandbox/app");
  await page.getByLabel("Scan a SEQR code (paste its text)").fill("https://example.com/not-seqr");
  await page.getByRole("button", { name: "Scan" }).click();
  await expect(page.getByRole("form", { name: "Scan a SEQR code" }).getByRole("status")).toHaveText("That is not a SEQR code.");
});
