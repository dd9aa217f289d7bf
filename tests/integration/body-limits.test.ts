import "./support/shop-address";

import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { db } from "@/lib/db";
import { SeqrError } from "@/lib/seqr/errors";
import { newClientInvoiceId } from "@/lib/orders/ids";
import { signOrderId } from "@/lib/orders/notification-url";
import { requestPayment } from "@/lib/orders/request-payment";
import { testSeqrClient } from "@/tests/support/seqr-client";

import { shopBaseUrl, shopHttpServer } from "./support/shop-address";
import { orderFor, serveShopForThisFile, shopSnapshot } from "./support/shop-flow";

// Bodies are read as streams with a hard cap, whatever their framing (lib/http/body.ts): a chunked POST with no
// Content-Length is cut off at the cap (4 KiB for SEQR's notification, 64 KiB for the sandbox's JSON API, 1 MB for
// its SOAP endpoint), and the notification's body is not read at all before the URL's signature checks out. The
// server's side of the socket says how much was read; before this, `request.text()` read all 50 MiB.

const shop = serveShopForThisFile();

const MiB = 1024 * 1024;

/** Every socket the shop's server accepted, to read how many bytes it took off the wire. */
const serverSockets: Socket[] = [];
beforeAll(() => {
  shopHttpServer.on("connection", (socket: Socket) => serverSockets.push(socket));
});

type HugeUpload = { status: number | null; body: string; connection: string | null; serverRead: number; clientSent: number };

/**
 * POSTs `totalBytes` of filler in 64 KiB chunks with Transfer-Encoding: chunked (no Content-Length), as fast as the
 * connection takes them, and stops sending when the answer comes. Returns the answer and how many bytes the
 * server's socket read.
 */
async function hugeChunkedPost(url: string, totalBytes = 50 * MiB, contentType = "application/x-www-form-urlencoded"): Promise<HugeUpload> {
  const before = serverSockets.length;
  const target = new URL(url);
  const outcome = await new Promise<Omit<HugeUpload, "serverRead">>((resolve, reject) => {
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
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => (body += part));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? null, body, connection: response.headers.connection ?? null, clientSent: sent });
        request.destroy();
      });
    });
    // Writing into a connection the server closed after answering fails: the answer is what counts.
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < totalBytes) {
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
  // The server's socket for this request (one connection, agent: false), once it has settled.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const sockets = serverSockets.slice(before);
  return { ...outcome, serverRead: sockets.reduce((sum, socket) => sum + socket.bytesRead, 0) };
}

function notificationUrl(clientInvoiceId: string, sig = signOrderId(clientInvoiceId)): string {
  return `${shopBaseUrl}/api/seqr/notification?${new URLSearchParams({ order: clientInvoiceId, sig }).toString()}`;
}

describe("the notification route", () => {
  test("a chunked 50 MiB POST with a bad signature is refused (403) before a byte of its body is read", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await requestPayment(order.id);
    const before = await shopSnapshot();

    const answer = await hugeChunkedPost(notificationUrl(order.clientInvoiceId, signOrderId(newClientInvoiceId())));

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: "BAD_SIGNATURE", message: expect.any(String) } });
    // The connection is closed rather than drained for keep-alive.
    expect(answer.connection).toBe("close");
    // Headers and whatever arrived with them: far from the 50 MiB sent at it.
    expect(answer.serverRead).toBeLessThan(1 * MiB);
    expect(await shopSnapshot()).toEqual(before);
  });

  test("a chunked 50 MiB POST with a good signature: 413 once 4 KiB have come, the rest never read", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    await requestPayment(order.id);
    const before = await shopSnapshot();

    const answer = await hugeChunkedPost(notificationUrl(order.clientInvoiceId));

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: "TOO_LARGE", message: expect.any(String) } });
    expect(answer.connection).toBe("close");
    expect(answer.serverRead).toBeLessThan(1 * MiB);
    expect(await shopSnapshot()).toEqual(before);
    expect(await db.paymentEvent.count({ where: { orderId: order.id, type: "NOTIFICATION_RECEIVED" } })).toBe(0);
  });

  test("a Content-Length over 4 KiB is refused without waiting for the body", async () => {
    const { order } = await orderFor("LINGON-JAM-400");
    const target = new URL(notificationUrl(order.clientInvoiceId));
    // Claims 50 MiB and sends only the headers: an answer that waited for the body would never come.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.request({
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(50 * MiB) },
        agent: false,
      });
      request.on("response", (response) => {
        resolve(response.statusCode);
        response.resume();
        request.destroy();
      });
      request.on("error", reject);
      request.flushHeaders();
    });
    expect(status).toBe(413);
  });
});

