import {
  Delivery,
  EmailLayout,
  Facts,
  Items,
  Paragraph,
  SectionTitle,
  type MailDelivery,
  type MailLine,
  type MailShop,
  type MailVat,
} from "./parts.tsx";

// To the customer, once SEQR has confirmed the payment: what was bought and paid, the reference to quote, and
// where it goes.

export type OrderConfirmationProps = {
  shop: MailShop;
  /** The short number people read out: "#1042". */
  orderNumber: string;
  paidAt: string | null;
  lines: MailLine[];
  total: string;
  vat: MailVat[];
  /** SEQR's reference for the payment (the PAID invoice's ersReference). */
  paymentReference: string | null;
  delivery: MailDelivery;
};

export function orderConfirmationSubject(props: Pick<OrderConfirmationProps, "orderNumber">): string {
  return `Your order ${props.orderNumber} is confirmed`;
}

export function OrderConfirmationEmail(props: OrderConfirmationProps) {
  const { shop, delivery } = props;
  return (
    <EmailLayout
      shop={shop}
      preview={`Paid ${props.total} with SEQR. Order ${props.orderNumber}.`}
      heading={`Thank you for your order ${props.orderNumber}`}
    >
      <Paragraph>{`We have received your payment of ${props.total} through SEQR. This e-mail is your receipt.`}</Paragraph>
      <Facts
        facts={[
          { label: "Order number", value: props.orderNumber },
          ...(props.paymentReference ? [{ label: "SEQR payment reference", value: props.paymentReference }] : []),
          ...(props.paidAt ? [{ label: "Paid", value: props.paidAt }] : []),
        ]}
      />
      <SectionTitle>Your order</SectionTitle>
      <Items lines={props.lines} total={props.total} vat={props.vat} />
      <Delivery delivery={delivery} />
      <Paragraph>
        {delivery.method === "PICKUP"
          ? "Your order is kept for you at the shop: bring your order number when you collect it."
          : delivery.method === "SHIP"
            ? "We will e-mail you the tracking number as soon as your parcel is on its way."
            : "Reply to this e-mail to tell us where your order should go."}
      </Paragraph>
    </EmailLayout>
  );
}
