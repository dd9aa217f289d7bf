"use client";

import { useActionState, useEffect, useRef } from "react";

import type { ActionResult } from "@/lib/validated-action";

function nextUrl(result: ActionResult<unknown>): string | null {
  if (!result?.ok || !result.data || typeof result.data !== "object" || !("open" in result.data)) return null;
  return typeof result.data.open === "string" ? result.data.open : null;
}

type Props<T> = {
  action: (previous: ActionResult<T>, formData: FormData) => Promise<ActionResult<T>>;
  children: React.ReactNode;
  className?: string;
  /** Submit once as soon as the page shows (the app "scanning" the code it was opened with). */
  autoSubmit?: boolean;
  /** What to say when it worked; nothing when the action navigates. */
  doneMessage?: string;
  "aria-label"?: string;
};

/**
 * A form bound to a sandbox Server Action: shows its error or its result, and when the action answers
 * `{ open: url }` goes there, as the SEQR app opens the next page.
 */
export function ActionForm<T>({ action, children, className, autoSubmit, doneMessage, ...rest }: Props<T>) {
  const [state, formAction, pending] = useActionState(async (previous: ActionResult<T>, formData: FormData) => {
    const result = await action(previous, formData);
    // Navigate here rather than after the next render: an action that changes cookies re-renders the page,
    // which may no longer contain this form.
    const open = nextUrl(result);
    if (open) window.location.assign(open);
    return result;
  }, null);
  const form = useRef<HTMLFormElement>(null);
  const submitted = useRef(false);

  useEffect(() => {
    if (autoSubmit && !submitted.current) {
      submitted.current = true;
      form.current?.requestSubmit();
    }
  }, [autoSubmit]);

  const open = nextUrl(state);

  return (
    <form ref={form} action={formAction} className={className} aria-busy={pending} aria-label={rest["aria-label"]}>
      {children}
      <p className="form-status" role="status" aria-live="polite">
        {pending ? "Working…" : state?.ok === false ? <span className="form-error">{state.error}</span> : state?.ok && !open ? doneMessage : null}
      </p>
    </form>
  );
}