describe("the sandbox's endpoints", () => {
  test("SOAP: a chunked 50 MiB POST gets a 413 SOAP fault after about 1 MB, the rest never read", async () => {
    const answer = await hugeChunkedPost(shop.server.soapUrl, 50 * MiB, "text/xml; charset=utf-8");

    expect(answer.status).toBe(413);
    expect(answer.body).toContain("<faultstring>Request too large</faultstring>");
    expect(answer.connection).toBe("close");
    expect(answer.serverRead).toBeLessThan(3 * MiB);
  });

  test("JSON API: a chunked 50 MiB POST gets a 413 after 64 KiB, nothing armed, the rest never read", async () => {
    const faultsBefore = await db.sandboxFault.count();

    const answer = await hugeChunkedPost(`${shop.server.url}/sandbox/api/faults`, 50 * MiB, "application/json");

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: "TOO_LARGE", message: expect.any(String) } });
    expect(answer.connection).toBe("close");
    expect(answer.serverRead).toBeLessThan(1 * MiB);
    expect(await db.sandboxFault.count()).toBe(faultsBefore);
  });

  test("JSON API: a body within the cap is read as before", async () => {
    const armed = await shop.server.api("POST", "/faults", { kind: "drop-notifications", count: 1 });
    expect(armed.status).toBeLessThan(300);
    await shop.sandbox.clearFaults();
  });
});

describe("the SEQR client reads SEQR's answer with a cap of 1 MiB", () => {
  let fake: http.Server;
  let fakeUrl = "";
  /** Bytes the fake SEQR managed to write of its answer before the client stopped reading. */
  let written = 0;
  let answerBytes = 0;

  beforeAll(async () => {
    fake = http.createServer((request, response) => {
      request.resume();
      written = 0;
      response.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
      const head = '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><!--';
      response.write(head);
      written += head.length;
      const chunk = Buffer.alloc(64 * 1024, "x");
      const pump = () => {
        while (written < answerBytes) {
          written += chunk.length;
          if (!response.write(chunk)) {
            response.once("drain", pump);
            return;
          }
        }
        response.end("--></soap:Body></soap:Envelope>");
      };
      response.on("close", () => response.removeAllListeners("drain"));
      pump();
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/soap`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        fake.closeAllConnections();
        fake.close(() => resolve());
      }),
  );

  test("an answer of 2 MiB: a protocol SeqrError (not retried, not a network error)", async () => {
    answerBytes = 2 * MiB;
    const seqr = testSeqrClient(fakeUrl);

    const error = await seqr.getPaymentStatus("1234567890123").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SeqrError);
    expect(error).toMatchObject({ kind: "protocol", transient: false, resultName: "INVALID_RESPONSE" });
    expect((error as SeqrError).message).toContain("larger than");
  });

  test("an answer without end (1 GiB): refused once 1 MiB has come, without reading the rest", async () => {
    answerBytes = 1024 * MiB;
    const seqr = testSeqrClient(fakeUrl, { timeoutMs: 20_000, readTimeoutMs: 20_000 });
    const started = performance.now();

    const error = await seqr.getPaymentStatus("1234567890123").catch((caught: unknown) => caught);

    expect(error).toMatchObject({ kind: "protocol" });
    // The fake got a few MiB into the socket's buffers at most, not the gigabyte it had to send.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(written).toBeLessThan(16 * MiB);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
