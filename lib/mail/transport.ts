import nodemailer, { type Transporter } from "nodemailer";

import { env } from "../env.ts";
import { normalizeMessageId } from "./message-id.ts";
import { storeInSandboxMailbox } from "./sandbox-mailbox.ts";

// How an e-mail leaves the shop: through the SMTP server at SMTP_URL, or, in sandbox mode without one, into the
// sandbox's own mailbox (/sandbox/mail). nodemailer builds the MIME message either way; nothing here writes MIME.
// Live mode without SMTP_URL never gets this far: lib/env.ts refuses to start.

// The outbox worker names its messages with this (lib/mail/message-id.ts).
export { messageIdFor } from "./message-id.ts";

export type OutgoingEmail = {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The Message-ID header, "<id@host>" (the brackets are added when missing); the mailbox keeps one copy per id. */
  messageId: string;
};

/**
 * Where an e-mail goes: an SMTP server (with SMTP_TIMEOUTS unless given others), or the sandbox's mailbox. Settings
 * decide (mailRoute); tests may choose.
 */
export type MailRoute = { smtpUrl: string; timeouts?: Partial<SmtpTimeouts> } | { sandboxMailbox: true };

export function mailRoute(): MailRoute {
  if (env.mail.smtpUrl) return { smtpUrl: env.mail.smtpUrl };
  if (env.seqr.mode === "sandbox") return { sandboxMailbox: true };
  // Unreachable with valid settings (SMTP_URL is required in live mode), but never drop an e-mail silently.
  throw new Error("SMTP_URL is not set: e-mail cannot be sent in live mode without it.");
}

/**
 * A server that accepts the connection and then says nothing must fail the delivery, not hold the outbox worker:
 * each stage has a bound, and the worker retries later (lib/outbox).
 */
export const SMTP_TIMEOUTS = {
  /** To open the TCP (or TLS) connection. */
  connectionTimeout: 10_000,
  /** From the connection to the server's 220 greeting. */
  greetingTimeout: 10_000,
  /** Any silence once talking. */
  socketTimeout: 30_000,
};

export type SmtpTimeouts = typeof SMTP_TIMEOUTS;

// One transporter per SMTP server and process (in practice one: SMTP_URL's). nodemailer opens a connection per
// message with it, so a transporter kept holds nothing open between messages.
const transporters = new Map<string, Transporter>();

function smtpTransporter(url: string, timeouts: Partial<SmtpTimeouts> = {}): Transporter {
  const options = { url, ...SMTP_TIMEOUTS, ...timeouts };
  const key = JSON.stringify(options);
  let transporter = transporters.get(key);
  if (!transporter) {
    transporter = nodemailer.createTransport(options);
    transporters.set(key, transporter);
  }
  return transporter;
}

/** Sends one e-mail (HTML and plain-text parts). Resolves once the server (or the mailbox) has it; throws otherwise. */
export async function sendEmail(email: OutgoingEmail, route: MailRoute = mailRoute()): Promise<void> {
  const message = {
    from: env.mail.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: normalizeMessageId(email.messageId),
  };
  if ("smtpUrl" in route) {
    const info = await smtpTransporter(route.smtpUrl, route.timeouts).sendMail(message);
    // One recipient: refused means not sent (nodemailer throws when every recipient is refused; be explicit).
    if (Array.isArray(info.rejected) && info.rejected.length > 0) {
      throw new Error(`The SMTP server refused the recipient: ${String(info.response ?? "no answer")}`);
    }
    return;
  }
  const built = await sandboxComposer.sendMail(message);
  if (!Buffer.isBuffer(built.message)) throw new Error("nodemailer did not build the message in memory");
  await storeInSandboxMailbox({
    messageId: message.messageId,
    from: message.from,
    to: message.to,
    subject: message.subject,
    raw: built.message.toString("utf8"),
  });
}

// Builds the MIME message in memory (nodemailer's stream transport) for the sandbox's mailbox.
const sandboxComposer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
