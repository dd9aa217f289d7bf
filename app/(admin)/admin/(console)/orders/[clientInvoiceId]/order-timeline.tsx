import type { AdminOrder } from "@/lib/admin/order-detail";
import { formatShopTime } from "@/lib/admin/periods";

// The order's story (lib/admin/timeline.ts): the steps that matter, each with who and when; then, folded away in a
// native <details> (keyboard and screen readers open it, no JavaScript needed), every event with SEQR's answers,
// status queries, notifications, source addresses and raw values.

function RawDetail({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null;
  const entries = typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [["", value] as const];
  return (
    <dl className="admin-event-detail">
      {entries
        .filter(([, item]) => item !== null && item !== undefined)
        .map(([key, item]) => (
          <div key={key}>
            {key ? <dt>{key}</dt> : null}
            <dd className="mono">{typeof item === "object" ? JSON.stringify(item) : String(item)}</dd>
          </div>
        ))}
    </dl>
  );
}

export function OrderTimeline({ loaded }: { loaded: AdminOrder }) {
  const { order, timeline } = loaded;
  return (
    <section className="admin-card" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">What happened</h2>
      <ol className="admin-steps" aria-label="Timeline">
        {timeline.steps.map((step) => (
          <li key={step.id} data-step={step.kind} className={`tone-${step.tone}`} data-testid="timeline-step">
            <strong className="admin-step-title">{step.title}</strong>
            <span className="admin-step-meta">
              by <span data-testid="step-who">{step.who}</span>
              {step.at ? (
                <>
                  , <time dateTime={step.at.toISOString()}>{formatShopTime(step.at)}</time>
                </>
              ) : null}
            </span>
            {step.note ? <span className="admin-step-note">{step.note}</span> : null}
          </li>
        ))}
      </ol>

      <details className="admin-details">
        <summary>Show details</summary>
        <p className="muted">
          Everything the shop recorded about this order, oldest first: each question to SEQR and its answer, each
          notification and where it came from, and the values as stored.
        </p>
        <dl className="admin-facts">
          <dt>Order id</dt>
          <dd className="mono">{order.clientInvoiceId}</dd>
          <dt>Customer&apos;s SEQR key</dt>
          <dd className="mono">{order.customerSubscriberKey ?? "not known yet"}</dd>
          <dt>Stock taken</dt>
          <dd>{order.fulfilledAt ? formatShopTime(order.fulfilledAt) : "–"}</dd>
        </dl>
        <ol className="admin-timeline" aria-label="Technical log">
          {timeline.log.map((entry) => (
            <li key={entry.id} data-type={entry.type}>
              <div className="admin-timeline-head">
                <time dateTime={entry.at.toISOString()}>{formatShopTime(entry.at)}</time>
                <strong>{entry.what}</strong>
                <span className="muted">by {entry.who}</span>
                {entry.address ? <span className="muted">from {entry.address}</span> : null}
                {entry.change ? <span>{entry.change}</span> : null}
                {entry.seqr ? <span className="muted">{entry.seqr}</span> : null}
              </div>
              <RawDetail value={entry.detail} />
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
