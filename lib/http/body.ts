import { AppError } from "../errors.ts";

// Every body the shop reads (a request to one of its route handlers, SEQR's SOAP answer) is read here, as a
// stream, with a hard cap: reading stops at the first byte past it, whatever the framing. Content-Length is only
// a shortcut to refuse early; a chunked body (no Content-Length) or one longer than it claims is cut off just the
// same, so that one request can never make the shop buffer more than the cap.

export class BodyTooLargeError extends AppError {
  constructor(readonly maxBytes: number) {
    super("TOO_LARGE", 413, `The request body is too large (at most ${maxBytes} bytes).`);
  }
}

/** Requests and responses whose body was read to its end, so that their connection can be kept. */
const readToTheEnd = new WeakSet<Request | Response>();

/**
 * The body as bytes, at most `maxBytes` of them: a BodyTooLargeError as soon as more arrive (or when
 * Content-Length says more will), the stream cancelled so that nothing more is read. No body reads as empty.
 */
export async function readBodyCapped(message: Request | Response, maxBytes: number): Promise<Uint8Array> {
  const declared = message.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    throw new BodyTooLargeError(maxBytes);
  }
  if (!message.body) {
    readToTheEnd.add(message);
    return new Uint8Array(0);
  }
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      // Not awaited: a peer that stops sending must not hold the answer up.
      reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  readToTheEnd.add(message);
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The body as UTF-8 text (invalid sequences replaced), at most `maxBytes` bytes of it. */
export async function readTextCapped(message: Request | Response, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyCapped(message, maxBytes));
}

/**
 * The answer to a request whose body may still be on its way (refused before reading it, or cut off at the cap):
 * `Connection: close`, so that the server closes the connection after answering instead of reading (and throwing
 * away) the rest of the body to keep the connection alive. A body read to its end, or an empty one, keeps it.
 */
export function closeIfBodyUnread(request: Request, response: Response): Response {
  if (!request.body || request.headers.get("content-length")?.trim() === "0" || readToTheEnd.has(request)) return response;
  try {
    response.headers.set("Connection", "close");
    return response;
  } catch {
    // A response with immutable headers (Response.redirect): a copy that can carry the header.
    const copy = new Response(response.body, response);
    copy.headers.set("Connection", "close");
    return copy;
  }
}
