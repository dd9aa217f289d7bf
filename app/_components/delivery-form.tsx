"use client";

import type { DeliveryField, DeliveryValues } from "@/lib/orders/delivery-values";

import type { DeliveryFormState } from "./delivery-form-state";
import "./delivery-form.css";

export type CountryOption = { code: string; name: string };

type Props = {
  /** useActionState's dispatch for a Server Action: the form is also a plain form post before (or without) JavaScript. */
  action: (formData: FormData) => void;
  state: DeliveryFormState;
  pending: boolean;
  /** What the action needs besides the details: the order's id, or the SEQR session's TOKEN. */
  hiddenFields: Record<string, string>;
  /** The details the order has (or the defaults), shown until an error brings back what was typed. */
  initial: DeliveryValues;
  countries: readonly CountryOption[];
  storePickup: boolean;
  submitLabel: string;
  /** Unique ids on the page. */
  idPrefix: string;
  /** Rendered but hidden until needed: the order page renders it before it knows the order (see order-session.tsx). */
  hidden?: boolean;
  children?: React.ReactNode;
};

/**
 * The delivery details form: e-mail, name, and an address or store pickup. Each field carries its own message after
 * a refusal (aria-invalid, aria-describedby), and the values come back as typed. The server checks everything
 * (lib/orders/delivery.ts); the browser's own checks are off so that every message is the shop's.
 */
export function DeliveryForm({
  action,
  state,
  pending,
  hiddenFields,
  initial,
  countries,
  storePickup,
  submitLabel,
  idPrefix,
  hidden = false,
  children,
}: Props) {
  const failed = state?.ok === false ? state : null;
  const values = failed?.values ?? initial;
  const errors = failed?.fieldErrors ?? {};
  const id = (field: DeliveryField | "error") => `${idPrefix}-${field}`;
  const fieldProps = (field: DeliveryField, hint?: string) => {
    const describedBy = [hint, errors[field] ? `${id(field)}-error` : undefined].filter(Boolean).join(" ");
    return {
      id: id(field),
      name: field,
      "aria-invalid": errors[field] ? true : undefined,
      "aria-describedby": describedBy || undefined,
    };
  };
  const message = (field: DeliveryField) =>
    errors[field] ? (
      <p className="field-error" id={`${id(field)}-error`}>
        {errors[field]}
      </p>
    ) : null;
  const pickup = storePickup && values.method === "PICKUP";

  return (
    <form action={action} className="delivery-form" aria-label="Delivery details" noValidate hidden={hidden}>
      {Object.entries(hiddenFields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {failed ? (
        <p className="form-error" role="alert" id={id("error")}>
          {failed.error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={id("email")}>E-mail address</label>
        <input {...fieldProps("email", `${id("email")}-hint`)} type="email" autoComplete="email" inputMode="email" defaultValue={values.email} maxLength={254} />
        <p className="field-hint muted" id={`${id("email")}-hint`}>
          The order confirmation goes here.
        </p>
        {message("email")}
      </div>
      <div className="field">
        <label htmlFor={id("name")}>Name</label>
        <input {...fieldProps("name")} autoComplete="name" defaultValue={values.name} maxLength={100} />
        {message("name")}
      </div>
      {storePickup ? (
        <fieldset className="field delivery-method" aria-describedby={errors.method ? `${id("method")}-error` : undefined}>
          <legend>Delivery</legend>
          <label>
            <input type="radio" name="method" value="SHIP" defaultChecked={!pickup} /> Send it to me
          </label>
          <label>
            <input type="radio" name="method" value="PICKUP" defaultChecked={pickup} /> I collect it at the shop
          </label>
          {message("method")}
        </fieldset>
      ) : (
        <>
          <input type="hidden" name="method" value="SHIP" />
          {message("method")}
        </>
      )}
      {/* Hidden by CSS alone when pickup is chosen (:has()), so the form needs no script. */}
      <fieldset className="delivery-address">
        <legend>Delivery address</legend>
        <div className="field">
          <label htmlFor={id("street")}>Street address</label>
          <input {...fieldProps("street")} autoComplete="street-address" defaultValue={values.street} maxLength={200} />
          {message("street")}
        </div>
        <div className="field-row">
          <div className="field postcode">
            <label htmlFor={id("postcode")}>Postcode</label>
            <input {...fieldProps("postcode")} autoComplete="postal-code" defaultValue={values.postcode} maxLength={12} />
            {message("postcode")}
          </div>
          <div className="field">
            <label htmlFor={id("city")}>Town or city</label>
            <input {...fieldProps("city")} autoComplete="address-level2" defaultValue={values.city} maxLength={100} />
            {message("city")}
          </div>
        </div>
        <div className="field">
          <label htmlFor={id("country")}>Country</label>
          <select {...fieldProps("country")} autoComplete="country" defaultValue={values.country}>
            {countries.map((country) => (
              <option key={country.code} value={country.code}>
                {country.name}
              </option>
            ))}
          </select>
          {message("country")}
        </div>
      </fieldset>
      <div className="pay-actions">
        <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
          {pending ? "Saving…" : submitLabel}
        </button>
        {children}
      </div>
    </form>
  );
}
