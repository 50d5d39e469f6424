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
 * An error row as the database hands it to a download: one text,
 * `<windowStart>|<firstAt>|<lastAt>|<count>|<reason bytes>|<reason><detail>`, the times as ISO text in
 * the store's exact form `2026-11-23T18:30:36.139+00:00` (lib/sqlite-time.ts), then the count, the
 * length of the reason in UTF-8 bytes, and the reason and detail as stored. One text rather than
 * six values because every value handed from the database to JavaScript costs more than joining
 * them in SQL, and a download reads a million rows; the reason's length rather than a separator
 * because a reason or a detail may hold any character, and escaping them in SQL costs more than
 * in the loop that writes the file.
 */
export type StoredErrorRow = string;

/** The columns (or expressions) a StoredErrorRow is joined from, and how the database measures the reason in UTF-8 bytes. */
export type StoredErrorRowColumns = {
  windowStart: string;
  firstAt: string;
  lastAt: string;
  count: string;
  reason: string;
  detail: string;
  reasonBytes: string;
};

/** SQL for one StoredErrorRow from its columns. */
export function storedErrorRowSql(c: StoredErrorRowColumns): string {
  return `${c.windowStart} || '|' || ${c.firstAt} || '|' || ${c.lastAt} || '|' || ${c.count} || '|' || ${c.reasonBytes} || '|' || ${c.reason} || ${c.detail}`;
}

/** The index in `text` after the characters from `from` that take `bytes` bytes in UTF-8. */
export function utf8End(text: string, from: number, bytes: number): number {
  let at = from;
  while (bytes > 0 && at < text.length) {
    const c = text.charCodeAt(at++);
    if (c < 0x80) bytes -= 1;
    else if (c < 0x800) bytes -= 2;
    else if (c >= 0xd800 && c < 0xdc00 && at < text.length && (text.charCodeAt(at) & 0xfc00) === 0xdc00) {
      at++;
      bytes -= 4;
    } else bytes -= 3;
  }
  return at;
}

/** The six parts of a stored row, as text but for the count, whatever form its times have. */
export function splitStoredRow(row: StoredErrorRow): {
  windowStart: string;
  firstAt: string;
  lastAt: string;
  count: number;
  reason: string;
  detail: string;
} {
  const ends: number[] = [];
  for (let at = row.indexOf("|"); ends.length < 5 && at !== -1; at = row.indexOf("|", at + 1)) ends.push(at);
  const [windowEnd, firstEnd, lastEnd, countEnd, bytesEnd] = ends;
  const reasonEnd = utf8End(row, bytesEnd + 1, Number(row.slice(countEnd + 1, bytesEnd)));
  return {
    windowStart: row.slice(0, windowEnd),
    firstAt: row.slice(windowEnd + 1, firstEnd),
    lastAt: row.slice(firstEnd + 1, lastEnd),
    count: Number(row.slice(lastEnd + 1, countEnd)),
    reason: row.slice(bytesEnd + 1, reasonEnd),
    detail: row.slice(reasonEnd),
  };
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

/** A stored row with its times parsed, whatever their form. */
export function parseStoredRow(row: StoredErrorRow): ErrorRow {
  const { windowStart, firstAt, lastAt, count, reason, detail } = splitStoredRow(row);
  return {
    windowStart: Date.parse(windowStart),
    firstAt: Date.parse(firstAt),
    lastAt: Date.parse(lastAt),
    reason,
    detail,
    errors: count,
  };
}
