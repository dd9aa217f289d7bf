// GET /api/orders/[clientInvoiceId]/status – the order's status for the checkout page's poller; nothing else.
import { errorResponse, problem } from "@/lib/errors";
import { readOrderStatus } from "@/lib/orders/order-status";

export async function GET(_request: Request, context: { params: Promise<{ clientInvoiceId: string }> }) {
  try {
    const status = await readOrderStatus((await context.params).clientInvoiceId);
    if (!status) return problem(404, "ORDER_NOT_FOUND", "There is no such order.");
    return Response.json({ status }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error, { route: "order-status" });
  }
}
