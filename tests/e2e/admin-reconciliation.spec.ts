import { formatMoney } from "@/lib/money";

import { expectAccessible } from "./support/accessibility";
import {
  buyWithProductCode,
  expect,
  formStatus,
  madeUpInvoiceReference,
  plantOrder,
  removePlantedOrders,
  signInAsAdmin,
  submitConfirmed,
  test,
} from "./support/admin";
import { openShopDatabase } from "./support/shop-db";
import { catalogProduct } from "./support/shop";

// Reconciliation closes SEQR's current transaction period, which is global to the sandbox: this file runs in the
// "faults" project, after the journeys, alone (playwright.config.ts). Two mismatches are planted in the shop's
// books, a payment SEQR never took and a paid amount changed after the fact, next to a payment left as it was,
// and the comparison must find exactly the planted ones. What was planted is put back afterwards.

const TOWEL = catalogProduct("LINEN-TOWEL-RED");
const CANDLE = catalogProduct("CANDLE-PINE");

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

const kr = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });

test("Close the period and reconcile lists the planted differences, and not the payment both sides agree on", async ({ page, context }) => {
  test.setTimeout(120_000);
  const shopper = await context.newPage();
  const agreed = await buyWithProductCode(shopper, TOWEL.sku);
  const altered = await buyWithProductCode(shopper, CANDLE.sku);
  await shopper.close();

  // A payment the shop believes SEQR took, on an invoice SEQR never issued.
  const now = new Date();
  const phantomReference = madeUpInvoiceReference();
  const phantom = await plantOrder(db, { status: "PAID", totalMinor: 77700, paidAt: now });
  await db.paymentAttempt.create({
    data: {
      orderId: phantom.id,
      invoiceReference: phantomReference,
      seqrStatus: "PAID",
      amountMinor: 77700,
      currency: "SEK",
      finalizedAt: now,
      receipt: { paymentDate: now.toISOString(), invoice: { total: { amountMinor: 77700, currency: "SEK" } } },
    },
  });
  // A real payment whose receipt in the shop's books now says 10 kr more than SEQR took.
  const alteredAttempt = await db.paymentAttempt.findUniqueOrThrow({ where: { invoiceReference: altered.invoiceReference } });
  const originalReceipt = alteredAttempt.receipt as { invoice: { total: { amountMinor: number; currency: string } } };
  expect(originalReceipt.invoice.total).toEqual({ amountMinor: CANDLE.priceMinor, currency: "SEK" });
  await db.paymentAttempt.update({
    where: { id: alteredAttempt.id },
    data: { receipt: { ...originalReceipt, invoice: { ...originalReceipt.invoice, total: { amountMinor: CANDLE.priceMinor + 1000, currency: "SEK" } } } },
  });

  try {
    await signInAsAdmin(page);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Reconciliation" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Reconciliation" })).toBeVisible();
    const runsBefore = await db.reconciliationRun.count();

    const reconcile = page.getByRole("form", { name: "Reconcile" });
    await submitConfirmed(reconcile, "Close the period and reconcile");
    // markTransactionPeriod, then executeReport, which SEQR answers "not ready" (2) for a while.
    await expect(formStatus(reconcile)).toHaveText(/^\d+ differences? between SEQR's report and the shop: see below\.$/, { timeout: 60_000 });
    expect(await db.reconciliationRun.count()).toBe(runsBefore + 1);

    const result = page.getByRole("region", { name: "Reconciliation result" });
    await expect(result).toHaveAttribute("data-status", "COMPLETED");
    const differences = result.getByRole("table", { name: "Differences" });
    const rows = differences.locator("tbody tr");
    const count = await rows.count();
    await expect(result.getByTestId("mismatch-count")).toHaveText(`${count} differences`);
    await expect(formStatus(reconcile)).toHaveText(`${count} ${count === 1 ? "difference" : "differences"} between SEQR's report and the shop: see below.`);

    const missing = rows.filter({ hasText: phantomReference });
    await expect(missing).toHaveCount(1);
    await expect(missing).toHaveAttribute("data-kind", "PAYMENT_MISSING_FROM_REPORT");
    await expect(missing.getByRole("cell")).toHaveText([
      "Payment missing from SEQR's report",
      phantomReference,
      phantom.clientInvoiceId,
      "–",
      kr(77700),
      "The shop has this invoice paid in the period; SEQR's report does not list it.",
    ]);

    const differs = rows.filter({ hasText: altered.invoiceReference });
    await expect(differs).toHaveCount(1);
    await expect(differs).toHaveAttribute("data-kind", "PAYMENT_AMOUNT_DIFFERS");
    await expect(differs.getByRole("cell")).toHaveText([
      "Payment amounts differ",
      altered.invoiceReference,
      altered.clientInvoiceId,
      kr(CANDLE.priceMinor),
      kr(CANDLE.priceMinor + 1000),
      "SEQR and the shop disagree on the amount paid.",
    ]);

    // The payment both sides agree on is in SEQR's report, and not among the differences.
    await expect(differences).not.toContainText(agreed.invoiceReference);
    await expect(differences).not.toContainText(agreed.clientInvoiceId);
    const reportLines = ((await result.locator("pre").textContent()) ?? "").split("\n").map((line) => line.split(","));
    const agreedLine = reportLines.find((fields) => fields[2] === agreed.invoiceReference);
    expect(agreedLine).toEqual([
      "PAYMENT",
      expect.any(String),
      agreed.invoiceReference,
      agreed.clientInvoiceId,
      expect.stringMatching(/^\d{25}$/),
      (TOWEL.priceMinor / 100).toFixed(2),
      "SEK",
    ]);
    expect(reportLines.some((fields) => fields.includes(phantomReference))).toBe(false);

    // The planted payments make the period's paid totals differ too.
    await expect(differences.locator('tr[data-kind="TOTAL_PAID_DIFFERS"]')).toHaveCount(1);

    // The run is listed, and the result is kept for the merchant to come back to.
    await expect(page.getByRole("region", { name: "Earlier reconciliations" })).toContainText(`${count} differences`);
    await page.reload();
    await expect(page.getByRole("region", { name: "Reconciliation result" }).locator(`tr[data-kind="PAYMENT_MISSING_FROM_REPORT"]`).filter({ hasText: phantomReference })).toHaveCount(1);

    // The result, its differences and SEQR's report as received: accessible, and within the screen on a desktop and
    // on a 390 px phone (this project runs on a desktop only; accessibility-admin.spec.ts cannot reconcile).
    await page.getByText("SEQR's report as received").click();
    await expectAccessible(page, "the reconciliation's result");
    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page, "the reconciliation's result on a phone");
  } finally {
    await db.paymentAttempt.update({ where: { id: alteredAttempt.id }, data: { receipt: originalReceipt } });
    await removePlantedOrders(db, [phantom.id]);
  }
});
