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
 * An error row as SQLite holds it: times as ISO text in the store's exact form,
 * `2026-11-23T18:30:36.139+00:00` (lib/sqlite-time.ts).
 */
export type StoredErrorRow = [windowStart: string, reason: string, detail: string, firstAt: string, lastAt: string, count: number];

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

/** Whether a stored time has the store's exact form, so that its fields can be read by position. */
export function isStoreForm(iso: string): boolean {
  return iso.length === 29 && iso.charCodeAt(10) === 84 /* T */ && iso.charCodeAt(23) === 43 /* + */ && iso.endsWith("+00:00");
}

/** `00` to `23` for the UTC hours 0 to 23 plus nine, so that no row pads a number. */
const UTC9_HOURS = Array.from({ length: 33 }, (_, h) => String(h % 24).padStart(2, "0"));

/** `HH:mm:ss` in UTC+9 of a time in the store's form: the hour moves by nine, minutes and seconds stay. */
export function storedTimeUtc9(iso: string): string {
  return UTC9_HOURS[(iso.charCodeAt(11) - 48) * 10 + (iso.charCodeAt(12) - 48) + 9] + iso.slice(13, 19);
}

// Rows come a window at a time and a day has 1,440 windows: remember the last UTC hour's date.
let lastStoredHour = "";
let lastStoredDate = "";

/** The UTC+9 date of a time in the store's form; from 15:00 UTC on it is the next calendar day. */
export function storedDateUtc9(iso: string): string {
  const hour = iso.slice(0, 13);
  if (hour !== lastStoredHour) {
    lastStoredHour = hour;
    lastStoredDate = formatUtc9Date(Date.parse(iso));
  }
  return lastStoredDate;
}

/** A stored row with its times parsed, whatever their form. */
export function parseStoredRow(row: StoredErrorRow): ErrorRow {
  const [windowStart, reason, detail, firstAt, lastAt, count] = row;
  return {
    windowStart: Date.parse(windowStart),
    firstAt: Date.parse(firstAt),
    lastAt: Date.parse(lastAt),
    reason,
    detail,
    errors: count,
  };
}
