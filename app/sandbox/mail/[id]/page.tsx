import type { Metadata } from "next";
import { connection } from "next/server";
import Link from "next/link";
import { notFound } from "next/navigation";

import { mailboxTime, readSandboxMail } from "@/lib/mail/sandbox-mailbox";
import { isSandboxMode } from "@/lib/sandbox/guard";

import "../mail.css";

export const metadata: Metadata = { title: "E-mail" };

// One e-mail of the sandbox's mailbox, parsed back from the MIME message nodemailer built: its headers, its HTML
// part and its plain-text part, as a mail client would show them.
//
// The HTML part is shown in an iframe with `sandbox` (no scripts, an opaque origin: it can reach neither this page
// nor the shop's cookies) and `srcdoc`, so it inherits this page's Content-Security-Policy as well: no script runs
// even if an e-mail carried one, and nothing loads from elsewhere. The shop's e-mails use inline styles only,
// which that policy allows (style-src-attr).
export default async function SandboxMailPage({ params }: { params: Promise<{ id: string }> }) {
  if (!isSandboxMode()) notFound();
  await connection();
  const { id } = await params;
  if (id.length > 64) notFound();
  const mail = await readSandboxMail(id);
  if (!mail) notFound();

  return (
    <main className="control">
      <p>
        <Link href="/sandbox/mail">← Mailbox</Link>
      </p>
      <h1>{mail.subject}</h1>
      <section className="panel" aria-label="Headers">
        <dl className="mail-headers">
          <dt>From</dt>
          <dd>{mail.from}</dd>
          <dt>To</dt>
          <dd data-testid="mail-to">{mail.to}</dd>
          <dt>Time</dt>
          <dd>{mailboxTime(mail.createdAt)}</dd>
          <dt>Message-ID</dt>
          <dd>
            <code>{mail.messageId}</code>
          </dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="html-heading">
        <h2 id="html-heading">As HTML</h2>
        {mail.html ? (
          <div className="mail-frame">
            <iframe
              title="The e-mail as HTML"
              sandbox="allow-popups allow-popups-to-escape-sandbox"
              srcDoc={mail.html}
            />
          </div>
        ) : (
          <p className="muted">This e-mail has no HTML part.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="text-heading">
        <h2 id="text-heading">As plain text</h2>
        <pre className="mail-text" data-testid="mail-text">
          {mail.text}
        </pre>
      </section>
      <section className="panel">
        <details>
          <summary>The MIME message as stored</summary>
          <pre className="mail-raw">{mail.raw}</pre>
        </details>
      </section>
    </main>
  );
}
