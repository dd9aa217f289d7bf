// GET /api/orders/[clientInvoiceId]/status – the order's status for the checkout page's poller; nothing else.
import { errorResponse, problem } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { readOrderStatus } from "@/lib/orders/order-status";
import { clientInvoiceIdSchema } from "@/lib/orders/schemas";

const notFound = () => problem(404, "ORDER_NOT_FOUND", "There is no such order.");

export async function GET(request: Request, context: { params: Promise<{ clientInvoiceId: string }> }) {
  try {
    // What cannot be an order id is answered before anything is counted or read.
    const id = clientInvoiceIdSchema.safeParse((await context.params).clientInvoiceId);
    if (!id.success) return notFound();
    // A read may ask SEQR: limited per address (lib/http/rate-limit.ts).
    await enforceRateLimit("orderStatus", clientAddress(request));
    const status = await readOrderStatus(id.data);
    if (!status) return notFound();
    return Response.json({ status }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error, { route: "order-status" });
  }
}
