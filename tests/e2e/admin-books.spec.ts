import { readFile } from "node:fs/promises";

import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { parse } from "csv-parse/sync";

import { reportPeriod } from "@/lib/admin/books";
import { formatMoney } from "@/lib/money";

import { adminOrderPath, expect, signInAsAdmin, test } from "./support/admin";
import { newBooksMsisdn, plantConfirmedRefund, plantPaidOrder, removeBooksOrders, type PlantedBooksOrder } from "./support/books";
import { openShopDatabase } from "./support/shop-db";

// The merchant's books on the production build, at a desktop's width and at 390 px: the orders list found by short
// number and by phone number, its CSV read back as a spreadsheet would, and the day's report. Each test plants its
// orders on a day long past that is its own (tests and projects run at once on one database), under a phone number
// and an e-mail address of its own, so that the day's figures are known to the öre:
//
//   A, 14:05: 2 × 349,00 at 25 %, 89,00 at 12 %, 3 × 45,50 at 6 %: 923,50 kr; VAT 139,60 + 9,54 + 7,73.
//   B, 16:00: 199,00 at 25 %, 2 × 59,00 at 12 %: 317,00 kr; VAT 39,80 + 12,64. 100,00 refunded at 17:00 as an
//      amount: VAT 52,44 × 100/317 = 16,54, as 12,56 at 25 % and 3,98 at 12 %.
//   Sales 1 240,50 kr (VAT 179,40 / 22,18 / 7,73), refunds 100,00 kr (12,56 / 3,98 / 0), net 1 140,50 kr.

const db = openShopDatabase();
test.afterAll(() => db.$disconnect());

/** Each test's own day (Stockholm, a Monday in winter), per project: no two in one ISO week. */
const DAYS: Record<string, Record<string, string>> = {
  desktop: { search: "2001-02-05", csv: "2001-02-12", report: "2001-02-19" },
  phone: { search: "2001-03-05", csv: "2001-03-12", report: "2001-03-19" },
};

const kr = (amountMinor: number) => formatMoney({ amountMinor, currency: "SEK" });
/** Stockholm in February is UTC+1. */
const stockholm = (day: string, time: string) => new Date(`${day}T${time}:00+01:00`);
/** 46791234567 as people write it at home: 079-123 45 67. */
const national = (msisdn: string) => `0${msisdn.slice(2, 4)}-${msisdn.slice(4, 7)} ${msisdn.slice(7, 9)} ${msisdn.slice(9, 11)}`;

