// SEQR for the benchmark: the sandbox's own SOAP handler (lib/sandbox/soap-server.ts) served on a loopback port
// of its own, every answer SANDBOX_ANSWER_DELAY_MS (50) late, as tests/bench/reconciler-processes.ts plays SEQR
// (issue 18: "the sandbox answering in 50 ms"). A process of its own, so that its work is neither the shop's nor
// the load generator's. Run by tests/bench/run.ts (`node --import tsx`), on the shop's database; it prints
// `{"ready":{"url":…}}` once it listens.
//
//   POST /sandbox/soap        SEQR's SOAP endpoint (SEQR_SOAP_URL of the shop and of the bare server)
//   GET  /bench/calls         {"getPaymentStatus": n, …}: the calls answered since the last GET, by operation

import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

import { getRequestListener } from "@hono/node-server";

const ANSWER_DELAY_MS = Number(process.env.SANDBOX_ANSWER_DELAY_MS ?? 50);

const { handleSoapRequest } = await import("../../../lib/sandbox/soap-server.ts");
const { ensureSandboxRegistry } = await import("../../../lib/sandbox/registry.ts");

await ensureSandboxRegistry();

let calls: Record<string, number> = {};
/** The first element inside the SOAP Body: the operation. */
function operationOf(body: string): string {
  const afterBody = body.split(/<(?:[\w-]+:)?Body[^>]*>/)[1] ?? "";
  return /<(?:[\w-]+:)?([A-Za-z]\w*)/.exec(afterBody)?.[1] ?? "unknown";
}

const server = http.createServer(
  getRequestListener(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/bench/calls") {
      const answer = Response.json(calls);
      calls = {};
      return answer;
    }
    if (pathname !== "/sandbox/soap") return new Response("not found", { status: 404 });
    const body = await request.text();
    await sleep(ANSWER_DELAY_MS);
    const response = await handleSoapRequest(new Request(request.url, { method: "POST", headers: request.headers, body }));
    const operation = operationOf(body);
    calls[operation] = (calls[operation] ?? 0) + 1;
    return response;
  }),
);
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(Number(process.env.BENCH_SANDBOX_PORT ?? 0), "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ ready: { url: `http://127.0.0.1:${port}/sandbox/soap`, answerDelayMs: ANSWER_DELAY_MS } })}\n`);

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
