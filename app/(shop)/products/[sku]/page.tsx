import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";

import { cachedProductPage } from "@/lib/catalog/cached";
import { formatMoney } from "@/lib/money";

import { AddToCart } from "../../cart/add-to-cart";
import { StockNote } from "../../stock-note";

type Props = { params: Promise<{ sku: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { sku } = await params;
  const found = await cachedProductPage(sku);
  return { title: found?.forSale?.name ?? found?.notForSale?.name ?? "Product not found" };
}

export default async function ProductPage({ params }: Props) {
  await connection();
  const { sku } = await params;
  // From the catalog cache, at most CATALOG_CACHE_SECONDS old (lib/catalog/cached.ts); Add to cart checks the
  // database itself.
  const found = await cachedProductPage(sku);
  if (!found) notFound();
  if (found.forSale === null) {
    // A product the merchant retired (or took off sale) is not "not found": an old link or a bookmark says so.
    const unsold = found.notForSale;
    return (
      <>
        <Link href="/" className="back-link">
          ← All products
        </Link>
        <h1>{unsold.name}</h1>
        <p data-testid="not-for-sale">{unsold.retired ? "This product is no longer sold." : "This product is not on sale at the moment."}</p>
      </>
    );
  }

  const product = found.forSale;
  const vatPercent = product.taxRateBps / 100;

  return (
    <>
      <Link href="/" className="back-link">
        ← All products
      </Link>
      <article className="product-detail">
        <figure>
          <Image src={product.imagePath} alt={product.name} width={400} height={300} unoptimized />
        </figure>
        <div>
          <h1>{product.name}</h1>
          <p className="price">{formatMoney({ amountMinor: product.priceMinor, currency: product.currency })}</p>
          <StockNote stock={product.stock} />
          <AddToCart sku={product.sku} stock={product.stock} />
          <p>{product.description}</p>
          <dl className="facts">
            <dt>Article no.</dt>
            <dd>{product.sku}</dd>
            <dt>VAT</dt>
            <dd>{vatPercent} % included</dd>
          </dl>
        </div>
      </article>
    </>
  );
}
