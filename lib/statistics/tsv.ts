import {
  ERROR_ROW_COLUMNS,
  errorRowCells,
  FIRST_AT,
  isStoreForm,
  LAST_AT,
  parseStoredRow,
  storedDateUtc9,
  storedTimeUtc9,
  type ErrorRowCells,
  type StoredErrorRow,
} from "./rows";
import { formatUtc9Input } from "./utc9";

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
 * The TSV line of a stored row, the same as formatTsvLine gives for its cells, read straight from
 * the stored text in one template: a million-row download then parses no dates and builds no
 * arrays of cells, which together would cost more than reading the rows. Times in any other form
 * take the general path.
 */
export function storedTsvLine(row: StoredErrorRow): string {
  const times = row[0];
  if (!isStoreForm(times)) return formatTsvLine(errorRowCells(parseStoredRow(row)));
  return `${storedDateUtc9(times)}\t${storedTimeUtc9(times, FIRST_AT)}\t${storedTimeUtc9(times, LAST_AT)}\t${escapeTsvValue(row[1])}\t${escapeTsvValue(row[2])}\t${row[3]}\n`;
}

/** `webhook-errors-<channel ID>-<from>-<to>.tsv`, the range in UTC+9 as `YYYYMMDDTHHmm`. */
export function tsvFilename(channelId: string, from: number, to: number): string {
  const compact = (ms: number) => formatUtc9Input(ms).replace(/[-:]/g, "");
  return `webhook-errors-${channelId}-${compact(from)}-${compact(to)}.tsv`;
}

/** About how many characters go into one chunk of the stream. */
const CHUNK_CHARS = 64 * 1024;

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

/**
 * The TSV file as a byte stream that reads rows only when the reader asks for more: at most one
 * chunk (and, when paged, the page being formatted) waits in memory, so a million rows cost no
 * more memory than a hundred. `close` runs once, when the rows run out, the reader cancels, or reading or formatting
 * fails.
 */
export function createTsvStream<T>(
  rows: TsvRows<T>,
  toLine: (row: T) => string,
  close: () => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let closed = false;
  let headerSent = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    close();
  };
  const start = () => {
    const text = headerSent ? "" : TSV_HEADER;
    headerSent = true;
    return text;
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    finish();
    controller.error(error);
  };
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    if (text !== "") controller.enqueue(encoder.encode(text));
    controller.close();
    finish();
  };

  if (!isPaged(rows)) {
    return new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          try {
            let text = start();
            while (text.length < CHUNK_CHARS) {
              const next = rows.next();
              if (next.done) return end(controller, text);
              text += toLine(next.value);
            }
            controller.enqueue(encoder.encode(text));
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
          let text = start();
          while (text.length < CHUNK_CHARS) {
            if (at < page.length) {
              text += toLine(page[at++]);
              continue;
            }
            const next = await pages.next();
            // Cancelled while the page was on its way: the stream is gone, and so is the source.
            if (closed) return;
            if (next.done) return end(controller, text);
            page = next.value;
            at = 0;
          }
          controller.enqueue(encoder.encode(text));
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
