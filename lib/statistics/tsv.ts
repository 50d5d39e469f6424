import { ERROR_ROW_COLUMNS, errorRowCells, parseStoredRow, utf8End, type ErrorRowCells, type StoredErrorRow } from "./rows";
import { formatUtc9Date, formatUtc9Input } from "./utc9";

/** The header line of the TSV file. */
export const TSV_HEADER = `${ERROR_ROW_COLUMNS.join("\t")}\n`;

/** The download's media type: tab-separated values, UTF-8. */
export const TSV_CONTENT_TYPE = "text/tab-separated-values; charset=utf-8";

const SPECIALS = /[\\\t\n\r]/g;
const HAS_SPECIALS = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * A value made safe for one TSV cell: tabs and line breaks would split the row, so they are written
 * as `\t`, `\n` and `\r`, and a backslash as `\\` so that the escapes read back unambiguously (the
 * convention of PostgreSQL's COPY and most TSV readers).
 */
export function escapeTsvValue(value: string): string {
  // Nearly every value has nothing to escape: testing first skips building a new string.
  return HAS_SPECIALS.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]) : value;
}

/** One row of the TSV file, with its line ending. */
export function formatTsvLine(cells: ErrorRowCells): string {
  // Only Reason and Detail are free text; dates, times and counts never need escaping.
  return `${cells[0]}\t${cells[1]}\t${cells[2]}\t${escapeTsvValue(cells[3])}\t${escapeTsvValue(cells[4])}\t${cells[5]}\n`;
}

/**
 * Writes one row's line into `out` from `at` and returns where it ends, or -1 when it would not
 * fit in what is left of `out` (nothing of it then counts).
 */
export type TsvLineWriter<T> = (row: T, out: Uint8Array, at: number) => number;

const encoder = new TextEncoder();

/** A TsvLineWriter for lines formatted as strings. */
export function tsvLineWriter<T>(toLine: (row: T) => string): TsvLineWriter<T> {
  return (row, out, at) => {
    const line = toLine(row);
    // A UTF-16 unit never takes more than three bytes: most lines need no trial write.
    if (at + 3 * line.length > out.length) {
      const { read, written } = encoder.encodeInto(line, out.subarray(at));
      return read === line.length ? at + written : -1;
    }
    return at + encoder.encodeInto(line, out.subarray(at)).written;
  };
}

/** Whether the time starting at `at` of a stored row has the store's exact form (UTC, 29 characters, then `|`). */
function isStoreFormAt(row: string, at: number): boolean {
  // Character by character: in a loop over a million rows, this is cheaper than startsWith.
  return (
    row.charCodeAt(at + 10) === 84 /* T */ &&
    row.charCodeAt(at + 23) === 43 /* + */ &&
    row.charCodeAt(at + 24) === 48 /* 0 */ &&
    row.charCodeAt(at + 25) === 48 &&
    row.charCodeAt(at + 26) === 58 /* : */ &&
    row.charCodeAt(at + 27) === 48 &&
    row.charCodeAt(at + 28) === 48 &&
    row.charCodeAt(at + 29) === 124 /* | */
  );
}

// From 15:00 UTC on, the UTC+9 date is the next day's: remember the last one worked out, with a
// row of its UTC date to compare with (a whole row, because reading characters of a slice costs
// more than of a flat string).
let lastDateRow = "";
let lastNextDate = "";

function isLastDate(row: string): boolean {
  if (lastDateRow === "") return false;
  // The day changes first, so it is compared first.
  for (let i = 9; i >= 0; i--) if (row.charCodeAt(i) !== lastDateRow.charCodeAt(i)) return false;
  return true;
}

/** `YYYY-MM-DD` in UTC+9 of the window of a stored row in the store's form, written at `at`. */
function writeDate(row: string, out: Uint8Array, at: number): number {
  if ((row.charCodeAt(11) - 48) * 10 + (row.charCodeAt(12) - 48) < 15) {
    // Before 15:00 UTC, the UTC+9 date is the UTC date.
    for (let i = 0; i < 10; i++) out[at++] = row.charCodeAt(i);
    return at;
  }
  if (!isLastDate(row)) {
    lastDateRow = row;
    lastNextDate = formatUtc9Date(Date.parse(row.slice(0, 29)));
  }
  for (let i = 0; i < lastNextDate.length; i++) out[at++] = lastNextDate.charCodeAt(i);
  return at;
}

