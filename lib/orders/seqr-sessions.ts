import { db } from "../db.ts";
import { AppError } from "../errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { seqr, SeqrError, type ClientSessionInfo } from "../seqr/index.ts";
import { findProductBySku } from "../catalog/queries.ts";
import { createOrder } from "./create-order.ts";
import { hashSessionToken } from "./ids.ts";
import { clientInvoiceIdSchema } from "./schemas.ts";
import { SETTLED_STATUSES } from "./state-machine.ts";

// The Order URL's back end (CONTRACT.md, "The External Service flow", steps 3-4): the TOKEN the SEQR app put in
// the URL fragment is exchanged for the customer (getClientSessionInfo) and the QR code's parameters, which say
// what to pay for: `order=<clientInvoiceId>` (a checkout's QR code) or `product=<sku>` (a printed product code,
// for which the order is created here, once per session).

/** What the shopper is told for each way a session can be unusable (60-63). */
const TOKEN_PROBLEMS: Record<number, { code: string; status: number; message: string }> = {
  60: { code: "SESSION_EXPIRED", status: 410, message: "This SEQR session has expired. Scan the code again in the SEQR app." },
  61: { code: "SESSION_CANCELED", status: 410, message: "This SEQR session was canceled in the app. Scan the code again to start over." },
  62: { code: "SESSION_IN_PROGRESS", status: 409, message: "This order is being paid in the SEQR app right now. Finish or cancel the payment there." },
  63: { code: "SESSION_UNKNOWN", status: 404, message: "SEQR does not know this session. Open the shop from the SEQR app by scanning its code." },
};

export function sessionProblem(error: SeqrError): AppError {
  const problem = error.resultCode === null ? undefined : TOKEN_PROBLEMS[error.resultCode];
  if (problem) return new AppError(problem.code, problem.status, problem.message, { cause: error });
  return new AppError("SEQR_UNAVAILABLE", 503, "SEQR is not answering right now. Please try again in a moment.", { cause: error });
}

export type OpenedSession = { orderId: string; clientInvoiceId: string; created: boolean };

export async function openOrderSession(token: string): Promise<OpenedSession> {
  let info: ClientSessionInfo;
  try {
    info = await seqr.getClientSessionInfo(token);
  } catch (error) {
    if (error instanceof SeqrError) throw sessionProblem(error);
    throw error;
  }
  const tokenHash = hashSessionToken(token);
  const known = await db.seqrSession.findUnique({ where: { tokenHash }, include: { order: true } });
  if (known) return { orderId: known.orderId, clientInvoiceId: known.order.clientInvoiceId, created: false };

  const session = { tokenHash, msisdn: info.msisdn, subscriberKey: info.subscriberKey };
  const orderParameter = info.parameters.order;
  const productParameter = info.parameters.product;

  if (orderParameter !== undefined) {
    const clientInvoiceId = clientInvoiceIdSchema.safeParse(orderParameter);
    const order = clientInvoiceId.success
      ? await db.order.findUnique({ where: { clientInvoiceId: clientInvoiceId.data } })
      : null;
    if (!order) throw new AppError("ORDER_NOT_FOUND", 404, "This SEQR code is for an order the shop does not know.");
    try {
      await db.$transaction(async (tx) => {
        await tx.seqrSession.create({ data: { ...session, orderId: order.id } });
        // The customer of record is set once, by the first session: the order's id is in its QR code, which anyone
        // who sees the checkout can scan, so a later session must not take the order over. The condition is the
        // guarantee (two first sessions at once: one matches the row). A paid order's customer is the payer SEQR
        // reported, never a session opened afterwards.
        const recorded = await tx.order.updateMany({
          where: { id: order.id, customerMsisdn: null, status: { notIn: [...SETTLED_STATUSES] } },
          data: { customerMsisdn: info.msisdn, customerSubscriberKey: info.subscriberKey },
        });
        await tx.paymentEvent.create({
          data: {
            orderId: order.id,
            type: "SESSION_OPENED",
            source: "order-page",
            detail:
              recorded.count === 1
                ? { msisdn: info.msisdn, customer: "recorded" }
                : { msisdn: info.msisdn, customer: "unchanged", note: "The order already had its customer; this session changed nothing." },
          },
        });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same page loaded twice at once: the other load recorded the session.
    }
    return { orderId: order.id, clientInvoiceId: order.clientInvoiceId, created: false };
  }

  if (productParameter !== undefined) {
    const product = await findProductBySku(productParameter);
    if (!product) throw new AppError("PRODUCT_NOT_FOUND", 404, "This SEQR code is for a product the shop no longer sells.");
    try {
      // The order and its session are one statement (one transaction) and the session's tokenHash is unique: a
      // reload racing this one, in this process or another, waits for this insert and then fails on the key, which
      // rolls its own order back. It answers with this order.
      const order = await createOrder(
        { lines: [{ productId: product.id, quantity: 1 }], source: "PRODUCT_QR", trigger: "order-page" },
        { sessions: { create: session }, customerMsisdn: info.msisdn, customerSubscriberKey: info.subscriberKey },
      );
      await db.paymentEvent.create({
        data: { orderId: order.id, type: "SESSION_OPENED", source: "order-page", detail: { msisdn: info.msisdn, customer: "recorded" } },
      });
      return { orderId: order.id, clientInvoiceId: order.clientInvoiceId, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await db.seqrSession.findUniqueOrThrow({ where: { tokenHash }, include: { order: true } });
      return { orderId: winner.orderId, clientInvoiceId: winner.order.clientInvoiceId, created: false };
    }
  }

  throw new AppError("NOTHING_TO_PAY", 400, "This SEQR code does not say what to buy.");
}

/** The order a session TOKEN opened, for /success, /failure and /cancel and for Pay; null when it opened none. */
export async function findOrderBySessionToken(token: string) {
  const session = await db.seqrSession.findUnique({ where: { tokenHash: hashSessionToken(token) } });
  return session ? { orderId: session.orderId } : null;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
