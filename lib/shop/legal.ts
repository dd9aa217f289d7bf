import { ADMIN_SESSION_COOKIE } from "../admin/sessions.ts";
import { CART_COOKIE } from "../cart/cart-cookie.ts";
import { CART_IDLE_LIFETIME_MS } from "../cart/idle-carts.ts";
import { env } from "../env.ts";
import { SHOP_NAME } from "./brand.ts";

// What the pages every Swedish web shop must have (contact, terms of purchase, right of withdrawal, privacy and
// cookies) say about this shop, all from the merchant's settings (SHOP_COMPANY_NAME, SHOP_ORG_NUMBER,
// SHOP_CONTACT_EMAIL, SHOP_CONTACT_PHONE, SHOP_DELIVERY_TIME, SHOP_ADDRESS), and the periods the law sets. The
// pages (app/(shop)/(legal)/) only put these into sentences; docs/legal-pages.md says what a merchant must have a
// lawyer look at.

/** Who the shop is and how to reach it, as the settings say. */
export type ShopLegal = {
  shopName: string;
  companyName: string;
  /** The Swedish organisation number, NNNNNN-NNNN. */
  orgNumber: string;
  postalAddress: string;
  contactEmail: string;
  /** Left out of the pages when the setting is unset. */
  contactPhone: string | null;
  /** "2–5 working days", as the terms of purchase state it. */
  deliveryTime: string;
  /** Whether shoppers may collect their order at the shop (STORE_PICKUP). */
  storePickup: boolean;
  /** The shop's web address. */
  url: string;
};

export function shopLegal(): ShopLegal {
  return {
    shopName: SHOP_NAME,
    companyName: env.merchant.companyName,
    orgNumber: env.merchant.orgNumber,
    postalAddress: env.mail.shopAddress,
    contactEmail: env.merchant.contactEmail,
    contactPhone: env.merchant.contactPhone ?? null,
    deliveryTime: env.merchant.deliveryTime,
    storePickup: env.fulfilment.storePickup,
    url: env.publicBaseUrl,
  };
}

/** "Fjällbo AB · Org. no. 559999-9999": the line every shopper page's footer carries. */
export function companyLine(legal: ShopLegal): string {
  return `${legal.companyName} · Org. no. ${legal.orgNumber}`;
}

/** The four pages, in the order the footer lists them. */
export const LEGAL_PAGES = [
  { href: "/contact", title: "Contact" },
  { href: "/terms", title: "Terms of purchase" },
  { href: "/withdrawal", title: "Right of withdrawal" },
  { href: "/privacy", title: "Privacy and cookies" },
] as const;

export type LegalPage = (typeof LEGAL_PAGES)[number];

/** Periods the law sets (distansavtalslagen 2005:59, konsumentköplagen 2022:260, bokföringslagen 1999:1078). */
export const LEGAL_PERIODS = {
  /** Ångerrätt: days from the day the shopper receives the goods (distansavtalslagen 2 kap. 12 §). */
  withdrawalDays: 14,
  /** Days the shop has to pay back after a withdrawal (2 kap. 14 §). */
  refundDays: 14,
  /** Days the shopper has to send the goods back after withdrawing (2 kap. 15 §). */
  returnDays: 14,
  /** Reklamationsrätt: years from delivery in which a fault that was there from the start can be claimed. */
  complaintYears: 3,
  /** A fault that shows within this many years of delivery is presumed to have been there from the start. */
  presumedFaultYears: 2,
  /** A complaint made within this many months of discovering the fault is always in time. */
  complaintNoticeMonths: 2,
  /** How long accounting records (orders, payments, refunds) must be kept, after the end of the year. */
  bookkeepingYears: 7,
} as const;

const DAY_MS = 24 * 3_600_000;

/** How long the shop keeps what it keeps, besides orders (LEGAL_PERIODS.bookkeepingYears). */
export const RETENTION = {
  /** An idle cart is deleted this many days after its last add (lib/cart/idle-carts.ts). */
  cartDays: Math.round(CART_IDLE_LIFETIME_MS / DAY_MS),
  /** The longest window of the shop's request limits, which count per network address (lib/http/rate-limit.ts). */
  networkAddressMinutes: 10,
} as const;

/** The cookies the shop sets, every one strictly necessary: no consent banner is needed for them. */
export function shopCookies(): { name: string; purpose: string; lifetime: string; who: string }[] {
  return [
    {
      name: CART_COOKIE,
      purpose: "Remembers your cart, and which orders your browser placed, so that only you see their items and receipt.",
      lifetime: `${RETENTION.cartDays} days after you last added something to the cart`,
      who: "Everyone who adds something to the cart",
    },
    {
      name: ADMIN_SESSION_COOKIE,
      purpose: "Keeps the shop's own staff signed in to the shop's administration.",
      lifetime: `Until sign-out, ${hours(env.admin.sessionMaxAgeMs)} after sign-in, or ${minutes(env.admin.idleTimeoutMs)} unused`,
      who: "Only the shop's staff; shoppers never get it",
    },
  ];
}

/**
 * The model withdrawal form of the Consumer Rights Directive (2011/83/EU, Annex I(B); in Swedish law the form of
 * distansavtalslagen's appendix), with the shop's name, address and e-mail filled in where the trader's go.
 */
export function modelWithdrawalForm(legal: ShopLegal): { to: string; lines: string[] } {
  return {
    to: `To ${legal.companyName}, ${legal.postalAddress}, ${legal.contactEmail}:`,
    lines: [
      "I/We (*) hereby give notice that I/We (*) withdraw from my/our (*) contract of sale of the following goods (*)/for the provision of the following service (*),",
      "Ordered on (*)/received on (*),",
      "Name of consumer(s),",
      "Address of consumer(s),",
      "Signature of consumer(s) (only if this form is notified on paper),",
      "Date",
    ],
  };
}

function hours(ms: number): string {
  const value = Math.round(ms / 3_600_000);
  return value === 1 ? "1 hour" : `${value} hours`;
}

function minutes(ms: number): string {
  const value = Math.round(ms / 60_000);
  return value === 1 ? "1 minute" : `${value} minutes`;
}
