import { stringify } from "csv-stringify/sync";
import { z } from "zod";

import { db } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { DeliveryMethod, FulfilmentStatus } from "../generated/prisma/enums.ts";
import { neverInvoicedOrder } from "../orders/never-invoiced.ts";
import { formatOrderNumber } from "../orders/order-number.ts";
import { ORDER_STATUSES, SETTLED_STATUSES, type OrderStatus } from "../orders/state-machine.ts";
import { orderVatByRate, SPREADSHEET_CSV, spreadsheetAmount, spreadsheetTime, VAT_COLUMNS, VAT_RATES_BPS, vatTotal } from "./books.ts";
import { attentionReasonText } from "./dashboard.ts";
import { FULFILLABLE_STATUSES } from "./fulfilment.ts";
import { formatPhoneNumber, orderSearch } from "./order-search.ts";
import { isoDate, shopDays } from "./periods.ts";

// The orders list: filter by status, fulfilment ("to ship": paid, not yet sent, to an address) and the shop's dates,
// search by order number, order id, phone number, e-mail or SEQR reference (lib/admin/order-search.ts), newest
// first, with the money taken for the whole filter and a CSV of it. Orders never invoiced (placed and left; anyone
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

/** The filter's conditions, but for the search, which needs the database (lib/admin/order-search.ts). */
export function orderWhere(filter: Omit<OrderFilter, "page" | "q">): Prisma.OrderWhereInput {
  const where: Prisma.OrderWhereInput[] = [];
  if (filter.status) where.push({ status: filter.status });
  if (filter.fulfilment) where.push(FULFILMENT_WHERE[filter.fulfilment]);
  if (filter.from || filter.to) {
    const range = shopDays(filter.from ?? "1970-01-01", filter.to ?? "9999-12-31");
    where.push({ createdAt: { gte: range.start, lt: range.end } });
  }
  return { AND: where };
}

type ResolvedFilter = { matching: Prisma.OrderWhereInput; searchIncomplete: boolean };

/** The filter as one condition, its search looked up. */
async function resolveFilter(filter: Omit<OrderFilter, "page">): Promise<ResolvedFilter> {
  const base = orderWhere(filter);
  if (!filter.q) return { matching: base, searchIncomplete: false };
  const search = await orderSearch(filter.q);
  return { matching: { AND: [base, search.where] }, searchIncomplete: search.incomplete };
}

/** The filter's orders as the list and the CSV show them: never-invoiced ones only when asked for. */
function shown(filter: Omit<OrderFilter, "page">, resolved: ResolvedFilter): Prisma.OrderWhereInput {
  return filter.uninvoiced ? resolved.matching : { AND: [resolved.matching, { NOT: neverInvoicedOrder }] };
}

/** Orders the shopper paid (SEQR took the money): counted in the money taken. */
const paidOrder: Prisma.OrderWhereInput = { status: { in: [...SETTLED_STATUSES] }, paidAt: { not: null } };

export type OrderRow = {
  id: string;
  number: number;
  clientInvoiceId: string;
  status: OrderStatus;
  createdAt: Date;
  paidAt: Date | null;
  totalMinor: number;
  refundedMinor: number;
  currency: string;
  customerMsisdn: string | null;
  customerEmail: string | null;
  attentionReason: string | null;
  invoiceReference: string | null;
  ersReference: string | null;
  fulfilmentStatus: FulfilmentStatus;
  deliveryMethod: DeliveryMethod | null;
};

