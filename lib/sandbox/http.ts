import type { z } from "zod";

import { env } from "../env.ts";
import { AppError, errorResponse, problem } from "../errors.ts";
import { ensureSandboxRegistry } from "./registry.ts";

// Shared by every /sandbox route handler: the sandbox exists only in sandbox mode, and its JSON API validates
// every body with zod.

export function isSandboxEnabled(): boolean {
  return env.seqr.mode === "sandbox";
}

type RouteContext<P> = { params: Promise<P> };

/** Wraps a /sandbox route handler: 404 in live mode, registry ready, errors as JSON problems. */
export function sandboxRoute<P = Record<string, never>>(
  handler: (request: Request, params: P) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    if (!isSandboxEnabled()) return problem(404, "NOT_FOUND", "Not found.");
    try {
      await ensureSandboxRegistry();
      return await handler(request, await context.params);
    } catch (error) {
      return errorResponse(error, { route: new URL(request.url).pathname });
    }
  };
}

/** The request's JSON body, validated; a clear 400 that names the field when it is not what the route takes. */
export async function readJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  let body: unknown;
  try {
    const raw = await request.text();
    body = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    throw new AppError("INVALID_JSON", 400, "The body must be JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
    throw new AppError("INVALID_INPUT", 400, issues.join("; "));
  }
  return parsed.data;
}
