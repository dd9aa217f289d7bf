import { z } from "zod";

import { problem } from "@/lib/errors";
import { cancelInvoiceInApp, declineInvoice, payInvoice } from "@/lib/sandbox/app-flow";
import { readJson, sandboxRoute } from "@/lib/sandbox/http";
import { DEFAULT_SUBSCRIBER_MSISDN } from "@/lib/sandbox/registry";

const deviceInput = z.object({
  msisdn: z.string().regex(/^\d{6,15}$/).default(DEFAULT_SUBSCRIBER_MSISDN),
  sessionToken: z.string().max(64).optional(),
});

// POST /sandbox/api/app/invoices/<reference>/{pay,decline,cancel} – the subscriber's choice in the simulated app.
// Pay answers once the merchant's notification has been sent (or dropped by a fault).
export const POST = sandboxRoute<{ reference: string; action: string }>(async (request, { reference, action }) => {
  const device = await readJson(request, deviceInput);
  switch (action) {
    case "pay": {
      const { open, notification } = await payInvoice(reference, device);
      await notification;
      return Response.json({ open });
    }
    case "decline":
      return Response.json(await declineInvoice(reference, device));
    case "cancel":
      return Response.json(await cancelInvoiceInApp(reference, device));
    default:
      return problem(404, "NOT_FOUND", "The app can pay, decline or cancel an invoice.");
  }
});
