// POST /api/seqr/notification – SEQR says "something changed"; we never believe it, we ask (lib/orders/notifications.ts).
import { errorResponse } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { receiveNotification } from "@/lib/orders/notifications";

export async function POST(request: Request) {
  try {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    await receiveNotification(query, await request.text(), clientAddress(request));
    // SEQR ignores the answer; 200 tells a person reading SEQR's logs that we took it.
    return new Response(null, { status: 200 });
  } catch (error) {
    return errorResponse(error, { route: "seqr-notification" });
  }
}
