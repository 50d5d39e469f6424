import type { ErrorCell } from "./chart";
import type { StoredErrorRow } from "./rows";
import type { TsvRows } from "./tsv";

/** Errors and 60-second rows of one (reason, detail). */
export type HourCell = { reason: string; detail: string; errors: number; rows: number };

/** What a query of error rows is limited to. */
export type ErrorRowFilter = {
  channelId: string;
  from: number;
  to: number;
  reason: string | null;
  detail: string | null;
};

/** The rows of a filter for the TSV file, and how to let go of what reading them holds. */
export type StoredErrorRows = { rows: TsvRows<StoredErrorRow>; close: () => void };

/**
 * The SQL side of the Webhook errors tab, one implementation per database (sqlite-reader.ts,
 * pg-reader.ts): sums grouped in SQL, because a 30-day chart reads hundreds of thousands of rows
 * and a round trip through the ORM per hour would cost more than the sums.
 */
export interface ErrorStatSource {
  /** Errors and rows per (reason, detail) with a window in `[from, to)`. */
  sumsBetween(channelId: string, from: number, to: number): Promise<HourCell[]>;
  /** The hourly sums of whole hours in `[from, to)` (both on hour boundaries), one cell per (hour, reason, detail). */
  hourCells(channelId: string, from: number, to: number): Promise<ErrorCell[]>;
  /**
   * The hourly sums of whole UTC+9 days in `[from, to)` (both on UTC+9 midnights) summed per day, one
   * cell per (day, reason, detail): a month's chart then hands hundreds of cells to JavaScript, not
   * tens of thousands.
   */
  dayCells(channelId: string, from: number, to: number): Promise<ErrorCell[]>;
  /** Each stored row with a window in `[from, to)` as a one-minute cell. */
  minuteCells(channelId: string, from: number, to: number): Promise<ErrorCell[]>;
  /** A token that changes whenever an error row with a window from `since` on is added or counted up. */
  recentStamp(channelId: string, since: number): Promise<string>;
  /**
   * The rows of a filter, newest window first, then by reason and detail in byte order, as the
   * store holds them (times in the form of lib/sqlite-time.ts whatever the database).
   * `close` must be called once they are read or abandoned.
   */
  openStoredRows(filter: ErrorRowFilter): StoredErrorRows;
  close(): Promise<void>;
}
