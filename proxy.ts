import { NextResponse } from "next/server";

import { env } from "./lib/env";

// The SEQR sandbox exists only in sandbox mode: in live mode every /sandbox URL is a plain 404, before any page,
// route handler or Server Action of it runs. (Each of those checks again; this is the gate for all of them.)
export function proxy() {
  if (env.seqr.mode === "sandbox") return NextResponse.next();
  return new NextResponse("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export const config = { matcher: ["/sandbox", "/sandbox/:path*"] };
