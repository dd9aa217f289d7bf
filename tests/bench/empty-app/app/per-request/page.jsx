import { connection } from "next/server";

// The empty page again, rendered for every request as every page of the shop is (its scripts carry the request's
// CSP nonce): what per-request rendering itself costs, shown beside the catalog rows.
export default async function PerRequestPage() {
  await connection();
  return <main>Empty</main>;
}
