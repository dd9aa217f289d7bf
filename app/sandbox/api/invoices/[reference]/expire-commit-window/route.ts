import { sandboxRoute } from "@/lib/sandbox/http";
import { expireCommitWindow } from "@/lib/sandbox/invoices";
import { describeInvoice } from "@/lib/sandbox/views";

// POST /sandbox/api/invoices/<reference>/expire-commit-window – end the commit window now: an unconfirmed payment is reversed.
export const POST = sandboxRoute<{ reference: string }>(async (_request, { reference }) => {
  await expireCommitWindow(reference);
  return Response.json(await describeInvoice(reference));
});
