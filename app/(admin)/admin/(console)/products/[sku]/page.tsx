import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { notFound } from "next/navigation";

import { loadCatalogProduct, PRODUCT_STATUS_TEXT, priceInputValue, productStatus } from "@/lib/admin/catalog";
import { requireAdminPage } from "@/lib/admin/guard";
import { formatShopTime } from "@/lib/admin/periods";
import { formatMoney } from "@/lib/money";

import { AdminActionForm } from "../../admin-action-form";
import { adjustStockAction, retireProductAction, setStockAction, updateProductAction } from "../actions";
import { AdjustStockForm, ProductForm, SetStockForm } from "../catalog-forms";

import "../products.css";

type Props = { params: Promise<{ sku: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = { title: "Product" };

// One product: what the shop shows, the edit form, its stock (set after a count, or adjusted with a reason),
// Retire, and every change anyone made, in words.
export default async function ProductAdminPage({ params, searchParams }: Props) {
  await requireAdminPage();
  const loaded = await loadCatalogProduct((await params).sku);
  if (!loaded) notFound();
  const { product, version, history } = loaded;
  const status = productStatus(product);
  const added = (await searchParams).added === "1";
  const orders = product._count.orderItems;

  return (
    <div className="catalog-page" data-sku={product.sku} data-status={status}>
      <Link href="/admin/products" className="back-link">
        ← All products
      </Link>
      <div className="catalog-head">
        <h1>{product.name}</h1>
        <span className={`admin-status catalog-status-${status.toLowerCase()}`} data-testid="product-status">
          {PRODUCT_STATUS_TEXT[status]}
        </span>
      </div>
      {added ? (
        <p role="status" className="catalog-notice">
          The product was added{product.active ? " and is on sale in the shop" : ""}.
        </p>
      ) : null}

      <section className="admin-card catalog-summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading">In the shop</h2>
        <div className="catalog-summary-body">
          <Image src={product.imagePath} alt={product.name} width={240} height={180} unoptimized className="catalog-picture" />
          <dl className="admin-facts">
            <dt>SKU</dt>
            <dd className="mono">{product.sku}</dd>
            <dt>Price</dt>
            <dd>
              {formatMoney({ amountMinor: product.priceMinor, currency: product.currency })} (VAT {product.taxRateBps / 100} % included)
            </dd>
            <dt>Stock</dt>
            <dd data-testid="product-stock">{product.stock}</dd>
            <dt>Orders</dt>
            <dd>{orders === 0 ? "None yet" : `On ${orders} order ${orders === 1 ? "line" : "lines"}`}</dd>
            <dt>Shop page</dt>
            <dd>
              {status === "ON_SALE" ? (
                <Link href={`/products/${product.sku}`}>See it in the shop</Link>
              ) : status === "RETIRED" ? (
                `Retired ${product.retiredAt ? formatShopTime(product.retiredAt) : ""}: no longer sold`
              ) : (
                "Not shown: the product is not on sale"
              )}
            </dd>
          </dl>
        </div>
      </section>

      {status === "RETIRED" ? (
        <p className="admin-card">
          This product is retired: it is no longer sold and cannot be changed. Its orders, its history and its SKU are
          kept; no new product can use the SKU {product.sku}.
        </p>
      ) : (
        <>
          <section className="admin-card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">Details</h2>
            <ProductForm
              mode="edit"
              action={updateProductAction}
              values={{
                productId: product.id,
                version,
                name: product.name,
                description: product.description,
                price: priceInputValue(product.priceMinor, product.currency),
                taxRate: String(product.taxRateBps / 100),
                active: product.active,
              }}
            />
          </section>

          <section className="admin-card" aria-labelledby="stock-heading">
            <h2 id="stock-heading">Stock: {product.stock}</h2>
            <p className="muted">
              Orders take stock as they are invoiced. Add a delivery or take away broken units with a reason; set the
              number after counting the shelf.
            </p>
            <div className="catalog-stock-forms">
              <AdjustStockForm action={adjustStockAction} productId={product.id} />
              <SetStockForm key={product.stock} action={setStockAction} productId={product.id} stock={product.stock} />
            </div>
          </section>

          <section className="admin-card" aria-labelledby="retire-heading">
            <h2 id="retire-heading">Retire</h2>
            <p className="muted">
              Retiring takes the product out of the shop for good: shoppers can no longer order it (a cart holding it
              says so), and its SKU is never used again. It is not deleted: its orders and history stay. To stop selling
              it for a while instead, untick <em>On sale in the shop</em> above.
            </p>
            <AdminActionForm
              action={retireProductAction}
              submitLabel="Retire"
              confirm={`Retire ${product.name} for good? It cannot be sold again.`}
              buttonClass="button secondary"
              className="admin-refund-form"
            >
              <input type="hidden" name="productId" value={product.id} />
            </AdminActionForm>
          </section>
        </>
      )}

      <section className="admin-card" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {history.length === 0 ? (
          <p className="muted">No changes recorded (the product came with the shop&apos;s demo catalog).</p>
        ) : (
          <ol className="admin-timeline" aria-label="Changes">
            {history.map((change) => (
              <li key={change.id} data-kind={change.kind}>
                <div className="admin-timeline-head">
                  <time dateTime={change.at.toISOString()}>{formatShopTime(change.at)}</time>
                  <span>{change.text}</span>
                </div>
                {change.reason ? <p className="catalog-reason">Reason: {change.reason}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
