"use client";

import Link from "next/link";

// Shown when a page fails on the server. The details stay in the server's log; the shopper gets a way on.
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="site-main">
      <section className="empty-state" role="alert">
        <h1>Something went wrong on our side</h1>
        <p>Please try again in a moment.</p>
        <p>
          <button type="button" onClick={reset}>
            Try again
          </button>{" "}
          or <Link href="/">go back to the shop</Link>.
        </p>
      </section>
    </main>
  );
}
