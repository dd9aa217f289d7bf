import "./legal.css";

// The pages every Swedish web shop must have (contact, terms of purchase, right of withdrawal, privacy and
// cookies): plain text in a readable column, every fact from the merchant's settings (lib/shop/legal.ts).
export default function LegalLayout({ children }: { children: React.ReactNode }) {
  return <article className="legal">{children}</article>;
}
