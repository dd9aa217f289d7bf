// POST /api/seqr/notification – SEQR says "something changed"; we never believe it, we ask (lib/orders/notifications.ts).
import { errorResponse, problem } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { MAX_NOTIFICATION_BYTES, receiveNotification } from "@/lib/orders/notifications";

export async function POST(request: Request) {
  // SEQR's form has four short fields: refuse a large body before reading it.
  if (Number(request.headers.get("content-length") ?? 0) > MAX_NOTIFICATION_BYTES) {
    return problem(413, "TOO_LARGE", "The notification is too large.");
  }
  try {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    await receiveNotification(query, await request.text(), clientAddress(request));
    // SEQR ignores the answer; 200 tells a person reading SEQR's logs that we took it.
    return new Response(null, { status: 200 });
  } catch (error) {
    return errorResponse(error, { route: "seqr-notification" });
  }
}
