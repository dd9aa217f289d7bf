import { z } from "zod";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { AppError } from "../errors.ts";
import type { Order } from "../generated/prisma/client.ts";
import {
  DEFAULT_COUNTRY,
  DELIVERY_COUNTRIES,
  DELIVERY_FIELDS,
  type DeliveryCountry,
  type DeliveryField,
  type DeliveryFieldErrors,
  type DeliveryView,
} from "./delivery-values.ts";
import { hashSessionToken } from "./ids.ts";
import { PAYABLE_STATUSES, SETTLED_STATUSES } from "./state-machine.ts";
import { isPlacingCart } from "./views.ts";

// Where a paid order goes: the shopper's e-mail address (the order confirmation goes there), a name, and either a
// delivery address or store pickup (only where the merchant offers it, STORE_PICKUP=on). Given before Pay, which
// refuses an order without them (request-payment.ts), and changeable for as long as the order can still be paid.

export * from "./delivery-values.ts";

export type DeliveryDetails =
  | { email: string; name: string; method: "SHIP"; street: string; postcode: string; city: string; country: DeliveryCountry }
  | { email: string; name: string; method: "PICKUP" };

const MESSAGES = {
  email: "Enter your e-mail address, such as name@example.se: the order confirmation goes there.",
  name: "Enter your name.",
  method: "Choose how you want your order: sent to you, or collected at the shop.",
  pickupOff: "The shop does not offer store pickup: please give a delivery address.",
  street: "Enter the street address, such as Storgatan 1.",
  swedishPostcode: "Enter a Swedish postcode of five digits, such as 111 22.",
  postcode: "Enter the postcode.",
  city: "Enter the town or city.",
  country: "Choose a country the shop sends to.",
} as const;

/** Trimmed, inner runs of whitespace made one space; "" for a field the form did not send. */
const text = (max: number, message: string) =>
  z.preprocess(
    (value) => (typeof value === "string" ? value.trim().replace(/\s+/g, " ") : ""),
    z.string().min(1, message).max(max, `${message} (at most ${max} characters)`),
  );

const SWEDISH_POSTCODE = /^(\d{3}) ?(\d{2})$/;
/** Letters, digits, spaces and hyphens, 2-10 characters: every postcode of the countries above, and not much else. */
const OTHER_POSTCODE = /^[A-Za-z0-9](?:[A-Za-z0-9 -]{0,8}[A-Za-z0-9])$/;

/**
 * The delivery details as a form sends them (every field a string; fields of the other method are ignored).
 * Swedish postcodes are accepted as "11122" or "111 22" and kept as "111 22". A message per field, on its path.
 */
export function deliveryDetailsSchema(options: { storePickup?: boolean } = {}) {
  const storePickup = options.storePickup ?? env.fulfilment.storePickup;
  const posted = z.unknown().optional();
  return z
    .object({ email: posted, name: posted, method: posted, street: posted, postcode: posted, city: posted, country: posted })
    .transform((input, ctx): DeliveryDetails => {
      // Every field is checked, whatever the others hold, so that the form can mark all of them at once.
      let valid = true;
      const field = <T>(path: DeliveryField, schema: z.ZodType<T>): T | undefined => {
        const parsed = schema.safeParse(input[path]);
        if (parsed.success) return parsed.data;
        valid = false;
        ctx.addIssue({ code: "custom", path: [path], message: parsed.error.issues[0]?.message ?? "is not valid" });
        return undefined;
      };
      const email = field("email", emailSchema);
      const name = field("name", text(100, MESSAGES.name));
      const method = field("method", methodSchema);
      if (method === "PICKUP") {
        if (!storePickup) {
          valid = false;
          ctx.addIssue({ code: "custom", path: ["method"], message: MESSAGES.pickupOff });
        }
        return valid && email && name ? { email, name, method } : z.NEVER;
      }
      const street = field("street", text(200, MESSAGES.street));
      const city = field("city", text(100, MESSAGES.city));
      const country = field("country", countrySchema);
      // A postcode is checked against the country chosen (loosely while the country itself is not valid).
      const postcode = field("postcode", postcodeSchema(country ?? null));
      if (!valid || !email || !name || !method || !street || !city || !country || !postcode) return z.NEVER;
      return { email, name, method, street, postcode, city, country };
    });
}

const emailSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.trim() : ""),
  z.email({ error: MESSAGES.email }).max(254, MESSAGES.email),
);

const methodSchema = z.preprocess(
  (value) => (value === undefined || value === "" ? "SHIP" : value),
  z.enum(["SHIP", "PICKUP"], { error: MESSAGES.method }),
);

