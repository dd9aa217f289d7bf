import { z } from "zod";

// What each kind of outbox message carries. Payloads stay small: the content (items, amounts, addresses, tracking)
// is read from the database when the message is sent (lib/mail/messages.ts), so a message sent again after a retry
// or a *Send again* shows the order as it is then. A payload names only what the order alone does not: the refund.

export const ORDER_CONFIRMATION = "ORDER_CONFIRMATION";
export const MERCHANT_NEW_ORDER = "MERCHANT_NEW_ORDER";
export const REFUND_CONFIRMATION = "REFUND_CONFIRMATION";
export const SHIPPED = "SHIPPED";
export const SEQR_RECEIPT = "SEQR_RECEIPT";

/** Each kind's payload, parsed wherever a message is read (the worker, the renderer). */
export const OUTBOX_PAYLOADS = {
  [ORDER_CONFIRMATION]: z.object({}),
  [MERCHANT_NEW_ORDER]: z.object({}),
  [REFUND_CONFIRMATION]: z.object({ refundId: z.string().min(1) }),
  [SHIPPED]: z.object({}),
  [SEQR_RECEIPT]: z.object({}),
} as const;

export type OutboxKind = keyof typeof OUTBOX_PAYLOADS;
export type OutboxPayload<K extends OutboxKind> = z.output<(typeof OUTBOX_PAYLOADS)[K]>;

export const OUTBOX_KINDS = Object.keys(OUTBOX_PAYLOADS) as OutboxKind[];

/** A message's kind and payload, checked together: `content.kind` narrows `content.payload`. */
export const outboxContent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal(ORDER_CONFIRMATION), payload: OUTBOX_PAYLOADS[ORDER_CONFIRMATION] }),
  z.object({ kind: z.literal(MERCHANT_NEW_ORDER), payload: OUTBOX_PAYLOADS[MERCHANT_NEW_ORDER] }),
  z.object({ kind: z.literal(REFUND_CONFIRMATION), payload: OUTBOX_PAYLOADS[REFUND_CONFIRMATION] }),
  z.object({ kind: z.literal(SHIPPED), payload: OUTBOX_PAYLOADS[SHIPPED] }),
  z.object({ kind: z.literal(SEQR_RECEIPT), payload: OUTBOX_PAYLOADS[SEQR_RECEIPT] }),
]);

export type OutboxContent = z.output<typeof outboxContent>;

/**
 * A stored message's kind and payload, parsed; throws (a ZodError) for a kind the shop does not know or a payload
 * not of its kind's shape. The worker records that as the message's failure.
 */
export function parseOutboxContent(message: { kind: string; payload: unknown }): OutboxContent {
  return outboxContent.parse({ kind: message.kind, payload: message.payload });
}

/** What each kind is, in the merchant's words (the dashboard's list of messages that could not be delivered). */
export const OUTBOX_KIND_TEXT: Record<OutboxKind, string> = {
  [ORDER_CONFIRMATION]: "Order confirmation e-mail to the customer",
  [MERCHANT_NEW_ORDER]: "New-order e-mail to you",
  [REFUND_CONFIRMATION]: "Refund confirmation e-mail to the customer",
  [SHIPPED]: "Shipped e-mail to the customer",
  [SEQR_RECEIPT]: "Receipt to the customer's SEQR app",
};

export function outboxKindText(kind: string): string {
  return kind in OUTBOX_KIND_TEXT ? OUTBOX_KIND_TEXT[kind as OutboxKind] : kind;
}

/** One message per event: "<kind>:<orderId>", or "<kind>:<refundId>" for a refund. */
export function dedupeKeyOf(kind: OutboxKind, eventId: string): string {
  return `${kind}:${eventId}`;
}
