import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";

import { findProductBySku } from "@/lib/catalog/queries";
import { formatMoney } from "@/lib/money";

import { AddToCart } from "../../cart/add-to-cart";
import { StockNote } from "../../stock-note";

type Props = { params: Promise<{ sku: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await findProductBySku((await params).sku);
  return { title: product?.name ?? "Product not found" };
}

export default async function ProductPage({ params }: Props) {
  await connection();
  const product = await findProductBySku((await params).sku);
  if (!product) notFound();

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
