import Link from "next/link";

import { OWNER_ONLY_PAGE_MESSAGE } from "@/lib/admin/guard";

/** What a staff member sees instead of a page only owners may open (requireOwnerPage): no data, a way back. */
export function OwnerOnly() {
  return (
    <section className="admin-card" aria-labelledby="owner-only-heading" data-testid="owner-only">
      <h1 id="owner-only-heading">{OWNER_ONLY_PAGE_MESSAGE}</h1>
      <p>Your account is a staff account. Ask an owner if you need something done here.</p>
      <p>
        <Link href="/admin">Back to the dashboard</Link>
      </p>
    </section>
  );
}
