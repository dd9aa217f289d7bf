import Link from "next/link";

/** What a shopper reads on a page that does not exist: an unknown address, product or order. */
export function NotFoundMessage() {
  return (
    <section className="empty-state">
      <h1>We couldn&apos;t find that page</h1>
      <p>The link may be old, or the product may no longer be sold.</p>
      <p>
        <Link href="/">Back to the shop</Link>
      </p>
    </section>
  );
}
