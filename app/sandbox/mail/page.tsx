import type { Metadata } from "next";
import { connection } from "next/server";
import Link from "next/link";
import { notFound } from "next/navigation";

import { env } from "@/lib/env";
import { listSandboxMail, mailboxTime } from "@/lib/mail/sandbox-mailbox";
import { isSandboxMode } from "@/lib/sandbox/guard";

import "./mail.css";

export const metadata: Metadata = { title: "Mailbox" };

// The sandbox's mailbox: every e-mail the shop sent in sandbox mode without SMTP_URL (lib/mail/transport.ts),
// newest first.
export default async function SandboxMailboxPage() {
  // Pages render alongside the layout, not behind it: this one checks the mode itself (lib/sandbox/guard.ts).
  if (!isSandboxMode()) notFound();
  await connection(); // new mail arrives all the time: never render it at build time
  const messages = await listSandboxMail();

  return (
    <main className="control">
      <h1>Mailbox</h1>
      <p>
        {env.mail.smtpUrl
          ? "SMTP_URL is set: the shop sends its e-mail to that server, and only mail sent before lands here."
          : "SMTP_URL is not set, so every e-mail the shop sends (confirmations, refunds, shipping, new orders for the merchant) lands here instead of going out."}
      </p>
      <section className="panel" aria-labelledby="mail-heading">
        <h2 id="mail-heading">Messages</h2>
        {messages.length === 0 ? (
          <p className="muted">No e-mail yet. Buy something in the shop: the order confirmation appears here.</p>
        ) : (
          <table aria-label="Messages">
            <thead>
              <tr>
                <th>To</th>
                <th>Subject</th>
                <th>Time</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr key={message.id}>
                  <td>{message.to}</td>
                  <td>
                    <Link href={`/sandbox/mail/${message.id}`}>{message.subject}</Link>
                  </td>
                  <td>
                    <time dateTime={message.createdAt.toISOString()}>{mailboxTime(message.createdAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
