// Runs once when a server process starts (Next.js instrumentation), before it serves any request.
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself for each runtime it compiles for; it is not a setting of ours.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Validate every setting now: a bad one stops the server with one line naming it (lib/env.ts), instead of
    // failing on some shopper's first request.
    const { env } = await import("./lib/env.ts");
    // The reconciler confirms payments whose notification never came (lib/orders/reconciler.ts). Several
    // processes may run it: they share the work through leases.
    if (env.reconciler.inProcess) {
      const { startReconciler } = await import("./lib/orders/reconciler.ts");
      startReconciler();
    }
  }
}
