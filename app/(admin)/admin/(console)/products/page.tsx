import type { Metadata } from "next";
import Link from "next/link";

import { listCatalog, PRODUCT_STATUS_TEXT, productStatus } from "@/lib/admin/catalog";
import { requireAdminPage } from "@/lib/admin/guard";
import { formatMoney } from "@/lib/money";

import "./products.css";

export const metadata: Metadata = { title: "Products" };

// Every product the shop has had: on sale, off sale for now, and retired (kept with their orders, last).
export default async function ProductsPage() {
  await requireAdminPage();
  const products = await listCatalog();

  return (
    <div>
      <div className="catalog-head">
        <h1>Products</h1>
        <Link href="/admin/products/new" className="button primary">
          Add a product
        </Link>
      </div>
      <p className="muted">
        Changes show in the shop at once. A product is never deleted: retire it and it leaves the shop for good, keeping
        its orders, its history and its SKU.
      </p>
      <table className="admin-table stack catalog-table" aria-label="Products">
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">SKU</th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col" className="num">
              VAT
            </th>
            <th scope="col" className="num">
              Stock
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => {
            const status = productStatus(product);
            return (
              <tr key={product.id} data-sku={product.sku} data-status={status}>
                <td data-label="Product">
                  <Link href={`/admin/products/${product.sku}`}>{product.name}</Link>
                </td>
                <td data-label="SKU" className="mono">
                  {product.sku}
                </td>
                <td data-label="Price" className="num">
                  {formatMoney({ amountMinor: product.priceMinor, currency: product.currency })}
                </td>
                <td data-label="VAT" className="num">
                  {product.taxRateBps / 100} %
                </td>
                <td data-label="Stock" className="num">
                  {product.stock}
                </td>
                <td data-label="Status">
                  <span className={`admin-status catalog-status-${status.toLowerCase()}`}>{PRODUCT_STATUS_TEXT[status]}</span>
                </td>
              </tr>
            );
          })}
          {products.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                No products yet. Add the first one.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
