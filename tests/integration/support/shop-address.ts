import http from "node:http";
import type { AddressInfo } from "node:net";

// Import this FIRST in a test file that runs the shop's own flow (lib/orders): it opens the HTTP server the
// test's shop will answer on and points PUBLIC_BASE_URL at it before lib/env.ts reads settings, so that the
// shop's SEQR client (PUBLIC_BASE_URL/sandbox/soap) and the notificationUrls it signs reach this server.
// shop-server.ts then attaches the routes to it.

const server = http.createServer();
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;

export const shopHttpServer = server;
export const shopBaseUrl = `http://127.0.0.1:${port}`;
process.env.PUBLIC_BASE_URL = shopBaseUrl;
process.env.SEQR_SOAP_URL = "";
