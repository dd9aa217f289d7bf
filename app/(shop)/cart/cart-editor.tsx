"use client";

import Link from "next/link";
import { useActionState, useEffect, useRef, useState, useSyncExternalStore, useTransition } from "react";
import { useFormStatus } from "react-dom";

import { quantityFieldName, removeIntent } from "@/lib/cart/cart-form-fields";

import { cartFormAction, updateCartLineAction, type CartFormResult } from "./actions";

import "./cart.css";

/** A cart line as the server formatted it. */
export type CartEditorLine = {
  sku: string;
  name: string;
  active: boolean;
  unitPrice: string;
  quantity: number;
  lineTotal: string;
  problem: string | null;
};

type Props = {
  lines: CartEditorLine[];
  totals: { total: string; vat: string } | null;
  maxQuantity: number;
};

/** What the last quantity applied on the spot (with JavaScript) answered. */
type LineAnswer = { sku: string; ok: boolean; message: string };

/** How long typing may pause before a quantity is applied: long enough for "12" not to be sent as "1". */
const APPLY_AFTER_MS = 600;

const noSubscription = () => () => {};
/** False on the server and while hydrating, true once the page's script runs: what only a script can do shows then. */
function useScriptRuns(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

/**
 * The cart: one form, so that Checkout always sends the quantities the page shows (lib/cart/cart-form.ts), with or
 * without JavaScript. Without a script a line's Update applies them all; with one, a quantity is applied as it is
 * changed (after a pause in typing, on leaving the field, or on Enter), and Update is not needed.
 */
export function CartEditor({ lines, totals, maxQuantity }: Props) {
  const [state, formAction] = useActionState(cartFormAction, null);
  const scriptRuns = useScriptRuns();
  // The newest answer to a quantity applied on the spot, with the form answer it came after: a later form answer
  // (a new press of a button) replaces it.
  const [answer, setAnswer] = useState<{ after: CartFormResult; line: LineAnswer } | null>(null);
  const lineAnswer = answer && answer.after === state ? answer.line : null;

  const problems = new Map(state?.ok ? state.data.refused.map((refusal) => [refusal.sku, refusal.message]) : []);
  if (lineAnswer) {
    if (lineAnswer.ok) problems.delete(lineAnswer.sku);
    else problems.set(lineAnswer.sku, lineAnswer.message);
  }
  const status = lineAnswer ? lineAnswer.message : state?.ok && state.data.refused.length === 0 ? state.data.message : null;
  const unshown = state?.ok ? state.data.refused.filter((refusal) => !lines.some((line) => line.sku === refusal.sku)) : [];
  const formError =
    lineAnswer || !state ? null : state.ok === false ? state.error : state.data.refused.length > 0 ? state.data.message : null;

  return (
    <form action={formAction} className="cart-form" aria-label="Your cart">
      <ul className="cart-lines" aria-label="Cart">
        {lines.map((line) => (
          <CartLineItem
            key={line.sku}
            line={line}
            problem={problems.get(line.sku) ?? null}
            maxQuantity={maxQuantity}
            showUpdate={!scriptRuns}
            onAnswer={(lineAnswer) => setAnswer({ after: state, line: lineAnswer })}
          />
        ))}
      </ul>
      <p className="cart-status" role="status">
        {status}
      </p>
      <section className="cart-summary" aria-label="Order total">
        {totals ? (
          <>
            <p className="cart-total">
              Total <strong className="price">{totals.total}</strong>
            </p>
            <p className="cart-vat">including VAT {totals.vat}</p>
          </>
        ) : null}
        <div className="cart-checkout">
          <IntentButton intent="checkout" className="button primary">
            Checkout
          </IntentButton>
        </div>
        <div className="cart-form-status">
          {formError ? (
            <p role="alert" className="cart-form-error">
              {[formError, ...unshown.map((refusal) => refusal.message)].join(" ")}
            </p>
          ) : null}
        </div>
      </section>
    </form>
  );
}

function CartLineItem({
  line,
  problem,
  maxQuantity,
  showUpdate,
  onAnswer,
}: {
  line: CartEditorLine;
  problem: string | null;
  maxQuantity: number;
  showUpdate: boolean;
  onAnswer: (answer: LineAnswer) => void;
}) {
  const problemId = `cart-line-problem-${line.sku}`;
  const shownProblem = problem ?? line.problem;
  return (
    <li className="cart-line" data-sku={line.sku}>
      <div className="cart-line-product">
        {line.active ? (
          <Link href={`/products/${encodeURIComponent(line.sku)}`} className="cart-line-name">
            {line.name}
          </Link>
        ) : (
          <span className="cart-line-name">{line.name}</span>
        )}
        <span className="cart-line-unit">{line.unitPrice} each</span>
        {shownProblem ? (
          <span className="cart-line-problem" id={problemId}>
            {shownProblem}
          </span>
        ) : null}
      </div>
      <div className="cart-line-actions">
        {line.active ? (
          <div className="cart-line-update">
            <label className="cart-quantity">
              <span className="visually-hidden">Quantity of {line.name}</span>
              <QuantityField
                line={line}
                maxQuantity={maxQuantity}
                invalid={problem !== null}
                describedBy={shownProblem ? problemId : undefined}
                onAnswer={onAnswer}
              />
            </label>
            {showUpdate ? (
              <IntentButton intent="update">
                Update<span className="visually-hidden"> {line.name}</span>
              </IntentButton>
            ) : null}
          </div>
        ) : null}
        <div className="cart-line-remove">
          <IntentButton intent={removeIntent(line.sku)} className="button secondary cart-button-quiet" skipChecks>
            Remove<span className="visually-hidden"> {line.name}</span>
          </IntentButton>
        </div>
      </div>
      <p className="cart-line-total">
        <span className="visually-hidden">Line total </span>
        <span className="price">{line.lineTotal}</span>
      </p>
    </li>
  );
}

/**
 * A line's quantity. Sent with the form whatever the button; with a script, also applied on its own as it changes.
 * Answers come back in order: Next runs a page's Server Actions one after another.
 */
function QuantityField({
  line,
  maxQuantity,
  invalid,
  describedBy,
  onAnswer,
}: {
  line: CartEditorLine;
  maxQuantity: number;
  invalid: boolean;
  describedBy: string | undefined;
  onAnswer: (answer: LineAnswer) => void;
}) {
  const [, startTransition] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The value last sent (or stored when the page was made): the same value is not sent twice.
  const sent = useRef(String(line.quantity));
  useEffect(() => () => clearTimeout(timer.current), []);

  const apply = (raw: string) => {
    clearTimeout(timer.current);
    const value = raw.trim();
    // An empty field is someone halfway through typing; the form's own check says the rest when it is sent.
    if (value === "" || value === sent.current) return;
    sent.current = value;
    const form = new FormData();
    form.set("sku", line.sku);
    form.set("quantity", value);
    startTransition(async () => {
      const result = await updateCartLineAction(null, form);
      if (result) onAnswer({ sku: line.sku, ok: result.ok, message: result.ok ? result.data.message : `${line.name}: ${result.error}` });
    });
  };

  return (
    <input
      type="number"
      name={quantityFieldName(line.sku)}
      inputMode="numeric"
      min={0}
      max={maxQuantity}
      step={1}
      defaultValue={line.quantity}
      required
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      onChange={(event) => {
        const value = event.currentTarget.value;
        clearTimeout(timer.current);
        timer.current = setTimeout(() => apply(value), APPLY_AFTER_MS);
      }}
      onBlur={(event) => apply(event.currentTarget.value)}
      onKeyDown={(event) => {
        // Enter would send the whole form through its first button; here it applies this quantity now.
        if (event.key !== "Enter") return;
        event.preventDefault();
        apply(event.currentTarget.value);
      }}
    />
  );
}

/** A submit button that says which of the form's buttons sent it, and cannot be pressed twice while it is sent. */
function IntentButton({
  intent,
  children,
  className = "button secondary",
  skipChecks = false,
}: {
  intent: string;
  children: React.ReactNode;
  className?: string;
  /** Sent even when another line's field is empty or out of range: the server names that line, and removes this one. */
  skipChecks?: boolean;
}) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      name="intent"
      value={intent}
      className={className}
      disabled={pending}
      aria-busy={pending}
      formNoValidate={skipChecks || undefined}
    >
      {children}
    </button>
  );
}
