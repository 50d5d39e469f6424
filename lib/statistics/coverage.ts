/** A half-open stretch of time `[start, end)` in epoch milliseconds. */
export type Interval = { start: number; end: number };

/** One period during which Error statistics aggregation was on; `endedAt` is null while it still is. */
export type PeriodMs = { startedAt: number; endedAt: number | null };

/** How much of a bucket was aggregated: all of it, some of it, or none (never drawn as zeros). */
export type Coverage = "full" | "partial" | "none";

/** The parts of `[from, to)` during which aggregation was on, merged and in order. */
export function aggregatedIntervals(periods: readonly PeriodMs[], from: number, to: number): Interval[] {
  const clipped = periods
    .map((p) => ({ start: Math.max(p.startedAt, from), end: Math.min(p.endedAt ?? Infinity, to) }))
    .filter((i) => i.start < i.end)
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of clipped) {
    const last = merged.at(-1);
    // Periods touch when aggregation is turned off and on again in the same millisecond.
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** The parts of `[from, to)` during which aggregation was off: the chart shades these. */
export function notAggregatedIntervals(periods: readonly PeriodMs[], from: number, to: number): Interval[] {
  const gaps: Interval[] = [];
  let cursor = from;
  for (const on of aggregatedIntervals(periods, from, to)) {
    if (on.start > cursor) gaps.push({ start: cursor, end: on.start });
    cursor = on.end;
  }
  if (cursor < to) gaps.push({ start: cursor, end: to });
  return gaps;
}

/**
 * How much of `bucket` aggregation covered, given the not-aggregated intervals of the range.
 * Only the part of the bucket inside `[from, to)` counts: a range that starts mid-bucket does not
 * make its first bucket partial.
 */
export function coverageOf(bucket: Interval, off: readonly Interval[], from: number, to: number): Coverage {
  const start = Math.max(bucket.start, from);
  const end = Math.min(bucket.end, to);
  if (start >= end) return "none";
  let offMs = 0;
  for (const gap of off) offMs += Math.max(0, Math.min(gap.end, end) - Math.max(gap.start, start));
  if (offMs === 0) return "full";
  return offMs >= end - start ? "none" : "partial";
}
