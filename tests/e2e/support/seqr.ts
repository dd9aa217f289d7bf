import http from "node:http";
import type { AddressInfo } from "node:net";

import { testSeqrClient } from "@/tests/support/seqr-client";

// What a merchant's back end does in these tests: the shop's own SEQR client against the running sandbox, and a
// notificationUrl that records what SEQR posts to it.

export function seqrClient(baseUrl: string) {
  return testSeqrClient(`${baseUrl}/sandbox/soap`, { timeoutMs: 10_000 });
}

export type CaughtNotification = { path: string; query: URLSearchParams; form: URLSearchParams; contentType?: string };

export async function startNotificationCatcher() {
  const received: CaughtNotification[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://catcher");
      received.push({
        path: url.pathname,
        query: url.searchParams,
        form: new URLSearchParams(body),
        contentType: request.headers["content-type"],
      });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
