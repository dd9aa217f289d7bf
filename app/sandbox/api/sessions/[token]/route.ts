import { z } from "zod";

import { problem } from "@/lib/errors";
import { readJson, sandboxRoute } from "@/lib/sandbox/http";
import { expireSession, setSessionStatus } from "@/lib/sandbox/sessions";

const sessionInput = z.object({
  /** expire → 60, cancel → 61, start-payment → 62, reopen → answers again. */
  action: z.enum(["expire", "cancel", "start-payment", "reopen"]),
});

// POST /sandbox/api/sessions/<token> – put an External Service session in a state, to test getClientSessionInfo's 60-62.
export const POST = sandboxRoute<{ token: string }>(async (request, { token }) => {
  const { action } = await readJson(request, sessionInput);
  const changed =
    action === "expire"
      ? await expireSession(token)
      : await setSessionStatus(token, action === "cancel" ? "CANCELED" : action === "start-payment" ? "IN_PROGRESS" : "ACTIVE");
  return changed ? Response.json({ token, action }) : problem(404, "UNKNOWN_SESSION", "There is no such session.");
});
