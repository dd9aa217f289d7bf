import type { Metadata, Viewport } from "next";

import { SandboxBanner } from "@/app/_components/sandbox-banner";
import { SHOP_NAME, SHOP_TAGLINE } from "@/lib/shop/brand";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: `${SHOP_NAME} – ${SHOP_TAGLINE}`, template: `%s · ${SHOP_NAME}` },
  description: SHOP_TAGLINE,
};

// Every page renders per request, none at `next build`: pages read the database (stock, orders, the admin's
// session), and a build must neither need one (a checkout is built before its database exists) nor write to the one
// it is pointed at. Set here, it covers every page to come. tests/integration/build-without-database.test.ts.
export const dynamic = "force-dynamic";

// The four External Service pages open inside the SEQR app's web view: phones from 320 px wide upwards.
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Only the document: the shop and the SEQR sandbox each bring their own chrome (app/(shop)/layout.tsx,
// app/sandbox/layout.tsx), since the sandbox is not part of the shop. The sandbox banner is the one exception: it
// belongs on every page, the admin's and the SEQR app's included.
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SandboxBanner />
        {children}
      </body>
    </html>
  );
}
