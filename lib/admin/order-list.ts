import { stringify } from "csv-stringify/sync";
import { z } from "zod";

import { db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { DeliveryMethod, FulfilmentStatus } from "../generated/prisma/enums.ts";
import { neverInvoicedOrder } from "../orders/never-invoiced.ts";
import { ORDER_STATUSES, type OrderStatus } from "../orders/state-machine.ts";
import { toSeqrAmount } from "../seqr/amounts.ts";
import { FULFILLABLE_STATUSES } from "./fulfilment.ts";
import { isoDate, shopDays } from "./periods.ts";

// The orders list: filter by status, fulfilment ("to ship": paid, not yet sent, to an address) and the shop's dates, search by clientInvoiceId, invoiceReference or msisdn,
// newest first, with totals for the whole filter and a CSV of it. Orders never invoiced (placed and left; anyone
// can place them, lib/orders/never-invoiced.ts) are left out, of the rows, the counts, the totals and the CSV,
// unless the merchant asks for them: a flood of them cannot bury the orders that matter.

export const PAGE_SIZE = 25;
/** A CSV export is the filter's rows, at most this many (the merchant narrows the dates for more). */
export const CSV_MAX_ROWS = 50_000;

const blankToUndefined = (value: unknown) => (value === "" ? undefined : value);

/** The fulfilment filters, each as the merchant reads it in the list. */
export const FULFILMENT_FILTER_LABELS = {
  "to-ship": "To ship",
  "to-collect": "To be collected",
  shipped: "Shipped",
  "picked-up": "Collected",
  "not-to-ship": "Not to be sent",
} as const;
export const FULFILMENT_FILTERS = Object.keys(FULFILMENT_FILTER_LABELS) as [keyof typeof FULFILMENT_FILTER_LABELS, ...(keyof typeof FULFILMENT_FILTER_LABELS)[]];
export type FulfilmentFilter = (typeof FULFILMENT_FILTERS)[number];

/** Paid (in part at least) and waiting for the merchant: the work list of the packing table. */
function waiting(deliveryMethod: DeliveryMethod): Prisma.OrderWhereInput {
  return { status: { in: [...FULFILLABLE_STATUSES] }, fulfilmentStatus: "UNFULFILLED", deliveryMethod };
}

const FULFILMENT_WHERE: Record<FulfilmentFilter, Prisma.OrderWhereInput> = {
  "to-ship": waiting("SHIP"),
  "to-collect": waiting("PICKUP"),
  shipped: { fulfilmentStatus: "SHIPPED" },
  "picked-up": { fulfilmentStatus: "PICKED_UP" },
  "not-to-ship": { fulfilmentStatus: "NOT_TO_SHIP" },
};

export const orderFilterSchema = z
  .object({
    status: z.preprocess(blankToUndefined, z.enum(ORDER_STATUSES, { error: "is not an order status" }).optional()),
    fulfilment: z.preprocess(
      blankToUndefined,
      z.enum(FULFILMENT_FILTERS, { error: "is not a fulfilment filter" }).optional(),
    ),
    from: z.preprocess(blankToUndefined, isoDate.optional()),
    to: z.preprocess(blankToUndefined, isoDate.optional()),
    q: z.preprocess(
      (value) => (typeof value === "string" ? value.trim() || undefined : value),
      z.string().max(100, "must be at most 100 characters").optional(),
    ),
    page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
    /** "Show orders never invoiced": a checkbox, sent as "1" when ticked and absent otherwise. */
    uninvoiced: z.preprocess(
      blankToUndefined,
      z
        .enum(["1", "on"], { error: "must be 1 or absent" })
        .transform(() => true as const)
        .optional(),
    ),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from <= filter.to, {
    message: "must not be after the end date",
    path: ["from"],
  });

export type OrderFilter = z.output<typeof orderFilterSchema>;

/** Reads a filter from a page's or route's search parameters (only the first value of each). */
export function parseOrderFilter(params: Record<string, string | string[] | undefined>) {
  const first = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  return orderFilterSchema.safeParse(first);
}

/**
 * What to look for in msisdns (international digits, 46701234567) for a phone number as the merchant types it:
 * "+46 70-123 45 67", "0046…", or the Swedish national "070-123 45 67", whose leading 0 stands for 46.
 */
export function msisdnFragments(query: string): string[] {
  const digits = query.replace(/[\s()+-]/g, "");
  if (!/^\d{4,15}$/.test(digits)) return [];
  if (digits.startsWith("00")) return [digits.slice(2)];
  if (/^0[1-9]/.test(digits)) return [digits, `46${digits.slice(1)}`];
  return [digits];
}

export function orderWhere(filter: Omit<OrderFilter, "page">): Prisma.OrderWhereInput {
  const where: Prisma.OrderWhereInput[] = [];
  if (filter.status) where.push({ status: filter.status });
  if (filter.fulfilment) where.push(FULFILMENT_WHERE[filter.fulfilment]);
  if (filter.from || filter.to) {
    const range = shopDays(filter.from ?? "1970-01-01", filter.to ?? "9999-12-31");
    where.push({ createdAt: { gte: range.start, lt: range.end } });
  }
  if (filter.q) {
    where.push({
      OR: [
        { clientInvoiceId: filter.q },
        { attempts: { some: { invoiceReference: filter.q } } },
        ...msisdnFragments(filter.q).map((digits) => ({ customerMsisdn: { contains: digits } })),
      ],
    });
  }
  return { AND: where };
}

/** The filter's orders as the list and the CSV show them: never-invoiced ones only when asked for. */
function shownWhere(filter: Omit<OrderFilter, "page">): Prisma.OrderWhereInput {
  return filter.uninvoiced ? orderWhere(filter) : { AND: [orderWhere(filter), { NOT: neverInvoicedOrder }] };
}

export type OrderRow = {
  id: string;
  clientInvoiceId: string;
  status: OrderStatus;
  createdAt: Date;
  paidAt: Date | null;
  totalMinor: number;
  refundedMinor: number;
  currency: string;
  customerMsisdn: string | null;
  attentionReason: string | null;
  invoiceReference: string | null;
  ersReference: string | null;
  fulfilmentStatus: FulfilmentStatus;
  deliveryMethod: DeliveryMethod | null;
};

const rowSelect = {
  id: true,
  clientInvoiceId: true,
  status: true,
  createdAt: true,
  paidAt: true,
  totalMinor: true,
  refundedMinor: true,
  currency: true,
  customerMsisdn: true,
  attentionReason: true,
  fulfilmentStatus: true,
  deliveryMethod: true,
  attempts: {
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 1,
    select: { invoiceReference: true, ersReference: true },
  },
} satisfies Prisma.OrderSelect;

function toRow(order: Prisma.OrderGetPayload<{ select: typeof rowSelect }>): OrderRow {
  const { attempts, ...rest } = order;
  return { ...rest, invoiceReference: attempts[0]?.invoiceReference ?? null, ersReference: attempts[0]?.ersReference ?? null };
}

export type FilterTotals = { currency: string; orders: number; totalMinor: number; refundedMinor: number }[];

export async function listOrders(filter: OrderFilter) {
  const where = shownWhere(filter);
  const [orders, count, sums, hiddenNeverInvoiced] = await Promise.all([
    db.order.findMany({
      where,
      select: rowSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (filter.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
    }),
    db.order.count({ where }),
    db.order.groupBy({ by: ["currency"], where, _count: { _all: true }, _sum: { totalMinor: true, refundedMinor: true } }),
    // What the filter matches among the hidden orders, so that the page can say so and offer to show them.
    filter.uninvoiced ? 0 : db.order.count({ where: { AND: [orderWhere(filter), neverInvoicedOrder] } }),
  ]);
  const totals: FilterTotals = sums.map((sum) => ({
    currency: sum.currency,
    orders: sum._count._all,
    totalMinor: sum._sum.totalMinor ?? 0,
    refundedMinor: sum._sum.refundedMinor ?? 0,
  }));
  return { rows: orders.map(toRow), count, pages: Math.max(1, Math.ceil(count / PAGE_SIZE)), totals, hiddenNeverInvoiced };
}

export const CSV_COLUMNS = [
  "clientInvoiceId",
  "createdAt",
  "status",
  "total",
  "refunded",
  "currency",
  "msisdn",
  "invoiceReference",
  "ersReference",
  "paidAt",
  "attentionReason",
] as const;

export async function ordersCsv(filter: Omit<OrderFilter, "page">): Promise<string> {
  const orders = await db.order.findMany({
    where: shownWhere(filter),
    select: rowSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: CSV_MAX_ROWS,
  });
  const records = orders.map(toRow).map((row) => [
    row.clientInvoiceId,
    row.createdAt.toISOString(),
    row.status,
    toSeqrAmount(row.totalMinor, row.currency),
    toSeqrAmount(row.refundedMinor, row.currency),
    row.currency,
    row.customerMsisdn ?? "",
    row.invoiceReference ?? "",
    row.ersReference ?? "",
    row.paidAt?.toISOString() ?? "",
    row.attentionReason ?? "",
  ]);
  // Amounts as SEQR's own report writes them ("349.00"), which spreadsheets read as numbers in any locale.
  // escape_formulas: a clientInvoiceId may begin with "-", which a spreadsheet would read as a formula.
  return stringify(records, { header: true, columns: [...CSV_COLUMNS], escape_formulas: true, record_delimiter: "\r\n" });
}
