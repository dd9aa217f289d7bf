import { EmailLayout, Facts, Paragraph, type MailShop } from "./parts.tsx";

// To the customer, once SEQR has confirmed a refund: how much came back and what remains paid.

export type RefundConfirmationProps = {
  shop: MailShop;
  /** The short number people read out: "#1042". */
  orderNumber: string;
  /** This refund. */
  refunded: string;
  /** What the customer paid for the order. */
  paid: string;
  /** Every refund of the payment up to and including this one. */
  refundedSoFar: string;
  /** What remains paid after this refund. */
  remaining: string;
  /** Nothing remains paid. */
  refundedInFull: boolean;
  /** SEQR's reference for the refund. */
  refundReference: string | null;
  refundedAt: string | null;
};

export function refundConfirmationSubject(props: Pick<RefundConfirmationProps, "orderNumber" | "refunded">): string {
  return `Your order ${props.orderNumber}: ${props.refunded} refunded`;
}

export function RefundConfirmationEmail(props: RefundConfirmationProps) {
  return (
    <EmailLayout
      shop={props.shop}
      preview={`${props.refunded} of order ${props.orderNumber} is on its way back to you.`}
      heading={`We have refunded ${props.refunded}`}
    >
      <Paragraph>
        {`SEQR returns the money to the account you paid with in the SEQR app. ${
          props.refundedInFull
            ? "Your order is now refunded in full."
            : `Of the ${props.paid} you paid for this order, ${props.remaining} remains paid.`
        }`}
      </Paragraph>
      <Facts
        facts={[
          { label: "Order number", value: props.orderNumber },
          { label: "Refunded now", value: props.refunded },
          ...(props.refundedSoFar !== props.refunded
            ? [{ label: "Refunded in total", value: props.refundedSoFar }]
            : []),
          { label: "Remains paid", value: props.remaining },
          ...(props.refundReference ? [{ label: "SEQR refund reference", value: props.refundReference }] : []),
          ...(props.refundedAt ? [{ label: "Refunded", value: props.refundedAt }] : []),
        ]}
      />
    </EmailLayout>
  );
}
