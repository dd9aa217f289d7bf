import type { Metadata } from "next";

import { requireAdminPage } from "@/lib/admin/guard";
import { listProducts } from "@/lib/catalog/queries";
import { env } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { serviceQrText } from "@/lib/seqr/links";

import { PosterQr } from "./poster-qr";

export const metadata: Metadata = { title: "QR posters" };

// One poster per product for the shop window or a leaflet: scanning it in the SEQR app opens the order page for
// that product (CONTRACT.md: the QR code's parameters come back from getClientSessionInfo).
export default async function PostersPage() {
  await requireAdminPage();
  const products = await listProducts();
  return (
    <div className="admin-posters">
      <div className="admin-no-print">
        <h1>Product QR posters</h1>
        <p className="muted">
          Print this page (one poster per sheet). Each code opens the product in the SEQR app, ready to pay.
        </p>
      </div>
      {products.map((product) => {
        const text = serviceQrText(env.seqr.serviceId, { product: product.sku });
        return (
          <article key={product.id} className="admin-poster" aria-label={product.name} data-sku={product.sku}>
            <h2>{product.name}</h2>
            <p className="admin-poster-price">{formatMoney({ amountMinor: product.priceMinor, currency: product.currency })}</p>
            <PosterQr text={text} />
            <p className="mono admin-poster-text" data-testid="poster-text">
              {text}
            </p>
            <p>Scan with the SEQR app to buy</p>
          </article>
        );
      })}
    </div>
  );
}
