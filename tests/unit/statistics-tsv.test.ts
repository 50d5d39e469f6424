import { describe, expect, test } from "vitest";
import { sqliteTime } from "@/lib/sqlite-time";
import { errorRowCells, storedRowCells, type ErrorRow, type StoredErrorRow } from "@/lib/statistics/rows";
import { createTsvStream, escapeTsvValue, formatTsvLine, TSV_HEADER, tsvFilename } from "@/lib/statistics/tsv";

const row = (iso: string, firstSecond: number, lastSecond: number, reason: string, detail: string, errors: number): ErrorRow => {
  const windowStart = Date.parse(iso);
  return { windowStart, firstAt: windowStart + firstSecond * 1000, lastAt: windowStart + lastSecond * 1000, reason, detail, errors };
};

describe("TSV cells", () => {
  test.each([
    ["plain", "plain"],
    ["tab\there", "tab\\there"],
    ["line\nbreak", "line\\nbreak"],
    ["carriage\r\nreturn", "carriage\\r\\nreturn"],
    ["back\\slash", "back\\\\slash"],
    ["\\t is not a tab", "\\\\t is not a tab"],
    ["日本語のテキスト", "日本語のテキスト"],
    ["", ""],
  ])("%j is written as %j", (value, escaped) => {
    expect(escapeTsvValue(value)).toBe(escaped);
    expect(escapeTsvValue(value)).not.toMatch(/[\t\n\r]/);
  });

  test.each([
    // window (UTC)                    first/last s   Date           Start       End
    ["2026-11-23T14:59:00.000Z", 1.5, 59.999, "2026-11-23", "23:59:01", "23:59:59"],
    ["2026-11-23T15:00:00.000Z", 0, 0.2, "2026-11-24", "00:00:00", "00:00:00"], // UTC+9 midnight
    ["2026-11-30T15:00:00.000Z", 12, 30, "2026-12-01", "00:00:12", "00:00:30"], // month end
    ["2026-12-31T15:00:00.000Z", 3, 4, "2027-01-01", "00:00:03", "00:00:04"], // year end
    ["2028-02-28T15:00:00.000Z", 3, 4, "2028-02-29", "00:00:03", "00:00:04"], // leap day
    ["2026-11-24T03:30:00.000Z", 36.139, 59.5, "2026-11-24", "12:30:36", "12:30:59"],
  ])("a row of the window %s reads %s %s and %s in UTC+9", (iso, first, last, date, start, end) => {
    const r = row(iso, first, last, "error_status_code", "500", 3);
    expect(errorRowCells(r)).toEqual([date, start, end, "error_status_code", "500", "3"]);
    // As stored in SQLite, read by position for speed: the same cells.
    const stored: StoredErrorRow = [sqliteTime(r.windowStart), r.reason, r.detail, sqliteTime(r.firstAt), sqliteTime(r.lastAt), r.errors];
    expect(storedRowCells(stored)).toEqual(errorRowCells(r));
  });

  test("a stored time in another form is still read right", () => {
    const stored: StoredErrorRow = ["2026-11-23T15:00:00Z", "request_timeout", "Request timeout", "2026-11-23T15:00:01Z", "2026-11-23T15:00:02.5Z", 2];
    expect(storedRowCells(stored)).toEqual(["2026-11-24", "00:00:01", "00:00:02", "request_timeout", "Request timeout", "2"]);
  });

  test("every 7th minute of two weeks across a year end reads the same by position as by date arithmetic", () => {
    const start = Date.parse("2026-12-25T00:00:00Z");
    for (let t = start; t < start + 14 * 86_400_000; t += 7 * 60_000) {
      const r: ErrorRow = { windowStart: t, firstAt: t + 1234, lastAt: t + 59_999, reason: "unclassified", detail: "x", errors: 1 };
      expect(storedRowCells([sqliteTime(t), "unclassified", "x", sqliteTime(t + 1234), sqliteTime(t + 59_999), 1])).toEqual(errorRowCells(r));
    }
  });

  test("a line has six tab-separated cells; only tabs and line breaks inside values are escaped", () => {
    const line = formatTsvLine(errorRowCells(row("2026-11-24T03:30:00.000Z", 1, 2, "unclassified", "odd\tdetail\nhere", 12)));
    expect(line).toBe("2026-11-24\t12:30:01\t12:30:02\tunclassified\todd\\tdetail\\nhere\t12\n");
    expect(line.slice(0, -1).split("\t")).toHaveLength(6);
  });

  test("the header names LINE's six columns", () => {
    expect(TSV_HEADER).toBe("Date\tStart\tEnd\tReason\tDetail\tErrors\n");
  });

  test("the filename carries the channel ID and the range in UTC+9", () => {
    expect(tsvFilename("1656000000", Date.parse("2026-11-22T15:00:00Z"), Date.parse("2026-11-24T03:31:00Z"))).toBe(
      "webhook-errors-1656000000-20261123T0000-20261124T1231.tsv",
    );
  });
});

