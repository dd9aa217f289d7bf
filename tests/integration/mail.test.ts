import "./support/shop-address";

import net from "node:net";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { renderEmail, type RenderedEmail } from "@/lib/mail/messages";
import { messageIdFor } from "@/lib/mail/message-id";
import { mailRoute, sendEmail, type OutgoingEmail } from "@/lib/mail/transport";
import { formatMoney } from "@/lib/money";
import { createOrder } from "@/lib/orders/create-order";
import { formatOrderNumber } from "@/lib/orders/order-number";
import { requestPayment } from "@/lib/orders/request-payment";
import { openOrderSession } from "@/lib/orders/seqr-sessions";
import { serviceQrText } from "@/lib/seqr/links";
import { SHOP_NAME } from "@/lib/shop/brand";

import { refundPayment } from "@/lib/admin/refunds";

import { ADMIN, typed } from "./support/admin-orders";
import { serveShopForThisFile } from "./support/shop-flow";

// The shop's e-mail end to end: real orders paid through the shop's own flow against the sandbox, each e-mail
// rendered from the database (lib/mail/messages.ts), sent through a real SMTP server started here (smtp-server) and
// parsed back as a mail client would (mailparser); and the sandbox's mailbox, which keeps each message once.

// Mail goes wherever the settings say; this file says where itself (no SMTP_URL: the sandbox's mailbox by default).
vi.hoisted(() => {
  delete process.env.SMTP_URL;
});

const shop = serveShopForThisFile();

/** A real SMTP server on a free port, keeping what it receives; or refusing it, the way a full mailbox does. */
type TestSmtpServer = {
  url: string;
  received: Array<{ envelopeTo: string[]; parsed: ParsedMail }>;
  close(): Promise<void>;
};

