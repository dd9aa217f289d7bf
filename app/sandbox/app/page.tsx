import type { Metadata } from "next";
import { connection } from "next/server";
import Link from "next/link";
import { notFound } from "next/navigation";

import { isSandboxMode } from "@/lib/sandbox/guard";
import { listSubscribers, subscriberWithHistory } from "@/lib/sandbox/app-flow";
import { ensureSandboxRegistry } from "@/lib/sandbox/registry";
import { formatMoney } from "@/lib/money";

import { ActionForm } from "../action-form";
import { chooseSubscriberAction, scanAction } from "./actions";
import { readDevice } from "./device";

export const metadata: Metadata = { title: "Simulated SEQR app" };

// The simulated SEQR app: scan a code by pasting it, or open /sandbox/app?url=<SEQR URL> (what the shop's
// "Open in SEQR" links do in sandbox mode) and the app scans it at once.
export default async function SimulatedAppPage({ searchParams }: { searchParams: Promise<{ url?: string | string[] }> }) {
  // Pages render alongside the layout, not behind it: this one checks the mode itself (lib/sandbox/guard.ts).
  if (!isSandboxMode()) notFound();
  await connection(); // SEQR's state changes all the time: never render it at build time
  await ensureSandboxRegistry();
  const { url } = await searchParams;
  const handedUrl = typeof url === "string" ? url : undefined;
  const device = await readDevice();
  const [subscriber, subscribers] = await Promise.all([subscriberWithHistory(device.msisdn), listSubscribers()]);

  return (
    <div className="phone" data-testid="seqr-app">
      <div className="phone-bar">
        <strong>SEQR</strong>
        <span>{subscriber?.name ?? "No subscriber"}</span>
      </div>
      <div className="phone-body">
        <ActionForm action={scanAction} autoSubmit={handedUrl !== undefined} aria-label="Scan a SEQR code">
          <label htmlFor="seqr-url">Scan a SEQR code (paste its text)</label>
          <textarea id="seqr-url" name="url" defaultValue={handedUrl} placeholder="HTTP://SEQR.SE/000/SEQRSHOP?order=…" required />
          <button type="submit">Scan</button>
        </ActionForm>

        {subscriber ? (
          <section aria-label="Wallet">
            <div className="muted">Balance</div>
            <div className="balance" data-testid="balance">
              {formatMoney({ amountMinor: subscriber.balanceMinor, currency: subscriber.currency })}
            </div>
            <div className="muted">
              {subscriber.msisdn}
              {device.sessionToken ? " · in a shop's service" : ""}
            </div>
          </section>
        ) : null}

        <section aria-label="Payment history">
          <h2>History</h2>
          {subscriber && subscriber.ledger.length > 0 ? (
            <table className="invoice-rows">
              <tbody>
                {subscriber.ledger.map((entry) => (
                  <tr key={entry.id}>
                    <td>
                      {entry.type === "PAYMENT" ? "Paid" : entry.type === "REFUND" ? "Refund" : "Reversed"}{" "}
                      <Link href={`/sandbox/app/invoices/${entry.invoiceReference}`}>{entry.note ?? entry.invoiceReference}</Link>
                      <div className="muted">{entry.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC</div>
                    </td>
                    <td>{formatMoney({ amountMinor: entry.amountMinor, currency: entry.currency })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No payments yet.</p>
          )}
        </section>

        <ActionForm action={chooseSubscriberAction} className="inline-form" aria-label="Switch subscriber">
          <label>
            Signed in as
            <select name="msisdn" defaultValue={device.msisdn} aria-label="Signed in as">
              {subscribers.map((candidate) => (
                <option key={candidate.msisdn} value={candidate.msisdn}>
                  {candidate.name} ({candidate.msisdn})
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Switch</button>
        </ActionForm>
      </div>
    </div>
  );
}
