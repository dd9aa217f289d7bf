import Image from "next/image";
import Link from "next/link";
import { connection } from "next/server";

import { cachedProducts } from "@/lib/catalog/cached";
import { formatMoney } from "@/lib/money";

import { StockNote } from "./stock-note";

export default async function HomePage() {
  // Rendered per request, never at the build (app/layout.tsx); the products come from the catalog cache, at most
  // CATALOG_CACHE_SECONDS old (lib/catalog/cached.ts).
  await connection();
  const products = await cachedProducts();

  return (
    <>
      <h1>Our products</h1>
      {products.length === 0 ? (
        <p className="empty-state">The shop has no products yet. Run <code>npm run db:seed</code> to add the demo catalog.</p>
      ) : (
        <ul className="product-grid" aria-label="Products">
          {products.map((product) => (
            <li key={product.sku}>
              <Link href={`/products/${encodeURIComponent(product.sku)}`} className="product-card">
                <Image src={product.imagePath} alt="" width={400} height={300} unoptimized />
                <div className="product-card-body">
                  <h2 className="product-name">{product.name}</h2>
                  <span className="price">{formatMoney({ amountMinor: product.priceMinor, currency: product.currency })}</span>
                  <StockNote stock={product.stock} />
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
