import { problem } from "@/lib/errors";
import { sandboxRoute } from "@/lib/sandbox/http";
import { describeInvoice } from "@/lib/sandbox/views";

// GET /sandbox/api/invoices/<reference> – an invoice as SEQR sees it: status, version, commit, refunds, notifications.
export const GET = sandboxRoute<{ reference: string }>(async (_request, { reference }) => {
  const invoice = await describeInvoice(reference);
  return invoice ? Response.json(invoice) : problem(404, "UNKNOWN_INVOICE", `There is no invoice ${reference}.`);
});
