import { ERROR_ROW_COLUMNS, type ErrorRowCells } from "./rows";
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

/** `webhook-errors-<channel ID>-<from>-<to>.tsv`, the range in UTC+9 as `YYYYMMDDTHHmm`. */
export function tsvFilename(channelId: string, from: number, to: number): string {
  const compact = (ms: number) => formatUtc9Input(ms).replace(/[-:]/g, "");
  return `webhook-errors-${channelId}-${compact(from)}-${compact(to)}.tsv`;
}

/** About how many characters go into one chunk of the stream. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The TSV file as a byte stream that reads rows only when the reader asks for more: at most one
 * chunk waits in the queue, so a million rows cost no more memory than a hundred. `close` runs once,
 * when the rows run out, the reader cancels, or formatting fails.
 */
export function createTsvStream<T>(
  rows: Iterator<T>,
  toCells: (row: T) => ErrorRowCells,
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
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        try {
          let text = headerSent ? "" : TSV_HEADER;
          headerSent = true;
          while (text.length < CHUNK_CHARS) {
            const next = rows.next();
            if (next.done) {
              if (text !== "") controller.enqueue(encoder.encode(text));
              controller.close();
              finish();
              return;
            }
            text += formatTsvLine(toCells(next.value));
          }
          controller.enqueue(encoder.encode(text));
        } catch (error) {
          finish();
          controller.error(error);
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
