import { problem } from "@/lib/errors";
import { sandboxRoute } from "@/lib/sandbox/http";
import { notifyMerchant } from "@/lib/sandbox/notifier";
import { describeInvoice } from "@/lib/sandbox/views";

// POST /sandbox/api/invoices/<reference>/forge-notification – send the merchant a notification for an unpaid invoice.
export const POST = sandboxRoute<{ reference: string }>(async (_request, { reference }) => {
  const invoice = await describeInvoice(reference);
  if (!invoice) return problem(404, "UNKNOWN_INVOICE", `There is no invoice ${reference}.`);
  if (!invoice.notificationUrl) return problem(409, "NO_NOTIFICATION_URL", "The invoice has no notificationUrl.");
  if (invoice.status === "PAID") return problem(409, "INVOICE_PAID", "The invoice is paid: that would not be a forgery.");
  await notifyMerchant(reference, { forged: true });
  return Response.json(await describeInvoice(reference));
});
