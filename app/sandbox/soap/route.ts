import { problem } from "@/lib/errors";
import { sandboxRoute } from "@/lib/sandbox/http";
import { handleSoapRequest } from "@/lib/sandbox/soap-server";
import { sandboxWsdl } from "@/lib/sandbox/wsdl";

// POST /sandbox/soap – the sandbox's SEQR SOAP endpoint (every operation the shop's client has).
export const POST = sandboxRoute(async (request) => handleSoapRequest(request));

// GET /sandbox/soap?wsdl – the WSDL of what the endpoint implements.
export const GET = sandboxRoute(async (request) => {
  const url = new URL(request.url);
  if (!url.searchParams.has("wsdl")) return problem(404, "NOT_FOUND", "Add ?wsdl to read the WSDL.");
  return new Response(sandboxWsdl(`${url.origin}${url.pathname}`), {
    headers: { "Content-Type": "text/xml; charset=utf-8" },
  });
});
