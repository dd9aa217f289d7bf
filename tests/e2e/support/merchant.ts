import type { Page } from "@playwright/test";

import { formatMoney } from "@/lib/money";

import { adminOrderPath, expect, formStatus, signInAsAdmin, submitConfirmed } from "./admin";

// What the merchant does to a shopper's order from the admin, for specs about what the shopper then sees: each in a
// page of its own (a second tab), signed in as the first owner.

/** "Cancel order" on the admin's order page, answered. */
export async function cancelOrderAsMerchant(merchant: Page, clientInvoiceId: string): Promise<void> {
  await signInAsAdmin(merchant);
  await merchant.goto(adminOrderPath(clientInvoiceId));
  const form = merchant.getByRole("form", { name: "Cancel order" });
  await submitConfirmed(form, "Cancel order");
  await expect(formStatus(form)).not.toBeEmpty({ timeout: 20_000 });
}

/** An amount refunded from the admin's order page ("20,00" typed for 2 000 öre), confirmed by SEQR. */
export async function refundAsMerchant(merchant: Page, clientInvoiceId: string, amountMinor: number): Promise<void> {
  const amount = formatMoney({ amountMinor, currency: "SEK" });
  await signInAsAdmin(merchant);
  await merchant.goto(adminOrderPath(clientInvoiceId));
  const form = merchant.getByRole("region", { name: /^Refund payment \d+$/ }).getByRole("form", { name: "Refund" });
  await form.getByLabel("Amount (SEK)").fill(amount.replace(/\s*kr$/, ""));
  await submitConfirmed(form, "Refund");
  await expect(formStatus(form)).toHaveText(new RegExp(`^Refunded ${amount}\\.`), { timeout: 20_000 });
}
