import { describe, expect, test } from "vitest";
import { sqliteTime } from "@/lib/sqlite-time";
import { errorRowCells, type ErrorRow, type StoredErrorRow } from "@/lib/statistics/rows";
import { createTsvStream, escapeTsvValue, formatTsvLine, storedTsvLine, TSV_HEADER, tsvFilename, tsvLineWriter, writeStoredTsvLine } from "@/lib/statistics/tsv";

const row = (iso: string, firstSecond: number, lastSecond: number, reason: string, detail: string, errors: number): ErrorRow => {
  const windowStart = Date.parse(iso);
  return { windowStart, firstAt: windowStart + firstSecond * 1000, lastAt: windowStart + lastSecond * 1000, reason, detail, errors };
};

/** A row's line by the general path: times parsed to instants and formatted by date arithmetic. */
const rowLine = (r: ErrorRow) => formatTsvLine(errorRowCells(r));

/** A stored row as the database joins it, from times in any form. */
const joined = (windowStart: string, firstAt: string, lastAt: string, reason: string, detail: string, errors: number): StoredErrorRow =>
  `${windowStart}|${firstAt}|${lastAt}|${errors}|${Buffer.byteLength(reason)}|${reason}${detail}`;

/** A row as the store holds it. */
const storedOf = (r: ErrorRow): StoredErrorRow =>
  joined(sqliteTime(r.windowStart), sqliteTime(r.firstAt), sqliteTime(r.lastAt), r.reason, r.detail, r.errors);

/** Lines by the general path, written into the stream's chunks. */
const rowLines = tsvLineWriter(rowLine);

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
    // As stored in SQLite, read by position for speed: the same line.
    expect(storedTsvLine(storedOf(r))).toBe(rowLine(r));
  });

  test("a stored time in another form is still read right", () => {
    const stored = joined("2026-11-23T15:00:00Z", "2026-11-23T15:00:01Z", "2026-11-23T15:00:02.5Z", "request_timeout", "Request timeout", 2);
    expect(storedTsvLine(stored)).toBe("2026-11-24\t00:00:01\t00:00:02\trequest_timeout\tRequest timeout\t2\n");
  });

  test.each([
    ["a reason and a detail with the separator", "error|status", "50|0"],
    ["characters outside the BMP", "😀 reason", "🚧 detail 😀"],
    ["a NUL", "un\u0000classified", "de\u0000tail"],
    ["digits like a length", "12", "34"],
    ["an empty reason", "", "only a detail"],
    ["an empty detail", "request_timeout", ""],
    ["a lone surrogate", "\ud800", "x\udc00y"],
  ])("a stored row with %s reads the same as its cells", (_, reason, detail) => {
    const r = row("2026-11-24T03:30:00.000Z", 1, 2, reason, detail, 7);
    const expected = new TextDecoder().decode(new TextEncoder().encode(rowLine(r)));
    expect(storedTsvLine(storedOf(r))).toBe(expected);
  });

  test("every 7th minute of two weeks across a year end reads the same by position as by date arithmetic", () => {
    const start = Date.parse("2026-12-25T00:00:00Z");
    for (let t = start; t < start + 14 * 86_400_000; t += 7 * 60_000) {
      const r: ErrorRow = { windowStart: t, firstAt: t + 1234, lastAt: t + 59_999, reason: "unclassified", detail: "x", errors: 1 };
      expect(storedTsvLine(storedOf(r))).toBe(rowLine(r));
    }
  });

  test("random stored rows read the same by position as by date arithmetic, around UTC+9 midnights, month and year ends and leap days", () => {
    // A fixed seed, so that a failure can be replayed.
    let seed = 19;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const edges = ["2026-11-30", "2026-12-31", "2027-02-28", "2028-02-28", "2028-02-29", "2028-12-31", "2099-12-31", "2000-02-28", "1999-12-31"].map(
      (day) => Date.parse(`${day}T15:00:00.000Z`),
    );
    const texts = ["500", "Request timeout", "odd\tdetail", "line\nbreak\r", "back\\slash", "日本語", ""];
    const rows: ErrorRow[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Half of the windows within two hours of a UTC+9 midnight at an edge, half anywhere in 2026-2030.
      const near = edges[Math.floor(random() * edges.length)] + Math.floor((random() - 0.5) * 4 * 60) * 60_000;
      const anywhere = Date.parse("2026-01-01T00:00:00Z") + Math.floor(random() * 5 * 365 * 1440) * 60_000;
      const windowStart = i % 2 === 0 ? near : anywhere;
      const firstAt = windowStart + Math.floor(random() * 60_000);
      const r: ErrorRow = {
        windowStart,
        firstAt,
        lastAt: firstAt + Math.floor(random() * (windowStart + 60_000 - firstAt)),
        reason: texts[Math.floor(random() * texts.length)],
        detail: texts[Math.floor(random() * texts.length)],
        errors: Math.floor(random() * 100_000),
      };
      rows.push(r);
    }
    // In the download's order, newest window first, as a cache of the last day would see them.
    rows.sort((a, b) => b.windowStart - a.windowStart);
    for (const r of rows) expect(storedTsvLine(storedOf(r))).toBe(rowLine(r));
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
    const text = await readAll(createTsvStream(rows.values(), rowLines, () => closed++));
    expect(text).toBe(
      "Date\tStart\tEnd\tReason\tDetail\tErrors\n" +
        "2026-11-24\t12:31:01\t12:31:02\terror_status_code\t500\t3\n" +
        "2026-11-24\t12:30:05\t12:30:09\trequest_timeout\tRequest timeout\t1\n",
    );
    expect(closed).toBe(1);
  });

  test("a line longer than a whole chunk comes whole, between the others", async () => {
    const long = "x".repeat(200_000);
    const rows = [row("2026-11-24T03:31:00.000Z", 1, 2, "unclassified", "a", 1), row("2026-11-24T03:30:00.000Z", 1, 2, "unclassified", long, 2), row("2026-11-24T03:29:00.000Z", 1, 2, "unclassified", "b", 3)];
    const stored = await readAll(createTsvStream(rows.map(storedOf).values(), writeStoredTsvLine, () => {}));
    expect(stored).toBe(TSV_HEADER + rows.map(rowLine).join(""));
    expect(await readAll(createTsvStream(rows.values(), rowLines, () => {}))).toBe(stored);
  });

  test("no rows is the header alone", async () => {
    expect(await readAll(createTsvStream([].values(), rowLines, () => {}))).toBe(TSV_HEADER);
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
    const stream = createTsvStream(endless(), rowLines, () => closed++);
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
    await expect(readAll(createTsvStream(failing(), rowLines, () => closed++))).rejects.toThrow("disk gone");
    expect(closed).toBe(1);
  });

  test("a paged source gives the same bytes as rows one at a time, however the pages fall", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => row("2026-11-24T03:30:00.000Z", 1, 2, "error_status_code", String(400 + (i % 100)), i));
    const expected = await readAll(createTsvStream(rows.values(), rowLines, () => {}));
    for (const size of [1, 7, 1000, 5000]) {
      let closed = 0;
      async function* pages(): AsyncGenerator<ErrorRow[]> {
        for (let at = 0; at < rows.length; at += size) yield rows.slice(at, at + size);
      }
      expect(await readAll(createTsvStream(pages(), rowLines, () => closed++))).toBe(expected);
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
    const reader = createTsvStream(endless(), rowLines, () => closed++).getReader();
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
    await expect(readAll(createTsvStream(failing(), rowLines, () => closed++))).rejects.toThrow("connection lost");
    expect(closed).toBe(1);
  });
});
