// The benchmark's arithmetic and its own sanity checks, kept free of I/O so that unit tests can hold them
// (tests/unit/bench-stats.test.ts). A number the harness cannot vouch for is never printed as a result: the row
// is reported as not measured, naming why, and the run fails.

/** A value that could not be measured; the message names what was missing. */
export class UnmeasuredError extends Error {
  override name = "UnmeasuredError";
}

/**
 * `value`, when it is a finite number above zero (a time, a count, a size, a rate); otherwise UnmeasuredError
 * naming `what`. Zero is refused on purpose: every quantity the benchmark reads is positive when it was measured,
 * and a silent zero is how a broken measurement looks.
 */
export function measured(what: string, value: number | null | undefined): number {
  if (value === null || value === undefined || typeof value !== "number" || !Number.isFinite(value)) {
    throw new UnmeasuredError(`${what}: no value (${String(value)})`);
  }
  if (value <= 0) throw new UnmeasuredError(`${what}: ${value} is not a measurement (expected above zero)`);
  return value;
}

/** `values`, when there are at least `minimum` of them and each passes `measured`. */
export function samples(what: string, values: readonly number[], minimum: number): number[] {
  if (values.length < minimum) throw new UnmeasuredError(`${what}: ${values.length} samples, at least ${minimum} needed`);
  return values.map((value, index) => measured(`${what}, sample ${index + 1}`, value));
}

/**
 * `values` as durations: at least `minimum` of them, each a finite number of zero or more (a payment confirmed by a
 * look that was already reading when it was made takes no time at all, and that is a measurement).
 */
export function durations(what: string, values: readonly number[], minimum: number): number[] {
  if (values.length < minimum) throw new UnmeasuredError(`${what}: ${values.length} samples, at least ${minimum} needed`);
  for (const [index, value] of values.entries()) {
    if (!Number.isFinite(value) || value < 0) throw new UnmeasuredError(`${what}, sample ${index + 1}: ${value} is not a duration`);
  }
  return [...values];
}

/** What a row's measurement gives the table: its number, the absolute values behind it, and details for the JSON. */
export type RowOutcome = { value: number; absolute: string; details?: Record<string, unknown> };

/**
 * The p-th percentile (0 < p ≤ 100) by nearest rank: the smallest sample with at least p% of the samples at or
 * below it. Always one of the samples (no interpolation), so p99 of 50 samples is the largest, as it should be.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], not ${p}`);
  if (values.length === 0) throw new UnmeasuredError("a percentile of no samples");
  const sorted = values.toSorted((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** measured / floor, both checked: a ratio of two real measurements or UnmeasuredError. */
export function ratio(what: string, value: number | null | undefined, floor: number | null | undefined): number {
  return measured(`${what} (measured)`, value) / measured(`${what} (the floor it is compared with)`, floor);
}

/** What a row promises: its number at most or at least `limit`. */
export type Goal = { atMost: number } | { atLeast: number };

export type Verdict = "PASS" | "MISS";

export function verdict(value: number, goal: Goal): Verdict {
  if ("atMost" in goal) return value <= goal.atMost ? "PASS" : "MISS";
  return value >= goal.atLeast ? "PASS" : "MISS";
}

/** "≤ 1.10×", "≥ 500", "≤ 5 s": the goal as the table prints it. */
export function describeGoal(goal: Goal, unit: string): string {
  const [sign, limit] = "atMost" in goal ? ["≤", goal.atMost] : ["≥", goal.atLeast];
  const number = unit === "×" ? limit.toFixed(2) : String(limit);
  return unit === "×" ? `${sign} ${number}×` : `${sign} ${number}${unit ? ` ${unit}` : ""}`;
}

/** A value as the table prints it: ratios with two decimals, the rest with at most `digits`. */
export function formatValue(value: number, unit: string, digits = 2): string {
  if (unit === "×") return `${value.toFixed(2)}×`;
  const rounded = Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return unit ? `${rounded} ${unit}` : rounded;
}

/** KiB with one decimal, as page weights are usually read. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** One line of the table. Unmeasured rows carry the reason instead of a value. */
export type TableRow = {
  row: string;
  compares: string;
  value: number | null;
  unit: string;
  goal: Goal;
  /** The measurements behind the value, for reference (absolute times, rates, sizes). */
  absolute: string;
  problem?: string;
};

/** PASS / MISS, or NOT MEASURED when the row has no value. */
export function rowVerdict(row: TableRow): Verdict | "NOT MEASURED" {
  return row.value === null || row.problem !== undefined ? "NOT MEASURED" : verdict(row.value, row.goal);
}

/** The table in Markdown, one line per row, ready for a README. */
export function markdownTable(rows: readonly TableRow[]): string {
  const escape = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    "| row | compares | measured | goal | verdict | absolute (for reference) |",
    "|---|---|---|---|---|---|",
    ...rows.map((row) => {
      const value = row.value === null || row.problem !== undefined ? "n/a" : formatValue(row.value, row.unit);
      const absolute = row.problem === undefined ? row.absolute : `not measured: ${row.problem}`;
      return `| ${escape(row.row)} | ${escape(row.compares)} | ${value} | ${describeGoal(row.goal, row.unit)} | ${rowVerdict(row)} | ${escape(absolute)} |`;
    }),
  ];
  return lines.join("\n");
}

/** The lines that make the run fail: one per row that has no value, naming the row. */
export function unmeasuredLines(rows: readonly TableRow[]): string[] {
  return rows.filter((row) => rowVerdict(row) === "NOT MEASURED").map((row) => `bench: row "${row.row}" was not measured: ${row.problem ?? "no value"}`);
}
