import { simpleParser } from "mailparser";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { assertSandboxMode } from "../sandbox/guard.ts";

// The sandbox's mailbox: in sandbox mode without SMTP_URL every e-mail the shop sends lands here, as the MIME
// message nodemailer built, and /sandbox/mail shows it. Keyed by Message-ID: a message delivered twice (a retry
// after a crash between sending and recording it) is kept once.

export type MailboxMessage = { messageId: string; from: string; to: string; subject: string; raw: string };

/** Keeps the message unless one with the same Message-ID is already there. Resolves either way. */
export async function storeInSandboxMailbox(message: MailboxMessage): Promise<void> {
  assertSandboxMode();
  try {
    await db.sandboxMail.create({ data: message });
  } catch (error) {
    // The unique Message-ID: this message is already in the mailbox (P2002, whichever database).
    if ((error as { code?: unknown }).code === "P2002") return;
    throw error;
  }
}

/** "2026-11-29 14:05:03" in the shop's time zone. */
export function mailboxTime(date: Date): string {
  return date.toLocaleString("sv-SE", { timeZone: env.timeZone });
}

/** The newest messages first: who to, what about, when. */
export async function listSandboxMail(limit = 200) {
  assertSandboxMode();
  return db.sandboxMail.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, to: true, subject: true, createdAt: true },
  });
}

/** One message, its stored MIME parsed back into its parts (mailparser); null when there is none with that id. */
export async function readSandboxMail(id: string) {
  assertSandboxMode();
  const row = await db.sandboxMail.findUnique({ where: { id } });
  if (!row) return null;
  const parsed = await simpleParser(row.raw);
  return {
    id: row.id,
    createdAt: row.createdAt,
    messageId: parsed.messageId ?? row.messageId,
    from: parsed.from?.text ?? row.from,
    to: row.to,
    subject: parsed.subject ?? row.subject,
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : null,
    raw: row.raw,
  };
}
