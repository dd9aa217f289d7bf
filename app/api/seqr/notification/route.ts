// POST /api/seqr/notification – SEQR says "something changed"; we never believe it, we ask (lib/orders/notifications.ts).
import { errorResponse } from "@/lib/errors";
import { closeIfBodyUnread, readTextCapped } from "@/lib/http/body";
import { clientAddress } from "@/lib/http/client-address";
import { withNotificationRateLimit } from "@/lib/http/rate-limit";
import { MAX_NOTIFICATION_BYTES, receiveNotification } from "@/lib/orders/notifications";

export async function POST(request: Request) {
  let response: Response;
  try {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    // The body is read only after the URL's signature checks out, as a stream cut off at 4 KiB (SEQR's form has
    // four short fields): a stranger's POST costs no more than its first 4 KiB, whatever its framing. Replays are
    // refused (429) before the body is read; SEQR's own notification never is (lib/http/rate-limit.ts).
    await withNotificationRateLimit(query, clientAddress(request), () =>
      receiveNotification(query, () => readTextCapped(request, MAX_NOTIFICATION_BYTES), clientAddress(request)),
    );
    // SEQR ignores the answer; 200 tells a person reading SEQR's logs that we took it.
    response = new Response(null, { status: 200 });
  } catch (error) {
    response = errorResponse(error, { route: "seqr-notification" });
  }
  return closeIfBodyUnread(request, response);
}
