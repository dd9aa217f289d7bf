import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import { findAdminSession, ADMIN_SESSION_COOKIE } from "@/lib/admin/sessions";
import { env } from "@/lib/env";
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
      {env.seqr.mode === "sandbox" ? (
        <p className="muted admin-login-hint">Sandbox mode: unless ADMIN_PASSWORD is set, the password is the README&apos;s default.</p>
      ) : null}
    </main>
  );
}
