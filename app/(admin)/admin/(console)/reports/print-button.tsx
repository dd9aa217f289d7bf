"use client";

/** Opens the browser's print dialog (Ctrl+P does the same): the report prints without the admin's header and forms. */
export function PrintButton() {
  return (
    <button type="button" className="button secondary" onClick={() => window.print()}>
      Print
    </button>
  );
}
