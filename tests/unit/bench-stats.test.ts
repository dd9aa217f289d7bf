import { describe, expect, test } from "vitest";

import { checkedLoad, type LoadRun } from "@/tests/bench/support/load";
import {
  describeGoal,
  durations,
  formatValue,
  markdownTable,
  measured,
  median,
  percentile,
  ratio,
  rowVerdict,
  samples,
  unmeasuredLines,
  UnmeasuredError,
  verdict,
  type TableRow,
} from "@/tests/bench/support/stats";

// The benchmark's arithmetic and its sanity checks (tests/bench/support/stats.ts, `npm run bench`): a number it
// cannot vouch for must never reach the table as a result.

describe("a measurement", () => {
  test("is a finite number above zero", () => {
    expect(measured("a time", 12.5)).toBe(12.5);
    expect(measured("a count", 1)).toBe(1);
  });

  test.each([
    ["zero", 0],
    ["a negative number", -3],
    ["NaN", Number.NaN],
    ["infinity", Number.POSITIVE_INFINITY],
    ["null", null],
    ["undefined", undefined],
  ])("is refused when it is %s, naming what was measured", (_name, value) => {
    expect(() => measured("requests per second of /", value)).toThrow(UnmeasuredError);
    expect(() => measured("requests per second of /", value)).toThrow(/requests per second of \//);
  });

  test("samples need the number asked for, each of them a measurement", () => {
    expect(samples("round trips", [3, 4, 5], 3)).toEqual([3, 4, 5]);
    expect(() => samples("round trips", [3, 4], 3)).toThrow(/round trips: 2 samples, at least 3 needed/);
    expect(() => samples("round trips", [3, 0, 5], 3)).toThrow(/round trips, sample 2/);
  });

  test("durations may be zero but never negative or missing", () => {
    expect(durations("payment → commit", [0, 1.5, 2], 3)).toEqual([0, 1.5, 2]);
    expect(() => durations("payment → commit", [0, -0.1, 2], 3)).toThrow(/sample 2: -0.1 is not a duration/);
    expect(() => durations("payment → commit", [0, Number.NaN, 2], 3)).toThrow(UnmeasuredError);
    expect(() => durations("payment → commit", [1], 50)).toThrow(/1 samples, at least 50 needed/);
  });
});

describe("percentiles (nearest rank)", () => {
  const oneToTen = [7, 3, 10, 1, 5, 9, 2, 8, 6, 4];

  test("are always one of the samples, whatever their order", () => {
    expect(percentile(oneToTen, 50)).toBe(5);
    expect(percentile(oneToTen, 90)).toBe(9);
    expect(percentile(oneToTen, 91)).toBe(10);
    expect(percentile(oneToTen, 10)).toBe(1);
    expect(percentile(oneToTen, 100)).toBe(10);
    expect(median([4, 1, 3])).toBe(3);
  });

  test("p99 of 50 samples is the largest: one slow payment is not averaged away", () => {
    const fifty = Array.from({ length: 50 }, (_unused, index) => (index === 17 ? 19.5 : 1 + index / 100));
    expect(percentile(fifty, 99)).toBe(19.5);
    expect(percentile(fifty, 50)).toBeLessThan(2);
  });

  test("of one sample is that sample", () => {
    expect(percentile([2.5], 1)).toBe(2.5);
    expect(percentile([2.5], 99)).toBe(2.5);
  });

  test("of nothing is not measured, and a percentile outside (0, 100] is a mistake", () => {
    expect(() => percentile([], 50)).toThrow(UnmeasuredError);
    expect(() => percentile([1, 2], 0)).toThrow(RangeError);
    expect(() => percentile([1, 2], 101)).toThrow(RangeError);
  });

  test("do not reorder the caller's samples", () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("ratios", () => {
  test("divide the measured value by its floor", () => {
    expect(ratio("first-load JS /order", 178, 134)).toBeCloseTo(1.328, 3);
    expect(ratio("catalog throughput /", 189, 1386)).toBeCloseTo(0.136, 3);
  });

  test("are refused when either side was not measured, naming which", () => {
    expect(() => ratio("catalog throughput /", 189, 0)).toThrow(/catalog throughput \/ \(the floor it is compared with\)/);
    expect(() => ratio("catalog throughput /", Number.NaN, 1386)).toThrow(/catalog throughput \/ \(measured\)/);
    expect(() => ratio("catalog throughput /", 0, 0)).toThrow(UnmeasuredError);
  });
});

describe("goals", () => {
  test("include their limit", () => {
    expect(verdict(1.1, { atMost: 1.1 })).toBe("PASS");
    expect(verdict(1.1001, { atMost: 1.1 })).toBe("MISS");
    expect(verdict(0.5, { atLeast: 0.5 })).toBe("PASS");
    expect(verdict(0.4999, { atLeast: 0.5 })).toBe("MISS");
    expect(verdict(659, { atLeast: 500 })).toBe("PASS");
  });

  test("read as the issue writes them", () => {
    expect(describeGoal({ atMost: 1.1 }, "×")).toBe("≤ 1.10×");
    expect(describeGoal({ atLeast: 0.5 }, "×")).toBe("≥ 0.50×");
    expect(describeGoal({ atMost: 5 }, "s")).toBe("≤ 5 s");
    expect(describeGoal({ atLeast: 500 }, "invoices")).toBe("≥ 500 invoices");
    expect(formatValue(1.3281, "×")).toBe("1.33×");
    expect(formatValue(2.456, "s")).toBe("2.46 s");
    expect(formatValue(659, "invoices")).toBe("659 invoices");
  });
});

describe("the table", () => {
  const rows: TableRow[] = [
    { row: "first-load JS /order", compares: "gzip bytes | vs empty", value: 1.33, unit: "×", goal: { atMost: 1.1 }, absolute: "178 KiB vs 134 KiB" },
    { row: "memory", compares: "RSS", value: 1.05, unit: "×", goal: { atMost: 1.2 }, absolute: "300 MiB vs 286 MiB" },
    { row: "catalog throughput /", compares: "req/s", value: null, unit: "×", goal: { atLeast: 0.5 }, absolute: "", problem: "/: unexpected answers {\"500\":12}" },
  ];

  test("marks misses and passes, and never prints a value for a row that was not measured", () => {
    expect(rows.map(rowVerdict)).toEqual(["MISS", "PASS", "NOT MEASURED"]);
    const table = markdownTable(rows);
    expect(table).toContain("| first-load JS /order | gzip bytes \\| vs empty | 1.33× | ≤ 1.10× | MISS | 178 KiB vs 134 KiB |");
    expect(table).toContain("| catalog throughput / | req/s | n/a | ≥ 0.50× | NOT MEASURED | not measured: /: unexpected answers {\"500\":12} |");
  });

  test("a row with a problem is not measured even when a value was set", () => {
    expect(rowVerdict({ ...rows[1], problem: "too few samples" } as TableRow)).toBe("NOT MEASURED");
  });

  test("the lines that fail the run name each row not measured, and only those", () => {
    expect(unmeasuredLines(rows)).toEqual(['bench: row "catalog throughput /" was not measured: /: unexpected answers {"500":12}']);
    expect(unmeasuredLines(rows.slice(0, 2))).toEqual([]);
  });
});

describe("a load run", () => {
  const run = (overrides: Partial<LoadRun>): LoadRun => ({
    responses: 500,
    seconds: 5,
    perSecond: 100,
    statuses: { "200": 500 },
    errors: 0,
    timeouts: 0,
    latencyP50Ms: 20,
    latencyP99Ms: 80,
    stoppedAtLimit: false,
    ...overrides,
  });

  test("counts when every answer is one it allows", () => {
    expect(checkedLoad("/", run({}), [200], 50).perSecond).toBe(100);
    expect(checkedLoad("mixed", run({ statuses: { "200": 300, "404": 100, "429": 100 } }), [200, 404, 429], 500).responses).toBe(500);
  });

  test("is not a measurement with an unexpected status, a connection error, a timeout or too few answers", () => {
    expect(() => checkedLoad("/", run({ statuses: { "200": 480, "500": 20 } }), [200], 50)).toThrow(/\/: unexpected answers \{"500":20\}/);
    expect(() => checkedLoad("/", run({ errors: 3 }), [200], 50)).toThrow(/3 connection errors/);
    expect(() => checkedLoad("/", run({ timeouts: 1 }), [200], 50)).toThrow(/1 timeouts/);
    expect(() => checkedLoad("/", run({ responses: 10 }), [200], 50)).toThrow(/10 responses, at least 50 needed/);
  });
});
