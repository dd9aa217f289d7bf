import type { Metadata } from "next";

import { requireSecondFactorPage } from "@/lib/admin/guard";
import { SHOP_NAME } from "@/lib/shop/brand";

import { cancelSignInAction, verifySignInCodeAction } from "./actions";
import { CancelSignInForm, CodeForm } from "./code-form";

export const metadata: Metadata = { title: "Two-factor code" };

// The only page a session waiting for its two-factor code opens (lib/admin/guard.ts sends it here from every other).
export default async function SignInCodePage() {
  const { actor } = await requireSecondFactorPage();
  return (
    <main className="admin-login">
      <h1>{SHOP_NAME} admin</h1>
      <p className="muted">
        Signing in as <strong>{actor.email}</strong>. Type the 6-digit code your authenticator app shows for {SHOP_NAME}.
      </p>
      <CodeForm action={verifySignInCodeAction} />
      <CancelSignInForm action={cancelSignInAction} />
    </main>
  );
}
