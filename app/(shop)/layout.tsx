import Link from "next/link";

import { ShopFooter } from "@/app/_components/shop-footer";
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
      <ShopFooter />
    </>
  );
}
