import { z } from "zod";

import { db } from "../db.ts";
import { lockOrder } from "../db-locks.ts";
import { AppError } from "../errors.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { DeliveryMethod, FulfilmentStatus, OrderStatus } from "../generated/prisma/enums.ts";
import { log } from "../log.ts";
import { enqueueShippedMessage } from "../outbox/enqueue.ts";
import { countryName } from "../shop/format.ts";
import { actorFieldsOf } from "./actor.ts";
import type { AdminContext } from "./guard.ts";
import { formatShopTime } from "./periods.ts";
import { issueText, lowerFirst, orderStatusText } from "./wording.ts";

// What the merchant does with a paid order besides its payment: send it (carrier and tracking number, which sends
// the customer the shipped e-mail) or hand it over at the shop. Each is one conditional update under the order's
// lock, so that a second press, or two admins at once, change it once and queue one e-mail; a refund of the whole
// order before it was sent marks it NOT_TO_SHIP instead (lib/admin/refunds.ts).
//
// Shipping needs a delivery address (the shopper chose SHIP); "Picked up" is only for orders the shopper chose to
// collect (PICKUP): a customer who was promised a parcel is never marked as having collected one by a slip of the
// mouse, and a parcel is never "sent" to someone who gave no address.

const fulfilmentLog = log.child({ component: "fulfilment" });

/** Who acts: the signed-in person (named in the timeline) and their address. */
type Admin = Pick<AdminContext, "address"> & Partial<Pick<AdminContext, "actor">>;

/** Orders whose money the shop holds, at least in part: the only ones that may be sent or handed over. */
export const FULFILLABLE_STATUSES = ["PAID", "PARTIALLY_REFUNDED"] as const satisfies readonly OrderStatus[];

export const CARRIERS = ["PostNord", "DHL", "Bring", "DB Schenker", "Budbee", "Instabox", "Other"] as const;
export type Carrier = (typeof CARRIERS)[number];

/** Each carrier's public tracking page for one shipment (the number is URL-encoded into it). */
const TRACKING_PAGES: Record<Exclude<Carrier, "Other">, (trackingNumber: string) => string> = {
  PostNord: (number) => `https://www.postnord.se/vara-verktyg/spara-brev-paket-och-pall?shipmentId=${number}`,
  DHL: (number) => `https://www.dhl.com/se-en/home/tracking.html?tracking-id=${number}`,
  Bring: (number) => `https://tracking.bring.se/tracking/${number}`,
  "DB Schenker": (number) => `https://www.dbschenker.com/app/tracking-public/?refNumber=${number}`,
  Budbee: (number) => `https://tracking.budbee.com/${number}`,
  Instabox: (number) => `https://track.instabox.io/${number}`,
};

/** The tracking link the customer gets: the carrier's own page, or for Other the merchant's link (if any). */
export function trackingUrlFor(carrier: Carrier, trackingNumber: string, otherUrl?: string | null): string | null {
  if (carrier === "Other") return otherUrl ?? null;
  return TRACKING_PAGES[carrier](encodeURIComponent(trackingNumber));
}

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** The Mark shipped form's fields (also the action's schema: lib/admin validates again, for every caller). */
export const shipmentFields = {
  carrier: z.enum(CARRIERS, { error: "choose a carrier from the list" }),
  // Carriers print their numbers in groups ("00370 71234 56789"): the spaces are not part of it.
  trackingNumber: z
    .string({ error: "enter the tracking number" })
    .transform((value) => value.replace(/\s+/g, ""))
    .pipe(
      z
        .string()
        .min(1, "enter the tracking number")
        .max(64, "must be at most 64 characters")
        .regex(/^[A-Za-z0-9-]+$/, "may hold only letters, digits and hyphens"),
    ),
  trackingUrl: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https$/, hostname: z.regexes.domain, error: "must be an https:// link to the carrier's tracking page" })
      .max(500, "must be at most 500 characters")
      .optional(),
  ),
};

/** A tracking link of its own only for Other: a listed carrier's link is built from its public tracking page. */
export function checkShipment(shipment: { carrier: Carrier; trackingUrl?: string | undefined }, context: z.RefinementCtx): void {
  if (shipment.carrier !== "Other" && shipment.trackingUrl !== undefined) {
    context.addIssue({
      code: "custom",
      path: ["trackingUrl"],
      message: `leave it empty for ${shipment.carrier}: the shop links ${shipment.carrier}'s own tracking page`,
    });
  }
}

