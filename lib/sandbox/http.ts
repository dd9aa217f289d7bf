import type { z } from "zod";

import { env } from "../env.ts";
import { AppError, errorResponse, problem } from "../errors.ts";
import { closeIfBodyUnread, readTextCapped } from "../http/body.ts";
import { ensureSandboxRegistry } from "./registry.ts";

// Shared by every /sandbox route handler: the sandbox exists only in sandbox mode, and its JSON API validates
// every body with zod.

/** The JSON API's bodies are a few fields each: anything past this is refused (413) without reading further. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

export function isSandboxEnabled(): boolean {
  return env.seqr.mode === "sandbox";
}

type RouteContext<P> = { params: Promise<P> };

/** Wraps a /sandbox route handler: 404 in live mode, registry ready, errors as JSON problems. */
export function sandboxRoute<P = Record<string, never>>(
  handler: (request: Request, params: P) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    let response: Response;
    if (!isSandboxEnabled()) {
      response = problem(404, "NOT_FOUND", "Not found.");
    } else {
      try {
        await ensureSandboxRegistry();
        response = await handler(request, await context.params);
      } catch (error) {
        response = errorResponse(error, { route: new URL(request.url).pathname });
      }
    }
    return closeIfBodyUnread(request, response);
  };
}

/** The request's JSON body, validated; a clear 400 that names the field when it is not what the route takes. */
export async function readJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  // Read before the try: a body past the cap is a 413 (BodyTooLargeError), not "not JSON".
  const raw = await readTextCapped(request, MAX_JSON_BODY_BYTES);
  let body: unknown;
  try {
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