describe("the TSV stream", () => {
  async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
    return new Response(stream).text();
  }

  test("a header, then one UTF-8 line per row, and the source closed at the end", async () => {
    let closed = 0;
    const rows = [row("2026-11-24T03:31:00.000Z", 1, 2, "error_status_code", "500", 3), row("2026-11-24T03:30:00.000Z", 5, 9, "request_timeout", "Request timeout", 1)];
    const text = await readAll(createTsvStream(rows.values(), errorRowCells, () => closed++));
    expect(text).toBe(
      "Date\tStart\tEnd\tReason\tDetail\tErrors\n" +
        "2026-11-24\t12:31:01\t12:31:02\terror_status_code\t500\t3\n" +
        "2026-11-24\t12:30:05\t12:30:09\trequest_timeout\tRequest timeout\t1\n",
    );
    expect(closed).toBe(1);
  });

  test("no rows is the header alone", async () => {
    expect(await readAll(createTsvStream([].values(), errorRowCells, () => {}))).toBe(TSV_HEADER);
  });

  test("rows are read only as the reader asks (backpressure), and a cancel closes the source", async () => {
    let produced = 0;
    let closed = 0;
    function* endless(): Generator<ErrorRow> {
      for (;;) {
        produced++;
        yield row("2026-11-24T03:30:00.000Z", 1, 2, "error_status_code", "500", produced);
      }
    }
    const stream = createTsvStream(endless(), errorRowCells, () => closed++);
    const reader = stream.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    // One chunk read and at most one waiting: a few thousand rows, not an endless loop.
    expect(produced).toBeLessThan(10_000);
    const before = produced;
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBe(before);
    await reader.cancel();
    expect(closed).toBe(1);
  });

  test("a failure while reading closes the source and errors the stream", async () => {
    let closed = 0;
    function* failing(): Generator<ErrorRow> {
      yield row("2026-11-24T03:30:00.000Z", 1, 2, "error_status_code", "500", 1);
      throw new Error("disk gone");
    }
    await expect(readAll(createTsvStream(failing(), errorRowCells, () => closed++))).rejects.toThrow("disk gone");
    expect(closed).toBe(1);
  });

  test("a paged source gives the same bytes as rows one at a time, however the pages fall", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => row("2026-11-24T03:30:00.000Z", 1, 2, "error_status_code", String(400 + (i % 100)), i));
    const expected = await readAll(createTsvStream(rows.values(), errorRowCells, () => {}));
    for (const size of [1, 7, 1000, 5000]) {
      let closed = 0;
      async function* pages(): AsyncGenerator<ErrorRow[]> {
        for (let at = 0; at < rows.length; at += size) yield rows.slice(at, at + size);
      }
      expect(await readAll(createTsvStream(pages(), errorRowCells, () => closed++))).toBe(expected);
      expect(closed).toBe(1);
    }
  });

  test("a paged source is read only as the reader asks, and a cancel closes it and ends its pages", async () => {
    let pagesRead = 0;
    let closed = 0;
    let ended = false;
    async function* endless(): AsyncGenerator<ErrorRow[]> {
      try {
        for (;;) {
          pagesRead++;
          await new Promise((r) => setTimeout(r, 1));
          yield Array.from({ length: 100 }, () => row("2026-11-24T03:30:00.000Z", 1, 2, "error_status_code", "500", pagesRead));
        }
      } finally {
        ended = true;
      }
    }
    const reader = createTsvStream(endless(), errorRowCells, () => closed++).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 50));
    // A chunk is about 64 KB, some 1,300 lines: a few dozen pages of 100, not an endless loop.
    expect(pagesRead).toBeLessThan(100);
    const before = pagesRead;
    await new Promise((r) => setTimeout(r, 20));
    expect(pagesRead).toBe(before);
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(1);
    expect(ended).toBe(true);
  });

  test("a paged source that fails closes the source and errors the stream", async () => {
    let closed = 0;
    async function* failing(): AsyncGenerator<ErrorRow[]> {
      yield [row("2026-11-24T03:30:00.000Z", 1, 2, "error_status_code", "500", 1)];
      throw new Error("connection lost");
    }
    await expect(readAll(createTsvStream(failing(), errorRowCells, () => closed++))).rejects.toThrow("connection lost");
    expect(closed).toBe(1);
  });
});
