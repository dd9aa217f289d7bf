import { blankPng, noisePng, solidPng } from "../support/test-pictures";
import { expect, formStatus, signInAsAdmin, submitConfirmed, test } from "./support/admin";
import {
  expectAccessible,
  expectNoSidewaysScroll,
  expectPictureLoaded,
  fillNewProduct,
  ownProduct,
  productForm,
  shopCard,
} from "./support/catalog-admin";

// The merchant's catalog, on a desktop and on a 390 px phone: a product added with its picture shows in the shop,
// a stock adjustment (with its reason) changes the shop's stock note, and a retired product leaves the shop while
// its page says it is no longer sold. Each test works on a product of its own, which no other spec counts or buys.

const PICTURE = { name: "lamp.png", mimeType: "image/png", buffer: Buffer.from(solidPng(400, 300, [196, 154, 60])) };

test("add a product with a picture, see it in the shop, adjust its stock with a reason, retire it", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const product = ownProduct(testInfo);
  await signInAsAdmin(page);

  // The admin's list, from the navigation.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Products" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Products" })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expectAccessible(page);
  await page.getByRole("link", { name: "Add a product" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add a product" })).toBeVisible();
  await expectNoSidewaysScroll(page);

  // Added, on sale.
  await fillNewProduct(page, product, PICTURE);
  await productForm(page).getByRole("button", { name: "Add product" }).click();
  await page.waitForURL((url) => url.pathname === `/admin/products/${product.sku}`);
  await expect(page.getByRole("heading", { level: 1, name: product.name })).toBeVisible();
  await expect(page.getByTestId("product-status")).toHaveText("On sale");
  await expect(page.getByTestId("product-stock")).toHaveText("12");
  await expect(page.getByRole("list", { name: "Changes" }).getByRole("listitem")).toHaveCount(1);
  await expect(page.getByRole("list", { name: "Changes" })).toContainText("added the product: 149,00 kr, VAT 25 %, 12 in stock, on sale.");
  await expectPictureLoaded(page.getByRole("img", { name: product.name }));
  await expectNoSidewaysScroll(page);
  await expectAccessible(page);

  // In the shop at once: its card with the picture, its page with price and stock.
  await page.goto("/");
  const card = shopCard(page, product.name);
  await expect(card).toContainText("149,00 kr");
  await expect(card).toContainText("12 in stock");
  await expectPictureLoaded(card.locator("img"));
  const src = await card.locator("img").getAttribute("src");
  expect(src).toMatch(/^\/product-images\/[a-z0-9]+$/);
  // Served by the app itself (every server has it): its checked type, never sniffed, cached for a year.
  const served = await page.request.get(src ?? "");
  expect(served.status()).toBe(200);
  expect(served.headers()).toMatchObject({
    "content-type": "image/png",
    "x-content-type-options": "nosniff",
    "cache-control": "public, max-age=31536000, immutable",
    etag: expect.stringMatching(/^"[0-9a-f]{64}"$/),
  });
  expect(await served.body()).toEqual(PICTURE.buffer);
  await card.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: product.name })).toBeVisible();
  await expect(page.getByText("12 in stock")).toBeVisible();

  // Stock adjusted with a reason: without one it is refused, next to the field.
  await page.goto(`/admin/products/${product.sku}`);
  const adjust = page.getByRole("form", { name: "Adjust stock" });
  await adjust.getByLabel("Add or take away").fill("-9");
  await adjust.getByRole("button", { name: "Adjust stock" }).click();
  await expect(adjust.getByLabel("Reason")).toHaveAccessibleDescription(/Say why the stock changes/);
  await expect(page.getByTestId("product-stock")).toHaveText("12");
  await adjust.getByLabel("Reason").fill("Nine sold at the Christmas market");
  await adjust.getByRole("button", { name: "Adjust stock" }).click();
  await expect(formStatus(adjust)).toHaveText("Took away 9: the stock is now 3.");
  await expect(page.getByTestId("product-stock")).toHaveText("3");
  const latest = page.getByRole("list", { name: "Changes" }).getByRole("listitem").first();
  await expect(latest).toContainText("took 9 from the stock (12 → 3).");
  await expect(latest).toContainText("Reason: Nine sold at the Christmas market");

  await page.goto(`/products/${product.sku}`);
  await expect(page.getByText("Only 3 left")).toBeVisible();

  // Retired: gone from the shop; its page says so; the admin keeps it with its history.
  await page.goto(`/admin/products/${product.sku}`);
  const retire = page.getByRole("form", { name: "Retire" });
  await submitConfirmed(retire, "Retire");
  // The page shows the product as it now is: retired, with nothing left to change.
  await expect(page.getByTestId("product-status")).toHaveText("Retired");
  await expect(page.getByText("This product is retired: it is no longer sold and cannot be changed.")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("product-status")).toHaveText("Retired");
  await expect(page.getByRole("form", { name: "Adjust stock" })).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Changes" }).getByRole("listitem").first()).toContainText("retired the product");

  await page.goto("/");
  await expect(page.getByRole("list", { name: "Products" })).toBeVisible();
  await expect(shopCard(page, product.name)).toHaveCount(0);
  await page.goto(`/products/${product.sku}`);
  await expect(page.getByRole("heading", { level: 1, name: product.name })).toBeVisible();
  await expect(page.getByTestId("not-for-sale")).toHaveText("This product is no longer sold.");
  await expect(page.getByRole("button", { name: /add to cart/i })).toHaveCount(0);
});

test.describe("pictures and SKUs the shop refuses", { tag: "@desktop-only" }, () => {
  test("a text file named .png, a picture over 2 MB, a 5000 px picture and a SKU in use each get a message by their field", async ({ page }, testInfo) => {
    test.setTimeout(60_000);
    const product = ownProduct(testInfo);
    await signInAsAdmin(page);
    await page.goto("/admin/products/new");
    const form = productForm(page);
    const picture = form.getByLabel("Picture", { exact: true });
    const add = form.getByRole("button", { name: "Add product" });

    await fillNewProduct(page, product, { name: "lamp.png", mimeType: "image/png", buffer: Buffer.from("<html>not a picture</html>") });
    await add.click();
    await expect(picture).toHaveAccessibleDescription(/This file is not a PNG, JPEG or WebP picture/);

    // Told in the browser before anything is sent; the server checks again (tests/integration/catalog-admin.test.ts).
    await picture.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.from(noisePng(2_500_000)) });
    await expect(picture).toHaveAccessibleDescription(/The picture is larger than 2 MB/);
    await add.click();
    await expect(picture).toHaveAccessibleDescription(/The picture is larger than 2 MB/);

    await picture.setInputFiles({ name: "wide.png", mimeType: "image/png", buffer: Buffer.from(blankPng(5000, 5000)) });
    await add.click();
    await expect(picture).toHaveAccessibleDescription(/5000 × 5000 pixels; at most 4000 × 4000/);

    // What was typed stays in the form through the refusals.
    await expect(form.getByLabel("Name", { exact: true })).toHaveValue(product.name);
    await expect(page).toHaveURL((url) => url.pathname === "/admin/products/new");

    await form.getByLabel("SKU (article number)").fill("MUG-FJORD-35");
    await picture.setInputFiles(PICTURE);
    await add.click();
    await expect(form.getByLabel("SKU (article number)")).toHaveAccessibleDescription(/MUG-FJORD-35 is already the SKU of “Stoneware mug, fjord blue”/);
    await expect(page).toHaveURL((url) => url.pathname === "/admin/products/new");
  });
});