const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
  expect(
    results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`),
    `axe on ${where}`,
  ).toEqual([]);
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

let day: string;
let msisdn: string;
let email: string;
let a: PlantedBooksOrder;
let b: PlantedBooksOrder;

/** Plants the day's two orders and B's refund (see the top of this file) on the test's own day. */
async function plantTheDay(project: string, test: "search" | "csv" | "report"): Promise<void> {
  day = DAYS[project]?.[test] ?? "2001-04-02";
  // Left over by a run that was stopped: the day is this test's own.
  await removeBooksOrders(db, reportPeriod("day", day));
  msisdn = newBooksMsisdn();
  email = `Greta.${msisdn}@Example.se`;
  a = await plantPaidOrder(db, {
    paidAt: stockholm(day, "14:05"),
    msisdn,
    email,
    name: "Greta Garbo",
    lines: [
      { unitPriceMinor: 34900, quantity: 2, taxRateBps: 2500 },
      { unitPriceMinor: 8900, quantity: 1, taxRateBps: 1200 },
      { unitPriceMinor: 4550, quantity: 3, taxRateBps: 600 },
    ],
  });
  b = await plantPaidOrder(db, {
    paidAt: stockholm(day, "16:00"),
    msisdn,
    email: email.toLowerCase(),
    name: "Greta Garbo",
    refundedMinor: 10000,
    lines: [
      { unitPriceMinor: 19900, quantity: 1, taxRateBps: 2500 },
      { unitPriceMinor: 5900, quantity: 2, taxRateBps: 1200 },
    ],
  });
  await plantConfirmedRefund(db, b, 10000, stockholm(day, "17:00"));
}

test.afterEach(async () => {
  if (day) await removeBooksOrders(db, reportPeriod("day", day));
});

test("the orders list finds an order by its short number and by phone number; the money taken is paid less refunded", async ({ page }, testInfo) => {
  await plantTheDay(testInfo.project.name, "search");
  await signInAsAdmin(page);
  await page.goto("/admin/orders");
  const filters = page.getByRole("form", { name: "Filter orders" });
  const list = page.getByRole("table", { name: "Orders" });

  await filters.getByLabel("Search").fill(`#${a.number}`);
  await filters.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL((url) => url.searchParams.get("q") === `#${a.number}`);
  await expect(page.getByTestId("order-count")).toHaveText("1 order");
  const row = list.locator("tbody tr");
  await expect(row).toHaveCount(1);
  // The short number leads the row and links the order's page, whose address keeps the long id.
  await expect(row.getByRole("cell").first()).toHaveText(`#${a.number}`);
  await expect(page.getByTestId("filter-total-SEK")).toContainText(`Money taken (paid − refunded): ${kr(92350)}`);
  await expectNoAxeViolations(page, "the orders list");
  // The order page's address keeps the long id.
  const link = row.getByRole("link", { name: `Order #${a.number}` });
  await expect(link).toHaveAttribute("href", adminOrderPath(a.clientInvoiceId));
  await page.goto(adminOrderPath(a.clientInvoiceId));
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // The phone number as people write it: both of the day's orders, and what they brought in.
  await page.goto(`/admin/orders?q=${encodeURIComponent(national(msisdn))}`);
  await expect(page.getByTestId("order-count")).toHaveText("2 orders");
  expect(await list.locator("tbody tr[data-order]").evaluateAll((rows) => rows.map((element) => element.getAttribute("data-order")))).toEqual([
    b.clientInvoiceId,
    a.clientInvoiceId,
  ]);
  await expect(list.locator(`tr[data-order="${b.clientInvoiceId}"]`)).toContainText(national(msisdn));
  await expect(page.getByTestId("filter-total-SEK")).toContainText(`Money taken (paid − refunded): ${kr(114050)}`);
  await expect(page.getByTestId("filter-total-SEK")).toContainText(`2 paid orders: ${kr(124050)} paid, ${kr(10000)} refunded`);
  // And in the international form, and by e-mail in another case.
  await page.goto(`/admin/orders?q=${encodeURIComponent(`+${msisdn}`)}`);
  await expect(page.getByTestId("order-count")).toHaveText("2 orders");
  await page.goto(`/admin/orders?q=${encodeURIComponent(email.toUpperCase())}`);
  await expect(page.getByTestId("order-count")).toHaveText("2 orders");
});

test("the CSV of the list, downloaded and read back as a spreadsheet reads it", async ({ page }, testInfo) => {
  await plantTheDay(testInfo.project.name, "csv");
  await signInAsAdmin(page);
  await page.goto(`/admin/orders?q=${msisdn}`);
  await expect(page.getByTestId("order-count")).toHaveText("2 orders");
  const downloading = page.waitForEvent("download");
  // Dispatched rather than clicked: the orders list's own layout at 390 px is not this test's subject.
  await page.getByRole("link", { name: "Export CSV" }).dispatchEvent("click");
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d\d-\d\d\.csv$/);
  const bytes = await readFile(await download.path());
  // UTF-8 with a byte order mark, fields separated by semicolons: what Swedish Excel opens with a double click.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const records: Record<string, string>[] = parse(bytes, { bom: true, delimiter: ";", columns: true });
  expect(records.map((record) => record["Order id"])).toEqual([b.clientInvoiceId, a.clientInvoiceId]);
  expect(records[1]).toEqual({
    Order: `#${a.number}`,
    "Order id": a.clientInvoiceId,
    Placed: `${day} 14:04`,
    Paid: `${day} 14:05`,
    Status: "Paid",
    Customer: "Greta Garbo",
    Phone: national(msisdn),
    "E-mail": email,
    Currency: "SEK",
    "Total incl. VAT": "923,50",
    "VAT 25 %": "139,60",
    "VAT 12 %": "9,54",
    "VAT 6 %": "7,73",
    "VAT total": "156,87",
    "Total excl. VAT": "766,63",
    Refunded: "0,00",
    "Invoice reference": a.invoiceReference,
    "Payment reference": a.ersReference,
    "Needs attention": "",
  });
  expect(records[0]).toMatchObject({ Status: "Partly refunded", "Total incl. VAT": "317,00", "VAT 25 %": "39,80", "VAT 12 %": "12,64", Refunded: "100,00" });
});

