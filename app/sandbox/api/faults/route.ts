import { armFault, clearFaults, faultInput, listArmedFaults } from "@/lib/sandbox/faults";
import { readJson, sandboxRoute } from "@/lib/sandbox/http";

// GET /sandbox/api/faults – the faults armed and how many uses each has left.
export const GET = sandboxRoute(async () => Response.json({ faults: await listArmedFaults() }));

// POST /sandbox/api/faults – arm a fault, e.g. {"kind": "drop-notifications", "count": 1}.
export const POST = sandboxRoute(async (request) => {
  const fault = await armFault(await readJson(request, faultInput));
  return Response.json({ fault }, { status: 201 });
});

// DELETE /sandbox/api/faults – disarm every fault.
export const DELETE = sandboxRoute(async () => Response.json({ cleared: await clearFaults() }));
