// The floor of the "notification throughput" row (issue 18): a bare node:http server doing what a notification
// handler cannot do without, and nothing else: one database write (the NOTIFICATION_RECEIVED event, through the
// shop's own Prisma client, on the shop's database) and one SOAP call (getPaymentStatus, through the shop's own SEQR
// client, to the same delayed sandbox). No framework, no validation, no signature, no transition. Run by
// tests/bench/run.ts (`node --import tsx`); prints `{"ready":{"url":…}}` once it listens.
//
//   POST /notify?order=<Order.id>&reference=<invoiceReference>   (the body, SEQR's form, is read and ignored)

import http from "node:http";
import type { AddressInfo } from "node:net";

const { db } = await import("../../../lib/db.ts");
const { seqr } = await import("../../../lib/seqr/index.ts");

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    void (async () => {
      try {
        const query = new URL(request.url ?? "/", "http://bench").searchParams;
        const orderId = query.get("order");
        const reference = query.get("reference");
        if (request.method !== "POST" || !orderId || !reference) {
          response.writeHead(400).end();
          return;
        }
        await db.paymentEvent.create({
          data: { orderId, type: "NOTIFICATION_RECEIVED", source: "notification", detail: { invoiceReference: reference } },
        });
        await seqr.getPaymentStatus(reference);
        response.writeHead(200).end();
      } catch (error) {
        process.stderr.write(`bare notification server: ${error instanceof Error ? error.message : String(error)}\n`);
        response.writeHead(500).end();
      }
    })();
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ ready: { url: `http://127.0.0.1:${port}/notify` } })}\n`);

const stop = () => {
  server.closeAllConnections();
  server.close(() => void db.$disconnect().finally(() => process.exit(0)));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