const rowSelect = {
  id: true,
  number: true,
  clientInvoiceId: true,
  status: true,
  createdAt: true,
  paidAt: true,
  totalMinor: true,
  refundedMinor: true,
  currency: true,
  customerMsisdn: true,
  customerEmail: true,
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

/**
 * Per currency, for the whole filter: how many orders, and of them the paid ones with what they paid, the refunds SEQR
 * confirmed, the money taken (paid − refunded), and refunds still awaiting SEQR's answer (not subtracted: they may
 * not have happened).
 */
export type FilterTotals = {
  currency: string;
  orders: number;
  paidOrders: number;
  paidMinor: number;
  refundedMinor: number;
  takenMinor: number;
  awaitingRefundMinor: number;
}[];

async function filterTotals(where: Prisma.OrderWhereInput): Promise<FilterTotals> {
  const [all, paid, awaiting] = await Promise.all([
    db.order.groupBy({ by: ["currency"], where, _count: { _all: true } }),
    db.order.groupBy({ by: ["currency"], where: { AND: [where, paidOrder] }, _count: { _all: true }, _sum: { totalMinor: true, refundedMinor: true } }),
    db.refund.groupBy({
      by: ["currency"],
      where: { status: { in: ["PENDING", "UNKNOWN"] }, settledAt: null, order: where },
      _sum: { amountMinor: true },
    }),
  ]);
  return all
    .map((row) => {
      const paidRow = paid.find((candidate) => candidate.currency === row.currency);
      const paidMinor = paidRow?._sum.totalMinor ?? 0;
      const refundedMinor = paidRow?._sum.refundedMinor ?? 0;
      return {
        currency: row.currency,
        orders: row._count._all,
        paidOrders: paidRow?._count._all ?? 0,
        paidMinor,
        refundedMinor,
        takenMinor: paidMinor - refundedMinor,
        awaitingRefundMinor: awaiting.find((candidate) => candidate.currency === row.currency)?._sum.amountMinor ?? 0,
      };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

export async function listOrders(filter: OrderFilter) {
  const resolved = await resolveFilter(filter);
  const where = shown(filter, resolved);
  const [orders, count, totals, hiddenNeverInvoiced] = await Promise.all([
    db.order.findMany({
      where,
      select: rowSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (filter.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
    }),
    db.order.count({ where }),
    filterTotals(where),
    // What the filter matches among the hidden orders, so that the page can say so and offer to show them.
    filter.uninvoiced ? 0 : db.order.count({ where: { AND: [resolved.matching, neverInvoicedOrder] } }),
  ]);
  return {
    rows: orders.map(toRow),
    count,
    pages: Math.max(1, Math.ceil(count / PAGE_SIZE)),
    totals,
    hiddenNeverInvoiced,
    searchIncomplete: resolved.searchIncomplete,
  };
}

/** Plain words for an order's status in the CSV (the accountant's copy). */
const STATUS_WORDS: Record<OrderStatus, string> = {
  PENDING: "Not paid (no invoice)",
  INVOICED: "Awaiting payment",
  PAID: "Paid",
  FAILED: "Payment failed",
  CANCELED: "Payment canceled",
  EXPIRED: "Expired, not paid",
  NEEDS_ATTENTION: "Paid, needs attention",
  PARTIALLY_REFUNDED: "Partly refunded",
  REFUNDED: "Refunded",
  CANCELED_BY_MERCHANT: "Canceled by the shop",
};

/** The orders CSV's columns, in plain English (the admin's language; docs/admin.md). */
export const CSV_COLUMNS = [
  "Order",
  "Order id",
  "Placed",
  "Paid",
  "Status",
  "Customer",
  "Phone",
  "E-mail",
  "Currency",
  "Total incl. VAT",
  ...VAT_COLUMNS,
  "VAT total",
  "Total excl. VAT",
  "Refunded",
  "Invoice reference",
  "Payment reference",
  "Needs attention",
] as const;

/**
 * The filter's orders (newest first, at most CSV_MAX_ROWS) for a Swedish spreadsheet: semicolons, decimal commas,
 * times in the shop's zone, a byte order mark, and the VAT of each order per rate, worked out from its lines as its
 * taxMinor was.
 */
export async function ordersCsv(filter: Omit<OrderFilter, "page">): Promise<string> {
  const resolved = await resolveFilter(filter);
  const orders = await db.order.findMany({
    where: shown(filter, resolved),
    select: { ...rowSelect, deliveryName: true, items: { select: { lineTotalMinor: true, taxRateBps: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: CSV_MAX_ROWS,
  });
  const records = orders.map((order) => {
    const row = toRow(order);
    const amount = (minor: number) => spreadsheetAmount(minor, row.currency);
    const vat = orderVatByRate(order.items);
    const vatMinor = vatTotal(vat);
    return [
      formatOrderNumber(row.number),
      row.clientInvoiceId,
      spreadsheetTime(row.createdAt),
      row.paidAt ? spreadsheetTime(row.paidAt) : "",
      STATUS_WORDS[row.status],
      order.deliveryName ?? "",
      row.customerMsisdn ? formatPhoneNumber(row.customerMsisdn) : "",
      row.customerEmail ?? "",
      row.currency,
      amount(row.totalMinor),
      ...VAT_RATES_BPS.map((rate) => amount(vat[rate] ?? 0)),
      amount(vatMinor),
      amount(row.totalMinor - vatMinor),
      amount(row.refundedMinor),
      row.invoiceReference ?? "",
      row.ersReference ?? "",
      row.attentionReason ? attentionReasonText(row.attentionReason) : "",
    ];
  });
  // escape_formulas: an order id may begin with "-", a name with "=": a spreadsheet would run them as formulas, so
  // they are written with a leading apostrophe. The amounts here are never negative, so none is touched.
  return stringify(records, { ...SPREADSHEET_CSV, header: true, columns: [...CSV_COLUMNS], escape_formulas: true });
}
