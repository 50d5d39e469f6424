import pg from "pg";
import type { ErrorCell } from "./chart";
import { splitStoredRow, storedErrorRowSql, type StoredErrorRow } from "./rows";
import type { ErrorRowFilter, ErrorStatSource, HourCell, StoredErrorRows } from "./source";

/**
 * A time as the SQLite store writes it (`2026-11-23T18:30:36.139+00:00`, lib/sqlite-time.ts),
 * so that the TSV reads PostgreSQL's rows by position exactly as SQLite's.
 */
const storeText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"')`;

/** Epoch milliseconds as float8, which node-pg reads as a number (bigint and numeric come as text). */
const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/** Rows per page of a TSV download. */
const PAGE_ROWS = 5000;

// Reason and detail in byte order, as SQLite's BINARY collation sorts them, whatever the
// database's own collation. The keyset pages compare in the same collation as they sort.
const ROWS_SELECT = `
  SELECT ${storedErrorRowSql({
    windowStart: storeText('"windowStart"'),
    firstAt: storeText('"firstAt"'),
    lastAt: storeText('"lastAt"'),
    count: '"count"',
    reason: '"reason"',
    detail: '"detail"',
    // In UTF-8 whatever the database's encoding, as node-pg receives it.
    reasonBytes: `octet_length(convert_to("reason", 'UTF8'))`,
  })}
  FROM "ErrorStat"
  WHERE "channelId" = $1 AND "windowStart" >= $2 AND "windowStart" < $3
    AND ($4::text IS NULL OR "reason" = $4) AND ($5::text IS NULL OR "detail" = $5)`;
const ROWS_ORDER = `ORDER BY "windowStart" DESC, "lastAt" DESC, "reason" COLLATE "C", "detail" COLLATE "C" LIMIT ${PAGE_ROWS}`;
const FIRST_PAGE_SQL = `${ROWS_SELECT} ${ROWS_ORDER}`;
// The bound on the window alone lets the index start at the last row rather than at the range's end.
const NEXT_PAGE_SQL = `${ROWS_SELECT}
    AND "windowStart" <= $6
    AND ("windowStart" < $6 OR "lastAt" < $7
      OR ("lastAt" = $7 AND ("reason" COLLATE "C", "detail" COLLATE "C") > ($8, $9)))
  ${ROWS_ORDER}`;

/**
 * The statistics on PostgreSQL: the same sums as on SQLite, grouped in SQL, over a small pool of
 * its own so that a chart's reads never wait behind the dispatcher's writes for a connection.
 */
export class PgErrorStatReader implements ErrorStatSource {
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, allowExitOnIdle: true });
    // An idle connection the server dropped is discarded by the pool and the next query opens
    // another; without a listener the pool's "error" event would end the process.
    this.pool.on("error", () => {});
  }

  async sumsBetween(channelId: string, from: number, to: number): Promise<HourCell[]> {
    const { rows } = await this.pool.query<HourCell>(
      `SELECT "reason", "detail", sum("count")::float8 AS "errors", count(*)::float8 AS "rows" FROM "ErrorStat"
       WHERE "channelId" = $1 AND "windowStart" >= $2 AND "windowStart" < $3
       GROUP BY "reason", "detail"`,
      [channelId, new Date(from), new Date(to)],
    );
    return rows;
  }

  async hourCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
    const { rows } = await this.pool.query<ErrorCell>(
      `SELECT ${epochMs('"hourStart"')} AS "start", "reason", "detail", "count" AS "errors", "rows" FROM "ErrorStatHour"
       WHERE "channelId" = $1 AND "hourStart" >= $2 AND "hourStart" < $3`,
      [channelId, new Date(from), new Date(to)],
    );
    return rows;
  }

  async dayCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
    // The UTC+9 day of an hour, as the epoch milliseconds of its midnight.
    const { rows } = await this.pool.query<ErrorCell>(
      `SELECT (floor((extract(epoch FROM "hourStart") + 32400) / 86400) * 86400000 - 32400000)::float8 AS "start", "reason", "detail",
         sum("count")::float8 AS "errors", sum("rows")::float8 AS "rows" FROM "ErrorStatHour"
       WHERE "channelId" = $1 AND "hourStart" >= $2 AND "hourStart" < $3
       GROUP BY 1, "reason", "detail"`,
      [channelId, new Date(from), new Date(to)],
    );
    return rows;
  }

  async minuteCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
    // A stored row is already one (minute, reason, detail): minute buckets need no grouping.
    const { rows } = await this.pool.query<ErrorCell>(
      `SELECT ${epochMs('"windowStart"')} AS "start", "reason", "detail", "count" AS "errors", 1 AS "rows" FROM "ErrorStat"
       WHERE "channelId" = $1 AND "windowStart" >= $2 AND "windowStart" < $3`,
      [channelId, new Date(from), new Date(to)],
    );
    return rows;
  }

  async recentStamp(channelId: string, since: number): Promise<string> {
    const { rows } = await this.pool.query<{ rows: number; errors: number; lastAt: string | null }>(
      `SELECT count(*)::float8 AS "rows", coalesce(sum("count"), 0)::float8 AS "errors", ${storeText('max("lastAt")')} AS "lastAt"
       FROM "ErrorStat" WHERE "channelId" = $1 AND "windowStart" >= $2`,
      [channelId, new Date(since)],
    );
    const r = rows[0];
    return `${r.rows}:${r.errors}:${r.lastAt ?? "-"}`;
  }

  /**
   * Read a page at a time, each page its own query after the last row of the one before (keyset
   * pagination): a download that lasts minutes holds a connection only while a page is read. The
   * next page is asked for as soon as a page is in, so that the database reads it while this one
   * is formatted; no more than two pages are in memory.
   */
  openStoredRows(filter: ErrorRowFilter): StoredErrorRows {
    const pool = this.pool;
    const params = [filter.channelId, new Date(filter.from), new Date(filter.to), filter.reason, filter.detail];
    let closed = false;
    const after = (row: StoredErrorRow) => {
      const { windowStart, lastAt, reason, detail } = splitStoredRow(row);
      return [...params, windowStart, lastAt, reason, detail];
    };
    const page = (last: StoredErrorRow | undefined) => {
      const rows = pool
        .query<[StoredErrorRow]>({
          text: last ? NEXT_PAGE_SQL : FIRST_PAGE_SQL,
          values: last ? after(last) : params,
          rowMode: "array",
        })
        .then((result) => result.rows.map(([row]) => row));
      // A page asked for ahead and then no longer wanted (a cancelled download) may fail unseen.
      rows.catch(() => {});
      return rows;
    };
    async function* pages(): AsyncGenerator<StoredErrorRow[]> {
      let next = page(undefined);
      for (;;) {
        const rows = await next;
        const isLast = rows.length < PAGE_ROWS || closed;
        if (!isLast) next = page(rows[rows.length - 1]);
        if (rows.length > 0) yield rows;
        if (isLast) return;
      }
    }
    return {
      rows: pages(),
      close: () => {
        closed = true;
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
