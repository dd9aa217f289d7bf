import { problem } from "@/lib/errors";
import { sandboxRoute } from "@/lib/sandbox/http";
import { expireCommitWindow } from "@/lib/sandbox/invoices";
import { describeInvoice } from "@/lib/sandbox/views";

// POST /sandbox/api/invoices/<reference>/expire-commit-window – end the commit window now: an unconfirmed payment is reversed.
export const POST = sandboxRoute<{ reference: string }>(async (_request, { reference }) => {
  const expired = await expireCommitWindow(reference);
  if (!expired) {
    return problem(409, "NOT_AWAITING_COMMIT", "Only a PAID invoice that nobody has confirmed yet has a commit window.");
  }
  return Response.json(await describeInvoice(reference));
});
