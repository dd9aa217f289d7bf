import { log } from "./log.ts";

/** What went wrong, in words for the person who reads the response, plus a stable code for programs. */
export class AppError extends Error {
  override readonly name = "AppError";
  /** For a refusal that ends by itself (RATE_LIMITED): whole seconds to wait, sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export type ProblemBody = { error: { code: string; message: string } };

/** A JSON error response. Never carries a stack trace or an internal message. */
export function problem(status: number, code: string, message: string, headers?: HeadersInit): Response {
  const body: ProblemBody = { error: { code, message } };
  return Response.json(body, { status, headers });
}

/**
 * Turns anything thrown in a route handler into a response: an AppError keeps its status and message; anything
 * else is logged with its stack and answered with a plain 500.
 */
export function errorResponse(error: unknown, context: Record<string, unknown> = {}): Response {
  if (error instanceof AppError) {
    if (error.status >= 500) log.error({ err: error, code: error.code, ...context }, error.message);
    const headers = error.retryAfterSeconds === undefined ? undefined : { "Retry-After": String(error.retryAfterSeconds) };
    return problem(error.status, error.code, error.message, headers);
  }
  log.error({ err: error, ...context }, "unexpected error");
  return problem(500, "INTERNAL_ERROR", "Something went wrong on our side. Please try again.");
}
