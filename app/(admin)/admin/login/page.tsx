import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import { firstOwnerUsesDefaultPassword } from "@/lib/admin/accounts";
import { ADMIN_SESSION_COOKIE, findAdminSession } from "@/lib/admin/sessions";
import { env, SANDBOX_DEFAULTS } from "@/lib/env";
import { SHOP_NAME } from "@/lib/shop/brand";

import { signInAction } from "./actions";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  const session = await findAdminSession((await cookies()).get(ADMIN_SESSION_COOKIE)?.value);
  // A session still waiting for its two-factor code may start over here; a full one has nothing to do here.
  if (session && !session.awaitingSecondFactor) redirect("/admin");
  return (
    <main className="admin-login">
      <h1>{SHOP_NAME} admin</h1>
      <p className="muted">Sign in with your e-mail address and password.</p>
      <LoginForm action={signInAction} />
      {/* The default exists only in sandbox mode (live mode requires ADMIN_PASSWORD): named only there, and only
          while it is the first owner's password. */}
      {env.seqr.mode === "sandbox" && (await firstOwnerUsesDefaultPassword()) ? (
        <p className="muted admin-login-hint" data-testid="default-password-hint">
          Sandbox mode: sign in as <code>{env.admin.email}</code> with the password <code>{SANDBOX_DEFAULTS.adminPassword}</code>{" "}
          (the shop&apos;s settings change them).
        </p>
      ) : null}
    </main>
  );
}
