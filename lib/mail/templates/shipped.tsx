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
} from "./parts.tsx";

// To the customer, when the merchant marks the order shipped: who carries it and how to follow it.

export type ShippedProps = {
  shop: MailShop;
  /** The short number people read out: "#1042". */
  orderNumber: string;
  carrier: string;
  trackingNumber: string;
  /** The carrier's tracking page for this parcel; only an http(s) URL. */
  trackingUrl: string | null;
  shippedAt: string | null;
  lines: MailLine[];
  delivery: MailDelivery;
};

export function shippedSubject(props: Pick<ShippedProps, "orderNumber">): string {
  return `Your order ${props.orderNumber} is on its way`;
}

export function ShippedEmail(props: ShippedProps) {
  return (
    <EmailLayout
      shop={props.shop}
      preview={`${props.carrier} tracking number ${props.trackingNumber}.`}
      heading={`Your order ${props.orderNumber} is on its way`}
    >
      <Paragraph>{`We handed your parcel to ${props.carrier}${props.shippedAt ? ` on ${props.shippedAt}` : ""}.`}</Paragraph>
      <Facts
        facts={[
          { label: "Order number", value: props.orderNumber },
          { label: "Carrier", value: props.carrier },
          { label: "Tracking number", value: props.trackingNumber },
          ...(props.trackingUrl
            ? [{ label: "Follow your parcel", value: props.trackingUrl, href: props.trackingUrl }]
            : []),
        ]}
      />
      <SectionTitle>In the parcel</SectionTitle>
      <Items lines={props.lines} prices={false} />
      <Delivery delivery={props.delivery} />
    </EmailLayout>
  );
}
