import type { Metadata } from "next";
import { connection } from "next/server";
import Link from "next/link";
import { notFound } from "next/navigation";

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { isSandboxMode } from "@/lib/sandbox/guard";
import { getSandboxConfig } from "@/lib/sandbox/config";
import { listArmedFaults, SOAP_OPERATIONS } from "@/lib/sandbox/faults";
import { listNotifications } from "@/lib/sandbox/notifier";
import { ensureSandboxRegistry } from "@/lib/sandbox/registry";
import { listRecentInvoices } from "@/lib/sandbox/views";

import { ActionForm } from "./action-form";
import {
  armFaultAction,
  clearFaultsAction,
  expireCommitWindowAction,
  forgeNotificationAction,
  resetAction,
  updateConfigAction,
} from "./actions";

export const metadata: Metadata = { title: "Control" };

const time = (date: Date | null) => (date ? date.toISOString().slice(11, 19) : "–");

// The sandbox's control page: what SEQR knows (registry, invoices, notifications) and the fault toggles.
export default async function SandboxControlPage() {
  // Pages render alongside the layout, not behind it: this one checks the mode itself (lib/sandbox/guard.ts).
  if (!isSandboxMode()) notFound();
  await connection(); // SEQR's state changes all the time: never render it at build time
  await ensureSandboxRegistry();
  const [config, faults, invoices, notifications, terminals, services, subscribers] = await Promise.all([
    getSandboxConfig(),
    listArmedFaults(),
    listRecentInvoices(),
    listNotifications(),
    db.sandboxTerminal.findMany(),
    db.sandboxService.findMany(),
    db.sandboxSubscriber.findMany({ orderBy: { createdAt: "asc" } }),
  ]);

  return (
    <main className="control">
      <h1>SEQR sandbox</h1>
      <p>
        SOAP endpoint <code>{env.publicBaseUrl}/sandbox/soap</code> (<a href="/sandbox/soap?wsdl">WSDL</a>). The{" "}
        <Link href="/sandbox/app">simulated app</Link> scans codes; this page breaks things on purpose. Every e-mail the
        shop sends without <code>SMTP_URL</code> lands in the <Link href="/sandbox/mail">mailbox</Link>.
      </p>

      <section className="panel" aria-labelledby="faults-heading">
        <h2 id="faults-heading">Faults</h2>
        <ActionForm action={armFaultAction} className="inline-form" doneMessage="Armed." aria-label="Notification faults">
          <label>
            Notifications
            <select name="kind" defaultValue="drop-notifications" aria-label="Notifications">
              <option value="drop-notifications">drop the next N</option>
              <option value="repeat-notification">deliver the next one N times</option>
              <option value="delay-notifications">delay the next N by ms</option>
            </select>
          </label>
          <label>
            N (count)
            <input name="count" type="number" min={1} defaultValue={1} />
          </label>
          <label>
            Copies (repeat)
            <input name="copies" type="number" min={2} placeholder="5" />
          </label>
          <label>
            Delay ms
            <input name="delayMs" type="number" min={0} placeholder="3000" />
          </label>
          <button type="submit">Arm</button>
        </ActionForm>
        <ActionForm action={armFaultAction} className="inline-form" doneMessage="Armed." aria-label="SOAP faults">
          <label>
            SOAP calls
            <select name="kind" defaultValue="soap-result" aria-label="SOAP calls">
              <option value="soap-result">answer with result code</option>
              <option value="soap-delay">answer late (ms)</option>
              <option value="soap-http-status">fail with HTTP status</option>
            </select>
          </label>
          <label>
            Operation
            <select name="operation" defaultValue="getPaymentStatus" aria-label="Operation">
              {SOAP_OPERATIONS.map((operation) => (
                <option key={operation}>{operation}</option>
              ))}
            </select>
          </label>
          <label>
            Result code
            <input name="resultCode" type="number" placeholder="93" />
          </label>
          <label>
            HTTP status
            <input name="httpStatus" type="number" placeholder="503" />
          </label>
          <label>
            Delay ms
            <input name="delayMs" type="number" placeholder="15000" />
          </label>
          <label>
            Next N calls
            <input name="count" type="number" min={1} defaultValue={1} />
          </label>
          <button type="submit">Arm</button>
        </ActionForm>
        {faults.length > 0 ? (
          <table aria-label="Armed faults">
            <thead>
              <tr>
                <th>Fault</th>
                <th>Operation</th>
                <th>Setting</th>
                <th>Uses left</th>
              </tr>
            </thead>
            <tbody>
              {faults.map((fault) => (
                <tr key={fault.id}>
                  <td>{fault.kind}</td>
                  <td>{fault.operation ?? "–"}</td>
                  <td>
                    {[
                      fault.resultCode !== null ? `code ${fault.resultCode}` : null,
                      fault.httpStatus !== null ? `HTTP ${fault.httpStatus}` : null,
                      fault.delayMs !== null ? `${fault.delayMs} ms` : null,
                      fault.copies !== null ? `${fault.copies} copies` : null,
                    ]
                      .filter(Boolean)
                      .join(", ") || "–"}
                  </td>
                  <td>{fault.remaining}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No faults armed.</p>
        )}
        <ActionForm action={clearFaultsAction} className="inline-form" doneMessage="Cleared.">
          <button type="submit">Disarm all faults</button>
        </ActionForm>
      </section>

      <section className="panel" aria-labelledby="invoices-heading">
        <h2 id="invoices-heading">Invoices</h2>
        {invoices.length === 0 ? (
          <p className="muted">No invoices yet.</p>
        ) : (
          <table aria-label="Invoices">
            <thead>
              <tr>
                <th>Reference</th>
                <th>Title</th>
                <th>Total</th>
                <th>Status (version)</th>
                <th>Paid / commit deadline / confirmed</th>
                <th>Refunded</th>
                <th>Faults</th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((invoice) => (
                <tr key={invoice.reference}>
                  <td>
                    <Link href={`/sandbox/app/invoices/${invoice.reference}`}>{invoice.reference}</Link>
                  </td>
                  <td>{invoice.title ?? "–"}</td>
                  <td>{formatMoney({ amountMinor: invoice.totalMinor, currency: invoice.currency })}</td>
                  <td>
                    {invoice.status} ({invoice.version}){invoice.reversedAt ? " – reversed" : ""}
                  </td>
                  <td>
                    {time(invoice.paidAt)} / {time(invoice.commitDeadline)} / {time(invoice.committedAt)}
                  </td>
                  <td>{formatMoney({ amountMinor: invoice.refundedMinor, currency: invoice.currency })}</td>
                  <td>
                    {invoice.status === "PAID" && !invoice.committedAt ? (
                      <ActionForm action={expireCommitWindowAction} className="inline-form" doneMessage="Expired.">
                        <input type="hidden" name="reference" value={invoice.reference} />
                        <button type="submit">Expire commit window now</button>
                      </ActionForm>
                    ) : null}
                    {invoice.status !== "PAID" && invoice.notificationUrl ? (
                      <ActionForm action={forgeNotificationAction} className="inline-form" doneMessage="Sent.">
                        <input type="hidden" name="reference" value={invoice.reference} />
                        <button type="submit">Forge a notification</button>
                      </ActionForm>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">Notifications sent</h2>
        {notifications.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <table aria-label="Notifications">
            <thead>
              <tr>
                <th>Time</th>
                <th>Invoice</th>
                <th>Outcome</th>
                <th>URL</th>
              </tr>
            </thead>
            <tbody>
              {notifications.map((notification) => (
                <tr key={notification.id}>
                  <td>{time(notification.createdAt)}</td>
                  <td>{notification.invoiceReference}</td>
                  <td>
                    {notification.outcome}
                    {notification.httpStatus ? ` (HTTP ${notification.httpStatus})` : ""}
                    {notification.error ? ` – ${notification.error}` : ""}
                    {notification.forged ? " – forged" : ""}
                  </td>
                  <td>
                    <code>{notification.url}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="config-heading">
        <h2 id="config-heading">Timings</h2>
        <ActionForm action={updateConfigAction} className="inline-form" doneMessage="Saved." aria-label="Timings">
          <label>
            Commit window ms
            <input name="commitWindowMs" type="number" defaultValue={config.commitWindowMs} />
          </label>
          <label>
            Session lifetime ms
            <input name="sessionTtlMs" type="number" defaultValue={config.sessionTtlMs} />
          </label>
          <label>
            Report delay ms
            <input name="reportDelayMs" type="number" defaultValue={config.reportDelayMs} />
          </label>
          <label>
            Invoice in progress ms
            <input name="invoiceInProgressMs" type="number" defaultValue={config.invoiceInProgressMs} />
          </label>
          <button type="submit">Save</button>
        </ActionForm>
      </section>

      <section className="panel" aria-labelledby="registry-heading">
        <h2 id="registry-heading">Registry</h2>
        <h3>Terminals</h3>
        <ul>
          {terminals.map((terminal) => (
            <li key={terminal.id}>
              <code>{terminal.id}</code> ({terminal.name}), password from <code>SEQR_TERMINAL_PASSWORD</code>
            </li>
          ))}
        </ul>
        <h3>External Services</h3>
        <table aria-label="External Services">
          <tbody>
            {services.map((service) => (
              <tr key={service.id}>
                <td>
                  <code>{service.id}</code>
                </td>
                <td>
                  Order <code>{service.orderUrl}</code>
                  <br />
                  Success <code>{service.successUrl}</code>
                  <br />
                  Failure <code>{service.failureUrl}</code>
                  <br />
                  Cancel <code>{service.cancelUrl}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Test subscribers</h3>
        <table aria-label="Test subscribers">
          <tbody>
            {subscribers.map((subscriber) => (
              <tr key={subscriber.msisdn}>
                <td>{subscriber.name}</td>
                <td>{subscriber.msisdn}</td>
                <td>
                  <code>{subscriber.subscriberKey}</code>
                </td>
                <td>{formatMoney({ amountMinor: subscriber.balanceMinor, currency: subscriber.currency })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h2>Start over</h2>
        <ActionForm action={resetAction} className="inline-form" doneMessage="Everything forgotten.">
          <button type="submit">Reset the sandbox</button>
        </ActionForm>
      </section>
    </main>
  );
}
