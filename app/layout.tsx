import type { Metadata, Viewport } from "next";
import Link from "next/link";

import { SHOP_NAME, SHOP_TAGLINE } from "@/lib/shop/brand";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: `${SHOP_NAME} – ${SHOP_TAGLINE}`, template: `%s · ${SHOP_NAME}` },
  description: SHOP_TAGLINE,
};

// The four External Service pages open inside the SEQR app's web view: phones from 320 px wide upwards.
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <div className="bar">
            <Link href="/" className="brand">
              {SHOP_NAME}
            </Link>
            <span className="tagline">{SHOP_TAGLINE}</span>
          </div>
        </header>
        <main className="site-main">{children}</main>
        <footer className="site-footer">
          <div className="bar">
            Prices include VAT. Pay with the SEQR app: scan the code at checkout, or tap the link on your phone.
          </div>
        </footer>
      </body>
    </html>
  );
}
