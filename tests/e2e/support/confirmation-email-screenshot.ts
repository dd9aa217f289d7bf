// Renders the order confirmation e-mail with Debian's Chromium at a phone's width (320 px) into
// docs/images/confirmation-email.png, the picture in docs/mail.md and the README. Run it after changing the
// e-mails:
//
//   node --import tsx tests/e2e/support/confirmation-email-screenshot.ts
//
// The order is a sample: two jars of jam (12 % VAT) and a Dala horse (25 %) from the demo catalog, priced by the
// shop's own arithmetic (lib/orders/pricing.ts) and put into words by the e-mails' own formatters (lib/mail/format.ts).
import path from "node:path";

import { chromium } from "@playwright/test";
import { render } from "@react-email/render";
import { createElement } from "react";

import { CATALOG } from "../../../lib/catalog/catalog-data.ts";
import { SANDBOX_DEFAULTS } from "../../../lib/env.ts";
import { deliveryOf, vatPerRate } from "../../../lib/mail/format.ts";
import { OrderConfirmationEmail } from "../../../lib/mail/templates/order-confirmation.tsx";
import { formatMoney } from "../../../lib/money.ts";
import { priceLines } from "../../../lib/orders/pricing.ts";
import { SHOP_NAME } from "../../../lib/shop/brand.ts";
import { formatShopDateTime } from "../../../lib/shop/format.ts";

const OUTPUT = path.resolve("docs/images/confirmation-email.png");
const MAX_BYTES = 100 * 1024;

const product = (sku: string) => {
  const found = CATALOG.find((entry) => entry.sku === sku);
  if (!found) throw new Error(`${sku} is not in the demo catalog`);
  return found;
};
const priced = priceLines([
  { ...product("LINGON-JAM-400"), unitPriceMinor: product("LINGON-JAM-400").priceMinor, quantity: 2 },
  { ...product("DALA-HORSE-RED"), unitPriceMinor: product("DALA-HORSE-RED").priceMinor, quantity: 1 },
]);
const money = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });

const html = await render(
  createElement(OrderConfirmationEmail, {
    shop: { name: SHOP_NAME, address: SANDBOX_DEFAULTS.shopAddress, url: "https://fjallbo.example" },
    orderNumber: "#1042",
    paidAt: formatShopDateTime(new Date("2026-12-01T09:41:00Z")),
    lines: priced.lines.map((line) => ({
      name: line.name,
      quantity: line.quantity,
      unitPrice: money(line.unitPriceMinor),
      lineTotal: money(line.lineTotalMinor),
    })),
    total: money(priced.totalMinor),
    vat: vatPerRate(priced.lines, "SEK"),
    paymentReference: "4815162342108000123456789",
    delivery: deliveryOf({
      deliveryMethod: "SHIP",
      deliveryName: "Astrid Andersson",
      deliveryStreet: "Storgatan 12",
      deliveryPostcode: "123 45",
      deliveryCity: "Ystad",
      deliveryCountry: "SE",
    }),
  }),
);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 });
  await page.setContent(html);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 320) throw new Error(`the e-mail is ${width} px wide at a 320 px viewport: it must not scroll sideways`);
  const image = await page.screenshot({ path: OUTPUT, fullPage: true });
  if (image.byteLength > MAX_BYTES) throw new Error(`${OUTPUT} is ${image.byteLength} bytes, over ${MAX_BYTES}`);
  process.stdout.write(`${OUTPUT}: ${image.byteLength} bytes\n`);
} finally {
  await browser.close();
}
