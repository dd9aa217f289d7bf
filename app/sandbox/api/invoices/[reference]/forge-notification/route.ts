import { sandboxRoute } from "@/lib/sandbox/http";
import { forgeNotification } from "@/lib/sandbox/notifier";
import { describeInvoice } from "@/lib/sandbox/views";

// POST /sandbox/api/invoices/<reference>/forge-notification – send the merchant a notification for an unpaid invoice.
export const POST = sandboxRoute<{ reference: string }>(async (_request, { reference }) => {
  await forgeNotification(reference);
  return Response.json(await describeInvoice(reference));
});