/** `HH:mm:ss` in UTC+9 of the time in the store's form that starts at `from`: the hour moves by nine, minutes and seconds stay. */
function writeTime(row: string, from: number, out: Uint8Array, at: number): number {
  let hour = (row.charCodeAt(from + 11) - 48) * 10 + (row.charCodeAt(from + 12) - 48) + 9;
  if (hour >= 24) hour -= 24;
  out[at++] = 48 + ((hour / 10) | 0);
  out[at++] = 48 + (hour % 10);
  for (let i = from + 13; i < from + 19; i++) out[at++] = row.charCodeAt(i);
  return at;
}

/** For each ASCII character, the letter of its escape after a backslash, or 0 when it stands as it is. */
const ASCII_ESCAPES = new Uint8Array(128);
for (const [c, escaped] of Object.entries(ESCAPES)) ASCII_ESCAPES[c.charCodeAt(0)] = escaped.charCodeAt(1);

/**
 * The characters of `text` from `from` to `to` as one TSV cell in UTF-8, escaped as
 * escapeTsvValue does; a lone surrogate becomes U+FFFD, as TextEncoder writes it.
 */
function writeCell(text: string, from: number, to: number, out: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      const escaped = ASCII_ESCAPES[c];
      if (escaped === 0) out[at++] = c;
      else {
        out[at++] = 92;
        out[at++] = escaped;
      }
    } else if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < to && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const point = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      out[at++] = 0xf0 | (point >> 18);
      out[at++] = 0x80 | ((point >> 12) & 0x3f);
      out[at++] = 0x80 | ((point >> 6) & 0x3f);
      out[at++] = 0x80 | (point & 0x3f);
    } else {
      if ((c & 0xf800) === 0xd800) c = 0xfffd;
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    }
  }
  return at;
}

const writeFormattedLine = tsvLineWriter((row: StoredErrorRow) => formatTsvLine(errorRowCells(parseStoredRow(row))));

/**
 * The TSV line of a stored row, the same bytes as formatTsvLine gives for its cells, written
 * straight from the stored text: a million-row download then parses no dates and builds no
 * strings, which together would cost more than reading the rows. Times in any other form take
 * the general path.
 */
export const writeStoredTsvLine: TsvLineWriter<StoredErrorRow> = (row, out, at) => {
  if (!(isStoreFormAt(row, 0) && isStoreFormAt(row, 30) && isStoreFormAt(row, 60))) return writeFormattedLine(row, out, at);
  // Each character of the row gives at most three bytes of its line, and the times give fewer.
  if (at + 3 * row.length > out.length) return -1;
  let countEnd = 90;
  while (countEnd < row.length && row.charCodeAt(countEnd) !== 124) countEnd++;
  let bytesEnd = countEnd + 1;
  let reasonBytes = 0;
  for (let c = row.charCodeAt(bytesEnd); bytesEnd < row.length && c !== 124; c = row.charCodeAt(++bytesEnd)) reasonBytes = reasonBytes * 10 + c - 48;
  const reasonEnd = utf8End(row, bytesEnd + 1, reasonBytes);
  at = writeDate(row, out, at);
  out[at++] = 9;
  at = writeTime(row, 30, out, at);
  out[at++] = 9;
  at = writeTime(row, 60, out, at);
  out[at++] = 9;
  at = writeCell(row, bytesEnd + 1, reasonEnd, out, at);
  out[at++] = 9;
  at = writeCell(row, reasonEnd, row.length, out, at);
  out[at++] = 9;
  for (let i = 90; i < countEnd; i++) out[at++] = row.charCodeAt(i);
  out[at++] = 10;
  return at;
};

/** The TSV line of a stored row as text, as writeStoredTsvLine writes it. */
export function storedTsvLine(row: StoredErrorRow): string {
  for (let size = 256; ; size *= 2) {
    const out = new Uint8Array(size);
    const end = writeStoredTsvLine(row, out, 0);
    if (end >= 0) return new TextDecoder().decode(out.subarray(0, end));
  }
}

