import type { Metadata } from "next";
import Link from "next/link";

import { LEGAL_PERIODS, RETENTION, shopCookies, shopLegal } from "@/lib/shop/legal";

import { CompanyFacts } from "../company-facts";

export const metadata: Metadata = { title: "Privacy and cookies" };

// What the shop keeps about a shopper, why, for how long, who else sees it, the cookies (strictly necessary only:
// no consent banner), and the shopper's rights under the GDPR.
export default function PrivacyPage() {
  const legal = shopLegal();
  const cookies = shopCookies();
  const email = <a href={`mailto:${legal.contactEmail}`}>{legal.contactEmail}</a>;
  return (
    <>
      <h1>Privacy and cookies</h1>
      <p>
        {legal.companyName} is responsible (personuppgiftsansvarig) for the personal data {legal.shopName} keeps. We keep
        only what we need to sell and deliver to you, and to keep our accounts.
      </p>
      <CompanyFacts legal={legal} label="Who is responsible" />

      <h2>What we keep</h2>
      <ul>
        <li>
          <strong>Your order:</strong> what you bought, the amounts, the order number, when you paid, and SEQR&apos;s
          references for the payment and any refund.
        </li>
        <li>
          <strong>Your delivery details:</strong> your e-mail address, your name and your postal address.
        </li>
        <li>
          <strong>Your phone number:</strong> the number of the SEQR account that paid, as SEQR gives it to us with the
          payment.
        </li>
        <li>
          <strong>Your cart:</strong> the products and quantities in it while you shop.
        </li>
        <li>
          <strong>Your network (IP) address:</strong> for up to {RETENTION.networkAddressMinutes} minutes, to stop anyone
          from flooding the shop with requests.
        </li>
      </ul>

      <h2>Why, and on what legal basis</h2>
      <ul>
        <li>To take your payment, deliver your order, and handle a return or a complaint: to fulfil our contract with you.</li>
        <li>To send you the order confirmation, the shipping notice and refund confirmations: part of that contract.</li>
        <li>To keep our accounts: a legal obligation (the Bookkeeping Act, bokföringslagen).</li>
        <li>To keep the shop safe from abuse: our legitimate interest.</li>
      </ul>
      <p>We never sell your data, and we send no newsletters or advertising.</p>

      <h2>Who else sees it</h2>
      <p>
        SEQR, who handles your payment; the carrier who delivers your parcel (your name and address); and the e-mail
        service that delivers our e-mails to you. Each sees only what it needs for that.
      </p>

      <h2>How long we keep it</h2>
      <ul>
        <li>
          Orders, with your delivery details and the payment: {LEGAL_PERIODS.bookkeepingYears} years after the end of the
          year you bought, as the Bookkeeping Act requires; then they are deleted.
        </li>
        <li>A cart: deleted {RETENTION.cartDays} days after anything was last added to it.</li>
        <li>Network addresses: {RETENTION.networkAddressMinutes} minutes at most.</li>
      </ul>

      <h2>Cookies</h2>
      <p>
        The shop sets only the cookies below. Each is strictly necessary for something you ask for, so under the Swedish
        Electronic Communications Act (lagen om elektronisk kommunikation) they need no consent, and the shop shows no
        cookie banner. There are no analytics, advertising or third-party cookies.
      </p>
      <ul className="cookie-list" aria-label="Cookies">
        {cookies.map((cookie) => (
          <li key={cookie.name} data-testid="cookie">
            <h3>
              <code>{cookie.name}</code>
            </h3>
            <p>{cookie.purpose}</p>
            <p className="muted">
              {cookie.who}. Kept: {cookie.lifetime}.
            </p>
          </li>
        ))}
      </ul>

      <h2>Your rights</h2>
      <p>
        Under the General Data Protection Regulation (GDPR) you may ask us for a copy of the data we keep about you, have
        it corrected, have it deleted (except what the law makes us keep), have its use restricted, object to its use, and
        get it in a form you can take elsewhere. Write to {email}; we answer within a month.
      </p>

      <h2>Complaints</h2>
      <p>
        If you think we handle your data wrongly, tell us first at {email}. You may also complain to the Swedish Authority
        for Privacy Protection (Integritetsskyddsmyndigheten, IMY), Box 8114, 104 20 Stockholm,{" "}
        <a href="https://www.imy.se">www.imy.se</a>.
      </p>

      <p>
        See also: <Link href="/terms">terms of purchase</Link>, <Link href="/contact">contact</Link>.
      </p>
    </>
  );
}
