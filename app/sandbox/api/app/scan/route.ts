import { z } from "zod";

import { scanCode } from "@/lib/sandbox/app-flow";
import { readJson, sandboxRoute } from "@/lib/sandbox/http";
import { DEFAULT_SUBSCRIBER_MSISDN } from "@/lib/sandbox/registry";

const scanInput = z.object({
  url: z.string().min(1).max(2_000),
  msisdn: z.string().regex(/^\d{6,15}$/).default(DEFAULT_SUBSCRIBER_MSISDN),
  sessionToken: z.string().max(64).optional(),
});

// POST /sandbox/api/app/scan – the simulated app scans a SEQR code; answers where the app goes next.
export const POST = sandboxRoute(async (request) => {
  const { url, ...device } = await readJson(request, scanInput);
  return Response.json(await scanCode(url, device));
});
