import type { Metadata } from "next";
import Link from "next/link";

import { LEGAL_PERIODS, modelWithdrawalForm, shopLegal } from "@/lib/shop/legal";

import { CompanyFacts } from "../company-facts";

export const metadata: Metadata = { title: "Right of withdrawal" };

// Ångerrätt (distansavtalslagen 2005:59, 2 kap.): how long, how to withdraw, what happens to the goods and the
// money, and the EU model withdrawal form.
export default function WithdrawalPage() {
  const legal = shopLegal();
  const periods = LEGAL_PERIODS;
  const form = modelWithdrawalForm(legal);
  const email = <a href={`mailto:${legal.contactEmail}`}>{legal.contactEmail}</a>;
  return (
    <>
      <h1>Right of withdrawal (ångerrätt)</h1>
      <p>
        You may withdraw from a purchase at {legal.shopName} within <strong>{periods.withdrawalDays} days</strong>{" "}
        without giving any reason. The {periods.withdrawalDays} days count from the day you, or someone you name, receive
        the goods; for an order that comes in several parcels, from the day the last one arrives.
      </p>

      <h2>How to withdraw</h2>
      <p>
        Tell us before the {periods.withdrawalDays} days are over, clearly enough that we understand you want to
        withdraw. The easiest way is an e-mail to {email} with your order number (such as #1042). You may use the model
        form below, but you do not have to. It is enough that you send your message before the period ends. We confirm by
        e-mail that we have received it.
      </p>

      <h2>Sending the goods back</h2>
      <p>
        Send the goods back to us within {periods.returnDays} days of telling us, to {legal.postalAddress}. You pay the
        cost of sending them back. You may look at and try the goods as you would in a shop; if they have lost value
        because you handled them more than that, we may take the loss of value off the refund.
      </p>

      <h2>Your money back</h2>
      <p>
        We pay back everything you paid for the order within {periods.refundDays} days of the day you told us you
        withdraw, to the account you paid with in the SEQR app. We may wait until we have the goods back, or until you
        show us you have sent them, whichever comes first. The refund costs you nothing, and your receipt on our site
        lists it.
      </p>

      <h2>When the right does not apply</h2>
      <p>
        The law makes exceptions, among them sealed goods that cannot be returned for health or hygiene reasons once
        their seal is broken, and goods that spoil quickly. A faulty item is a complaint, not a withdrawal: see the{" "}
        <Link href="/terms">terms of purchase</Link>.
      </p>

      <h2>Model withdrawal form</h2>
      <p>Fill in and send this form only if you wish to withdraw from the purchase; an e-mail saying the same is as good.</p>
      <section className="model-form" aria-label="Model withdrawal form" data-testid="model-withdrawal-form">
        <p>{form.to}</p>
        <ul>
          {form.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p>(*) Delete as appropriate.</p>
      </section>

      <h2>Where to send it</h2>
      <CompanyFacts legal={legal} label="Where to send it" />
    </>
  );
}
