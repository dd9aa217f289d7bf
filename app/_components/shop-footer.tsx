import Link from "next/link";

import { companyLine, LEGAL_PAGES, shopLegal } from "@/lib/shop/legal";

/**
 * The footer of every shopper page (the shop's and the External Service pages the SEQR app opens): the pages a
 * Swedish web shop must have, and who the shop is.
 */
export function ShopFooter() {
  const legal = shopLegal();
  return (
    <footer className="site-footer">
      <div className="bar footer-bar">
        <nav aria-label="Shop information">
          <ul className="footer-links">
            {LEGAL_PAGES.map((page) => (
              <li key={page.href}>
                <Link href={page.href}>{page.title}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <p className="footer-note">
          Prices include VAT. Pay with the SEQR app: scan the code at checkout, or tap the link on your phone.
        </p>
        <p className="footer-company" data-testid="company-line">
          {companyLine(legal)}
        </p>
      </div>
    </footer>
  );
}