test("the report shows the day's sales, refunds and VAT per rate, prints without the admin's chrome, and downloads as CSV", async ({ page }, testInfo) => {
  await plantTheDay(testInfo.project.name, "report");
  await signInAsAdmin(page);
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Reports" })).toHaveAttribute("href", "/admin/reports");
  await page.goto("/admin/reports");
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  const form = page.getByRole("form", { name: "Report period" });
  await form.getByLabel("Period").selectOption("day");
  await form.getByLabel("Date").fill(day);
  await form.getByRole("button", { name: "Show" }).click();
  await page.waitForURL((url) => url.searchParams.get("date") === day && url.searchParams.get("period") === "day");
  await expect(page.getByTestId("report-title")).toHaveText(reportPeriod("day", day).title);

  const table = page.getByRole("table", { name: "Sales, refunds and VAT in SEK" });
  const cells = (label: string) => table.getByRole("row", { name: new RegExp(`^${label}`) }).getByRole("cell");
  await expect(table.getByRole("columnheader")).toHaveText(["SEK", "Sales", "Refunds", "Net (sales − refunds)"]);
  await expect(cells("Count")).toHaveText(["2", "1", ""]);
  await expect(cells("Total incl. VAT")).toHaveText([kr(124050), kr(10000), kr(114050)]);
  await expect(cells("VAT 25 %")).toHaveText([kr(17940), kr(1256), kr(16684)]);
  await expect(cells("VAT 12 %")).toHaveText([kr(2218), kr(398), kr(1820)]);
  await expect(cells("VAT 6 %")).toHaveText([kr(773), kr(0), kr(773)]);
  await expect(cells("VAT total")).toHaveText([kr(20931), kr(1654), kr(19277)]);
  await expect(cells("Total excl. VAT")).toHaveText([kr(103119), kr(8346), kr(94773)]);
  await expectNoSidewaysScroll(page);
  await expectNoAxeViolations(page, "the report");

  // Printed: the figures, without the header, the period form or the buttons.
  await page.emulateMedia({ media: "print" });
  await expect(table).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Admin" })).toBeHidden();
  await expect(page.getByRole("form", { name: "Report period" })).toBeHidden();
  await expect(page.getByRole("link", { name: "Download CSV" })).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`report-day-${day}.csv`);
  const records: string[][] = parse(await readFile(await download.path()), { bom: true, delimiter: ";" });
  expect(records).toEqual([
    ["Period", "First day", "Last day", "Currency", "Line", "Count", "Total incl. VAT", "VAT 25 %", "VAT 12 %", "VAT 6 %", "VAT total", "Total excl. VAT"],
    [day, day, day, "SEK", "Sales", "2", "1240,50", "179,40", "22,18", "7,73", "209,31", "1031,19"],
    [day, day, day, "SEK", "Refunds", "1", "100,00", "12,56", "3,98", "0,00", "16,54", "83,46"],
    [day, day, day, "SEK", "Net (sales − refunds)", "", "1140,50", "166,84", "18,20", "7,73", "192,77", "947,73"],
  ]);

  // The day before has none of it.
  await page.getByRole("link", { name: "← Previous day" }).click();
  await expect(page.getByTestId("report-empty")).toBeVisible();
});
