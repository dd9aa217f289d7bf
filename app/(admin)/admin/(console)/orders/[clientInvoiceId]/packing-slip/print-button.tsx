"use client";

/** Opens the browser's print dialog (Ctrl+P does the same). */
export function PrintButton() {
  return (
    <button type="button" className="button primary" onClick={() => window.print()}>
      Print
    </button>
  );
}
