import Link from "next/link";

import { SHOP_NAME, SHOP_TAGLINE } from "@/lib/shop/brand";

import { CartLink } from "./cart/cart-link";

export default function ShopLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <header className="site-header">
        <div className="bar">
          <Link href="/" className="brand">
            {SHOP_NAME}
          </Link>
          <span className="tagline">{SHOP_TAGLINE}</span>
          <CartLink />
        </div>
      </header>
      <main className="site-main">{children}</main>
      <footer className="site-footer">
        <div className="bar">
          Prices include VAT. Pay with the SEQR app: scan the code at checkout, or tap the link on your phone.
        </div>
      </footer>
    </>
  );
}
