import type { Metadata } from "next";
import { QRCodeSVG } from "qrcode.react";

import { accountOverview } from "@/lib/admin/accounts";
import { roleName } from "@/lib/admin/actor";
import { requireAdminPage } from "@/lib/admin/guard";
import { MIN_PASSWORD_LENGTH } from "@/lib/admin/password";
import { formatShopTime } from "@/lib/admin/periods";
import { SHOP_NAME } from "@/lib/shop/brand";

import { AdminActionForm } from "../admin-action-form";
import {
  cancelTwoFactorAction,
  changePasswordAction,
  confirmTwoFactorAction,
  startTwoFactorAction,
  turnOffTwoFactorAction,
} from "./actions";

export const metadata: Metadata = { title: "Your account" };

function CodeField({ label }: { label: string }) {
  return (
    <label>
      {label}
      <input type="text" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} required />
    </label>
  );
}

// Every signed-in person's own account: their password, and two-factor sign-in.
export default async function AccountPage() {
  const admin = await requireAdminPage();
  const account = await accountOverview(admin.actor.accountId);
  const { twoFactor } = account;
  return (
    <>
      <h1>Your account</h1>
      <section className="admin-card" aria-labelledby="who-heading">
        <h2 id="who-heading">Signed in as</h2>
        <dl className="admin-facts">
          <dt>Name</dt>
          <dd>{account.name}</dd>
          <dt>E-mail address</dt>
          <dd>{account.email ?? "–"}</dd>
          <dt>Role</dt>
          <dd>{roleName(account.role)}</dd>
        </dl>
      </section>

      <section className="admin-card" aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        {account.passwordFromSetting ? (
          <p className="muted">
            Your password is still the one the shop was set up with (in the shop&apos;s settings). Once you choose your
            own here, a change of those settings no longer changes it.
          </p>
        ) : null}
        <p className="muted">Changing it signs you out everywhere else; you stay signed in here.</p>
        <AdminActionForm action={changePasswordAction} submitLabel="Change password" className="admin-person-form">
          <label>
            Current password
            <input type="password" name="currentPassword" autoComplete="current-password" required maxLength={200} />
          </label>
          <label>
            New password <span className="muted">(at least {MIN_PASSWORD_LENGTH} characters)</span>
            <input type="password" name="newPassword" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} maxLength={200} />
          </label>
          <label>
            New password again
            <input type="password" name="repeatPassword" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} maxLength={200} />
          </label>
        </AdminActionForm>
      </section>

      <section className="admin-card" aria-labelledby="two-factor-heading">
        <h2 id="two-factor-heading">Two-factor sign-in</h2>
        {twoFactor.state === "on" ? (
          <>
            <p data-testid="two-factor-state">
              On since {formatShopTime(twoFactor.since)}. Signing in asks for a code from your authenticator app after your
              password.
            </p>
            <AdminActionForm action={turnOffTwoFactorAction} submitLabel="Turn off two-factor sign-in" className="admin-person-form">
              <CodeField label="A current code from the app" />
            </AdminActionForm>
          </>
        ) : twoFactor.state === "setting-up" ? (
          <>
            <p data-testid="two-factor-state">
              Not on yet. Scan this code with an authenticator app (for example Google Authenticator, Microsoft
              Authenticator or 1Password), then type the 6-digit code it shows for {SHOP_NAME}.
            </p>
            <figure className="admin-totp-qr">
              <QRCodeSVG value={twoFactor.uri} size={200} marginSize={2} level="M" title="QR code for your authenticator app" />
              <figcaption>
                Or type this key into the app: <code data-testid="totp-secret">{twoFactor.secretText}</code>
              </figcaption>
            </figure>
            <AdminActionForm action={confirmTwoFactorAction} submitLabel="Turn on two-factor sign-in" className="admin-person-form">
              <CodeField label="Code from the app" />
            </AdminActionForm>
            <AdminActionForm action={cancelTwoFactorAction} submitLabel="Cancel set-up" buttonClass="button secondary" />
          </>
        ) : (
          <>
            <p data-testid="two-factor-state">
              Off. With two-factor sign-in, signing in also asks for a code from an app on your phone, so that a password
              alone is not enough.
            </p>
            <AdminActionForm action={startTwoFactorAction} submitLabel="Set up two-factor sign-in" />
          </>
        )}
      </section>
    </>
  );
}
