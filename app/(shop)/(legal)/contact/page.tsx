import type { Metadata } from "next";
import Link from "next/link";

import { shopLegal } from "@/lib/shop/legal";

import { CompanyFacts } from "../company-facts";

export const metadata: Metadata = { title: "Contact" };

export default function ContactPage() {
  const legal = shopLegal();
  return (
    <>
      <h1>Contact</h1>
      <p>
        {legal.shopName} is run by {legal.companyName}. Questions about an order, a return or a complaint: write to us,
        and give your order number (such as #1042, on your receipt and in the order confirmation) so that we find your
        order at once.
      </p>
      <CompanyFacts legal={legal} />
      <h2>Returns and complaints</h2>
      <p>
        You may change your mind within 14 days of receiving your order: see the{" "}
        <Link href="/withdrawal">right of withdrawal</Link>. A fault can be claimed for three years: see the{" "}
        <Link href="/terms">terms of purchase</Link>. What we keep about you, and why: <Link href="/privacy">privacy and cookies</Link>.
      </p>
    </>
  );
}
