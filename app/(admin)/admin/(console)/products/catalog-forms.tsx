"use client";

import type { Route } from "next";
import { unstable_rethrow, useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useId, useRef, useState } from "react";

import type { CatalogField, CatalogFormOutcome, FieldErrors } from "@/lib/admin/catalog";
import type { ActionResult } from "@/lib/validated-action";

// The catalog's forms: each field shows its own message next to it. Sent with onSubmit rather than the form's
// action prop, so that a refused form keeps what the merchant typed (React resets a form after its action).

type CatalogAction = (previous: ActionResult<CatalogFormOutcome>, formData: FormData) => Promise<ActionResult<CatalogFormOutcome>>;

/** 2 MiB, as lib/admin/product-images.ts checks again on the server; told before anything is sent. */
const MAX_PICTURE_BYTES = 2 * 1024 * 1024;
const PICTURE_TOO_LARGE = "The picture is larger than 2 MB. Save it smaller (for example 1600 pixels wide) and upload it again.";
/** Next refuses a form far over the limit before the action runs: the fetch fails instead of answering. */
const NOT_SENT = "The form could not be sent. If you chose a picture, it may be too large (at most 2 MB): choose a smaller one and try again.";

function useCatalogForm(action: CatalogAction) {
  const [state, formAction, pending] = useActionState<ActionResult<CatalogFormOutcome>, FormData>(async (previous, formData) => {
    try {
      return await action(previous, formData);
    } catch (error) {
      unstable_rethrow(error); // a redirect to sign-in is Next's to follow
      return { ok: false, error: NOT_SENT };
    }
  }, null);
  const errors: FieldErrors = state?.ok && !state.data.saved ? state.data.fieldErrors : {};
  const message = state === null ? null : state.ok ? state.data.message : state.error;
  const failed = state !== null && (!state.ok || !state.data.saved);
  return { state, formAction, pending, errors, message, failed };
}

function submitter(formAction: (formData: FormData) => void, check?: (form: HTMLFormElement) => boolean) {
  return (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (check && !check(form)) return;
    const formData = new FormData(form);
    startTransition(() => formAction(formData));
  };
}

function FormStatus({ pending, message, failed }: { pending: boolean; message: string | null; failed: boolean }) {
  return (
    <p className="admin-form-status catalog-form-status" aria-live="polite">
      {pending ? "Saving…" : null}
      {!pending && message && failed ? (
        <span role="alert" className="form-error">
          {message}
        </span>
      ) : null}
      {!pending && message && !failed ? <span role="status">{message}</span> : null}
    </p>
  );
}

