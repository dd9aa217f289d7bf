// GET /admin/reports/export – the period report (sales, refunds, VAT per rate) as a CSV file (signed-in merchant only).
import { parseReportQuery, periodBooks, periodBooksCsv } from "@/lib/admin/books";
import { adminSignInRedirect, requireAdminRequest } from "@/lib/admin/guard";
import { errorResponse, problem } from "@/lib/errors";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    if (!(await requireAdminRequest(request))) return adminSignInRedirect(request);
    const parsed = parseReportQuery(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return problem(400, "INVALID_PERIOD", `${issue?.path.join(".")} ${issue?.message}`);
    }
    const { period } = parsed.data;
    const csv = periodBooksCsv(period, await periodBooks(period));
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="report-${period.kind}-${period.code}.csv"`,
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    return errorResponse(error, { route: "admin-reports-export" });
  }
}