/** `webhook-errors-<channel ID>-<from>-<to>.tsv`, the range in UTC+9 as `YYYYMMDDTHHmm`. */
export function tsvFilename(channelId: string, from: number, to: number): string {
  const compact = (ms: number) => formatUtc9Input(ms).replace(/[-:]/g, "");
  return `webhook-errors-${channelId}-${compact(from)}-${compact(to)}.tsv`;
}

/** The size of one chunk of the stream. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Where a TSV file's rows come from. A synchronous iterator is read a row at a time, a whole chunk
 * within one pull (SQLite hands out a row in well under a microsecond, and awaiting each one would
 * cost more than formatting it); an async iterable gives pages of rows, for a database that
 * answers over the network.
 */
export type TsvRows<T> = Iterator<T> | AsyncIterable<readonly T[]>;

function isPaged<T>(rows: TsvRows<T>): rows is AsyncIterable<readonly T[]> {
  return Symbol.asyncIterator in rows;
}

/** The chunk being filled: lines are written straight into its bytes, with no text in between. */
class TsvChunk<T> {
  private bytes = new Uint8Array(CHUNK_BYTES);
  private used: number;

  constructor(private readonly writeLine: TsvLineWriter<T>) {
    this.used = encoder.encodeInto(TSV_HEADER, this.bytes).written;
  }

  get isEmpty(): boolean {
    return this.used === 0;
  }

  /** Adds a row's line; when it does not fit, returns the full chunk and starts the next one with it. */
  add(row: T): Uint8Array | undefined {
    const end = this.writeLine(row, this.bytes, this.used);
    if (end >= 0) {
      this.used = end;
      return undefined;
    }
    const full = this.used > 0 ? this.take() : undefined;
    // A line longer than a whole chunk gets a chunk of its own, as large as it needs.
    for (let size = CHUNK_BYTES * 2; (this.used = this.writeLine(row, this.bytes, 0)) < 0; size *= 2) this.bytes = new Uint8Array(size);
    return full;
  }

  /** The bytes written so far, handed over: the next lines go into new memory. */
  take(): Uint8Array {
    const full = this.bytes.subarray(0, this.used);
    this.bytes = new Uint8Array(CHUNK_BYTES);
    this.used = 0;
    return full;
  }
}

/**
 * The TSV file as a byte stream that reads rows only when the reader asks for more: at most one
 * chunk (and, when paged, the page being formatted) waits in memory, so a million rows cost no
 * more memory than a hundred. `close` runs once, when the rows run out, the reader cancels, or
 * reading or formatting fails.
 */
export function createTsvStream<T>(
  rows: TsvRows<T>,
  writeLine: TsvLineWriter<T>,
  close: () => void,
): ReadableStream<Uint8Array> {
  const chunk = new TsvChunk(writeLine);
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    close();
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    finish();
    controller.error(error);
  };
  const end = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (!chunk.isEmpty) controller.enqueue(chunk.take());
    controller.close();
    finish();
  };

  if (!isPaged(rows)) {
    return new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          try {
            for (;;) {
              const next = rows.next();
              if (next.done) return end(controller);
              const full = chunk.add(next.value);
              if (full) return controller.enqueue(full);
            }
          } catch (error) {
            fail(controller, error);
          }
        },
        cancel() {
          rows.return?.();
          finish();
        },
      },
      { highWaterMark: 1 },
    );
  }

  const pages = rows[Symbol.asyncIterator]();
  // An async generator busy fetching a page ends once that page is in.
  const stopPages = () => void pages.return?.().catch(() => {});
  let page: readonly T[] = [];
  let at = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            if (at < page.length) {
              const full = chunk.add(page[at++]);
              if (full) return controller.enqueue(full);
              continue;
            }
            const next = await pages.next();
            // Cancelled while the page was on its way: the stream is gone, and so is the source.
            if (closed) return;
            if (next.done) return end(controller);
            page = next.value;
            at = 0;
          }
        } catch (error) {
          stopPages();
          if (!closed) fail(controller, error);
        }
      },
      cancel() {
        finish();
        stopPages();
      },
    },
    { highWaterMark: 1 },
  );
}
