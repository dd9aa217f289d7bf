import {
  Body,
  Column,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Row,
  Section,
  Text,
} from "@react-email/components";
import { Fragment, type CSSProperties, type ReactNode } from "react";

// The pieces every e-mail of the shop is built from. Single column and fluid: nothing has a fixed width, the
// container only a max-width, so each e-mail reads on a 320 px phone as well as on a desktop. Styles are inline
// (what mail clients keep); no <style> element, no images, no web fonts.

/** What every e-mail says about the shop: its name, postal address and web address (the footer). */
export type MailShop = { name: string; address: string; url: string };

/** One line of an order, every amount already formatted (lib/money.ts). */
export type MailLine = { name: string; quantity: number; unitPrice: string; lineTotal: string };

/** The VAT included in the total at one rate: "25 %", "69,80 kr". */
export type MailVat = { rate: string; amount: string };

/** Where the order goes: an address to ship to, the shop's counter, or nothing given (an order from before). */
export type MailDelivery =
  | { method: "SHIP"; address: string[] }
  | { method: "PICKUP"; shopAddress: string; name: string | null }
  | { method: "NONE" };

/** A label and its value, one under the other: long references wrap instead of widening the e-mail. */
export type MailFact = { label: string; value: string; href?: string | undefined };

const font = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const ink = "#1f2a24";
const muted = "#5b6660";

const styles = {
  body: { backgroundColor: "#f3f1ec", margin: 0, padding: "12px 0", fontFamily: font, color: ink },
  container: { maxWidth: "560px", backgroundColor: "#ffffff", padding: "20px 16px", boxSizing: "border-box" },
  brand: { fontSize: "20px", fontWeight: 700, letterSpacing: "0.02em", margin: "0 0 12px", color: "#2f5d46" },
  heading: { fontSize: "22px", lineHeight: "28px", margin: "0 0 12px", color: ink },
  text: { fontSize: "16px", lineHeight: "24px", margin: "0 0 12px" },
  sectionTitle: {
    fontSize: "13px",
    fontWeight: 700,
    textTransform: "uppercase",
    letterSpacing: "0.06em",
    color: muted,
    margin: "16px 0 6px",
  },
  fact: { fontSize: "16px", lineHeight: "22px", margin: "8px 0 0", wordBreak: "break-word" },
  factLabel: { fontSize: "13px", lineHeight: "18px", color: muted },
  factValue: { fontSize: "16px", lineHeight: "22px", margin: "0", wordBreak: "break-word" },
  cell: { fontSize: "15px", lineHeight: "22px", padding: "6px 0", verticalAlign: "top" },
  amount: {
    fontSize: "15px",
    lineHeight: "22px",
    padding: "6px 0 6px 12px",
    verticalAlign: "top",
    textAlign: "right",
    whiteSpace: "nowrap",
  },
  small: { fontSize: "13px", lineHeight: "18px", color: muted },
  hr: { borderColor: "#e3e0d8", margin: "16px 0" },
  footer: { fontSize: "13px", lineHeight: "19px", color: muted, margin: "0 0 4px" },
  link: { color: "#2f5d46", textDecoration: "underline" },
} satisfies Record<string, CSSProperties>;

export function EmailLayout({
  shop,
  preview,
  heading,
  children,
}: {
  shop: MailShop;
  preview: string;
  heading: string;
  children: ReactNode;
}) {
  return (
    <Html lang="en">
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>{shop.name}</Text>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {children}
          <Hr style={styles.hr} />
          <Text style={styles.footer}>
            {shop.name}
            <br />
            {shop.address}
            <br />
            <Link href={shop.url} style={styles.link}>
              {shop.url}
            </Link>
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

/** Lines of one paragraph (an address): a line break each, no blank lines in the plain-text part. */
function Lines({ lines, style }: { lines: string[]; style: CSSProperties }) {
  return (
    <Text style={style}>
      {lines.map((line, index) => (
        <Fragment key={index}>
          {index > 0 ? <br /> : null}
          {line}
        </Fragment>
      ))}
    </Text>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

export function SectionTitle({ children }: { children: ReactNode }) {
  return <Text style={styles.sectionTitle}>{children}</Text>;
}

export function Facts({ facts }: { facts: MailFact[] }) {
  return (
    <Section>
      {facts.map((fact) => (
        // One paragraph each, label and value on lines of their own: the plain-text part reads the same way.
        <Text key={fact.label} style={styles.fact}>
          <span style={styles.factLabel}>{fact.label}</span>
          <br />
          {fact.href ? (
            <Link href={fact.href} style={styles.link}>
              {fact.value}
            </Link>
          ) : (
            fact.value
          )}
        </Text>
      ))}
    </Section>
  );
}

/** The items, with quantities and (unless `prices` is false) amounts, the total and the VAT at each rate. */
export function Items({
  lines,
  total,
  vat,
  prices = true,
}: {
  lines: MailLine[];
  total?: string;
  vat?: MailVat[];
  prices?: boolean;
}) {
  return (
    <Section>
      {lines.map((line, index) => (
        <Row key={index} style={{ borderBottom: "1px solid #eeebe4" }}>
          <Column style={styles.cell}>
            {`${line.quantity} × ${line.name}`}
            {prices ? (
              <>
                <br />
                <span style={styles.small}>{`${line.unitPrice} each`}</span>
              </>
            ) : null}
          </Column>
          {prices ? <Column style={styles.amount}>{line.lineTotal}</Column> : null}
        </Row>
      ))}
      {total ? (
        <Row>
          <Column style={{ ...styles.cell, fontWeight: 700 }}>Total</Column>
          <Column style={{ ...styles.amount, fontWeight: 700 }}>{total}</Column>
        </Row>
      ) : null}
      {(vat ?? []).map((entry) => (
        <Row key={entry.rate}>
          <Column style={{ ...styles.cell, color: muted, padding: "0" }}>{`of which VAT ${entry.rate}`}</Column>
          <Column style={{ ...styles.amount, color: muted, padding: "0 0 0 12px" }}>{entry.amount}</Column>
        </Row>
      ))}
    </Section>
  );
}

/** Where the parcel goes, or where to collect it. */
export function Delivery({ delivery }: { delivery: MailDelivery }) {
  if (delivery.method === "PICKUP") {
    return (
      <>
        <SectionTitle>Collect at the shop</SectionTitle>
        <Lines
          lines={[delivery.shopAddress, ...(delivery.name ? [`In the name of ${delivery.name}`] : [])]}
          style={{ ...styles.factValue, margin: "0 0 12px" }}
        />
      </>
    );
  }
  if (delivery.method === "NONE") {
    return (
      <>
        <SectionTitle>Delivery</SectionTitle>
        <Text style={styles.factValue}>No delivery address was given with this order.</Text>
      </>
    );
  }
  return (
    <>
      <SectionTitle>Delivery address</SectionTitle>
      <Lines lines={delivery.address} style={{ ...styles.factValue, margin: "0 0 12px" }} />
    </>
  );
}