async function startSmtpServer(
  behaviour: { refuseData?: string; refuseRecipient?: string } = {},
): Promise<TestSmtpServer> {
  const received: TestSmtpServer["received"] = [];
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (behaviour.refuseRecipient) {
        callback(Object.assign(new Error(behaviour.refuseRecipient), { responseCode: 550 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (behaviour.refuseData) {
          callback(Object.assign(new Error(behaviour.refuseData), { responseCode: 552 }));
          return;
        }
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            received.push({ envelopeTo: session.envelope.rcptTo.map((to) => to.address), parsed });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => smtp.close());

/** Sends through the test's SMTP server and returns the one message that arrived. */
async function deliver(email: OutgoingEmail): Promise<{ envelopeTo: string[]; parsed: ParsedMail }> {
  const before = smtp.received.length;
  await sendEmail(email, { smtpUrl: smtp.url });
  expect(smtp.received.length).toBe(before + 1);
  return smtp.received[before] as { envelopeTo: string[]; parsed: ParsedMail };
}

const money = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });

type Delivery =
  | { method: "SHIP"; name: string; street: string; postcode: string; city: string; country: string }
  | { method: "PICKUP" };

const ASTRID_HOME: Delivery = {
  method: "SHIP",
  name: "Astrid Andersson",
  street: "Storgatan 12",
  postcode: "123 45",
  city: "Ystad",
  country: "SE",
};

/**
 * Two jars of lingonberry jam (12 % VAT) and a Dala horse (25 %), with the customer's delivery details, paid in the
 * simulated SEQR app: createOrder → details → the app opens the order → Pay → pay in the app → PAID.
 */
async function paidTwoRateOrder(delivery: Delivery = ASTRID_HOME) {
  const [jam, horse] = await Promise.all([
    db.product.findUniqueOrThrow({ where: { sku: "LINGON-JAM-400" } }),
    db.product.findUniqueOrThrow({ where: { sku: "DALA-HORSE-RED" } }),
  ]);
  const order = await createOrder({
    lines: [
      { productId: jam.id, quantity: 2 },
      { productId: horse.id, quantity: 1 },
    ],
    source: "CART",
    trigger: "checkout",
  });
  const customerEmail = `astrid+${randomUUID().slice(0, 8)}@example.se`;
  await db.order.update({
    where: { id: order.id },
    data:
      delivery.method === "SHIP"
        ? {
            customerEmail,
            deliveryMethod: "SHIP",
            deliveryName: delivery.name,
            deliveryStreet: delivery.street,
            deliveryPostcode: delivery.postcode,
            deliveryCity: delivery.city,
            deliveryCountry: delivery.country,
          }
        : { customerEmail, deliveryMethod: "PICKUP", deliveryName: "Astrid Andersson" },
  });
  const scanned = await shop.server.api("POST", "/app/scan", {
    url: serviceQrText(env.seqr.serviceId, { order: order.clientInvoiceId }),
  });
  expect(scanned.status).toBe(200);
  await openOrderSession(scanned.body.sessionToken);
  const { invoiceReference } = await requestPayment(order.id);
  const paid = await shop.server.api("POST", `/app/invoices/${invoiceReference}/pay`, {
    sessionToken: scanned.body.sessionToken,
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  const row = await db.order.findUniqueOrThrow({
    where: { id: order.id },
    include: { attempts: { where: { seqrStatus: "PAID" } } },
  });
  expect(row.status).toBe("PAID");
  const attempt = row.attempts[0];
  expect(attempt?.ersReference).toBeTruthy();
  return { order: row, paymentAttemptId: attempt?.id ?? "", ersReference: attempt?.ersReference ?? "", customerEmail };
}

/** The e-mail as it arrives: both parts present, each holding every one of `texts`. */
function expectBothParts(parsed: ParsedMail, texts: string[]) {
  expect(typeof parsed.html).toBe("string");
  expect(parsed.text).toBeTruthy();
  for (const text of texts) {
    expect((parsed.html || "").includes(text), `the HTML part has ${text}`).toBe(true);
    expect((parsed.text ?? "").includes(text), `the text part has ${text}:\n${parsed.text}`).toBe(true);
  }
}

function emailOf(rendered: RenderedEmail, to: string, dedupeKey: string): OutgoingEmail {
  return { to, ...rendered, messageId: messageIdFor(dedupeKey) };
}

describe("sendEmail through SMTP_URL", () => {
  test("delivers one message with the recipient, subject, an HTML and a plain-text part, and the given Message-ID", async () => {
    const messageId = `<test.${randomUUID()}@shop.example>`;
    const { envelopeTo, parsed } = await deliver({
      to: "astrid@example.se",
      subject: "Fjällbo: hej då – 349,00 kr",
      html: "<p>Hello <strong>Astrid</strong></p>",
      text: "Hello Astrid",
      messageId,
    });
    expect(envelopeTo).toEqual(["astrid@example.se"]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : parsed.to).toBe("astrid@example.se");
    expect(parsed.from?.value).toEqual([{ name: SHOP_NAME, address: `orders@${new URL(env.publicBaseUrl).hostname}` }]);
    expect(parsed.subject).toBe("Fjällbo: hej då – 349,00 kr");
    expect(parsed.html).toContain("<strong>Astrid</strong>");
    expect(parsed.text?.trim()).toBe("Hello Astrid");
    expect(parsed.messageId).toBe(messageId);
  });

  test("a server that refuses the message makes sendEmail throw", async () => {
    const refusing = await startSmtpServer({ refuseData: "Mailbox full" });
    try {
      await expect(
        sendEmail(
          { to: "a@example.se", subject: "s", html: "<p>h</p>", text: "h", messageId: "<r1@shop.example>" },
          { smtpUrl: refusing.url },
        ),
      ).rejects.toThrow(/Mailbox full/);
      expect(refusing.received).toHaveLength(0);
    } finally {
      await refusing.close();
    }
  });

  test("a server that refuses the recipient makes sendEmail throw", async () => {
    const refusing = await startSmtpServer({ refuseRecipient: "No such user" });
    try {
      await expect(
        sendEmail(
          { to: "nobody@example.se", subject: "s", html: "<p>h</p>", text: "h", messageId: "<r2@shop.example>" },
          { smtpUrl: refusing.url },
        ),
      ).rejects.toThrow();
      expect(refusing.received).toHaveLength(0);
    } finally {
      await refusing.close();
    }
  });

  test("a server that accepts the connection and never answers fails the try within the greeting timeout", async () => {
    const silent = net.createServer(() => {
      // Accept, then say nothing: no 220 greeting.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    try {
      await expect(
        sendEmail(
          { to: "a@example.se", subject: "s", html: "<p>h</p>", text: "h", messageId: "<r3@shop.example>" },
          { smtpUrl: `smtp://127.0.0.1:${port}`, timeouts: { greetingTimeout: 500 } },
        ),
      ).rejects.toThrow(/greeting/i);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      silent.close();
    }
  });
});

describe("the e-mails", () => {
  test("order confirmation: items with quantities and amounts, total, VAT per rate, SEQR reference, delivery address, the shop", async () => {
    const { order, ersReference, customerEmail } = await paidTwoRateOrder();
    const rendered = await renderEmail({ kind: "ORDER_CONFIRMATION", orderId: order.id, payload: {} });
    const { parsed, envelopeTo } = await deliver(emailOf(rendered, customerEmail, `ORDER_CONFIRMATION:${order.id}`));

    expect(envelopeTo).toEqual([customerEmail]);
    expect(parsed.subject).toBe(`Your order ${formatOrderNumber(order.number)} is confirmed`);
    expect(parsed.messageId).toBe(`<ORDER_CONFIRMATION.${order.id}@${new URL(env.publicBaseUrl).hostname}>`);
    // 2 × 69,00 (12 %) + 349,00 (25 %) = 487,00; VAT 138,00 × 12/112 = 14,79 and 349,00 × 25/125 = 69,80.
    expect(order.totalMinor).toBe(48_700);
    expectBothParts(parsed, [
      SHOP_NAME,
      env.mail.shopAddress,
      formatOrderNumber(order.number),
      ersReference,
      "2 × Lingonberry",
      "1 × Dala",
      money(6_900),
      money(13_800),
      money(34_900),
      money(48_700),
      `VAT 12 %`,
      money(1_479),
      `VAT 25 %`,
      money(6_980),
      "Astrid Andersson",
      "Storgatan 12",
      "123 45 Ystad",
      "Sweden",
    ]);
    expect(parsed.text).toMatch(/of which VAT 25 %\s+69,80\skr/);
    expect(parsed.text).toMatch(/of which VAT 12 %\s+14,79\skr/);
  });

  test("order confirmation for store pickup: collect at the shop, at SHOP_ADDRESS, no delivery address", async () => {
    const { order, customerEmail } = await paidTwoRateOrder({ method: "PICKUP" });
    const rendered = await renderEmail({ kind: "ORDER_CONFIRMATION", orderId: order.id, payload: {} });
    const { parsed } = await deliver(emailOf(rendered, customerEmail, `ORDER_CONFIRMATION:${order.id}`));
    expectBothParts(parsed, ["Collect at the shop", env.mail.shopAddress, "In the name of Astrid Andersson"]);
    expect(parsed.text).not.toContain("Delivery address");
  });

  test("merchant's new order: order number, the customer's e-mail and phone, items, total, delivery, a link to the order", async () => {
    const { order, ersReference, customerEmail } = await paidTwoRateOrder();
    expect(order.customerMsisdn).toBeTruthy();
    const rendered = await renderEmail({ kind: "MERCHANT_NEW_ORDER", orderId: order.id, payload: {} });
    const merchant = env.mail.merchantEmail ?? "merchant@example.se";
    const { parsed, envelopeTo } = await deliver(emailOf(rendered, merchant, `MERCHANT_NEW_ORDER:${order.id}`));

    expect(envelopeTo).toEqual([merchant]);
    expect(parsed.subject).toBe(`New order ${formatOrderNumber(order.number)}: ${money(48_700)}`);
    expectBothParts(parsed, [
      SHOP_NAME,
      env.mail.shopAddress,
      formatOrderNumber(order.number),
      customerEmail,
      `+${order.customerMsisdn}`,
      ersReference,
      "2 × Lingonberry",
      money(48_700),
      "Astrid Andersson",
      "123 45 Ystad",
    ]);
    expect(parsed.html).toContain(`href="${env.publicBaseUrl}/admin/orders/${order.clientInvoiceId}"`);
  });

  test("refund confirmation: the amount refunded and what remains paid, as of that refund, whenever it is sent", async () => {
    const { order, paymentAttemptId } = await paidTwoRateOrder();
    const paidMinor = order.totalMinor;
    const refund = (amountMinor: number) =>
      refundPayment(
        { orderId: order.id, paymentAttemptId, amount: typed(amountMinor), requestKey: randomUUID() },
        ADMIN,
      );
    const first = await refund(2_000);
    const second = await refund(1_000);
    expect([first.status, second.status]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const refunds = await db.refund.findMany({
      where: { orderId: order.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(refunds).toHaveLength(2);
    const [firstRefund, secondRefund] = refunds as [(typeof refunds)[number], (typeof refunds)[number]];

    // Sent after the second refund, the first one's e-mail still says what remained after the first.
    const firstMail = await renderEmail({
      kind: "REFUND_CONFIRMATION",
      orderId: order.id,
      payload: { refundId: firstRefund.id },
    });
    const { parsed } = await deliver(emailOf(firstMail, "astrid@example.se", `REFUND_CONFIRMATION:${firstRefund.id}`));
    expect(parsed.subject).toBe(`Your order ${formatOrderNumber(order.number)}: ${money(2_000)} refunded`);
    expectBothParts(parsed, [
      SHOP_NAME,
      env.mail.shopAddress,
      formatOrderNumber(order.number),
      money(2_000),
      money(paidMinor - 2_000),
    ]);
    expect(parsed.text).toMatch(new RegExp(`Remains paid\\s+${escape(money(paidMinor - 2_000))}`));
    if (firstRefund.ersReference) expectBothParts(parsed, [firstRefund.ersReference]);

    const secondMail = await renderEmail({
      kind: "REFUND_CONFIRMATION",
      orderId: order.id,
      payload: { refundId: secondRefund.id },
    });
    expect(secondMail.text).toMatch(new RegExp(`Refunded now\\s+${escape(money(1_000))}`));
    expect(secondMail.text).toMatch(new RegExp(`Refunded in total\\s+${escape(money(3_000))}`));
    expect(secondMail.text).toMatch(new RegExp(`Remains paid\\s+${escape(money(paidMinor - 3_000))}`));

    const rest = await refund(paidMinor - 3_000);
    expect(rest.status).toBe("SUCCEEDED");
    const lastRefund = await db.refund.findFirstOrThrow({
      where: { orderId: order.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    const lastMail = await renderEmail({
      kind: "REFUND_CONFIRMATION",
      orderId: order.id,
      payload: { refundId: lastRefund.id },
    });
    expect(lastMail.text).toContain("refunded in full");
    expect(lastMail.text).toMatch(new RegExp(`Remains paid\\s+${escape(money(0))}`));
  });

  test("a refund SEQR has not confirmed is not announced", async () => {
    const { order, paymentAttemptId } = await paidTwoRateOrder();
    const pending = await db.refund.create({
      data: {
        orderId: order.id,
        paymentAttemptId,
        requestKey: randomUUID(),
        amountMinor: 500,
        currency: "SEK",
        status: "UNKNOWN",
      },
    });
    await expect(
      renderEmail({ kind: "REFUND_CONFIRMATION", orderId: order.id, payload: { refundId: pending.id } }),
    ).rejects.toThrow(/UNKNOWN/);
  });

  test("shipped: carrier, tracking number and a tracking link, the items and the address", async () => {
    const { order, customerEmail } = await paidTwoRateOrder();
    const trackingUrl = "https://tracking.postnord.com/se/?id=00370712345678901234";
    await db.order.update({
      where: { id: order.id },
      data: {
        fulfilmentStatus: "SHIPPED",
        carrier: "PostNord",
        trackingNumber: "00370712345678901234",
        trackingUrl,
        shippedAt: new Date(),
      },
    });
    const rendered = await renderEmail({ kind: "SHIPPED", orderId: order.id, payload: {} });
    const { parsed } = await deliver(emailOf(rendered, customerEmail, `SHIPPED:${order.id}`));
    expect(parsed.subject).toBe(`Your order ${formatOrderNumber(order.number)} is on its way`);
    expectBothParts(parsed, [
      SHOP_NAME,
      env.mail.shopAddress,
      formatOrderNumber(order.number),
      "PostNord",
      "00370712345678901234",
      "2 × Lingonberry",
      "Storgatan 12",
    ]);
    expect(parsed.html).toContain(`href="${trackingUrl}"`);
    expect(parsed.text).toContain(trackingUrl);
  });

  test("shipped refuses to render for an order nobody marked shipped", async () => {
    const { order } = await paidTwoRateOrder();
    await expect(renderEmail({ kind: "SHIPPED", orderId: order.id, payload: {} })).rejects.toThrow(
      /not marked shipped/,
    );
  });

  test("a payload that is not its kind's shape is refused", async () => {
    const { order } = await paidTwoRateOrder();
    await expect(renderEmail({ kind: "REFUND_CONFIRMATION", orderId: order.id, payload: {} })).rejects.toThrow();
    await expect(renderEmail({ kind: "NEWSLETTER", orderId: order.id, payload: {} })).rejects.toThrow();
  });
});

describe("the sandbox's mailbox (sandbox mode, no SMTP_URL)", () => {
  test("is where mail goes by default, and keeps a message sent twice (or twice at once) once", async () => {
    expect(mailRoute()).toEqual({ sandboxMailbox: true });
    const { order, ersReference, customerEmail } = await paidTwoRateOrder();
    const rendered = await renderEmail({ kind: "ORDER_CONFIRMATION", orderId: order.id, payload: {} });
    const email = emailOf(rendered, customerEmail, `ORDER_CONFIRMATION:${order.id}`);

    await sendEmail(email);
    await sendEmail(email);
    await Promise.all([sendEmail(email), sendEmail(email)]);

    const stored = await db.sandboxMail.findMany({ where: { to: customerEmail } });
    expect(stored).toHaveLength(1);
    const [mail] = stored as [(typeof stored)[number]];
    expect(mail.messageId).toBe(email.messageId);
    expect(mail.subject).toBe(rendered.subject);

    // What was stored is the MIME message nodemailer built, with both parts.
    const parsed = await simpleParser(mail.raw);
    expect(parsed.messageId).toBe(email.messageId);
    expect(parsed.subject).toBe(rendered.subject);
    expectBothParts(parsed, [ersReference, money(48_700), "Storgatan 12"]);
  });

  test("the mailbox lists newest first and reads a message back as HTML and text", async () => {
    const { listSandboxMail, readSandboxMail } = await import("@/lib/mail/sandbox-mailbox");
    const tag = randomUUID().slice(0, 8);
    for (const n of [1, 2]) {
      await sendEmail({
        to: `n${n}-${tag}@example.se`,
        subject: `Message ${n} ${tag}`,
        html: `<p>Body <b>${n}</b></p>`,
        text: `Body ${n}`,
        messageId: `<m${n}.${tag}@shop.example>`,
      });
    }
    const listed = (await listSandboxMail()).filter((message) => message.subject.endsWith(tag));
    expect(listed.map((message) => message.subject)).toEqual([`Message 2 ${tag}`, `Message 1 ${tag}`]);
    const read = await readSandboxMail((listed[0] as (typeof listed)[number]).id);
    expect(read).toMatchObject({
      to: `n2-${tag}@example.se`,
      subject: `Message 2 ${tag}`,
      messageId: `<m2.${tag}@shop.example>`,
    });
    expect(read?.html).toContain("<b>2</b>");
    expect(read?.text.trim()).toBe("Body 2");
    expect(await readSandboxMail("no-such-message")).toBeNull();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
