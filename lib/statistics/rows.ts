import { DAY_MS, formatUtc9Date, formatUtc9Time, UTC9_OFFSET_MS } from "./utc9";

/** One error row: the failed sends of one (reason, detail) within one 60-second window. */
export type ErrorRow = {
  /** The window's first millisecond. */
  windowStart: number;
  /** First detection (Start) and last detection (End). */
  firstAt: number;
  lastAt: number;
  reason: string;
  detail: string;
  /** How many sends failed (Errors). */
  errors: number;
};

/**
 * An error row as SQLite holds it, its three times (window, first and last detection) joined in
 * one text by `|`, each as ISO text in the store's exact form `2026-11-23T18:30:36.139+00:00`
 * (lib/sqlite-time.ts). One text rather than three because every value handed from the database
 * to JavaScript costs more than joining them in SQL, and a download reads a million rows.
 */
export type StoredErrorRow = [times: string, reason: string, detail: string, count: number];

/** SQL that joins three time columns into the first value of a StoredErrorRow. */
export function joinedTimesSql(windowStart: string, firstAt: string, lastAt: string): string {
  return `${windowStart} || '|' || ${firstAt} || '|' || ${lastAt}`;
}

/** The window, first and last detection of a stored row's joined times, whatever their form. */
export function splitStoredTimes(times: string): [windowStart: string, firstAt: string, lastAt: string] {
  const [windowStart = "", firstAt = "", lastAt = ""] = times.split("|");
  return [windowStart, firstAt, lastAt];
}

/** LINE's columns, in LINE's order, for the table and the TSV file alike. */
export const ERROR_ROW_COLUMNS = ["Date", "Start", "End", "Reason", "Detail", "Errors"] as const;

export type ErrorRowCells = [date: string, start: string, end: string, reason: string, detail: string, errors: string];

// A download formats a million rows, most of them on the same few days: remember the last day.
let lastDay = Number.NaN;
let lastDate = "";

function dateOf(ms: number): string {
  const day = Math.floor((ms + UTC9_OFFSET_MS) / DAY_MS);
  if (day !== lastDay) {
    lastDay = day;
    lastDate = formatUtc9Date(ms);
  }
  return lastDate;
}

/**
 * A row as LINE shows it, in UTC+9: Date (`YYYY-MM-DD` of the window), Start and End
 * (`HH:mm:ss`), Reason, Detail and Errors. The table and the TSV both read these cells, so the two
 * always agree.
 */
export function errorRowCells(row: ErrorRow): ErrorRowCells {
  return [
    dateOf(row.windowStart),
    formatUtc9Time(row.firstAt),
    formatUtc9Time(row.lastAt),
    row.reason,
    row.detail,
    String(row.errors),
  ];
}

/** Where a stored row's first and last detection start in its joined times, when all three have the store's form. */
export const FIRST_AT = 30;
export const LAST_AT = 60;

function isStoreFormAt(times: string, at: number): boolean {
  return times.charCodeAt(at + 10) === 84 /* T */ && times.startsWith("+00:00", at + 23);
}

/** Whether all three joined times have the store's exact form, so that their fields can be read by position. */
export function isStoreForm(times: string): boolean {
  return (
    times.length === 89 &&
    times.charCodeAt(FIRST_AT - 1) === 124 /* | */ &&
    times.charCodeAt(LAST_AT - 1) === 124 &&
    isStoreFormAt(times, 0) &&
    isStoreFormAt(times, FIRST_AT) &&
    isStoreFormAt(times, LAST_AT)
  );
}

/** `00` to `23` for the UTC hours 0 to 23 plus nine, so that no row pads a number. */
const UTC9_HOURS = Array.from({ length: 33 }, (_, h) => String(h % 24).padStart(2, "0"));

/**
 * `HH:mm:ss` in UTC+9 of the time in the store's form that starts at `at` of the joined times: the
 * hour moves by nine, minutes and seconds stay.
 */
export function storedTimeUtc9(times: string, at: number): string {
  return UTC9_HOURS[(times.charCodeAt(at + 11) - 48) * 10 + (times.charCodeAt(at + 12) - 48) + 9] + times.slice(at + 13, at + 19);
}

// Rows come a window at a time and a day has 1,440 windows: remember the last UTC hour's date.
let lastStoredHour = "";
let lastStoredDate = "";

/** The UTC+9 date of the window of joined times in the store's form; from 15:00 UTC on it is the next calendar day. */
export function storedDateUtc9(times: string): string {
  const hour = times.slice(0, 13);
  if (hour !== lastStoredHour) {
    lastStoredHour = hour;
    lastStoredDate = formatUtc9Date(Date.parse(times.slice(0, FIRST_AT - 1)));
  }
  return lastStoredDate;
}

/** A stored row with its times parsed, whatever their form. */
export function parseStoredRow(row: StoredErrorRow): ErrorRow {
  const [times, reason, detail, count] = row;
  const [windowStart, firstAt, lastAt] = splitStoredTimes(times);
  return {
    windowStart: Date.parse(windowStart),
    firstAt: Date.parse(firstAt),
    lastAt: Date.parse(lastAt),
    reason,
    detail,
    errors: count,
  };
}
