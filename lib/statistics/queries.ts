import "server-only";
import { db } from "../db";
import { env } from "../env";
import { assertCan, type ChannelAccess } from "../console/access";
import { retentionCutoffs, retentionSettings } from "../retention/settings";
import type { Prisma } from "../generated/prisma/client";
import { buildErrorChart, type ErrorCell, type ErrorChart } from "./chart";
import { PgErrorStatReader } from "./pg-reader";
import type { ErrorRow } from "./rows";
import type { RowCursor, WebhookErrorsQuery } from "./search-params";
import type { ErrorStatSource } from "./source";
import { SqliteErrorStatReader } from "./sqlite-reader";
import { createTsvStream, tsvFilename, writeStoredTsvLine } from "./tsv";
import { DAY_MS, HOUR_MS, startOfUtc9Day } from "./utc9";

// One reader per process and database, shared by Next's separately bundled server parts as
// lib/db.ts shares its client; keyed by URL so a process that switches databases (the tests) gets
// a new one.
const globalForStatistics = globalThis as unknown as {
  errorStatistics?: { url: string; reader: ErrorStatSource };
};

function statistics(): ErrorStatSource {
  const { databaseUrl, databaseKind, sqlitePath } = env();
  if (globalForStatistics.errorStatistics?.url !== databaseUrl) {
    globalForStatistics.errorStatistics?.reader.close().catch(() => {});
    globalForStatistics.errorStatistics = {
      url: databaseUrl,
      reader: databaseKind === "postgres" ? new PgErrorStatReader(databaseUrl) : new SqliteErrorStatReader(sqlitePath),
    };
  }
  return globalForStatistics.errorStatistics.reader;
}

/**
 * Errors per (hour, reason, detail) over `[from, to)`: whole hours from the hourly sums the store
 * keeps, the partial hours at either end summed from the 60-second rows.
 */
async function readHourCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
  const firstWhole = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastWhole = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (firstWhole >= lastWhole) return partialHour(channelId, from, to);
  const parts = await Promise.all([
    partialHour(channelId, from, firstWhole),
    statistics().hourCells(channelId, firstWhole, lastWhole),
    partialHour(channelId, lastWhole, to),
  ]);
  return parts.flat();
}

/**
 * Errors per (UTC+9 day, reason, detail) over `[from, to)`: whole days summed in SQL from the hourly
 * sums, the partial days at either end read as hours.
 */
async function readDayCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
  const firstWhole = startOfUtc9Day(from) === from ? from : startOfUtc9Day(from) + DAY_MS;
  const lastWhole = startOfUtc9Day(to);
  if (firstWhole >= lastWhole) return readHourCells(channelId, from, to);
  const parts = await Promise.all([
    readHourCells(channelId, from, firstWhole),
    statistics().dayCells(channelId, firstWhole, lastWhole),
    readHourCells(channelId, lastWhole, to),
  ]);
  return parts.flat();
}

async function partialHour(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
  if (from >= to) return [];
  const sums = await statistics().sumsBetween(channelId, from, to);
  // Dated at `from`, in the same bucket as its hour: a range that starts mid-hour still counts them.
  return sums.map((s) => ({ start: from, reason: s.reason, detail: s.detail, errors: s.errors, rows: s.rows }));
}

/**
 * The chart of a view: errors per UTC+9 bucket stacked by reason, the details behind each bar, the
 * legend's totals, and the stretches when aggregation was off (Admins and Members).
 */
export async function getErrorChart(access: ChannelAccess, query: WebhookErrorsQuery): Promise<ErrorChart> {
  assertCan(access, "seeErrors");
  const channelId = access.channel.id;
  const { from, chartEnd: to, unit } = query.range;
  const [periods, cells] = await Promise.all([
    db().aggregationPeriod.findMany({
      where: { channelId, startedAt: { lt: new Date(to) }, OR: [{ endedAt: null }, { endedAt: { gt: new Date(from) } }] },
      orderBy: { startedAt: "asc" },
      select: { startedAt: true, endedAt: true },
    }),
    unit === "minute"
      ? statistics().minuteCells(channelId, from, to)
      : unit === "day"
        ? readDayCells(channelId, from, to)
        : readHourCells(channelId, from, to),
  ]);
  return buildErrorChart({
    from,
    to,
    unit,
    cells,
    periods: periods.map((p) => ({ startedAt: p.startedAt.getTime(), endedAt: p.endedAt?.getTime() ?? null })),
    keptFrom: retentionCutoffs(retentionSettings(), Date.now()).errorStatistics,
    reason: query.reason,
    detail: query.detail,
  });
}

