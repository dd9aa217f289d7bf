import { db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

// The orders list's one search box, read the way people search: the short order number ("1042", "#1042"), the start
// of an order id or of an e-mail address in any case, a phone number however it is written ("070-064 39 33",
// "+46 70 064 39 33", "46700643933"), or a SEQR invoice or payment reference. Every reading that fits is tried, and
// an order matching any of them is found.
//
// Every condition is one an index answers: Order.number and the references are unique, customerMsisdn and
// customerEmail are indexed, and a "starts with" is written as a range (>= prefix and < the prefix's successor),
// which a B-tree answers on SQLite and PostgreSQL alike (a LIKE is answered from an index by neither, as the columns
// are declared). Case is ignored by trying the prefix in every combination of upper and lower case, each one a range
// of the index, rather than by lower(), which no index holds.

/** At most 2^6 = 64 case variants of a prefix are asked for in one query. */
const MAX_CASED_LETTERS = 6;
/**
 * A prefix with more letters than that is looked up in two steps: the rows whose column starts with its first six
 * letters in any case (at most this many), then those whose column starts with the whole prefix, ignoring case.
 */
export const CANDIDATE_LIMIT = 1_000;

export type SearchPlan = {
  /** The short order number (Order.number). */
  number?: number;
  /** The start of a phone number as SEQR gives it (international digits, 46700643933). */
  msisdnPrefix?: string;
  /** A SEQR invoice or payment reference, exactly. */
  reference?: string;
  /** The start of a clientInvoiceId, in any case. */
  idPrefix?: string;
  /** The start of an e-mail address (or all of it), in any case. */
  emailPrefix?: string;
};

const ORDER_NUMBER = /^#?\s*(\d{1,9})$/;
const ID_CHARACTERS = /^[A-Za-z0-9_-]+$/;

/** Every reading of what the merchant typed (already trimmed) that could find an order. */
export function planSearch(query: string): SearchPlan {
  const plan: SearchPlan = {};
  const number = ORDER_NUMBER.exec(query);
  if (number) plan.number = Number(number[1]);
  // "#1042" is an order number and nothing else.
  if (query.startsWith("#")) return plan;
  const msisdn = msisdnPrefixOf(query);
  if (msisdn) plan.msisdnPrefix = msisdn;
  if (!/\s/.test(query)) {
    plan.reference = query;
    plan.emailPrefix = query;
  }
  if (ID_CHARACTERS.test(query)) plan.idPrefix = query;
  return plan;
}

/**
 * The start of a phone number, as the international digits SEQR reports and Order.customerMsisdn holds
 * (46700643933), from a number written the Swedish way ("070-064 39 33", "0700643933"), internationally
 * ("+46 70 064 39 33", "0046…", "+46 (0)70…") or as those digits; null when it is no phone number. Bare digits that
 * begin with neither 0 nor 46 are not taken for one (they are more likely an order number).
 */
export function msisdnPrefixOf(query: string): string | null {
  const written = query.trim();
  if (!/^\+?[\d\s().-]+$/.test(written)) return null;
  let digits = written.replace(/\D/g, "");
  const international = written.startsWith("+") || digits.startsWith("00");
  if (digits.startsWith("00")) digits = digits.slice(2);
  if (international) {
    // "+46 (0)70 …": the national trunk 0 written after the country code.
    if (digits.startsWith("460")) digits = `46${digits.slice(3)}`;
  } else if (digits.startsWith("0")) {
    digits = `46${digits.slice(1)}`;
  } else if (!digits.startsWith("46")) {
    return null;
  }
  // "0700" alone (46700) would match every number of a whole series.
  if (digits.length < 6 || digits.length > 15) return null;
  return digits;
}

/** "070-064 39 33" for a Swedish mobile number (46 7X…), "0…" for another Swedish one, "+47…" for the rest. */
export function formatPhoneNumber(msisdn: string): string {
  const mobile = /^46(7\d)(\d{3})(\d{2})(\d{2})$/.exec(msisdn);
  if (mobile) return `0${mobile[1]}-${mobile[2]} ${mobile[3]} ${mobile[4]}`;
  if (/^46[1-9]\d{5,}$/.test(msisdn)) return `0${msisdn.slice(2)}`;
  return /^\d+$/.test(msisdn) ? `+${msisdn}` : msisdn;
}

function isCased(character: string): boolean {
  const lower = character.toLowerCase();
  const upper = character.toUpperCase();
  return lower !== upper && lower.length === 1 && upper.length === 1;
}

/** Every way of writing `text` in upper and lower case ("aB1" → ab1, aB1, Ab1, AB1). */
export function caseVariants(text: string): string[] {
  let variants = [""];
  for (const character of text) {
    const forms = isCased(character) ? [character.toLowerCase(), character.toUpperCase()] : [character];
    variants = variants.flatMap((start) => forms.map((form) => start + form));
  }
  return variants;
}

/**
 * A string after every string that starts with `prefix`, and close to them: the prefix up to its last digit 0–8 or
 * letter a–y / A–Y, that character moved on by one ("abc" → "abd", "a-9" → "b", "anna.s" → "anna.t"). Only such
 * characters are moved on, so that the bound is a digit or a letter: in code-point order (SQLite, PostgreSQL's C
 * collations) any bound would do, but a language's collation (en_US.UTF-8) ignores or reorders punctuation such as
 * ":" or "{" that "9" or "z" would become. Null when there is no such character (no upper bound then).
 */
export function prefixSuccessor(prefix: string): string | null {
  for (let end = prefix.length - 1; end >= 0; end--) {
    const character = prefix[end] ?? "";
    if (/[0-8a-yA-Y]/.test(character)) return prefix.slice(0, end) + String.fromCharCode(character.charCodeAt(0) + 1);
  }
  return null;
}

type PrefixColumn = "clientInvoiceId" | "customerEmail" | "customerMsisdn";

/**
 * "`column` starts with `prefix`", exactly (case counts), written as a range of the column's index and the startsWith
 * that makes it exact (the range may take in a few strings that do not start so).
 */
function startsWith(column: PrefixColumn, prefix: string): Prisma.OrderWhereInput {
  const successor = prefixSuccessor(prefix);
  return { [column]: { gte: prefix, ...(successor === null ? {} : { lt: successor }), startsWith: prefix } };
}

/** The shortest start of `text` that holds `letters` cased letters (all of it when it holds fewer). */
function headWithLetters(text: string, letters: number): string {
  let seen = 0;
  let head = "";
  for (const character of text) {
    if (isCased(character)) {
      if (seen === letters) break;
      seen += 1;
    }
    head += character;
  }
  return head;
}

type Lookup = { where: Prisma.OrderWhereInput; incomplete: boolean };

/** A condition no order meets (an empty `in`). */
const NOTHING: Prisma.OrderWhereInput = { id: { in: [] } };

/** Orders whose `column` starts with `prefix`, ignoring case. */
async function startsWithIgnoringCase(column: "clientInvoiceId" | "customerEmail", prefix: string, candidateLimit: number): Promise<Lookup> {
  const head = headWithLetters(prefix, MAX_CASED_LETTERS);
  const headCondition: Prisma.OrderWhereInput = { OR: caseVariants(head).map((variant) => startsWith(column, variant)) };
  if (head.length === prefix.length) return { where: headCondition, incomplete: false };

  const candidates = await db.order.findMany({
    where: headCondition,
    select: { id: true, clientInvoiceId: true, customerEmail: true },
    orderBy: { id: "asc" },
    take: candidateLimit + 1,
  });
  const wanted = prefix.toLowerCase();
  const ids = candidates
    .slice(0, candidateLimit)
    .filter((candidate) => (candidate[column] ?? "").toLowerCase().startsWith(wanted))
    .map((candidate) => candidate.id);
  return { where: { id: { in: ids } }, incomplete: candidates.length > candidateLimit };
}

export type OrderSearch = {
  where: Prisma.OrderWhereInput;
  /** True when a prefix matched more candidates than were looked at: the merchant should type more of it. */
  incomplete: boolean;
};

/** The orders the search box finds, as one condition (an OR of every reading of the query). */
export async function orderSearch(query: string, options: { candidateLimit?: number } = {}): Promise<OrderSearch> {
  const plan = planSearch(query);
  const conditions: Prisma.OrderWhereInput[] = [];
  let incomplete = false;
  if (plan.number !== undefined) conditions.push({ number: plan.number });
  if (plan.msisdnPrefix) conditions.push(startsWith("customerMsisdn", plan.msisdnPrefix));
  if (plan.reference) {
    // Looked up first, by the references' unique indexes: a relation filter inside the OR would make the database
    // test every order.
    const attempts = await db.paymentAttempt.findMany({
      where: { OR: [{ invoiceReference: plan.reference }, { ersReference: plan.reference }] },
      select: { orderId: true },
    });
    if (attempts.length > 0) conditions.push({ id: { in: attempts.map((attempt) => attempt.orderId) } });
  }
  for (const [column, prefix] of [
    ["clientInvoiceId", plan.idPrefix],
    ["customerEmail", plan.emailPrefix],
  ] as const) {
    if (!prefix) continue;
    const lookup = await startsWithIgnoringCase(column, prefix, options.candidateLimit ?? CANDIDATE_LIMIT);
    conditions.push(lookup.where);
    incomplete ||= lookup.incomplete;
  }
  // Prisma reads an empty OR as no condition at all: a search nothing can match must say so itself.
  return { where: conditions.length > 0 ? { OR: conditions } : NOTHING, incomplete };
}
