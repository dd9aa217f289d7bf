import Link from "next/link";

import { roleName } from "@/lib/admin/actor";
import { currentAdminActor } from "@/lib/admin/guard";
import { SHOP_NAME } from "@/lib/shop/brand";

import { signOutAction } from "./actions";
import { AdminActionForm } from "./admin-action-form";

// The signed-in admin's chrome. Each page checks the session itself (requireAdminPage): a layout is not re-run
// on every navigation, so it cannot be the gate. The header only names who is signed in, and offers owners the
// Staff page (which refuses anyone else by itself).
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentAdminActor();
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
            <Link href="/admin/products">Products</Link>
            <Link href="/admin/reconciliation">Reconciliation</Link>
            <Link href="/admin/reports">Reports</Link>
            <Link href="/admin/posters">QR posters</Link>
            {actor?.role === "OWNER" ? <Link href="/admin/staff">Staff</Link> : null}
            <Link href="/admin/account">Account</Link>
          </nav>
          <div className="admin-signed-in">
            {actor ? (
              <p className="admin-whoami" data-testid="signed-in-as">
                <span className="admin-whoami-name">{actor.name}</span> <span className="muted">({roleName(actor.role)})</span>
              </p>
            ) : null}
            <AdminActionForm action={signOutAction} submitLabel="Sign out" className="admin-sign-out" buttonClass="button secondary" />
          </div>
        </div>
      </header>
      <main className="admin-main">{children}</main>
    </>
  );
}
