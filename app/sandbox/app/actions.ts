"use server";

import { after } from "next/server";
import { revalidatePath } from "next/cache";
import { z } from "zod";

import { cancelInvoiceInApp, declineInvoice, payInvoice, scanCode } from "@/lib/sandbox/app-flow";
import { sandboxAction } from "@/lib/sandbox/actions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

import { readDevice, rememberSession, rememberSubscriber } from "./device";

/** The app scans (or is handed) a SEQR code. */
export const scanAction = sandboxAction(
  z.object({ url: z.string().trim().min(1, "Paste a SEQR code first.").max(2_000) }),
  async ({ url }) => {
    const step = await scanCode(url, await readDevice());
    if (step.sessionToken !== undefined) await rememberSession(step.sessionToken);
    return { open: step.open };
  },
);

/** Pay, Decline or Cancel on an invoice shown in the app. */
export const invoiceChoiceAction = sandboxAction(
  z.object({ reference: z.string().regex(/^\d{1,32}$/), choice: z.enum(["pay", "decline", "cancel"]) }),
  async ({ reference, choice }) => {
    const device = await readDevice();
    if (choice === "pay") {
      const { open, notification } = await payInvoice(reference, device);
      // Fire and forget, as SEQR does; after() keeps the delivery alive once the app has moved on.
      after(notification);
      return { open };
    }
    const step = choice === "decline" ? await declineInvoice(reference, device) : await cancelInvoiceInApp(reference, device);
    if (choice === "cancel") await rememberSession(null);
    return step;
  },
);

/** Sign the app in as another test subscriber. */
export const chooseSubscriberAction = sandboxAction(z.object({ msisdn: z.string().regex(/^\d{6,15}$/) }), async ({ msisdn }) => {
  const subscriber = await db.sandboxSubscriber.findUnique({ where: { msisdn } });
  if (!subscriber) throw new AppError("UNKNOWN_SUBSCRIBER", 404, "There is no such test subscriber.");
  await rememberSubscriber(msisdn);
  await rememberSession(null);
  revalidatePath("/sandbox/app");
  return { msisdn };
});
