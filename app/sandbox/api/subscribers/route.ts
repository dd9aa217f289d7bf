import { listSubscribers } from "@/lib/sandbox/app-flow";
import { sandboxRoute } from "@/lib/sandbox/http";

// GET /sandbox/api/subscribers – the test subscribers with their balances.
export const GET = sandboxRoute(async () => Response.json({ subscribers: await listSubscribers() }));
