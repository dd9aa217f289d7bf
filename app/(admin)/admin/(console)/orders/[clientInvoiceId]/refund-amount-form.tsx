"use client";

import { useActionState, useState } from "react";

import { parseRefundAmount } from "@/lib/admin/refund-amounts";
import { formatMoney } from "@/lib/money";
import { toSeqrAmount } from "@/lib/seqr/amounts";

import { RefundAnswer, RefundConfirm, type RefundActionFn } from "./refund-form-controls";

// Refund an amount: the field starts empty, "Refund everything (…)" beside it fills in exactly what is left, and
// the question before anything is sent names the amount and the customer. The server checks the amount again
// against what is left, in the transaction that reserves it.

type Props = {
  action: RefundActionFn;
  clientInvoiceId: string;
  paymentAttemptId: string;
  requestKey: string;
  currency: string;
  /** What is left to refund of the payment when the page was made. */
  refundableMinor: number;
  /** Who the money goes back to, as the question names them. */
  recipient: string;
};

export function RefundAmountForm({ action, clientInvoiceId, paymentAttemptId, requestKey, currency, refundableMinor, recipient }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const [amount, setAmount] = useState("");
  const [question, setQuestion] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  // A refund made: the field empties for the next one (the page shows what is left now).
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    if (state?.ok) setAmount("");
  }

  const nothingLeft = refundableMinor === 0;
  const everything = formatMoney({ amountMinor: refundableMinor, currency });

  function ask(typed: string) {
    const parsed = parseRefundAmount(typed, currency);
    if (!parsed.ok) {
      setLocalError(parsed.error);
      setQuestion(null);
      return;
    }
    setLocalError(null);
    setQuestion(`Refund ${formatMoney({ amountMinor: parsed.amountMinor, currency })} to ${recipient}?`);
  }

  return (
    <form
      action={(formData) => {
        setQuestion(null);
        formAction(formData);
      }}
      className="admin-refund-form"
      aria-label="Refund"
      aria-busy={pending}
    >
      <fieldset disabled={nothingLeft} className="admin-fieldset">
        <input type="hidden" name="clientInvoiceId" value={clientInvoiceId} />
        <input type="hidden" name="paymentAttemptId" value={paymentAttemptId} />
        <input type="hidden" name="requestKey" value={requestKey} />
        <input type="hidden" name="mode" value="amount" />
        <label>
          Amount ({currency})
          <input
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            size={10}
            value={amount}
            onChange={(event) => {
              // The question named the amount as it was: a changed amount is asked about again.
              setAmount(event.target.value);
              setQuestion(null);
            }}
          />
        </label>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            const text = toSeqrAmount(refundableMinor, currency).replace(".", ",");
            setAmount(text);
            ask(text);
          }}
        >
          Refund everything ({everything})
        </button>
        <label>
          Reason <input name="reason" maxLength={200} placeholder="optional" />
        </label>
      </fieldset>
      <RefundConfirm
        label="Refund"
        question={question}
        pending={pending}
        disabled={nothingLeft}
        onAsk={() => ask(amount)}
        onCancel={() => setQuestion(null)}
      />
      <RefundAnswer state={state} pending={pending} localError={localError} />
    </form>
  );
}
