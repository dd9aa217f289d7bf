import Link from "next/link";

export default function NotFound() {
  return (
    <main className="site-main">
      <section className="empty-state">
        <h1>We couldn&apos;t find that page</h1>
        <p>The link may be old, or the product may no longer be sold.</p>
        <p>
          <Link href="/">Back to the shop</Link>
        </p>
      </section>
    </main>
  );
}
