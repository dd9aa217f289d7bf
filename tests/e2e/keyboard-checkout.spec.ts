import { expect, test, type Locator, type Page } from "@playwright/test";

import { expectFocusRing, tabTo } from "./support/accessibility";
import { ASTRIDS_DETAILS, catalogProduct, chooseInApp, deliveryForm, expectReceipt, priceOf } from "./support/shop";

// A purchase with the keyboard alone (WCAG 2.1.1): Tab, Shift+Tab, Enter, Space and typing, never a click and never
// a focus() call, from the home page to the receipt, on a desktop and on a 390 px phone. Every control the focus
// lands on on the way shows its ring (an outline of 2 px or more, support/accessibility.ts). Only the SEQR app's own
// Pay button (the simulated app, not the shop) is pressed by the shared helper.
//
// Lingonberry jam: cheap, plenty in stock, and no spec counts its stock.

test.describe.configure({ timeout: 90_000 });

const JAM = catalogProduct("LINGON-JAM-400");

/** Tabs to a field and types into it, as a keyboard user fills a form. */
async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field);
  await page.keyboard.type(text);
  await expect(field).toHaveValue(text);
}

test("home → product → Add to cart → cart → Checkout → delivery details → Open in SEQR → Pay → receipt, by keyboard alone", async ({
  page,
}) => {
  const total = priceOf(JAM, 2);

  // The home page: Tab to the jam's card, Enter.
  await page.goto("/");
  await tabTo(page, page.getByRole("list", { name: "Products" }).getByRole("link").filter({ hasText: JAM.name }));
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === `/products/${JAM.sku}`);
  await expect(page.getByRole("heading", { level: 1, name: JAM.name })).toBeVisible();

  // Two jars (the arrow key steps the number), then Add to cart with Space.
  const addToCart = page.getByRole("form", { name: "Add to cart" });
  const quantity = addToCart.getByLabel("Quantity");
  await tabTo(page, quantity);
  await page.keyboard.press("ArrowUp");
  await expect(quantity).toHaveValue("2");
  await tabTo(page, addToCart.getByRole("button", { name: "Add to cart" }));
  await page.keyboard.press("Space");
  const confirmation = page.getByRole("heading", { name: `Added 2 × ${JAM.name} to your cart` });
  await expect(confirmation).toBeFocused();

  // View cart, the next stop after the confirmation.
  const viewCart = page.getByRole("link", { name: "View cart" });
  await tabTo(page, viewCart, { limit: 1 });
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === "/cart");
  const line = page.getByRole("list", { name: "Cart" }).getByRole("listitem").filter({ hasText: JAM.name });
  await expect(line.getByRole("spinbutton")).toHaveValue("2");

  // Checkout.
  await tabTo(page, page.getByRole("button", { name: "Checkout" }));
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/checkout\/[\w-]+$/);
  const clientInvoiceId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  const form = deliveryForm(page);
  await expect(form).toBeVisible();

  // The delivery details, field by field.
  await typeInto(page, form.getByLabel("E-mail address"), ASTRIDS_DETAILS.email);
  await typeInto(page, form.getByLabel("Name"), ASTRIDS_DETAILS.name);
  await typeInto(page, form.getByLabel("Street address"), ASTRIDS_DETAILS.street);
  await typeInto(page, form.getByLabel("Postcode"), ASTRIDS_DETAILS.postcode);
  await typeInto(page, form.getByLabel("Town or city"), ASTRIDS_DETAILS.city);
  // The country is Sweden already; a keyboard user passes it by.
  await tabTo(page, form.getByLabel("Country"));
  await expect(form.getByLabel("Country")).toHaveValue("SE");
  // Back to the name with Shift+Tab to check it, then on to Continue.
  await tabTo(page, form.getByLabel("Name"));
  await expect(form.getByLabel("Name")).toHaveValue(ASTRIDS_DETAILS.name);
  await tabTo(page, form.getByRole("button", { name: "Continue to payment" }));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("seqr-qr")).toBeVisible();
  // The payment panel is in view, however far down the form's button was.
  await expect(page.getByRole("link", { name: "Open in SEQR" })).toBeInViewport();

  // The phone's way to pay (on a desktop the same link hands the code to the SEQR app): Open in SEQR.
  await tabTo(page, page.getByRole("link", { name: "Open in SEQR" }));
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/order#\d{10}-\d{8}$/);

  // The shop's order page in the SEQR app: Pay.
  const pay = page.getByRole("button", { name: `Pay ${total}` });
  await tabTo(page, pay);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/sandbox\/app\/invoices\/\d+$/);
  await chooseInApp(page, "Pay");

  // The receipt, and the way on from it.
  await expect(page.getByRole("heading", { name: "Thank you! Your payment is complete" })).toBeVisible();
  await expectReceipt(page, { clientInvoiceId, total });
  await tabTo(page, page.getByRole("link", { name: "Back to the shop" }));
  await expectFocusRing(page);
});
