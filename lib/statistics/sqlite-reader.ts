import Database from "better-sqlite3";
import { sqliteTime } from "../delivery/sqlite-time";
import type { ErrorCell } from "./chart";

/** Errors and 60-second rows of one (reason, detail). */
export type HourCell = { reason: string; detail: string; errors: number; rows: number };
import type { StoredErrorRow } from "./rows";

/** What a query of error rows is limited to. */
export type ErrorRowFilter = {
  channelId: string;
  from: number;
  to: number;
  reason: string | null;
  detail: string | null;
};

// Windows are compared as ISO text, exactly as the store writes them (lib/delivery/sqlite-time.ts).
const ROWS_SQL = `
  SELECT "windowStart", "reason", "detail", "firstAt", "lastAt", "count" FROM "ErrorStat"
  WHERE "channelId" = @channelId AND "windowStart" >= @from AND "windowStart" < @to
    AND (@reason IS NULL OR "reason" = @reason) AND (@detail IS NULL OR "detail" = @detail)
  ORDER BY "windowStart" DESC, "reason", "detail"`;

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
 * The SQL side of the statistics on the embedded SQLite file: sums grouped in SQL with prepared
 * statements on a readonly connection, because a 30-day chart reads hundreds of thousands of rows
 * and a round trip through the ORM per hour would cost more than the sums.
 */
export class ErrorStatReader {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(readonly file: string) {
    this.db = open(file);
    this.statements = {
      sumsBetween: this.db
        .prepare(
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

  /** Errors and rows per (reason, detail) with a window in `[from, to)`. */
  sumsBetween(channelId: string, from: number, to: number): HourCell[] {
    return this.statements.sumsBetween.all(channelId, sqliteTime(from), sqliteTime(to)) as HourCell[];
  }

  /** The hourly sums of whole hours in `[from, to)` (both on hour boundaries), one cell per (hour, reason, detail). */
  hourCells(channelId: string, from: number, to: number): ErrorCell[] {
    const rows = this.statements.hourCells.all(channelId, sqliteTime(from), sqliteTime(to)) as [string, string, string, number, number][];
    return rows.map(([hourStart, reason, detail, count, stored]) => ({
      start: Date.parse(hourStart),
      reason,
      detail,
      errors: count,
      rows: stored,
    }));
  }

  /** Each stored row with a window in `[from, to)` as a one-minute cell. */
  minuteCells(channelId: string, from: number, to: number): ErrorCell[] {
    const rows = this.statements.minuteCells.all(channelId, sqliteTime(from), sqliteTime(to)) as [string, string, string, number][];
    return rows.map(([windowStart, reason, detail, count]) => ({
      start: Date.parse(windowStart),
      reason,
      detail,
      errors: count,
      rows: 1,
    }));
  }

  /** A token that changes whenever an error row with a window from `since` on is added or counted up. */
  recentStamp(channelId: string, since: number): string {
    const r = this.statements.recent.get(channelId, sqliteTime(since)) as { rows: number; errors: number; lastAt: string | null };
    return `${r.rows}:${r.errors}:${r.lastAt ?? "-"}`;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The rows of a filter, newest first (window, then reason and detail), as stored, read one at a
 * time from their own readonly connection: an open iteration keeps its connection busy, and a
 * download may last minutes. `close` ends the iteration and the connection; call it once the rows
 * are read.
 */
export function iterateStoredErrorRows(file: string, filter: ErrorRowFilter): { rows: Iterator<StoredErrorRow>; close: () => void } {
  const db = open(file);
  try {
    const rows = db.prepare(ROWS_SQL).raw().iterate(filterParams(filter)) as IterableIterator<StoredErrorRow>;
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
