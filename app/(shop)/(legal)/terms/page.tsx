import type { Metadata } from "next";
import Link from "next/link";

import { LEGAL_PERIODS, shopLegal } from "@/lib/shop/legal";

import { CompanyFacts } from "../company-facts";

export const metadata: Metadata = { title: "Terms of purchase" };

// The terms a consumer buys on: the seller, prices, payment, delivery, the right of withdrawal in short, complaints
// and disputes. Swedish consumer law applies whatever they say; they say it plainly.
export default function TermsPage() {
  const legal = shopLegal();
  const periods = LEGAL_PERIODS;
  return (
    <>
      <h1>Terms of purchase</h1>
      <p>
        These terms apply when you, as a consumer, buy from {legal.shopName}. Swedish law applies, including the
        Consumer Sales Act (konsumentköplagen) and the Distance Contracts Act (distansavtalslagen); nothing here takes
        away a right those laws give you.
      </p>

      <h2>The seller</h2>
      <CompanyFacts legal={legal} label="The seller" />

      <h2>Prices</h2>
      <p>
        All prices are in Swedish kronor (SEK) and include VAT (moms). There is no separate charge for delivery: the
        total shown at checkout is all you pay.
      </p>

      <h2>Ordering and paying</h2>
      <p>
        You pay with the SEQR app: scan the code at checkout, or tap <em>Open in SEQR</em> on your phone, and approve
        the payment in the app. The money is taken from the account you pay with in SEQR when you approve it. Your
        purchase is agreed once SEQR has confirmed the payment to us; you then get an order confirmation by e-mail and
        a receipt in the SEQR app. An order that is not paid is never charged, and lapses after a while.
      </p>

      <h2>Delivery</h2>
      <p>
        We send your order to the address you give at checkout, and it reaches you within{" "}
        <strong data-testid="terms-delivery-time">{legal.deliveryTime}</strong> of your payment. We e-mail you the
        tracking number when the parcel is on its way.
        {legal.storePickup ? ` You may also collect your order at the shop: ${legal.postalAddress}.` : null} If we cannot
        deliver in time, we tell you, and you may cancel the purchase and get your money back.
      </p>

      <h2>Right of withdrawal (ångerrätt)</h2>
      <p>
        You may change your mind and withdraw from the purchase within {periods.withdrawalDays} days of the day you
        receive the goods, without giving a reason. Tell us by e-mail to{" "}
        <a href={`mailto:${legal.contactEmail}`}>{legal.contactEmail}</a>, send the goods back within{" "}
        {periods.returnDays} days, and we pay back what you paid within {periods.refundDays} days. You pay the cost of
        sending the goods back. The details, and the form you may use: <Link href="/withdrawal">right of withdrawal</Link>.
      </p>

      <h2>Refunds</h2>
      <p>
        Money we pay back goes to the account you paid with in the SEQR app. Your receipt on our site lists every
        refund, and you get an e-mail for each one.
      </p>

      <h2>Complaints (reklamation)</h2>
      <p>
        If something you bought is faulty, you may complain for {periods.complaintYears} years from the day you received
        it (reklamationsrätt), for a fault that was there when you received it. A fault that shows within{" "}
        {periods.presumedFaultYears} years is taken to have been there from the start, unless we show otherwise.
        Complain within a reasonable time of noticing the fault; within {periods.complaintNoticeMonths} months is always
        in time. Write to <a href={`mailto:${legal.contactEmail}`}>{legal.contactEmail}</a> with your order number and
        what is wrong. We pay for sending a faulty item back, and repair it, replace it, or give you your money back as
        the law says.
      </p>

      <h2>If we disagree</h2>
      <p>
        Contact us first: most things are sorted out quickly. If we cannot agree, you may turn to the National Board for
        Consumer Disputes (Allmänna reklamationsnämnden, ARN), Box 174, 101 23 Stockholm,{" "}
        <a href="https://www.arn.se">www.arn.se</a>, or to a Swedish court.
      </p>

      <h2>Your personal data</h2>
      <p>
        What we keep about you, why and for how long, and the cookies we use: <Link href="/privacy">privacy and cookies</Link>.
      </p>
    </>
  );
}
