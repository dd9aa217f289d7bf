import type { PaidMessagesView } from "@/lib/orders/paid-messages";

/**
 * What the shop sends after a payment, and where it goes: only the messages really queued for the order
 * (lib/orders/paid-messages.ts), so a page never promises one the shop does not send.
 */
export function PaidMessages({ messages }: { messages: PaidMessagesView }) {
  const { confirmation, seqrReceipt, underReview } = messages;
  if (!confirmation && !seqrReceipt && !underReview) return null;
  return (
    <ul className="paid-messages" data-testid="paid-messages">
      {confirmation ? (
        <li data-testid="confirmation-message">
          {confirmation.sent ? "An order confirmation has been sent to " : "An order confirmation is on its way to "}
          {confirmation.to ? <strong>{confirmation.to}</strong> : "the e-mail address given with the order"}.
        </li>
      ) : null}
      {seqrReceipt ? (
        <li data-testid="seqr-receipt-message">
          {seqrReceipt.sent ? "Your receipt is in the SEQR app." : "Your receipt is on its way to the SEQR app."}
        </li>
      ) : null}
      {underReview ? (
        <li data-testid="under-review-message">The shop is checking this payment before it confirms your order.</li>
      ) : null}
    </ul>
  );
}