export const shipmentSchema = z.object(shipmentFields).superRefine(checkShipment);
export type ShipmentInput = z.input<typeof shipmentSchema>;

export type FulfilmentOutcome = {
  message: string;
  /** False when the order already was in that state: nothing changed, nothing was sent. */
  changed: boolean;
};

const orderFacts = {
  id: true,
  status: true,
  fulfilmentStatus: true,
  deliveryMethod: true,
  carrier: true,
  trackingNumber: true,
  shippedAt: true,
  pickedUpAt: true,
  customerEmail: true,
} as const;

type OrderFacts = {
  status: OrderStatus;
  fulfilmentStatus: FulfilmentStatus;
  deliveryMethod: DeliveryMethod | null;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: Date | null;
  pickedUpAt: Date | null;
};

function describeShipment(order: Pick<OrderFacts, "carrier" | "trackingNumber" | "shippedAt">): string {
  const when = order.shippedAt ? ` on ${formatShopTime(order.shippedAt)}` : "";
  return `${order.carrier ?? "a carrier"}${order.trackingNumber ? `, tracking number ${order.trackingNumber}` : ""}${when}`;
}

/** Why an order cannot be sent or handed over now, in words for the merchant; null when it can. */
export function fulfilmentRefusal(order: OrderFacts, wanted: DeliveryMethod): string | null {
  switch (order.fulfilmentStatus) {
    case "SHIPPED":
      return `This order was already shipped (${describeShipment(order)}).`;
    case "PICKED_UP":
      return `This order was already collected at the shop${order.pickedUpAt ? ` on ${formatShopTime(order.pickedUpAt)}` : ""}.`;
    case "NOT_TO_SHIP":
      return "This order was refunded in full before it was sent: there is nothing to send or hand over.";
    case "UNFULFILLED":
      break;
  }
  if (!(FULFILLABLE_STATUSES as readonly string[]).includes(order.status)) {
    return order.status === "REFUNDED"
      ? "This order was refunded in full: there is nothing to send or hand over."
      : `Only a paid order can be ${wanted === "SHIP" ? "shipped" : "handed over"}; this one is ${lowerFirst(orderStatusText(order.status))}.`;
  }
  if (wanted === "SHIP" && order.deliveryMethod === "PICKUP") {
    return "The customer chose to collect this order at the shop: mark it picked up when they do.";
  }
  if (wanted === "PICKUP" && order.deliveryMethod === "SHIP") {
    return "The customer asked for this order to be sent to their address: mark it shipped once it is on its way.";
  }
  if (order.deliveryMethod === null) {
    return "The customer gave no delivery details with this order, so the shop cannot tell where it should go.";
  }
  return null;
}

async function fulfil(
  orderId: string,
  wanted: DeliveryMethod,
  apply: (tx: Prisma.TransactionClient, order: OrderFacts & { customerEmail: string | null }) => Promise<FulfilmentOutcome>,
): Promise<FulfilmentOutcome> {
  return db.$transaction(async (tx) => {
    // Lock first (lib/db-locks.ts): a refund, or the other admin's press, waits until this one has decided.
    if (!(await lockOrder(tx, orderId))) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order. Open it again from the orders list.");
    const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: orderFacts });
    const done = wanted === "SHIP" ? "SHIPPED" : "PICKED_UP";
    if (order.fulfilmentStatus === done) {
      // A second press: what the first one did stands, and says so.
      return { changed: false, message: `${fulfilmentRefusal(order, wanted)} Nothing changed.` };
    }
    const refusal = fulfilmentRefusal(order, wanted);
    if (refusal) throw new AppError("NOT_FULFILLABLE", 409, refusal);
    return apply(tx, order);
  });
}

