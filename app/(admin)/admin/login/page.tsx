import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import { findAdminSession, ADMIN_SESSION_COOKIE } from "@/lib/admin/sessions";
import { env, SANDBOX_DEFAULTS } from "@/lib/env";
import { SHOP_NAME } from "@/lib/shop/brand";

import { signInAction } from "./actions";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  if (await findAdminSession((await cookies()).get(ADMIN_SESSION_COOKIE)?.value)) redirect("/admin");
  return (
    <main className="admin-login">
      <h1>{SHOP_NAME} admin</h1>
      <p className="muted">Sign in with the merchant password (ADMIN_PASSWORD).</p>
      <LoginForm action={signInAction} />
      {/* The default exists only in sandbox mode (live mode requires ADMIN_PASSWORD): named only there, and only
          while it is the password. */}
      {env.seqr.mode === "sandbox" && env.admin.password === SANDBOX_DEFAULTS.adminPassword ? (
        <p className="muted admin-login-hint" data-testid="default-password-hint">
          Sandbox mode: the password is <code>{SANDBOX_DEFAULTS.adminPassword}</code> (set ADMIN_PASSWORD to change it).
        </p>
      ) : null}
    </main>
  );
}
