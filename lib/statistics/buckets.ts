import { DAY_MS, formatUtc9Date, formatUtc9Time, HOUR_MS, MINUTE_MS, UTC9_OFFSET_MS } from "./utc9";

/** How much time one bar of the chart covers. */
export type BucketUnit = "minute" | "hour" | "day";

export const BUCKET_MS: Record<BucketUnit, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** Ranges up to 3 hours get a bar per minute, up to 8 days a bar per hour, longer ones a bar per day. */
const MINUTE_BUCKETS_UP_TO_MS = 3 * HOUR_MS;
const HOUR_BUCKETS_UP_TO_MS = 8 * DAY_MS;

/** The bucket size that keeps a range between a handful and a few hundred bars. */
export function chooseBucketUnit(spanMs: number): BucketUnit {
  if (spanMs <= MINUTE_BUCKETS_UP_TO_MS) return "minute";
  if (spanMs <= HOUR_BUCKETS_UP_TO_MS) return "hour";
  return "day";
}

/**
 * The first millisecond of the UTC+9 bucket holding `ms`. Days start at 00:00 UTC+9 (15:00 UTC);
 * because the offset is whole hours, hour and minute edges are the same as UTC's.
 */
export function bucketStartOf(ms: number, unit: BucketUnit): number {
  const size = BUCKET_MS[unit];
  return Math.floor((ms + UTC9_OFFSET_MS) / size) * size - UTC9_OFFSET_MS;
}

/** The starts of every bucket that overlaps `[from, to)`, oldest first. */
export function bucketStarts(from: number, to: number, unit: BucketUnit): number[] {
  const starts: number[] = [];
  for (let start = bucketStartOf(from, unit); start < to; start += BUCKET_MS[unit]) starts.push(start);
  return starts;
}

/** A bucket's short name on the chart's axis, in UTC+9: `11-24 03:30`, `11-24 03:00` or `11-24`. */
export function formatBucketTick(start: number, unit: BucketUnit): string {
  const date = formatUtc9Date(start).slice(5);
  if (unit === "day") return date;
  const time = formatUtc9Time(start).slice(0, 5);
  // An hour or minute axis names the day only where one starts, so ticks stay short.
  return time === "00:00" || unit === "minute" ? `${date} ${time}` : time;
}

/** A bucket's full name for the tooltip, in UTC+9: `2026-11-24 03:00–04:00` or `2026-11-24`. */
export function formatBucketRange(start: number, unit: BucketUnit): string {
  if (unit === "day") return formatUtc9Date(start);
  const end = start + BUCKET_MS[unit];
  const endTime = formatUtc9Time(end).slice(0, 5);
  return `${formatUtc9Date(start)} ${formatUtc9Time(start).slice(0, 5)}–${endTime === "00:00" ? "24:00" : endTime}`;
}

/** Steps between axis labels, in buckets, that fall on round UTC+9 times. */
const TICK_STEPS: Record<BucketUnit, number[]> = {
  minute: [1, 5, 10, 15, 30, 60],
  hour: [1, 2, 3, 6, 12, 24, 48],
  day: [1, 2, 7, 14, 28, 56, 91],
};

/**
 * Which bucket edges get a label on the axis: at most about `maxTicks`, on round UTC+9 times
 * (every 3 hours from midnight, every 15 minutes from the hour…).
 */
export function chooseTicks(starts: readonly number[], unit: BucketUnit, maxTicks = 8): number[] {
  const size = BUCKET_MS[unit];
  const steps = TICK_STEPS[unit];
  const step = steps.find((s) => starts.length / s <= maxTicks) ?? Math.ceil(starts.length / maxTicks);
  // Counting buckets from the UTC+9 epoch puts the labels on round times whatever the range's start.
  return starts.filter((start) => Math.round((start + UTC9_OFFSET_MS) / size) % step === 0);
}
