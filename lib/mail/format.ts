import { env } from "../env.ts";
import { formatMoney } from "../money.ts";
import { includedVatMinor } from "../orders/pricing.ts";
import { SHOP_NAME } from "../shop/brand.ts";
import { countryName } from "../shop/format.ts";
import type { MailDelivery, MailShop, MailVat } from "./templates/parts.tsx";

// How the e-mails put the order's facts into words: dates, VAT rates, countries, addresses. English, like the shop;
// amounts through lib/money.ts.

export function mailShop(): MailShop {
  return { name: SHOP_NAME, address: env.mail.shopAddress, url: env.publicBaseUrl };
}

// Built once (toLocaleString would build one per call): every e-mail's VAT lines use it.
const vatRatePercent = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });

/** 2500 → "25 %", 1250 → "12.5 %". */
export function formatVatRate(taxRateBps: number): string {
  return `${vatRatePercent.format(taxRateBps / 100)} %`;
}

/** A tracking link only when it is an http(s) URL: nothing else becomes a link in an e-mail. */
export function httpUrlOrNull(value: string | null): string | null {
  if (!value || !URL.canParse(value)) return null;
  return /^https?:$/.test(new URL(value).protocol) ? value : null;
}

type OrderItemRow = {
  name: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
  taxRateBps: number;
};

/** The VAT included in the lines, per rate, highest rate first; each line's share rounded as the order's was. */
export function vatPerRate(items: OrderItemRow[], currency: string): MailVat[] {
  const byRate = new Map<number, number>();
  for (const item of items) {
    byRate.set(
      item.taxRateBps,
      (byRate.get(item.taxRateBps) ?? 0) + includedVatMinor(item.lineTotalMinor, item.taxRateBps),
    );
  }
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, amountMinor]) => ({ rate: formatVatRate(rate), amount: formatMoney({ amountMinor, currency }) }));
}

export function deliveryOf(order: {
  deliveryMethod: "SHIP" | "PICKUP" | null;
  deliveryName: string | null;
  deliveryStreet: string | null;
  deliveryPostcode: string | null;
  deliveryCity: string | null;
  deliveryCountry: string | null;
}): MailDelivery {
  if (order.deliveryMethod === "PICKUP")
    return { method: "PICKUP", shopAddress: env.mail.shopAddress, name: order.deliveryName };
  if (order.deliveryMethod !== "SHIP") return { method: "NONE" };
  const town = [order.deliveryPostcode, order.deliveryCity].filter(Boolean).join(" ");
  const address = [
    order.deliveryName,
    order.deliveryStreet,
    town,
    order.deliveryCountry ? countryName(order.deliveryCountry) : null,
  ];
  return { method: "SHIP", address: address.filter((line): line is string => Boolean(line)) };
}
