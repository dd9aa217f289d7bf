import http from "node:http";

import { expect, test } from "@playwright/test";

// The production server (`next start`) reads no more of a body than the route's cap, whatever its framing: a
// chunked POST of 50 MiB (no Content-Length) is answered long before it has all been sent. The integration tests
// (tests/integration/body-limits.test.ts) measure the handlers themselves; this checks that nothing in front of
// them in Next.js (the proxy, which clones a body it runs for) reads the whole body first.

const MiB = 1024 * 1024;

type Answer = { status: number | undefined; sentBeforeAnswer: number };

/**
 * POSTs 50 MiB in 64 KiB chunks; how much was sent when the answer came. The server answers and closes the
 * connection while the client is still writing: Node's client then sometimes reports the broken pipe (EPIPE,
 * ECONNRESET) before it has parsed the answer that did arrive. Such a try says nothing either way and is made again,
 * a few times at most; every assertion is on a try that got its answer.
 */
async function hugeChunkedPost(baseURL: string, path: string, contentType: string): Promise<Answer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await hugeChunkedPostOnce(baseURL, path, contentType);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt === 8 || (code !== "EPIPE" && code !== "ECONNRESET")) throw error;
      // A loaded machine can cut several tries in a row: a short pause lets the server's answer win the race.
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

async function hugeChunkedPostOnce(baseURL: string, path: string, contentType: string): Promise<Answer> {
  const target = new URL(path, baseURL);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      method: "POST",
      headers: { "Content-Type": contentType, "Transfer-Encoding": "chunked" },
      agent: false,
    });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, "a");
    request.on("response", (response) => {
      answered = true;
      resolve({ status: response.statusCode, sentBeforeAnswer: sent });
      response.resume();
      request.destroy();
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < 50 * MiB) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
      if (!answered) request.end();
    };
    pump();
  });
}

test.describe("bodies past the cap", { tag: "@desktop-only" }, () => {
  test("the notification route: a bad signature is answered before the body is read", async ({ baseURL }) => {
    const answer = await hugeChunkedPost(baseURL ?? "", `/api/seqr/notification?order=AAAAAAAAAAAAAAAAAAAAAA&sig=${"0".repeat(64)}`, "application/x-www-form-urlencoded");
    expect(answer.status).toBe(403);
    // What the sockets' buffers took, not the 50 MiB.
    expect(answer.sentBeforeAnswer).toBeLessThan(16 * MiB);
  });

  test("the sandbox's SOAP endpoint: 413 after about 1 MB", async ({ baseURL }) => {
    const answer = await hugeChunkedPost(baseURL ?? "", "/sandbox/soap", "text/xml; charset=utf-8");
    expect(answer.status).toBe(413);
    expect(answer.sentBeforeAnswer).toBeLessThan(16 * MiB);
  });
});
