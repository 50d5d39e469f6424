import { describe, expect, test } from "vitest";
import { buildErrorChart, type ErrorCell } from "@/lib/statistics/chart";
import { aggregatedIntervals, coverageOf, notAggregatedIntervals, type PeriodMs } from "@/lib/statistics/coverage";
import { HOUR_MS } from "@/lib/statistics/utc9";

const H = HOUR_MS;
const period = (startedAt: number, endedAt: number | null): PeriodMs => ({ startedAt, endedAt });

describe("periods when aggregation was off", () => {
  test.each<[string, PeriodMs[], number, number, [number, number][]]>([
    ["never on", [], 0, 10 * H, [[0, 10 * H]]],
    ["on all along (still on)", [period(-5 * H, null)], 0, 10 * H, []],
    ["turned on in the middle (no backfill)", [period(4 * H, null)], 0, 10 * H, [[0, 4 * H]]],
    ["turned off in the middle", [period(-H, 6 * H)], 0, 10 * H, [[6 * H, 10 * H]]],
    ["off for a while, then on again", [period(0, 3 * H), period(5 * H, null)], 0, 10 * H, [[3 * H, 5 * H]]],
    ["two gaps", [period(H, 2 * H), period(4 * H, 6 * H)], 0, 10 * H, [[0, H], [2 * H, 4 * H], [6 * H, 10 * H]]],
    ["off and on in the same millisecond", [period(0, 5 * H), period(5 * H, null)], 0, 10 * H, []],
    ["overlapping periods", [period(0, 6 * H), period(2 * H, 4 * H)], 0, 10 * H, [[6 * H, 10 * H]]],
    ["periods outside the range", [period(-9 * H, -8 * H), period(11 * H, null)], 0, 10 * H, [[0, 10 * H]]],
    ["periods given out of order", [period(5 * H, null), period(0, 3 * H)], 0, 10 * H, [[3 * H, 5 * H]]],
  ])("%s", (_name, periods, from, to, gaps) => {
    expect(notAggregatedIntervals(periods, from, to)).toEqual(gaps.map(([start, end]) => ({ start, end })));
    const on = aggregatedIntervals(periods, from, to).reduce((sum, i) => sum + i.end - i.start, 0);
    const off = gaps.reduce((sum, [start, end]) => sum + end - start, 0);
    expect(on + off).toBe(to - from);
  });

  test.each<[string, [number, number], "full" | "partial" | "none"]>([
    ["wholly inside a gap", [H, 2 * H], "none"],
    ["wholly aggregated", [5 * H, 6 * H], "full"],
    ["cut by the start of aggregation", [3 * H + H / 2, 4 * H + H / 2], "partial"],
    ["beyond the range's end", [11 * H, 12 * H], "none"],
  ])("a bucket %s", (_name, [start, end], coverage) => {
    const off = notAggregatedIntervals([period(4 * H, null)], 0, 10 * H);
    expect(coverageOf({ start, end }, off, 0, 10 * H)).toBe(coverage);
  });

  test("a range starting mid-bucket does not make its first bucket partial", () => {
    const off = notAggregatedIntervals([period(0, null)], 0.5 * H, 10 * H);
    expect(coverageOf({ start: 0, end: H }, off, 0.5 * H, 10 * H)).toBe("full");
  });
});