const countrySchema = z.preprocess(
  (value) => (value === undefined || value === "" ? DEFAULT_COUNTRY : value),
  z.enum(DELIVERY_COUNTRIES.map(({ code }) => code) as [DeliveryCountry, ...DeliveryCountry[]], { error: MESSAGES.country }),
);

function postcodeSchema(country: DeliveryCountry | null) {
  const compact = z.preprocess((value) => (typeof value === "string" ? value.trim().replace(/\s+/g, " ") : ""), z.string());
  if (country === "SE") {
    return compact.transform((value, ctx) => {
      const match = SWEDISH_POSTCODE.exec(value);
      if (!match) {
        ctx.addIssue({ code: "custom", message: MESSAGES.swedishPostcode });
        return z.NEVER;
      }
      return `${match[1]} ${match[2]}`;
    });
  }
  return compact.pipe(z.string().regex(OTHER_POSTCODE, MESSAGES.postcode)).transform((value) => value.toUpperCase());
}

/** The first message of each field, for the form to show next to it. */
export function deliveryFieldErrors(error: z.ZodError): DeliveryFieldErrors {
  const errors: DeliveryFieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (typeof field === "string" && (DELIVERY_FIELDS as readonly string[]).includes(field) && !errors[field as DeliveryField]) {
      errors[field as DeliveryField] = issue.message;
    }
  }
  return errors;
}

/** Refused delivery details: the first message per field, for the form. */
export class InvalidDeliveryDetails extends AppError {
  constructor(readonly fieldErrors: DeliveryFieldErrors) {
    super("DELIVERY_DETAILS_INVALID", 400, "Please correct the delivery details marked below.");
  }
}

type DeliveryColumns = Pick<
  Order,
  "customerEmail" | "deliveryMethod" | "deliveryName" | "deliveryStreet" | "deliveryPostcode" | "deliveryCity" | "deliveryCountry"
>;

const DELIVERY_SELECT = {
  customerEmail: true,
  deliveryMethod: true,
  deliveryName: true,
  deliveryStreet: true,
  deliveryPostcode: true,
  deliveryCity: true,
  deliveryCountry: true,
} as const;

/** Whether the order carries everything Pay needs: an e-mail address, a name, and an address or pickup. */
export function deliveryDetailsComplete(order: DeliveryColumns): boolean {
  if (!order.customerEmail || !order.deliveryName) return false;
  if (order.deliveryMethod === "PICKUP") return true;
  return (
    order.deliveryMethod === "SHIP" &&
    !!order.deliveryStreet &&
    !!order.deliveryPostcode &&
    !!order.deliveryCity &&
    !!order.deliveryCountry
  );
}

export function deliveryView(order: DeliveryColumns): DeliveryView {
  return {
    complete: deliveryDetailsComplete(order),
    email: order.customerEmail,
    name: order.deliveryName,
    method: order.deliveryMethod,
    street: order.deliveryStreet,
    postcode: order.deliveryPostcode,
    city: order.deliveryCity,
    country: order.deliveryCountry,
    countryName: DELIVERY_COUNTRIES.find(({ code }) => code === order.deliveryCountry)?.name ?? order.deliveryCountry,
  };
}

export async function loadDeliveryView(where: { id: string } | { clientInvoiceId: string }): Promise<DeliveryView | null> {
  const order = await db.order.findUnique({ where, select: DELIVERY_SELECT });
  return order ? deliveryView(order) : null;
}

/**
 * Writes the delivery details to the order while it can still be paid: one conditional update (a payable state,
 * no payment on any of its invoices), so a payment that lands meanwhile wins and the details stay as they were.
 * Throws InvalidDeliveryDetails (400) with a message per field, or an AppError saying why the order no longer
 * takes details.
 */
export async function saveDeliveryDetails(
  orderId: string,
  input: Record<string, unknown>,
  options: { storePickup?: boolean } = {},
): Promise<DeliveryView> {
  const parsed = deliveryDetailsSchema(options).safeParse(input);
  if (!parsed.success) throw new InvalidDeliveryDetails(deliveryFieldErrors(parsed.error));
  const details = parsed.data;
  const shipping = details.method === "SHIP" ? details : null;
  const { count } = await db.order.updateMany({
    where: {
      id: orderId,
      status: { in: [...PAYABLE_STATUSES] },
      paidAt: null,
      attempts: { none: { seqrStatus: "PAID" } },
    },
    data: {
      customerEmail: details.email,
      deliveryName: details.name,
      deliveryMethod: details.method,
      deliveryStreet: shipping?.street ?? null,
      deliveryPostcode: shipping?.postcode ?? null,
      deliveryCity: shipping?.city ?? null,
      deliveryCountry: shipping?.country ?? null,
    },
  });
  if (count === 1) {
    const saved = await loadDeliveryView({ id: orderId });
    if (saved) return saved;
  }
  throw await whyNoDetails(orderId);
}

