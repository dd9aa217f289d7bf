import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";

import { AppError } from "./errors.ts";
import { enforceActionRateLimit, type RateLimitName } from "./http/rate-limit.ts";
import { log } from "./log.ts";

// Every Server Action goes through here: its form input is validated with zod, and it answers with a result the
// form can show instead of throwing at the person who pressed the button. An action a stranger can call that
// costs a SEQR call or writes rows names its rate limit (lib/http/rate-limit.ts): only input that passed
// validation is counted, and a refusal is the form's message saying how long to wait.

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string } | null;

export function validatedAction<S extends z.ZodType, T>(
  schema: S,
  action: (input: z.output<S>) => Promise<T>,
  options: { rateLimit?: RateLimitName; issueText?: (issue: z.core.$ZodIssue) => string } = {},
): (previous: ActionResult<T>, formData: FormData) => Promise<ActionResult<T>> {
  return async (_previous, formData) => {
    const parsed = schema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // The admin words a refused value itself (lib/admin/wording.ts): the field's label, never its key.
      if (issue && options.issueText) return { ok: false, error: options.issueText(issue) };
      const field = issue?.path.map(String).join(".");
      return { ok: false, error: `${field ? `${field}: ` : ""}${issue?.message ?? "invalid input"}` };
    }
    try {
      if (options.rateLimit) await enforceActionRateLimit(options.rateLimit);
      return { ok: true, data: await action(parsed.data) };
    } catch (error) {
      // redirect() and notFound() work by throwing: they are Next's to handle, not failures.
      unstable_rethrow(error);
      if (error instanceof AppError && error.status < 500) return { ok: false, error: error.message };
      log.error({ err: error }, "server action failed");
      return { ok: false, error: "Something went wrong on our side. Please try again." };
    }
  };
}
