import Link from "next/link";

import { SHOP_NAME } from "@/lib/shop/brand";

import { signOutAction } from "./actions";
import { AdminActionForm } from "./admin-action-form";

// The signed-in admin's chrome. Each page checks the session itself (requireAdminPage): a layout is not re-run
// on every navigation, so it cannot be the gate.
export default function ConsoleLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <header className="admin-header">
        <div className="bar">
          <Link href="/admin" className="brand">
            {SHOP_NAME} <span className="muted">admin</span>
          </Link>
          <nav aria-label="Admin">
            <Link href="/admin">Dashboard</Link>
            <Link href="/admin/orders">Orders</Link>
            <Link href="/admin/reconciliation">Reconciliation</Link>
            <Link href="/admin/posters">QR posters</Link>
          </nav>
          <AdminActionForm action={signOutAction} submitLabel="Sign out" className="admin-sign-out" buttonClass="button secondary" />
        </div>
      </header>
      <main className="admin-main">{children}</main>
    </>
  );
}
