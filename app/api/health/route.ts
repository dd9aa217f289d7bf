// GET /api/health – is the shop able to serve? JSON with the database's state; 503 when it is not usable.
import { checkDatabase } from "@/lib/health";

export async function GET() {
  const database = await checkDatabase();
  const ok = database === "ok";
  return Response.json(
    { status: ok ? "ok" : "unavailable", database },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
