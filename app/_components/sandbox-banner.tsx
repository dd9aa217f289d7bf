import { connection } from "next/server";

import { env } from "@/lib/env";

import "./sandbox-banner.css";

/**
 * On every page of a shop whose SEQR is the built-in sandbox, so that nobody mistakes it for a shop taking real
 * money: least of all a production server that runs the sandbox on purpose (SEQR_MODE=sandbox). Read per request:
 * a page `next build` prerendered would otherwise carry the build machine's mode.
 */
export async function SandboxBanner() {
  await connection();
  if (env.seqr.mode !== "sandbox") return null;
  return (
    // A landmark of its own: it sits above the shop's header, and nothing on a page may be outside every landmark,
    // where a screen reader moving by landmarks would never meet it.
    <aside className="sandbox-banner" aria-label="Sandbox mode" data-testid="sandbox-banner">
      Sandbox: no real payments
    </aside>
  );
}
