import type { ShopLegal } from "@/lib/shop/legal";

/** Who the shop is and how to reach it: the same facts on the contact, terms, withdrawal and privacy pages. */
export function CompanyFacts({ legal, label = "Company details" }: { legal: ShopLegal; label?: string }) {
  return (
    <dl className="company-facts" aria-label={label}>
      <dt>Company</dt>
      <dd data-testid="legal-company">{legal.companyName}</dd>
      <dt>Organisation number</dt>
      <dd data-testid="legal-org-number">{legal.orgNumber}</dd>
      <dt>Postal address</dt>
      <dd data-testid="legal-address">{legal.postalAddress}</dd>
      <dt>E-mail</dt>
      <dd>
        <a href={`mailto:${legal.contactEmail}`} data-testid="legal-email">
          {legal.contactEmail}
        </a>
      </dd>
      {legal.contactPhone ? (
        <>
          <dt>Phone</dt>
          <dd>
            <a href={`tel:${legal.contactPhone.replace(/[^\d+]/g, "")}`} data-testid="legal-phone">
              {legal.contactPhone}
            </a>
          </dd>
        </>
      ) : null}
    </dl>
  );
}