/** One page of error rows, and where the pages around it start. */
export type ErrorRowsPage = {
  rows: ErrorRow[];
  /** The last row, when older rows follow. */
  older: RowCursor | null;
  /** The first row, when newer rows come before this page. */
  newer: RowCursor | null;
};

function rowCursor(row: ErrorRow): RowCursor {
  return { windowStart: row.windowStart, lastAt: row.lastAt, reason: row.reason, detail: row.detail };
}

/**
 * Rows come newest window first, within a window by last detection, newest first, then by reason
 * and detail. "After" a cursor in that order means an older window, or the same window and an
 * earlier last detection, or the same both and a later (reason, detail); "before" is the mirror
 * image.
 */
function pageWhere(cursor: RowCursor, direction: "older" | "newer"): Prisma.ErrorStatWhereInput {
  const at = new Date(cursor.windowStart);
  const lastAt = new Date(cursor.lastAt);
  const older = direction === "older" ? "lt" : "gt";
  const further = direction === "older" ? "gt" : "lt";
  return {
    // The bound on the window alone lets the index start at the cursor rather than at the range's end.
    windowStart: direction === "older" ? { lte: at } : { gte: at },
    OR: [
      { windowStart: { [older]: at } },
      { windowStart: at, lastAt: { [older]: lastAt } },
      { windowStart: at, lastAt, reason: { [further]: cursor.reason } },
      { windowStart: at, lastAt, reason: cursor.reason, detail: { [further]: cursor.detail } },
    ],
  };
}

/**
 * The error rows of a view, newest first by last detection (window, then End, then reason and
 * detail), `limit` at a time (Admins and Members).
 */
export async function listErrorRows(access: ChannelAccess, query: WebhookErrorsQuery, limit = 50): Promise<ErrorRowsPage> {
  assertCan(access, "seeErrors");
  const channelId = access.channel.id;
  const { from, to } = query.range;
  const direction = query.page?.direction ?? "older";
  const order = direction === "older" ? ("asc" as const) : ("desc" as const);
  const found = await db().errorStat.findMany({
    where: {
      AND: [
        { channelId, windowStart: { gte: new Date(from), lt: new Date(to) } },
        query.reason ? { reason: query.reason } : {},
        query.detail ? { detail: query.detail } : {},
        query.page ? pageWhere(query.page.cursor, direction) : {},
      ],
    },
    orderBy: [
      { windowStart: direction === "older" ? "desc" : "asc" },
      { lastAt: direction === "older" ? "desc" : "asc" },
      { reason: order },
      { detail: order },
    ],
    take: limit + 1,
    select: { windowStart: true, reason: true, detail: true, firstAt: true, lastAt: true, count: true },
  });
  const hasMore = found.length > limit;
  const rows = found.slice(0, limit).map(
    (r): ErrorRow => ({
      windowStart: r.windowStart.getTime(),
      firstAt: r.firstAt.getTime(),
      lastAt: r.lastAt.getTime(),
      reason: r.reason,
      detail: r.detail,
      errors: r.count,
    }),
  );
  if (direction === "newer") rows.reverse();
  const first = rows[0];
  const last = rows.at(-1);
  if (direction === "older") {
    return { rows, older: hasMore && last ? rowCursor(last) : null, newer: query.page && first ? rowCursor(first) : null };
  }
  return { rows, older: last ? rowCursor(last) : null, newer: hasMore && first ? rowCursor(first) : null };
}

/**
 * A token that changes when errors arrive in windows from `since` on; the open tab polls it and
 * refreshes only when it changes (Admins and Members).
 */
export async function getRecentErrorsStamp(access: ChannelAccess, since: number): Promise<string> {
  assertCan(access, "seeErrors");
  return statistics().recentStamp(access.channel.id, since);
}

/**
 * The view's rows as a TSV file, streamed from the database as the reader takes it: a header,
 * then one line per row in the table's order (newest last detection first), in UTC+9 (Admins and
 * Members).
 */
export async function openErrorTsv(
  access: ChannelAccess,
  query: WebhookErrorsQuery,
): Promise<{ filename: string; stream: ReadableStream<Uint8Array> }> {
  assertCan(access, "seeErrors");
  const channelId = access.channel.id;
  const { from, to } = query.range;
  const { rows, close } = statistics().openStoredRows({
    channelId,
    from,
    to,
    reason: query.reason,
    detail: query.detail,
  });
  return { filename: tsvFilename(channelId, from, to), stream: createTsvStream(rows, writeStoredTsvLine, close) };
}
