import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { isSandboxEnabled } from "@/lib/sandbox/http";

import "./sandbox.css";

export const metadata: Metadata = { title: { default: "SEQR sandbox", template: "%s · SEQR sandbox" } };

export default function SandboxLayout({ children }: { children: React.ReactNode }) {
  if (!isSandboxEnabled()) notFound();
  return (
    <div className="sandbox">
      <header className="sandbox-header">
        <strong>SEQR sandbox</strong>
        <span>Our own SEQR for development and tests: no real money moves.</span>
        <nav>
          <Link href="/sandbox">Control</Link> · <Link href="/sandbox/app">Simulated app</Link> ·{" "}
          <a href="/sandbox/soap?wsdl">WSDL</a> · <Link href="/">Shop</Link>
        </nav>
      </header>
      {children}
    </div>
  );
}
