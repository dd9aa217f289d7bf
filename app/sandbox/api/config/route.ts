import { getSandboxConfig, sandboxConfigSchema, updateSandboxConfig } from "@/lib/sandbox/config";
import { readJson, sandboxRoute } from "@/lib/sandbox/http";

// GET /sandbox/api/config – the sandbox's timings (commit window, session lifetime, report delay…).
export const GET = sandboxRoute(async () => Response.json(await getSandboxConfig()));

// PUT /sandbox/api/config – change some of them, e.g. {"commitWindowMs": 3000} to test the commit rule quickly.
export const PUT = sandboxRoute(async (request) => {
  const changes = await readJson(request, sandboxConfigSchema.partial().strict());
  return Response.json(await updateSandboxConfig(changes));
});
