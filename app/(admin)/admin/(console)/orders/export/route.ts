// GET /admin/orders/export – the orders list's current filter as a CSV file (signed-in merchant only).
import { adminSignInRedirect, requireAdminRequest } from "@/lib/admin/guard";
import { ordersCsv, parseOrderFilter } from "@/lib/admin/order-list";
import { shopDate } from "@/lib/admin/periods";
import { errorResponse, problem } from "@/lib/errors";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    if (!(await requireAdminRequest(request))) return adminSignInRedirect(request);
    const parsed = parseOrderFilter(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return problem(400, "INVALID_FILTER", `${issue?.path.join(".")} ${issue?.message}`);
    }
    const csv = await ordersCsv(parsed.data);
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="orders-${shopDate(new Date())}.csv"`,
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    return errorResponse(error, { route: "admin-orders-export" });
  }
}
