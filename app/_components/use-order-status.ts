"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

// No validation library in this file: it runs on the pages the SEQR app opens, where every kilobyte of JavaScript
// is paid for on a phone's connection. The one field the poller reads is checked by hand (statusOf); the server
// validates everything it is sent.

const POLL_INTERVAL_MS = 1_000;
/** A 429's Retry-After is honoured up to this long, then the poller asks again anyway. */
const MAX_BACKOFF_MS = 60_000;

/** The `status` of GET /api/orders/<id>/status's JSON answer, or null for anything else. */
export function statusOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("status" in body)) return null;
  return typeof body.status === "string" ? body.status : null;
}

/**
 * Follows an order's status by asking GET /api/orders/<id>/status about once a second while `active`. Network
 * hiccups are ignored: the next tick asks again. When the shop answers 429, the next tick waits its Retry-After.
 */
export function useOrderStatus(clientInvoiceId: string | null, initial: string | null, active: boolean): string | null {
  // What the poller saw, and for which initial status: a new initial status (the server re-rendered) wins.
  const [polled, setPolled] = useState<{ from: string | null; status: string } | null>(null);
  useEffect(() => {
    if (!clientInvoiceId || !active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let nextInMs = POLL_INTERVAL_MS;
      try {
        const response = await fetch(`/api/orders/${encodeURIComponent(clientInvoiceId)}/status`, { cache: "no-store" });
        if (response.status === 429) nextInMs = retryAfterMs(response.headers.get("Retry-After"));
        const status = statusOf(response.ok ? await response.json() : null);
        if (!stopped && status !== null) setPolled({ from: initial, status });
      } catch {
        // Offline for a moment: try again on the next tick.
      }
      if (!stopped) timer = setTimeout(() => void tick(), nextInMs);
    };
    timer = setTimeout(() => void tick(), POLL_INTERVAL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [clientInvoiceId, active, initial]);
  return polled && polled.from === initial ? polled.status : initial;
}

/** Retry-After in seconds (the shop's form), bounded; anything unreadable means the usual interval. */
export function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  if (!header || !Number.isFinite(seconds) || seconds <= 0) return POLL_INTERVAL_MS;
  return Math.min(Math.max(seconds * 1_000, POLL_INTERVAL_MS), MAX_BACKOFF_MS);
}

export type Fragment = { token: string; invoiceReference?: string };

function subscribeToHash(onChange: () => void) {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/**
 * The URL fragment as the SEQR app opened the page: undefined while rendering on the server (the fragment never
 * reaches it), null when there is none, otherwise the TOKEN (and on the Success URL the invoice reference).
 */
export function useFragment(withReference: boolean): Fragment | null | undefined {
  const hash = useSyncExternalStore(subscribeToHash, () => window.location.hash, () => undefined);
  return hash === undefined ? undefined : parseFragment(hash, withReference);
}

/** `#TOKEN`, or `#TOKEN_<invoiceReference>` on the Success URL (CONTRACT.md, step 8). */
export function parseFragment(rawHash: string, withReference: boolean): Fragment | null {
  let hash: string;
  try {
    hash = decodeURIComponent(rawHash.replace(/^#/, "")).trim();
  } catch {
    return null;
  }
  if (!hash) return null;
  if (!withReference) return { token: hash };
  const match = /^(.+)_(\d{1,32})$/.exec(hash);
  return match ? { token: match[1] ?? "", invoiceReference: match[2] } : { token: hash };
}