describe("the chart's buckets", () => {
  // A day in UTC+9: 2026-11-24 00:00 is 2026-11-23T15:00Z.
  const day = Date.parse("2026-11-23T15:00:00Z");
  const cell = (hour: number, reason: string, detail: string, errors: number): ErrorCell => ({
    start: day + hour * H,
    reason,
    detail,
    errors,
    rows: 1,
  });
  const cells = [
    cell(1, "error_status_code", "500", 4),
    cell(1, "error_status_code", "503", 1),
    cell(1, "request_timeout", "Request timeout", 2),
    cell(9, "could_not_connect", "Connection failed", 3),
  ];

  test("off periods are gaps (null), never zeros; aggregated hours without errors are zeros", () => {
    const chart = buildErrorChart({
      from: day,
      to: day + 12 * H,
      unit: "hour",
      cells,
      periods: [period(day, day + 4 * H), period(day + 8 * H, null)],
      reason: null,
      detail: null,
    });
    expect(chart.buckets).toHaveLength(12);
    expect(chart.notAggregated).toEqual([{ start: day + 4 * H, end: day + 8 * H }]);
    expect(chart.buckets.slice(4, 8).every((b) => b.coverage === "none" && b.errors === null)).toBe(true);
    expect(chart.buckets[0]).toMatchObject({ coverage: "full", errors: { error_status_code: 0, request_timeout: 0 } });
    expect(chart.buckets[1].errors).toEqual({ could_not_connect: 0, request_timeout: 2, error_status_code: 5, unclassified: 0 });
    expect(chart.buckets[1].details).toEqual([
      { reason: "request_timeout", detail: "Request timeout", errors: 2 },
      { reason: "error_status_code", detail: "500", errors: 4 },
      { reason: "error_status_code", detail: "503", errors: 1 },
    ]);
    expect(chart.totals).toEqual({ could_not_connect: 3, request_timeout: 2, error_status_code: 5, unclassified: 0 });
    expect(chart.totalErrors).toBe(10);
    expect(chart.totalRows).toBe(4);
  });

  test("hours fold into UTC+9 days, and filters narrow bars and totals but not the detail list", () => {
    const chart = buildErrorChart({
      from: day - 2 * H,
      to: day + 12 * H,
      unit: "day",
      cells: [...cells, cell(-1, "error_status_code", "500", 7)],
      periods: [period(day - 10 * H, null)],
      reason: "error_status_code",
      detail: "500",
    });
    expect(chart.buckets.map((b) => b.start)).toEqual([day - 24 * H, day]);
    expect(chart.buckets.map((b) => b.errors?.error_status_code)).toEqual([7, 4]);
    expect(chart.totalErrors).toBe(11);
    expect(chart.detailsSeen.map((d) => d.detail)).toEqual(["Connection failed", "Request timeout", "500", "503"]);
  });

  test("the detail a link filters on stays in the filter's list even with no errors of it", () => {
    const chart = buildErrorChart({ from: day, to: day + 2 * H, unit: "hour", cells, periods: [], reason: null, detail: "418" });
    expect(chart.totalErrors).toBe(0);
    expect(chart.detailsSeen).toContainEqual({ reason: "error_status_code", detail: "418", errors: 0 });
  });

  test("the time before the retention window is shaded as not kept, never as not aggregated", () => {
    const chart = buildErrorChart({
      from: day,
      to: day + 12 * H,
      unit: "hour",
      cells: [],
      periods: [period(day + 2 * H, day + 4 * H)],
      keptFrom: day + 3 * H + H / 2,
      reason: null,
      detail: null,
    });
    expect(chart.notKept).toEqual([{ start: day, end: day + 3 * H + H / 2 }]);
    expect(chart.notAggregated).toEqual([{ start: day + 4 * H, end: day + 12 * H }]);
    expect(chart.buckets.slice(0, 3).every((b) => b.coverage === "none" && b.errors === null)).toBe(true);
    expect(chart.buckets[3]).toMatchObject({ coverage: "partial" });
    const allKept = buildErrorChart({ from: day, to: day + 2 * H, unit: "hour", cells, periods: [], keptFrom: day - H, reason: null, detail: null });
    expect(allKept.notKept).toEqual([]);
  });

  test("errors recorded in a bucket the history calls off are still drawn", () => {
    const chart = buildErrorChart({ from: day, to: day + 2 * H, unit: "hour", cells, periods: [], reason: null, detail: null });
    expect(chart.buckets[1]).toMatchObject({ coverage: "partial" });
    expect(chart.buckets[0]).toMatchObject({ coverage: "none", errors: null });
  });
});
