import { sandboxRoute } from "@/lib/sandbox/http";
import { resetSandbox } from "@/lib/sandbox/reset";

// POST /sandbox/api/reset – forget every invoice, session, fault and notification; registry back to settings.
export const POST = sandboxRoute(async () => {
  await resetSandbox();
  return Response.json({ reset: true });
});
