import { env } from "../env.ts";

// The Message-ID of the shop's e-mails: one per event, so that a message sent again (a retry, *Send again*) carries
// the same id, which receiving systems and the sandbox's mailbox recognise as the same message.

/** "<id@host>" whether or not the caller wrapped it. */
export function normalizeMessageId(messageId: string): string {
  const bare = messageId.trim().replace(/^<|>$/g, "");
  return `<${bare}>`;
}

/**
 * A Message-ID for an outbox message: its dedupe key ("ORDER_CONFIRMATION:<orderId>") made a valid msg-id local
 * part (RFC 5322 allows no ':' there), at the shop's host. Unique per event, so a message sent again carries the
 * same id, which receiving systems and the sandbox mailbox recognise.
 */
export function messageIdFor(dedupeKey: string): string {
  const local = dedupeKey.replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g, ".");
  return `<${local}@${new URL(env.publicBaseUrl).hostname}>`;
}
