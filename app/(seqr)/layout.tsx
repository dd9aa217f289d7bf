import { ShopFooter } from "@/app/_components/shop-footer";
import { SHOP_NAME } from "@/lib/shop/brand";

import "./seqr-pages.css";

// The four External Service pages open inside the SEQR app's web view: a narrow column from 320 px upwards,
// the shop's name, and no navigation the app does not need (each page offers its own way back).
export default function SeqrPagesLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <header className="service-header">
        <span className="brand">{SHOP_NAME}</span>
      </header>
      <main className="service-main">{children}</main>
      <ShopFooter />
    </>
  );
}
