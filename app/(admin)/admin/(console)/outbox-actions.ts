"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { adminAction } from "@/lib/admin/guard";
import { resendOutboxMessage } from "@/lib/outbox/resend";

/** *Send again* on a message the outbox worker gave up on: back to the worker, its tries counted from zero. */
export const resendMessageAction = adminAction(z.object({ messageId: z.string().min(1).max(40) }), async ({ messageId }, admin) => {
  const { message, clientInvoiceId } = await resendOutboxMessage(messageId, admin);
  revalidatePath("/admin");
  revalidatePath(`/admin/orders/${clientInvoiceId}`);
  return { message };
});
