// Runs once when a server process starts (Next.js instrumentation), before it serves any request.
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself for each runtime it compiles for; it is not a setting of ours.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Validate every setting now: a bad one stops the server with one line naming it (lib/env.ts), instead of
    // failing on some shopper's first request.
    const { env } = await import("./lib/env.ts");
    // Every request is stamped with its client's address from the socket (or the trusted proxies' header) before
    // Next.js sees it: see lib/http/client-address.ts.
    const { installClientAddressStamp } = await import("./lib/http/client-address.ts");
    installClientAddressStamp();
    if (env.sandboxInProduction) {
      // Chosen on purpose (SEQR_MODE=sandbox), but a production server taking no real payments should be noticed.
      const { log } = await import("./lib/log.ts");
      log.warn("SEQR_MODE=sandbox in production: SEQR is the built-in sandbox, no real payments are taken");
    }
    // The reconciler confirms payments whose notification never came (lib/orders/reconciler.ts). Several
    // processes may run it: they share the work through leases.
    if (env.reconciler.inProcess) {
      const { startReconciler } = await import("./lib/orders/reconciler.ts");
      startReconciler();
    }
    // The outbox worker sends the e-mails and SEQR receipts that state changes queued (lib/outbox/worker.ts).
    // Several processes may run it: they share the messages through leases.
    if (env.outbox.inProcess) {
      const { startOutboxWorker } = await import("./lib/outbox/worker.ts");
      startOutboxWorker();
    }
  }
}