/** Mark shipped: the carrier and tracking number, recorded once, and the customer's shipped e-mail queued with it. */
export async function markShipped(orderId: string, input: ShipmentInput, admin: Admin): Promise<FulfilmentOutcome> {
  const parsed = shipmentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("INVALID_SHIPMENT", 422, issue ? issueText(issue) : "The shipment's details are not valid.");
  }
  const { carrier, trackingNumber } = parsed.data;
  const trackingUrl = trackingUrlFor(carrier, trackingNumber, parsed.data.trackingUrl);
  const outcome = await fulfil(orderId, "SHIP", async (tx, order) => {
    const shippedAt = new Date();
    // The checked conditional update is the guarantee; the lock above only lets the refusal say why.
    const moved = await tx.order.updateMany({
      where: { id: orderId, status: { in: [...FULFILLABLE_STATUSES] }, fulfilmentStatus: "UNFULFILLED", deliveryMethod: "SHIP" },
      data: { fulfilmentStatus: "SHIPPED", shippedAt, carrier, trackingNumber, trackingUrl },
    });
    if (moved.count === 0) throw new AppError("NOT_FULFILLABLE", 409, "The order changed while it was being marked shipped. Reload the page.");
    await tx.paymentEvent.create({
      data: {
        orderId,
        type: "ADMIN_ACTION",
        source: "admin",
        sourceAddress: admin.address,
        ...actorFieldsOf(admin),
        detail: { action: "mark-shipped", fulfilment: "SHIPPED", carrier, trackingNumber, trackingUrl },
      },
    });
    const queued = await enqueueShippedMessage(tx, orderId);
    return {
      changed: true,
      message: queued
        ? `Marked shipped with ${carrier} (${trackingNumber}). The shipped e-mail with the tracking link is on its way to ${order.customerEmail ?? "the customer"}.`
        : `Marked shipped with ${carrier} (${trackingNumber}). The order has no e-mail address, so no shipped e-mail is sent.`,
    };
  });
  if (outcome.changed) fulfilmentLog.info({ orderId, carrier }, "order marked shipped");
  return outcome;
}

/** Picked up: the customer collected the order at the shop. No message: they were there. */
export async function markPickedUp(orderId: string, admin: Admin): Promise<FulfilmentOutcome> {
  const outcome = await fulfil(orderId, "PICKUP", async (tx) => {
    const moved = await tx.order.updateMany({
      where: { id: orderId, status: { in: [...FULFILLABLE_STATUSES] }, fulfilmentStatus: "UNFULFILLED", deliveryMethod: "PICKUP" },
      data: { fulfilmentStatus: "PICKED_UP", pickedUpAt: new Date() },
    });
    if (moved.count === 0) throw new AppError("NOT_FULFILLABLE", 409, "The order changed while it was being marked picked up. Reload the page.");
    await tx.paymentEvent.create({
      data: {
        orderId,
        type: "ADMIN_ACTION",
        source: "admin",
        sourceAddress: admin.address,
        ...actorFieldsOf(admin),
        detail: { action: "mark-picked-up", fulfilment: "PICKED_UP" },
      },
    });
    return { changed: true, message: "Marked as collected at the shop." };
  });
  if (outcome.changed) fulfilmentLog.info({ orderId }, "order marked picked up");
  return outcome;
}

// ---------------------------------------------------------------------------------------------------------------
// Words for the pages

/** The order's fulfilment in words, as the order page and the orders list show it. */
export function fulfilmentText(order: { status: OrderStatus; fulfilmentStatus: FulfilmentStatus; deliveryMethod: DeliveryMethod | null }): string {
  switch (order.fulfilmentStatus) {
    case "SHIPPED":
      return "Shipped";
    case "PICKED_UP":
      return "Collected at the shop";
    case "NOT_TO_SHIP":
      return "Not to be sent: refunded in full";
    case "UNFULFILLED":
      break;
  }
  if (!(FULFILLABLE_STATUSES as readonly string[]).includes(order.status)) return order.status === "REFUNDED" ? "Refunded" : "Not paid";
  if (order.deliveryMethod === "SHIP") return "To ship";
  if (order.deliveryMethod === "PICKUP") return "Waiting to be collected";
  return "No delivery details";
}

/** The delivery address as lines for a label; null when the order is collected or has no address. */
export function deliveryAddressLines(order: {
  deliveryMethod: DeliveryMethod | null;
  deliveryName: string | null;
  deliveryStreet: string | null;
  deliveryPostcode: string | null;
  deliveryCity: string | null;
  deliveryCountry: string | null;
}): string[] | null {
  if (order.deliveryMethod !== "SHIP") return null;
  const cityLine = [order.deliveryPostcode, order.deliveryCity].filter(Boolean).join(" ");
  return [order.deliveryName, order.deliveryStreet, cityLine, order.deliveryCountry ? countryName(order.deliveryCountry) : null].filter(
    (line): line is string => Boolean(line),
  );
}
