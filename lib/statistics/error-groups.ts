import type { Failure } from "../webhook/reasons";
import { HOUR_MS } from "./utc9";
import { windowStartOf } from "./window";

/**
 * The write side of error statistics: a batch's failed sends summed into the 60-second
 * (reason, detail) rows behind the Webhook errors tab, and into the hourly sums the long-range
 * chart reads. Pure: the delivery stores write what this returns.
 */

/** A failed real send, as error statistics count it: at the moment it was detected. */
export type CountedFailure = { channelId: string; failure: Failure; detectedAt: number };

/** Failures of one batch for one 60-second row: (channel, window, reason, detail). */
export type ErrorGroup = {
  channelId: string;
  windowStart: number;
  reason: string;
  detail: string;
  /** First and last detection within the window (the row's Start and End). */
  firstAt: number;
  lastAt: number;
  count: number;
};

/**
 * Failures of one batch for one hourly sum. `windowStarts` are the 60-second rows the hour's
 * failures went into: the sum also counts how many rows it holds, so a store adds to `rows` the
 * ones among them that the batch created.
 */
export type ErrorHour = {
  channelId: string;
  hourStart: number;
  reason: string;
  detail: string;
  count: number;
  windowStarts: number[];
};

/** The UTC hour holding `ms`; UTC+9 hours are the same hours, the offset being whole hours. */
export function hourStartOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

type RowKey = { channelId: string; reason: string; detail: string };

/** Orders rows by (channel, start, reason, detail): every writer takes row locks in this order. */
export function compareRows(a: RowKey, aStart: number, b: RowKey, bStart: number): number {
  if (a.channelId !== b.channelId) return a.channelId < b.channelId ? -1 : 1;
  if (aStart !== bStart) return aStart - bStart;
  if (a.reason !== b.reason) return a.reason < b.reason ? -1 : 1;
  if (a.detail !== b.detail) return a.detail < b.detail ? -1 : 1;
  return 0;
}

/** A row's identity as one string, for sets and maps. */
export function rowKey(channelId: string, start: number, reason: string, detail: string): string {
  return `${channelId}\u0000${start}\u0000${reason}\u0000${detail}`;
}

/** Sums a batch's failures into 60-second rows and hours, each list in `compareRows` order. */
export function groupErrors(failures: readonly CountedFailure[]): { groups: ErrorGroup[]; hours: ErrorHour[] } {
  const groups = new Map<string, ErrorGroup>();
  for (const { channelId, failure, detectedAt } of failures) {
    const windowStart = windowStartOf(detectedAt);
    const key = rowKey(channelId, windowStart, failure.reason, failure.detail);
    const group = groups.get(key);
    if (group) {
      group.count += 1;
      if (detectedAt < group.firstAt) group.firstAt = detectedAt;
      if (detectedAt > group.lastAt) group.lastAt = detectedAt;
    } else {
      groups.set(key, {
        channelId,
        windowStart,
        reason: failure.reason,
        detail: failure.detail,
        firstAt: detectedAt,
        lastAt: detectedAt,
        count: 1,
      });
    }
  }
  const sorted = [...groups.values()].sort((a, b) => compareRows(a, a.windowStart, b, b.windowStart));
  const hours = new Map<string, ErrorHour>();
  for (const g of sorted) {
    const hourStart = hourStartOf(g.windowStart);
    const key = rowKey(g.channelId, hourStart, g.reason, g.detail);
    const hour = hours.get(key);
    if (hour) {
      hour.count += g.count;
      hour.windowStarts.push(g.windowStart);
    } else {
      hours.set(key, { channelId: g.channelId, hourStart, reason: g.reason, detail: g.detail, count: g.count, windowStarts: [g.windowStart] });
    }
  }
  return { groups: sorted, hours: [...hours.values()].sort((a, b) => compareRows(a, a.hourStart, b, b.hourStart)) };
}

/** How many of an hour's rows the batch created, given the keys (`rowKey`) of the rows it created. */
export function rowsCreatedIn(hour: ErrorHour, created: ReadonlySet<string>): number {
  let rows = 0;
  for (const start of hour.windowStarts) if (created.has(rowKey(hour.channelId, start, hour.reason, hour.detail))) rows += 1;
  return rows;
}
