import { TZDate } from "@date-fns/tz";
import { stringify } from "csv-stringify/sync";
import { addDays, addMonths, addWeeks, format, getISOWeek, getISOWeekYear, startOfISOWeek, startOfMonth } from "date-fns";
import { z } from "zod";

import { db } from "../db.ts";
import { env } from "../env.ts";
import { minorUnitDigits } from "../money.ts";
import { includedVatMinor } from "../orders/pricing.ts";
import { SETTLED_STATUSES } from "../orders/state-machine.ts";
import { isoDate, shopDate, type Period } from "./periods.ts";

// The books: VAT per rate for an order and for a refund, and the period report (a day, an ISO week or a month in the
// shop's time zone) of sales, refunds and their difference, on the page and as a CSV a Swedish spreadsheet opens.
//
// Sales are the orders paid in the period (by SEQR's payment time), whatever happened to them later; refunds are
// those SEQR confirmed in the period (by confirmation time), whenever their order was paid. An order's VAT is worked
// out from its lines exactly as its taxMinor was (lib/orders/pricing.ts, per line, rounded half up), so the rates add
// up to taxMinor. A refund's VAT: lines refunded by line (RefundLine) carry the VAT of their own amount at their
// line's rate; an amount refunded without lines carries the order's VAT in proportion (amount ÷ order total), that
// total rounded half up to the öre and shared over the order's rates in proportion, each share rounded down and the
// öre left over put on the rate with the most VAT, so the shares add up to the total.

/** Sweden's VAT rates (basis points): each has a column of its own in the CSVs and the report. */
export const VAT_RATES_BPS = [2500, 1200, 600] as const;

/** VAT in minor units per rate (basis points). */
export type VatByRate = Record<number, number>;

type PricedLine = { lineTotalMinor: number; taxRateBps: number };

export function vatTotal(vat: VatByRate): number {
  return Object.values(vat).reduce((sum, minor) => sum + minor, 0);
}

function addVat(into: VatByRate, more: VatByRate, sign = 1): VatByRate {
  for (const [rate, minor] of Object.entries(more)) into[Number(rate)] = (into[Number(rate)] ?? 0) + sign * minor;
  return into;
}

/** The VAT in an order, per rate, computed line by line as createOrder computed its taxMinor. */
export function orderVatByRate(lines: readonly PricedLine[]): VatByRate {
  const vat: VatByRate = {};
  for (const line of lines) vat[line.taxRateBps] = (vat[line.taxRateBps] ?? 0) + includedVatMinor(line.lineTotalMinor, line.taxRateBps);
  return vat;
}

/**
 * The VAT in `amountMinor` refunded off an order without naming lines: the order's VAT × amount ÷ total, rounded
 * half up, shared over its rates in proportion (each share rounded down, the rest on the rate with the most VAT).
 */
export function proportionalVat(amountMinor: number, order: { totalMinor: number; items: readonly PricedLine[] }): VatByRate {
  if (amountMinor <= 0 || order.totalMinor <= 0) return {};
  const orderVat = orderVatByRate(order.items);
  // BigInt: VAT × amount passes 2^53 for large orders.
  const amount = BigInt(amountMinor);
  const total = BigInt(order.totalMinor);
  const wanted = Number((2n * BigInt(vatTotal(orderVat)) * amount + total) / (2n * total));
  const shares: VatByRate = {};
  let largest: number | undefined;
  for (const [rateText, vat] of Object.entries(orderVat)) {
    const rate = Number(rateText);
    shares[rate] = Number((BigInt(vat) * amount) / total);
    if (largest === undefined || vat > (orderVat[largest] ?? 0) || (vat === orderVat[largest] && rate > largest)) largest = rate;
  }
  if (largest !== undefined) shares[largest] = (shares[largest] ?? 0) + wanted - vatTotal(shares);
  return shares;
}

export type RefundForBooks = {
  amountMinor: number;
  lines: readonly { amountMinor: number; taxRateBps: number }[];
  order: { totalMinor: number; items: readonly PricedLine[] };
};

/** The VAT a refund gives back, per rate (see the rule at the top of this file). */
export function refundVatByRate(refund: RefundForBooks): VatByRate {
  const byLines = refund.lines.reduce((sum, line) => sum + line.amountMinor, 0);
  // Lines adding up to more than the refund are not something the shop writes: then the amount alone counts.
  if (refund.lines.length === 0 || byLines > refund.amountMinor) return proportionalVat(refund.amountMinor, refund.order);
  const vat: VatByRate = {};
  for (const line of refund.lines) vat[line.taxRateBps] = (vat[line.taxRateBps] ?? 0) + includedVatMinor(line.amountMinor, line.taxRateBps);
  return addVat(vat, proportionalVat(refund.amountMinor - byLines, refund.order));
}

