// GET /api/health – is the shop able to serve? JSON with the database's provider and state (and, when migrations
// are missing, how many); 503 when it is not usable. Nothing more: the answer is public.
import { checkDatabase } from "@/lib/health";

export async function GET() {
  const { provider, state, pendingMigrations } = await checkDatabase();
  const ok = state === "ok";
  return Response.json(
    { status: ok ? "ok" : "unavailable", provider, database: state, ...(pendingMigrations === undefined ? {} : { pendingMigrations }) },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