async function whyNoDetails(orderId: string): Promise<AppError> {
  const order = await db.order.findUnique({ where: { id: orderId }, select: { status: true } });
  if (!order) return new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  if (SETTLED_STATUSES.has(order.status) || PAYABLE_STATUSES.has(order.status)) {
    // Payable in name but with a payment on one of its invoices: paid all the same.
    return new AppError(
      "ORDER_ALREADY_PAID",
      409,
      "This order is already paid, so its delivery details can no longer be changed here. Please contact the shop to change them.",
    );
  }
  return new AppError("ORDER_NOT_PAYABLE", 409, "This order can no longer be paid, so its delivery details cannot be changed.");
}

/**
 * Pay's first check (request-payment.ts): no invoice for a payable order the shop would not know where to send.
 * Other orders go on to Pay's own answers ("already paid", "expired", …).
 */
export async function requireDeliveryDetails(orderId: string): Promise<void> {
  const order = await db.order.findUnique({ where: { id: orderId }, select: { ...DELIVERY_SELECT, status: true } });
  if (order && PAYABLE_STATUSES.has(order.status) && !deliveryDetailsComplete(order)) {
    throw new AppError(
      "DELIVERY_DETAILS_MISSING",
      409,
      "Please give your e-mail address and where the order should go before paying. Nothing was charged.",
    );
  }
}

// Who may give an order's delivery details: the browser whose cart placed it (the checkout), or, for an order
// no cart placed (a product's own SEQR code), its customer's SEQR session (the order page in the app). The order's
// id is printed under its QR code and the code itself can be scanned by anyone who sees the screen, so knowing
// either is not enough.

const NOT_YOURS = "Only the browser this order was placed from can give its delivery details.";

/** The checkout's form: the order by its public id, the cart cookie as the proof. */
export async function saveCheckoutDeliveryDetails(
  clientInvoiceId: string,
  cartId: string | null,
  input: Record<string, unknown>,
): Promise<DeliveryView> {
  const order = await db.order.findUnique({ where: { clientInvoiceId }, select: { id: true, cartId: true } });
  if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "There is no such order.");
  if (!isPlacingCart(order.cartId, cartId)) throw new AppError("NOT_YOUR_ORDER", 403, NOT_YOURS);
  return saveDeliveryDetails(order.id, input);
}

/**
 * What a SEQR session may do with its order's delivery details. `isCustomer`: the session is the order's customer
 * of record (seqr-sessions.ts), who sees them; `editable`: the order page asks for them, which it does only for an
 * order no cart placed (a cart's order gets them on the checkout, before its code is shown).
 */
export type SessionDelivery = {
  orderId: string;
  isCustomer: boolean;
  placedByCart: boolean;
  editable: boolean;
  delivery: DeliveryView;
};

export async function loadSessionDelivery(token: string): Promise<SessionDelivery | null> {
  const session = await db.seqrSession.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    select: { msisdn: true, order: { select: { id: true, cartId: true, customerMsisdn: true, status: true, ...DELIVERY_SELECT } } },
  });
  if (!session) return null;
  const { order } = session;
  const isCustomer = order.customerMsisdn !== null && order.customerMsisdn === session.msisdn;
  return {
    orderId: order.id,
    isCustomer,
    placedByCart: order.cartId !== null,
    editable: isCustomer && order.cartId === null && PAYABLE_STATUSES.has(order.status),
    delivery: deliveryView(order),
  };
}

/** The order page's form: the order by the session's TOKEN (its hash is what the shop keeps). */
export async function saveSessionDeliveryDetails(token: string, input: Record<string, unknown>): Promise<DeliveryView> {
  const session = await loadSessionDelivery(token);
  if (!session) throw new AppError("SESSION_UNKNOWN", 404, "Open this order from the SEQR app again.");
  if (session.placedByCart) {
    throw new AppError("DETAILS_ON_CHECKOUT", 403, "The delivery details of this order are given on the shop's checkout page.");
  }
  if (!session.isCustomer) {
    throw new AppError("NOT_YOUR_ORDER", 403, "Only the customer who opened this order first can give its delivery details.");
  }
  return saveDeliveryDetails(session.orderId, input);
}
