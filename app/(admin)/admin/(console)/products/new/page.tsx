import type { Metadata } from "next";
import Link from "next/link";

import { requireAdminPage } from "@/lib/admin/guard";

import { createProductAction } from "../actions";
import { ProductForm } from "../catalog-forms";

import "../products.css";

export const metadata: Metadata = { title: "Add a product" };

export default async function NewProductPage() {
  await requireAdminPage();
  return (
    <div className="catalog-page">
      <Link href="/admin/products" className="back-link">
        ← All products
      </Link>
      <h1>Add a product</h1>
      <section className="admin-card">
        <ProductForm
          mode="create"
          action={createProductAction}
          values={{ sku: "", name: "", description: "", price: "", taxRate: "25", stock: "0", active: true }}
        />
      </section>
    </div>
  );
}