/** A labelled field with its message under it, tied together for screen readers. */
function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: CatalogField;
  label: string;
  hint?: string;
  error: string | undefined;
  children: (props: { id: string; name: string; "aria-invalid": boolean; "aria-describedby": string | undefined }) => React.ReactNode;
}) {
  const id = `${useId()}-${name}`;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="catalog-field" data-field={name}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, "aria-invalid": Boolean(error), "aria-describedby": described })}
      {hint ? (
        <span id={`${id}-hint`} className="catalog-hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="form-error catalog-field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export type ProductFormValues = {
  productId?: string;
  version?: string;
  sku?: string;
  name: string;
  description: string;
  price: string;
  taxRate: string;
  stock?: string;
  active: boolean;
};

const VAT_CHOICES = [
  { value: "25", label: "25 % (most goods)" },
  { value: "12", label: "12 % (food)" },
  { value: "6", label: "6 % (books, newspapers)" },
];

/** Add a product (with its SKU, starting stock and a picture) or edit one (SKU fixed, stock in its own forms). */
export function ProductForm({ action, values, mode }: { action: CatalogAction; values: ProductFormValues; mode: "create" | "edit" }) {
  const { state, formAction, pending, errors, message, failed } = useCatalogForm(action);
  const [pictureError, setPictureError] = useState<string | null>(null);
  const router = useRouter();

  useEffect(() => {
    if (mode === "create" && state?.ok && state.data.saved) router.push(`/admin/products/${state.data.sku}?added=1` as Route);
  }, [mode, state, router]);

  const checkPicture = (form: HTMLFormElement) => {
    const input = form.elements.namedItem("picture");
    const file = input instanceof HTMLInputElement ? input.files?.[0] : undefined;
    const tooLarge = file !== undefined && file.size > MAX_PICTURE_BYTES;
    setPictureError(tooLarge ? PICTURE_TOO_LARGE : null);
    return !tooLarge;
  };

  return (
    <form
      className="catalog-form"
      aria-label={mode === "create" ? "New product" : "Edit product"}
      onSubmit={submitter(formAction, checkPicture)}
      aria-busy={pending}
      noValidate
    >
      {values.productId ? <input type="hidden" name="productId" value={values.productId} /> : null}
      {values.version ? <input type="hidden" name="version" value={values.version} /> : null}
      {mode === "create" ? (
        <Field name="sku" label="SKU (article number)" hint="Capital letters, digits and hyphens. It can never be changed or used again." error={errors.sku}>
          {(props) => <input {...props} defaultValue={values.sku} maxLength={40} autoComplete="off" autoCapitalize="characters" spellCheck={false} />}
        </Field>
      ) : null}
      <Field name="name" label="Name" error={errors.name}>
        {(props) => <input {...props} defaultValue={values.name} maxLength={120} autoComplete="off" />}
      </Field>
      <Field name="description" label="Description" error={errors.description}>
        {(props) => <textarea {...props} defaultValue={values.description} maxLength={2000} rows={4} />}
      </Field>
      <div className="catalog-field-row">
        <Field name="price" label="Price (kr, VAT included)" hint="Such as 149,00 or 149." error={errors.price}>
          {(props) => <input {...props} defaultValue={values.price} inputMode="decimal" maxLength={20} autoComplete="off" size={10} />}
        </Field>
        <Field name="taxRate" label="VAT" error={errors.taxRate}>
          {(props) => (
            <select {...props} defaultValue={values.taxRate}>
              {VAT_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {mode === "create" ? (
          <Field name="stock" label="Stock" hint="Units on the shelf now." error={errors.stock}>
            {(props) => <input {...props} type="number" min={0} step={1} defaultValue={values.stock} inputMode="numeric" size={8} />}
          </Field>
        ) : null}
      </div>
      <Field
        name="picture"
        label={mode === "create" ? "Picture" : "New picture (leave empty to keep the current one)"}
        hint="PNG, JPEG or WebP, at most 2 MB and 4000 × 4000 pixels."
        error={pictureError ?? errors.picture}
      >
        {(props) => (
          <input {...props} type="file" accept="image/png,image/jpeg,image/webp" onChange={(event) => checkPicture(event.currentTarget.form as HTMLFormElement)} />
        )}
      </Field>
      <div className="catalog-check">
        <input type="checkbox" id={`active-${mode}`} name="active" value="on" defaultChecked={values.active} />
        <label htmlFor={`active-${mode}`}>On sale in the shop</label>
      </div>
      <button type="submit" className="button primary" disabled={pending}>
        {mode === "create" ? "Add product" : "Save changes"}
      </button>
      <FormStatus pending={pending} message={message} failed={failed} />
    </form>
  );
}

/** Set the stock to a counted number: refused if it changed since the page showed it. */
export function SetStockForm({ action, productId, stock }: { action: CatalogAction; productId: string; stock: number }) {
  const { formAction, pending, errors, message, failed } = useCatalogForm(action);
  return (
    <form className="catalog-form catalog-stock-form" aria-label="Set stock" onSubmit={submitter(formAction)} aria-busy={pending} noValidate>
      <input type="hidden" name="productId" value={productId} />
      <input type="hidden" name="shownStock" value={stock} />
      <div className="catalog-field-row">
        <Field name="stock" label="New stock" hint={`Now ${stock}. For a count of the shelf.`} error={errors.stock ?? errors.form}>
          {(props) => <input {...props} type="number" min={0} step={1} defaultValue={stock} inputMode="numeric" size={8} />}
        </Field>
        <Field name="reason" label="Reason (optional)" error={errors.reason}>
          {(props) => <input {...props} maxLength={200} autoComplete="off" />}
        </Field>
      </div>
      <button type="submit" className="button secondary" disabled={pending}>
        Set stock
      </button>
      <FormStatus pending={pending} message={message} failed={failed} />
    </form>
  );
}

/** Add or take away units, with the reason recorded in the history. */
export function AdjustStockForm({ action, productId }: { action: CatalogAction; productId: string }) {
  const { state, formAction, pending, errors, message, failed } = useCatalogForm(action);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Saved: empty the fields, so that pressing the button again does not repeat the adjustment by mistake.
    if (state?.ok && state.data.saved) form.current?.reset();
  }, [state]);
  return (
    <form ref={form} className="catalog-form catalog-stock-form" aria-label="Adjust stock" onSubmit={submitter(formAction)} aria-busy={pending} noValidate>
      <input type="hidden" name="productId" value={productId} />
      <div className="catalog-field-row">
        <Field name="change" label="Add or take away" hint="5 adds five; -2 takes two away." error={errors.change}>
          {(props) => <input {...props} type="number" step={1} inputMode="numeric" size={8} />}
        </Field>
        <Field name="reason" label="Reason" error={errors.reason}>
          {(props) => <input {...props} maxLength={200} autoComplete="off" placeholder="Delivery from the supplier" />}
        </Field>
      </div>
      <button type="submit" className="button secondary" disabled={pending}>
        Adjust stock
      </button>
      <FormStatus pending={pending} message={message} failed={failed} />
    </form>
  );
}
