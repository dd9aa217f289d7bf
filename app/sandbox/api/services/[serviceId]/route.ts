import { z } from "zod";

import { db } from "@/lib/db";
import { readJson, sandboxRoute } from "@/lib/sandbox/http";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const serviceInput = z.object({
  name: z.string().min(1).max(100).optional(),
  orderUrl: httpUrl,
  successUrl: httpUrl,
  failureUrl: httpUrl,
  cancelUrl: httpUrl,
});

// PUT /sandbox/api/services/<serviceId> – register an External Service (or change its four URLs).
export const PUT = sandboxRoute<{ serviceId: string }>(async (request, { serviceId }) => {
  const { name, ...urls } = await readJson(request, serviceInput);
  const service = await db.sandboxService.upsert({
    where: { id: serviceId },
    create: { id: serviceId, name: name ?? serviceId, ...urls },
    update: { ...urls, ...(name ? { name } : {}) },
  });
  return Response.json({ service });
});