// ---------------------------------------------------------------------------------------------------------------
// Spreadsheet cells

/**
 * An amount as a Swedish spreadsheet reads a number: decimal comma, no thousands separator, minus sign for negatives
 * ("1644,50", "-38,50"; "1500" for a currency without decimals).
 */
export function spreadsheetAmount(amountMinor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const whole = String(Math.abs(amountMinor));
  if (digits === 0) return sign + whole;
  const padded = whole.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)},${padded.slice(-digits)}`;
}

/** "2026-11-30 14:05" in the shop's time zone: a date and time Swedish spreadsheets read as one. */
export function spreadsheetTime(at: Date, timeZone = env.timeZone): string {
  return format(new TZDate(at.getTime(), timeZone), "yyyy-MM-dd HH:mm");
}

/**
 * Swedish Excel opens a CSV with a double click when fields are separated by semicolons (the comma is its decimal
 * sign) and reads it as UTF-8 (å, ä, ö) only when the file begins with a byte order mark.
 */
export const SPREADSHEET_CSV = { delimiter: ";", bom: true, record_delimiter: "\r\n" } as const;

export const VAT_COLUMNS = VAT_RATES_BPS.map((rate) => `VAT ${rate / 100} %`);

// ---------------------------------------------------------------------------------------------------------------
// The period report

export const REPORT_KINDS = ["day", "week", "month"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_KIND_LABELS: Record<ReportKind, string> = { day: "Day", week: "Week", month: "Month" };

const blankToUndefined = (value: unknown) => (value === "" ? undefined : value);

export const reportQuerySchema = z.object({
  period: z.preprocess(blankToUndefined, z.enum(REPORT_KINDS, { error: "must be day, week or month" }).default("day")),
  /** Any day of the period; today (in the shop's zone) when not given. */
  date: z.preprocess(blankToUndefined, isoDate.optional()),
});

/** Reads a report's period from a page's or route's search parameters (only the first value of each). */
export function parseReportQuery(params: Record<string, string | string[] | undefined>, now = new Date()) {
  const first = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  const parsed = reportQuerySchema.safeParse(first);
  if (!parsed.success) return parsed;
  const date = parsed.data.date ?? shopDate(now);
  return { success: true as const, data: { date, period: reportPeriod(parsed.data.period, date) } };
}

export type ReportPeriod = Period & {
  kind: ReportKind;
  /** "2026-11-30", "2026-W49" or "2026-11": the period's name in file names and the CSV. */
  code: string;
  /** "Monday 30 November 2026", "Week 49, 2026: 30 Nov – 6 Dec" or "November 2026". */
  title: string;
  /** The first and the last day of the period (YYYY-MM-DD). */
  firstDay: string;
  lastDay: string;
  /** A day of the period before and of the one after, for links. */
  previousDate: string;
  nextDate: string;
};

/** The day, ISO week (Monday to Sunday) or month holding `date`, from midnight to midnight in the shop's zone. */
export function reportPeriod(kind: ReportKind, date: string, timeZone = env.timeZone): ReportPeriod {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const anchor = new TZDate(year, month - 1, day, timeZone);
  const step = { day: addDays, week: addWeeks, month: addMonths }[kind];
  const first = kind === "day" ? anchor : kind === "week" ? startOfISOWeek(anchor) : startOfMonth(anchor);
  const after = step(first, 1);
  const last = addDays(after, -1);
  const ymd = (at: Date) => format(at, "yyyy-MM-dd");
  const code =
    kind === "day" ? ymd(first) : kind === "week" ? `${getISOWeekYear(first)}-W${String(getISOWeek(first)).padStart(2, "0")}` : format(first, "yyyy-MM");
  const title =
    kind === "day"
      ? format(first, "EEEE d MMMM yyyy")
      : kind === "week"
        ? `Week ${getISOWeek(first)}, ${getISOWeekYear(first)}: ${format(first, "d MMM")} – ${format(last, "d MMM yyyy")}`
        : format(first, "MMMM yyyy");
  return {
    kind,
    start: new Date(first.getTime()),
    end: new Date(after.getTime()),
    code,
    title,
    firstDay: ymd(first),
    lastDay: ymd(last),
    previousDate: ymd(step(first, -1)),
    nextDate: ymd(after),
  };
}

export type Figures = {
  /** Orders paid, or refunds confirmed; null on the net line. */
  count: number | null;
  /** Including VAT. */
  totalMinor: number;
  vat: VatByRate;
  vatMinor: number;
  exclVatMinor: number;
};

export type CurrencyBooks = { currency: string; sales: Figures; refunds: Figures; net: Figures };

function emptyFigures(): Figures {
  return { count: 0, totalMinor: 0, vat: {}, vatMinor: 0, exclVatMinor: 0 };
}

function settle(figures: Figures): Figures {
  const vatMinor = vatTotal(figures.vat);
  return { ...figures, vatMinor, exclVatMinor: figures.totalMinor - vatMinor };
}

const PAID_STATUSES = [...SETTLED_STATUSES];
const LINE_SELECT = { lineTotalMinor: true, taxRateBps: true } as const;

/** Sales, refunds and their difference in the period, per currency (alphabetical), with VAT per rate. */
export async function periodBooks(period: Period): Promise<CurrencyBooks[]> {
  const [orders, refunds] = await Promise.all([
    db.order.findMany({
      where: { status: { in: PAID_STATUSES }, paidAt: { gte: period.start, lt: period.end } },
      select: { currency: true, totalMinor: true, items: { select: LINE_SELECT } },
    }),
    db.refund.findMany({
      where: { status: "SUCCEEDED", completedAt: { gte: period.start, lt: period.end } },
      select: {
        currency: true,
        amountMinor: true,
        lines: { select: { amountMinor: true, orderItem: { select: { taxRateBps: true } } } },
        order: { select: { totalMinor: true, items: { select: LINE_SELECT } } },
      },
    }),
  ]);
  const books = new Map<string, { sales: Figures; refunds: Figures }>();
  const of = (currency: string) => {
    const found = books.get(currency) ?? { sales: emptyFigures(), refunds: emptyFigures() };
    books.set(currency, found);
    return found;
  };
  for (const order of orders) {
    const { sales } = of(order.currency);
    sales.count = (sales.count ?? 0) + 1;
    sales.totalMinor += order.totalMinor;
    addVat(sales.vat, orderVatByRate(order.items));
  }
  for (const refund of refunds) {
    const figures = of(refund.currency).refunds;
    figures.count = (figures.count ?? 0) + 1;
    figures.totalMinor += refund.amountMinor;
    const lines = refund.lines.map((line) => ({ amountMinor: line.amountMinor, taxRateBps: line.orderItem.taxRateBps }));
    addVat(figures.vat, refundVatByRate({ amountMinor: refund.amountMinor, lines, order: refund.order }));
  }
  return [...books.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, { sales, refunds: refunded }]) => {
      const net: Figures = { count: null, totalMinor: sales.totalMinor - refunded.totalMinor, vat: addVat(addVat({}, sales.vat), refunded.vat, -1), vatMinor: 0, exclVatMinor: 0 };
      return { currency, sales: settle(sales), refunds: settle(refunded), net: settle(net) };
    });
}

export const REPORT_LINES = [
  ["sales", "Sales"],
  ["refunds", "Refunds"],
  ["net", "Net (sales − refunds)"],
] as const;

export const REPORT_CSV_COLUMNS = [
  "Period",
  "First day",
  "Last day",
  "Currency",
  "Line",
  "Count",
  "Total incl. VAT",
  ...VAT_COLUMNS,
  "VAT total",
  "Total excl. VAT",
] as const;

/** The report as a CSV: three lines (sales, refunds, net) per currency. */
export function periodBooksCsv(period: ReportPeriod, books: CurrencyBooks[]): string {
  const records = books.flatMap((book) =>
    REPORT_LINES.map(([key, label]) => {
      const figures = book[key];
      const amount = (minor: number) => spreadsheetAmount(minor, book.currency);
      return [
        period.code,
        period.firstDay,
        period.lastDay,
        book.currency,
        label,
        figures.count === null ? "" : String(figures.count),
        amount(figures.totalMinor),
        ...VAT_RATES_BPS.map((rate) => amount(figures.vat[rate] ?? 0)),
        amount(figures.vatMinor),
        amount(figures.exclVatMinor),
      ];
    }),
  );
  // No free text in it, so nothing to escape; net amounts may be negative and must stay numbers.
  return stringify(records, { ...SPREADSHEET_CSV, header: true, columns: [...REPORT_CSV_COLUMNS] });
}
