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
function isStoreForm(iso: string): boolean {
  return iso.length === 29 && iso.charCodeAt(10) === 84 /* T */ && iso.charCodeAt(23) === 43 /* + */ && iso.endsWith("+00:00");
}

/** The UTC hour of a time in the store's form, plus nine. */
function shiftedHour(iso: string): number {
  return (iso.charCodeAt(11) - 48) * 10 + (iso.charCodeAt(12) - 48) + 9;
}

/** `HH:mm:ss` in UTC+9 of a time in the store's form: the hour moves by nine, minutes and seconds stay. */
function storedTimeUtc9(iso: string): string {
  const h = shiftedHour(iso) % 24;
  return `${h < 10 ? "0" : ""}${h}${iso.slice(13, 19)}`;
}

let lastStoredDay = "";
let lastStoredDate = "";

/** The UTC+9 date of a time in the store's form; after 15:00 UTC it is the next calendar day. */
function storedDateUtc9(iso: string): string {
  const key = iso.slice(0, 10) + (shiftedHour(iso) >= 24 ? "+" : "");
  if (key !== lastStoredDay) {
    lastStoredDay = key;
    lastStoredDate = formatUtc9Date(Date.parse(iso));
  }
  return lastStoredDate;
}

/**
 * The cells of a stored row, the same as errorRowCells gives for it, read straight from the stored
 * text: a million-row download then parses no dates, which would cost more than reading the rows.
 * Times in any other form take the general path.
 */
export function storedRowCells(row: StoredErrorRow): ErrorRowCells {
  const [windowStart, reason, detail, firstAt, lastAt, count] = row;
  if (isStoreForm(windowStart) && isStoreForm(firstAt) && isStoreForm(lastAt)) {
    return [storedDateUtc9(windowStart), storedTimeUtc9(firstAt), storedTimeUtc9(lastAt), reason, detail, String(count)];
  }
  return errorRowCells({
    windowStart: Date.parse(windowStart),
    firstAt: Date.parse(firstAt),
    lastAt: Date.parse(lastAt),
    reason,
    detail,
    errors: count,
  });
}
