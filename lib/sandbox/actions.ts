import type { z } from "zod";

import { AppError } from "../errors.ts";
import { validatedAction, type ActionResult } from "../validated-action.ts";
import { isSandboxEnabled } from "./http.ts";
import { ensureSandboxRegistry } from "./registry.ts";

/**
 * A Server Action of the sandbox's pages. Server Actions can be called by id from anywhere, so each one checks
 * on its own that the sandbox is on; in live mode they refuse like the /sandbox routes do.
 */
export function sandboxAction<S extends z.ZodType, T>(
  schema: S,
  action: (input: z.output<S>) => Promise<T>,
): (previous: ActionResult<T>, formData: FormData) => Promise<ActionResult<T>> {
  return validatedAction(schema, async (input) => {
    if (!isSandboxEnabled()) throw new AppError("NOT_FOUND", 404, "Not found.");
    await ensureSandboxRegistry();
    return action(input);
  });
}
