import Database from "better-sqlite3";
import { sqliteTime } from "../sqlite-time";
import type { ErrorCell } from "./chart";
import { storedErrorRowSql, type StoredErrorRow } from "./rows";
import type { ErrorRowFilter, ErrorStatSource, HourCell, StoredErrorRows } from "./source";

const STORED_ROW = storedErrorRowSql({
  windowStart: '"windowStart"',
  firstAt: '"firstAt"',
  lastAt: '"lastAt"',
  count: '"count"',
  reason: '"reason"',
  detail: '"detail"',
  // Text comes from JavaScript strings, so it is valid UTF-8, and octet_length counts its bytes.
  reasonBytes: 'octet_length("reason")',
});

// Windows are compared as ISO text, exactly as the store writes them (lib/sqlite-time.ts).
const ROWS_SQL = `
  SELECT ${STORED_ROW} FROM "ErrorStat"
  WHERE "channelId" = @channelId AND "windowStart" >= @from AND "windowStart" < @to
    AND (@reason IS NULL OR "reason" = @reason) AND (@detail IS NULL OR "detail" = @detail)
  ORDER BY "windowStart" DESC, "lastAt" DESC, "reason", "detail"`;

function open(file: string): Database.Database {
  // Readonly: the statistics never write, and a readonly handle cannot take the writers' lock.
  return new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
}

function filterParams(filter: ErrorRowFilter) {
  return {
    channelId: filter.channelId,
    from: sqliteTime(filter.from),
    to: sqliteTime(filter.to),
    reason: filter.reason,
    detail: filter.detail,
  };
}

/**
 * The statistics on the embedded SQLite file: prepared statements on a readonly connection. The
 * reads are synchronous and take well under a millisecond each; they are wrapped in promises only
 * to share the interface with PostgreSQL.
 */
export class SqliteErrorStatReader implements ErrorStatSource {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(readonly file: string) {
    this.db = open(file);
    this.statements = {
      sumsBetween: this.db.prepare(
        `SELECT "reason", "detail", sum("count") AS "errors", count(*) AS "rows" FROM "ErrorStat"
         WHERE "channelId" = ? AND "windowStart" >= ? AND "windowStart" < ?
         GROUP BY "reason", "detail"`,
      ),
      hourCells: this.db
        .prepare(
          `SELECT "hourStart", "reason", "detail", "count", "rows" FROM "ErrorStatHour"
           WHERE "channelId" = ? AND "hourStart" >= ? AND "hourStart" < ?`,
        )
        .raw(),
      // The UTC+9 day of an hour, as the epoch milliseconds of its midnight.
      dayCells: this.db
        .prepare(
          `SELECT ((unixepoch("hourStart") + 32400) / 86400) * 86400000 - 32400000 AS "start", "reason", "detail",
             sum("count") AS "errors", sum("rows") AS "rows" FROM "ErrorStatHour"
           WHERE "channelId" = ? AND "hourStart" >= ? AND "hourStart" < ?
           GROUP BY 1, "reason", "detail"`,
        ),
      // A stored row is already one (minute, reason, detail): minute buckets need no grouping.
      minuteCells: this.db
        .prepare(
          `SELECT "windowStart", "reason", "detail", "count" FROM "ErrorStat"
           WHERE "channelId" = ? AND "windowStart" >= ? AND "windowStart" < ?`,
        )
        .raw(),
      recent: this.db.prepare(
        `SELECT count(*) AS "rows", total("count") AS "errors", max("lastAt") AS "lastAt" FROM "ErrorStat"
         WHERE "channelId" = ? AND "windowStart" >= ?`,
      ),
    };
  }

  async sumsBetween(channelId: string, from: number, to: number): Promise<HourCell[]> {
    return this.statements.sumsBetween.all(channelId, sqliteTime(from), sqliteTime(to)) as HourCell[];
  }

  async hourCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
    const rows = this.statements.hourCells.all(channelId, sqliteTime(from), sqliteTime(to)) as [string, string, string, number, number][];
    return rows.map(([hourStart, reason, detail, count, stored]) => ({
      start: Date.parse(hourStart),
      reason,
      detail,
      errors: count,
      rows: stored,
    }));
  }

  async dayCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
    return this.statements.dayCells.all(channelId, sqliteTime(from), sqliteTime(to)) as ErrorCell[];
  }

  async minuteCells(channelId: string, from: number, to: number): Promise<ErrorCell[]> {
    const rows = this.statements.minuteCells.all(channelId, sqliteTime(from), sqliteTime(to)) as [string, string, string, number][];
    return rows.map(([windowStart, reason, detail, count]) => ({
      start: Date.parse(windowStart),
      reason,
      detail,
      errors: count,
      rows: 1,
    }));
  }

  async recentStamp(channelId: string, since: number): Promise<string> {
    const r = this.statements.recent.get(channelId, sqliteTime(since)) as { rows: number; errors: number; lastAt: string | null };
    return `${r.rows}:${r.errors}:${r.lastAt ?? "-"}`;
  }

  /**
   * Read one row at a time from their own readonly connection, as a synchronous iterator that the
   * TSV stream drains a chunk at a time: an open iteration keeps its connection busy, and a
   * download may last minutes.
   */
  openStoredRows(filter: ErrorRowFilter): StoredErrorRows {
    const db = open(this.file);
    try {
      // One value a row, plucked: no array per row.
      const rows = db.prepare(ROWS_SQL).pluck().iterate(filterParams(filter)) as IterableIterator<StoredErrorRow>;
      let closed = false;
      return {
        rows,
        close: () => {
          if (closed) return;
          closed = true;
          rows.return?.();
          db.close();
        },
      };
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
