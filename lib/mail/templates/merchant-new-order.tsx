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

// To the merchant (MERCHANT_EMAIL), once an order is paid: what to pack, for whom, and where it goes.

export type MerchantNewOrderProps = {
  shop: MailShop;
  /** The short number people read out: "#1042"; it links to the order's admin page. */
  orderNumber: string;
  /** The order's page in the admin. */
  adminUrl: string;
  customerEmail: string | null;
  customerPhone: string | null;
  paidAt: string | null;
  lines: MailLine[];
  total: string;
  vat: MailVat[];
  paymentReference: string | null;
  delivery: MailDelivery;
};

export function merchantNewOrderSubject(props: Pick<MerchantNewOrderProps, "orderNumber" | "total">): string {
  return `New order ${props.orderNumber}: ${props.total}`;
}

export function MerchantNewOrderEmail(props: MerchantNewOrderProps) {
  return (
    <EmailLayout shop={props.shop} preview={`${props.total} paid with SEQR.`} heading={`New order ${props.orderNumber}: ${props.total}`}>
      <Paragraph>
        {`A customer has paid ${props.total} through SEQR. ${
          props.delivery.method === "PICKUP"
            ? "They will collect the order at the shop."
            : "The order is waiting to be shipped."
        }`}
      </Paragraph>
      <Facts
        facts={[
          { label: "Order number", value: props.orderNumber, href: props.adminUrl },
          { label: "Customer e-mail", value: props.customerEmail ?? "not given" },
          { label: "Customer phone", value: props.customerPhone ?? "not known" },
          ...(props.paymentReference ? [{ label: "SEQR payment reference", value: props.paymentReference }] : []),
          ...(props.paidAt ? [{ label: "Paid", value: props.paidAt }] : []),
        ]}
      />
      <SectionTitle>Items</SectionTitle>
      <Items lines={props.lines} total={props.total} vat={props.vat} />
      <Delivery delivery={props.delivery} />
    </EmailLayout>
  );
}
