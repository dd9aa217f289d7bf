"use client";

import { useActionState, useState } from "react";

import { formatMoney } from "@/lib/money";

import { RefundAnswer, RefundConfirm, type RefundActionFn } from "./refund-form-controls";

// Refund items: a quantity per order line, the running sum shown as the merchant types (the server works the amount
// out again from the order's own lines and ignores this one), and whether the items go back into stock.

export type RefundLineRow = {
  orderItemId: string;
  name: string;
  sku: string;
  unitPriceMinor: number;
  quantity: number;
  /** Units that can still be refunded (not refunded, nor held by a refund SEQR has not answered). */
  refundable: number;
};

type Props = {
  action: RefundActionFn;
  clientInvoiceId: string;
  paymentAttemptId: string;
  requestKey: string;
  currency: string;
  rows: readonly RefundLineRow[];
  /** Whether "Put the items back into stock" starts ticked (lib/admin/refund-lines.ts restockByDefault). */
  restockByDefault: boolean;
  recipient: string;
};

const WHOLE = /^\d{1,6}$/;

export function RefundLinesForm({ action, clientInvoiceId, paymentAttemptId, requestKey, currency, rows, restockByDefault, recipient }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [restock, setRestock] = useState(restockByDefault);
  const [question, setQuestion] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  // A refund made: the quantities go back to zero (the page shows what can still be refunded now).
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    if (state?.ok) setQuantities({});
  }

  const money = (amountMinor: number) => formatMoney({ amountMinor, currency });
  const chosen = rows.map((row) => ({ row, text: (quantities[row.orderItemId] ?? "").trim() }));
  const totalMinor = chosen.reduce((sum, { row, text }) => sum + (WHOLE.test(text) ? Number(text) * row.unitPriceMinor : 0), 0);
  const units = chosen.reduce((sum, { text }) => sum + (WHOLE.test(text) ? Number(text) : 0), 0);
  const nothingLeft = rows.every((row) => row.refundable === 0);

  function ask() {
    const problem = chosen.find(({ row, text }) => text !== "" && (!WHOLE.test(text) || Number(text) > row.refundable));
    if (problem) {
      setLocalError(
        WHOLE.test(problem.text)
          ? `${problem.row.name}: only ${problem.row.refundable} of ${problem.row.quantity} can still be refunded.`
          : "Enter how many of each item to refund as a whole number, such as 2.",
      );
      setQuestion(null);
      return;
    }
    if (units === 0) {
      setLocalError("Choose how many of at least one item to refund.");
      setQuestion(null);
      return;
    }
    setLocalError(null);
    const items = units === 1 ? "The item goes" : `The ${units} items go`;
    setQuestion(
      `Refund ${money(totalMinor)} to ${recipient}? ${restock ? `${items} back into stock once SEQR confirms the refund.` : "Nothing goes back into stock."}`,
    );
  }

  return (
    <form
      action={(formData) => {
        setQuestion(null);
        formAction(formData);
      }}
      className="admin-refund-form"
      aria-label="Refund items"
      aria-busy={pending}
    >
      <fieldset disabled={nothingLeft} className="admin-fieldset">
        <input type="hidden" name="clientInvoiceId" value={clientInvoiceId} />
        <input type="hidden" name="paymentAttemptId" value={paymentAttemptId} />
        <input type="hidden" name="requestKey" value={requestKey} />
        <input type="hidden" name="mode" value="lines" />
        <table className="admin-table compact" aria-label="Items to refund">
          <thead>
            <tr>
              <th>Item</th>
              <th className="num">Refund</th>
              <th className="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {chosen.map(({ row, text }) => (
              <tr key={row.orderItemId} data-sku={row.sku}>
                <td>
                  <label htmlFor={`refund-line-${row.orderItemId}`}>{row.name}</label>
                  <br />
                  <span className="muted">
                    {money(row.unitPriceMinor)} each · {row.refundable} of {row.quantity} refundable
                  </span>
                </td>
                <td className="num">
                  <input
                    id={`refund-line-${row.orderItemId}`}
                    name={`line:${row.orderItemId}`}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={row.refundable}
                    step={1}
                    style={{ width: "4.5rem" }}
                    value={text}
                    placeholder="0"
                    disabled={row.refundable === 0}
                    onChange={(event) => {
                      setQuantities((previous) => ({ ...previous, [row.orderItemId]: event.target.value }));
                      setQuestion(null);
                    }}
                  />
                </td>
                <td className="num">{WHOLE.test(text) ? money(Number(text) * row.unitPriceMinor) : "–"}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={2}>Total to refund</th>
              <td className="num" data-testid="refund-lines-total">
                {money(totalMinor)}
              </td>
            </tr>
          </tfoot>
        </table>
        <label>
          <span>
            <input
              type="checkbox"
              name="restock"
              checked={restock}
              onChange={(event) => {
                setRestock(event.target.checked);
                setQuestion(null);
              }}
            />{" "}
            Put the items back into stock
          </span>
        </label>
        <label>
          Reason <input name="reason" maxLength={200} placeholder="optional" />
        </label>
      </fieldset>
      <RefundConfirm
        label="Refund items"
        question={question}
        pending={pending}
        disabled={nothingLeft}
        onAsk={ask}
        onCancel={() => setQuestion(null)}
      />
      <RefundAnswer state={state} pending={pending} localError={localError} />
    </form>
  );
}
