import { isReason, type Reason } from "../webhook/reasons";
import { BUCKET_MS, bucketStarts, bucketStartOf, type BucketUnit } from "./buckets";
import { coverageOf, notAggregatedIntervals, type Coverage, type Interval, type PeriodMs } from "./coverage";
import { REASON_ORDER } from "./reason-colors";
import { reasonOfDetail } from "./search-params";

/** Error rows summed over one stretch of time (a minute or an hour) for one (reason, detail). */
export type ErrorCell = { start: number; reason: string; detail: string; errors: number; rows: number };

/** How many errors one detail had, in a bucket or in the whole range. */
export type DetailCount = { reason: Reason; detail: string; errors: number };

/** One bar of the chart. */
export type ChartBucket = {
  start: number;
  end: number;
  coverage: Coverage;
  /** Errors per reason; null when aggregation was off for the whole bucket (a gap, never zeros). */
  errors: Record<Reason, number> | null;
  /** The details behind the bar, for the tooltip. */
  details: DetailCount[];
};

/** Everything the chart and the filters need, as plain data a client component can take. */
export type ErrorChart = {
  from: number;
  to: number;
  unit: BucketUnit;
  buckets: ChartBucket[];
  /** The stretches of the range when aggregation was off: shaded and labelled "Not aggregated". */
  notAggregated: Interval[];
  /** The start of the range, before the retention window, whose statistics were pruned: shaded "Not kept". */
  notKept: Interval[];
  /** Errors per reason over the range, for the legend. */
  totals: Record<Reason, number>;
  totalErrors: number;
  /** How many error rows (60-second groups) the range holds. */
  totalRows: number;
  /** Every detail seen in the range whatever the filters, and the one filtered on, for the filters' lists. */
  detailsSeen: DetailCount[];
};

/** Zero errors for every reason. */
export function zeroTotals(): Record<Reason, number> {
  return Object.fromEntries(REASON_ORDER.map((r) => [r, 0])) as Record<Reason, number>;
}

function byReasonThenErrors(a: DetailCount, b: DetailCount): number {
  return REASON_ORDER.indexOf(a.reason) - REASON_ORDER.indexOf(b.reason) || b.errors - a.errors || a.detail.localeCompare(b.detail);
}

function addDetail(map: Map<string, DetailCount>, reason: Reason, detail: string, errors: number): void {
  const key = `${reason}\u0000${detail}`;
  const entry = map.get(key);
  if (entry) entry.errors += errors;
  else map.set(key, { reason, detail, errors });
}

/**
 * Sums cells into the range's UTC+9 buckets and marks what aggregation did not cover. Cells carry
 * every reason and detail; `reason` and `detail` filter what the bars, totals and rows count.
 */
export function buildErrorChart(input: {
  from: number;
  to: number;
  unit: BucketUnit;
  cells: readonly ErrorCell[];
  periods: readonly PeriodMs[];
  /** Where the retention window of error statistics starts: nothing before it is kept. */
  keptFrom?: number;
  reason: Reason | null;
  detail: string | null;
}): ErrorChart {
  const { from, to, unit, reason, detail } = input;
  const size = BUCKET_MS[unit];
  const starts = bucketStarts(from, to, unit);
  const first = starts[0] ?? from;
  const sums = starts.map(() => ({ errors: zeroTotals(), details: new Map<string, DetailCount>(), any: false }));
  const totals = zeroTotals();
  const seen = new Map<string, DetailCount>();
  let totalErrors = 0;
  let totalRows = 0;

  for (const cell of input.cells) {
    if (!isReason(cell.reason) || cell.start < from || cell.start >= to) continue;
    addDetail(seen, cell.reason, cell.detail, cell.errors);
    if (reason && cell.reason !== reason) continue;
    if (detail && cell.detail !== detail) continue;
    const sum = sums[Math.round((bucketStartOf(cell.start, unit) - first) / size)];
    if (!sum) continue;
    sum.errors[cell.reason] += cell.errors;
    sum.any = true;
    addDetail(sum.details, cell.reason, cell.detail, cell.errors);
    totals[cell.reason] += cell.errors;
    totalErrors += cell.errors;
    totalRows += cell.rows;
  }

  const detailReason = detail ? reasonOfDetail(detail) : null;
  // The detail a link filters on stays in the list even when the range has none of it.
  if (detail && detailReason && ![...seen.values()].some((d) => d.detail === detail)) addDetail(seen, detailReason, detail, 0);

  // Before the retention window nothing is kept, whether aggregation was on or off then.
  const keptFrom = Math.min(Math.max(input.keptFrom ?? from, from), to);
  const notKept = keptFrom > from ? [{ start: from, end: keptFrom }] : [];
  const notAggregated = notAggregatedIntervals(input.periods, keptFrom, to);
  const uncovered = [...notKept, ...notAggregated];
  const buckets = starts.map((start, i): ChartBucket => {
    const sum = sums[i];
    // A failure detected just before aggregation was turned on may be counted: data wins over the
    // on/off history, and a bucket with errors is never drawn as a gap.
    let coverage = coverageOf({ start, end: start + size }, uncovered, from, to);
    if (coverage === "none" && sum.any) coverage = "partial";
    return {
      start,
      end: start + size,
      coverage,
      errors: coverage === "none" ? null : sum.errors,
      details: [...sum.details.values()].sort(byReasonThenErrors),
    };
  });

  return {
    from,
    to,
    unit,
    buckets,
    notAggregated,
    notKept,
    totals,
    totalErrors,
    totalRows,
    detailsSeen: [...seen.values()].sort(byReasonThenErrors),
  };
}
