import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { db } from "@/lib/db";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { DeliveryStore, EventOutcome } from "@/lib/delivery/store";
import { NotFoundError } from "@/lib/errors";
import { createProvider } from "@/lib/console/providers";
import { getErrorChart, getRecentErrorsStamp, listErrorRows, openErrorTsv, type ErrorRowsPage } from "@/lib/statistics/queries";
import { errorRowCells } from "@/lib/statistics/rows";
import { parseWebhookErrorsSearch, type WebhookErrorsQuery } from "@/lib/statistics/search-params";
import { formatTsvLine, TSV_HEADER } from "@/lib/statistics/tsv";
import { createUser } from "@/lib/auth/users";
import type { Failure } from "@/lib/webhook/reasons";
import { accessOf, joinChannel } from "../support/access";

let admin: string;
let member: string;
let tester: string;
let outsider: string;
let channelId: string;
let otherChannelId: string;
let store: DeliveryStore;

// These fixed days are older than the default retention of error statistics, which the chart
// would shade as not kept: this file keeps them for ten years.
process.env.RETENTION_ERROR_STATISTICS_DAYS = "3650";

// Around UTC+9 midnight at a month end: 2025-06-30 23:58 to 2025-07-01 00:03 (UTC+9).
const T = (utc9: string) => Date.parse(`${utc9}+09:00`);
const ON_AT = T("2025-06-30T20:00:00");

const failure = (reason: Failure["reason"], detail: string): Failure => ({ reason, detail });
const E500 = failure("error_status_code", "500");
const E503 = failure("error_status_code", "503");
const TIMEOUT = failure("request_timeout", "Request timeout");
const REFUSED = failure("could_not_connect", "Connection failed");

/** Records failed sends through the real store, each detected at `at` (its send ending then). */
async function recordFailures(channel: string, sends: [Failure, string][]) {
  const outcomes: EventOutcome[] = sends.map(([f, at]) => {
    const detectedAt = T(at);
    const durationMs = f.reason === "request_timeout" ? 2000 : 12;
    return {
      seq: 0,
      attemptsBefore: 0,
      attempt: {
        channelId: channel,
        webhookEventId: null,
        kind: "event",
        isRedelivery: false,
        url: "http://127.0.0.1:9/callback",
        startedAt: detectedAt - durationMs,
        durationMs,
        statusCode: f.reason === "error_status_code" ? Number(f.detail) : undefined,
        failure: f,
        requestExcerpt: "{}",
      },
    };
  });
  await store.recordOutcomes(outcomes, Math.max(...outcomes.map((o) => o.attempt.startedAt + o.attempt.durationMs)));
}

function view(search: Record<string, string>): WebhookErrorsQuery {
  const parsed = parseWebhookErrorsSearch(search);
  if (!parsed.ok) throw new Error(parsed.problems.join(" "));
  return parsed.query;
}

const RANGE = { range: "custom", from: "2025-06-30T23:00", to: "2025-07-01T01:00" };

beforeAll(async () => {
  admin = (await createUser("stats-admin@example.com", "pw")).user.id;
  outsider = (await createUser("stats-outsider@example.com", "pw")).user.id;
  const provider = await createProvider(admin, "Statistics");
  async function channel(name: string) {
    const { id } = await createChannel(admin, provider.id, { name, description: "", email: "" });
    await updateWebhookUrl(await accessOf(admin, id), "http://127.0.0.1:9/callback");
    await setWebhookSetting(await accessOf(admin, id), "useWebhook", true, new Date(ON_AT - 1000));
    await setWebhookSetting(await accessOf(admin, id), "errorStatisticsAggregation", true, new Date(ON_AT));
    return id;
  }
  channelId = await channel("Errors bot");
  otherChannelId = await channel("Other bot");
  await joinChannel(await accessOf(admin, channelId), "stats-member@example.com", "MEMBER");
  await joinChannel(await accessOf(admin, channelId), "stats-tester@example.com", "TESTER");
  member = (await db().user.findUniqueOrThrow({ where: { email: "stats-member@example.com" } })).id;
  tester = (await db().user.findUniqueOrThrow({ where: { email: "stats-tester@example.com" } })).id;

  store = openDeliveryStore();
  await recordFailures(channelId, [
    [E500, "2025-06-30T23:58:05.100"],
    [E500, "2025-06-30T23:58:40.250"],
    [E500, "2025-06-30T23:58:59.999"],
    [TIMEOUT, "2025-06-30T23:58:30.000"],
    [E503, "2025-06-30T23:59:10.000"],
    [REFUSED, "2025-07-01T00:00:00.000"],
    [REFUSED, "2025-07-01T00:00:01.500"],
    [E500, "2025-07-01T00:02:00.000"],
    [TIMEOUT, "2025-07-01T00:02:59.000"],
  ]);
  // A second batch adds to the same 60-second rows, as the dispatcher's next flush would.
  await recordFailures(channelId, [[E500, "2025-06-30T23:58:20.000"], [TIMEOUT, "2025-07-01T00:02:01.000"]]);
  await recordFailures(otherChannelId, [[E500, "2025-06-30T23:58:10.000"]]);
});

afterAll(async () => {
  await store?.close();
});

describe("who may read webhook errors", () => {
  test("Admins and Members may; Testers and non-members are told the page does not exist", async () => {
    const query = view(RANGE);
    await expect(getErrorChart(await accessOf(admin, channelId), query)).resolves.toBeDefined();
    await expect(listErrorRows(await accessOf(member, channelId), query)).resolves.toBeDefined();
    for (const user of [tester, outsider]) {
      await expect(accessOf(user, channelId).then((access) => getErrorChart(access, query))).rejects.toThrow(NotFoundError);
      await expect(accessOf(user, channelId).then((access) => listErrorRows(access, query))).rejects.toThrow(NotFoundError);
      await expect(accessOf(user, channelId).then((access) => openErrorTsv(access, query))).rejects.toThrow(NotFoundError);
      await expect(accessOf(user, channelId).then((access) => getRecentErrorsStamp(access, 0))).rejects.toThrow(NotFoundError);
    }
  });

  test("a render reads the role once: the access it started with decides its reads", async () => {
    const access = await accessOf(member, channelId);
    // Made a Tester mid-render: the render's reads still go by the role it resolved, and the
    // next request's access is refused.
    await db().channelMember.update({ where: { channelId_userId: { channelId, userId: member } }, data: { role: "TESTER" } });
    try {
      const query = view(RANGE);
      await expect(Promise.all([getErrorChart(access, query), listErrorRows(access, query), getRecentErrorsStamp(access, 0)])).resolves.toHaveLength(3);
      await expect(accessOf(member, channelId).then((next) => getErrorChart(next, query))).rejects.toThrow(NotFoundError);
    } finally {
      await db().channelMember.update({ where: { channelId_userId: { channelId, userId: member } }, data: { role: "MEMBER" } });
    }
  });

  test("nobody may while aggregation is off", async () => {
    await setWebhookSetting(await accessOf(admin, otherChannelId), "errorStatisticsAggregation", false);
    await expect(accessOf(admin, otherChannelId).then((access) => getErrorChart(access, view(RANGE)))).rejects.toThrow(NotFoundError);
    await expect(accessOf(admin, otherChannelId).then((access) => openErrorTsv(access, view(RANGE)))).rejects.toThrow(NotFoundError);
  });
});

describe("the chart", () => {
  test("minute buckets in UTC+9, stacked by reason, with the details behind each bar", async () => {
    const narrow = await getErrorChart(await accessOf(admin, channelId), view({ range: "custom", from: "2025-06-30T23:57", to: "2025-07-01T00:04" }));
    expect(narrow.unit).toBe("minute");
    const bars = narrow.buckets.map((b) => [new Date(b.start).toISOString(), b.errors]);
    expect(bars).toEqual([
      ["2025-06-30T14:57:00.000Z", { could_not_connect: 0, request_timeout: 0, error_status_code: 0, unclassified: 0 }],
      ["2025-06-30T14:58:00.000Z", { could_not_connect: 0, request_timeout: 1, error_status_code: 4, unclassified: 0 }],
      ["2025-06-30T14:59:00.000Z", { could_not_connect: 0, request_timeout: 0, error_status_code: 1, unclassified: 0 }],
      ["2025-06-30T15:00:00.000Z", { could_not_connect: 2, request_timeout: 0, error_status_code: 0, unclassified: 0 }],
      ["2025-06-30T15:01:00.000Z", { could_not_connect: 0, request_timeout: 0, error_status_code: 0, unclassified: 0 }],
      ["2025-06-30T15:02:00.000Z", { could_not_connect: 0, request_timeout: 2, error_status_code: 1, unclassified: 0 }],
      ["2025-06-30T15:03:00.000Z", { could_not_connect: 0, request_timeout: 0, error_status_code: 0, unclassified: 0 }],
    ]);
    expect(narrow.buckets[1].details).toEqual([
      { reason: "request_timeout", detail: "Request timeout", errors: 1 },
      { reason: "error_status_code", detail: "500", errors: 4 },
    ]);
    expect(narrow.totals).toEqual({ could_not_connect: 2, request_timeout: 3, error_status_code: 6, unclassified: 0 });
    expect(narrow.totalRows).toBe(6);
  });

  test("hour buckets split at UTC+9 midnight; the hours before aggregation was turned on are not aggregated", async () => {
    const chart = await getErrorChart(await accessOf(admin, channelId), view({ range: "custom", from: "2025-06-30T18:00", to: "2025-07-01T02:00" }));
    expect(chart.unit).toBe("hour");
    expect(chart.notAggregated).toEqual([{ start: T("2025-06-30T18:00:00"), end: ON_AT }]);
    expect(chart.buckets.slice(0, 2).map((b) => [b.coverage, b.errors])).toEqual([
      ["none", null],
      ["none", null],
    ]);
    const byHour = Object.fromEntries(chart.buckets.filter((b) => b.errors).map((b) => [new Date(b.start).toISOString(), b.errors]));
    expect(byHour["2025-06-30T14:00:00.000Z"]).toEqual({ could_not_connect: 0, request_timeout: 1, error_status_code: 5, unclassified: 0 });
    expect(byHour["2025-06-30T15:00:00.000Z"]).toEqual({ could_not_connect: 2, request_timeout: 2, error_status_code: 1, unclassified: 0 });
    // Read twice: the second time old hours come from the cache, and say the same.
    expect(await getErrorChart(await accessOf(admin, channelId), view({ range: "custom", from: "2025-06-30T18:00", to: "2025-07-01T02:00" }))).toEqual(chart);
  });

  test("day buckets are UTC+9 days; filters narrow the bars but the detail list keeps every detail", async () => {
    const chart = await getErrorChart(await accessOf(admin, channelId),
      view({ range: "custom", from: "2025-06-25T00:00", to: "2025-07-05T00:00", reason: "error_status_code", detail: "500" }),
    );
    expect(chart.unit).toBe("day");
    const days = chart.buckets.filter((b) => b.errors && b.errors.error_status_code > 0);
    expect(days.map((b) => [new Date(b.start).toISOString(), b.errors?.error_status_code])).toEqual([
      ["2025-06-29T15:00:00.000Z", 4],
      ["2025-06-30T15:00:00.000Z", 1],
    ]);
    expect(chart.totalErrors).toBe(5);
    expect(chart.detailsSeen.map((d) => d.detail)).toEqual(["Connection failed", "Request timeout", "500", "503"]);
  });

  test("a day chart whose first and last days are partial counts the same errors, in the same days", async () => {
    const chart = await getErrorChart(await accessOf(admin, channelId),
      view({ range: "custom", from: "2025-06-30T05:30", to: "2025-07-09T12:10", reason: "error_status_code", detail: "500" }),
    );
    expect(chart.unit).toBe("day");
    const days = chart.buckets.filter((b) => b.errors && b.errors.error_status_code > 0);
    expect(days.map((b) => [new Date(b.start).toISOString(), b.errors?.error_status_code])).toEqual([
      ["2025-06-29T15:00:00.000Z", 4],
      ["2025-06-30T15:00:00.000Z", 1],
    ]);
    expect(chart.totalErrors).toBe(5);
    // From 23:59 on the first day only the failures of its last minute are in the range.
    const late = await getErrorChart(await accessOf(admin, channelId), view({ range: "custom", from: "2025-06-30T23:59", to: "2025-07-09T12:10" }));
    expect(late.unit).toBe("day");
    expect(late.buckets[0].errors).toEqual({ could_not_connect: 0, request_timeout: 0, error_status_code: 1, unclassified: 0 });
  });

  test("an empty range says so", async () => {
    const chart = await getErrorChart(await accessOf(admin, channelId), view({ range: "custom", from: "2025-07-02T00:00", to: "2025-07-02T06:00" }));
    expect(chart.totalErrors).toBe(0);
    expect(chart.buckets.every((b) => b.coverage === "full")).toBe(true);
  });
});

describe("the error rows", () => {
  test("one row per (reason, detail) per 60 seconds, newest last detection first, in UTC+9", async () => {
    const { rows } = await listErrorRows(await accessOf(admin, channelId), view(RANGE));
    expect(rows.map(errorRowCells)).toEqual([
      ["2025-07-01", "00:02:01", "00:02:59", "request_timeout", "Request timeout", "2"],
      ["2025-07-01", "00:02:00", "00:02:00", "error_status_code", "500", "1"],
      ["2025-07-01", "00:00:00", "00:00:01", "could_not_connect", "Connection failed", "2"],
      ["2025-06-30", "23:59:10", "23:59:10", "error_status_code", "503", "1"],
      ["2025-06-30", "23:58:05", "23:58:59", "error_status_code", "500", "4"],
      ["2025-06-30", "23:58:30", "23:58:30", "request_timeout", "Request timeout", "1"],
    ]);
  });

  test("filters by reason and by detail", async () => {
    const byReason = await listErrorRows(await accessOf(admin, channelId), view({ ...RANGE, reason: "error_status_code" }));
    expect(byReason.rows.map((r) => r.detail)).toEqual(["500", "503", "500"]);
    expect(byReason.rows.map((r) => r.errors)).toEqual([1, 1, 4]);
    const byDetail = await listErrorRows(await accessOf(admin, channelId), view({ ...RANGE, detail: "Request timeout" }));
    expect(byDetail.rows.map((r) => r.errors)).toEqual([2, 1]);
  });

  test("pages older and newer cover every row exactly once, in order", async () => {
    const all = (await listErrorRows(await accessOf(admin, channelId), view(RANGE))).rows;
    const seen: string[] = [];
    const key = (r: { windowStart: number; reason: string; detail: string }) => `${r.windowStart}/${r.reason}/${r.detail}`;
    let page: ErrorRowsPage = await listErrorRows(await accessOf(admin, channelId), view(RANGE), 2);
    const pages = [page];
    seen.push(...page.rows.map(key));
    expect(page.newer).toBeNull();
    while (page.older) {
      const query = { ...view(RANGE), page: { direction: "older" as const, cursor: page.older } };
      page = await listErrorRows(await accessOf(admin, channelId), query, 2);
      pages.push(page);
      seen.push(...page.rows.map(key));
    }
    expect(seen).toEqual(all.map(key));
    expect(pages.map((p) => p.rows.length)).toEqual([2, 2, 2]);
    // And back: "newer" from the last page gives the page before it.
    const last = pages.at(-1)!;
    const back = await listErrorRows(await accessOf(admin, channelId), { ...view(RANGE), page: { direction: "newer", cursor: last.newer! } }, 2);
    expect(back.rows.map(key)).toEqual(pages[1].rows.map(key));
    expect(back.newer).not.toBeNull();
  });
});

describe("the order within one minute", () => {
  test("rows of one window come by last detection, newest first, on the page, its pages and the TSV alike", async () => {
    const provider = await createProvider(admin, "Order");
    const { id } = await createChannel(admin, provider.id, { name: "One-minute bot", description: "", email: "" });
    await updateWebhookUrl(await accessOf(admin, id), "http://127.0.0.1:9/callback");
    await setWebhookSetting(await accessOf(admin, id), "useWebhook", true, new Date(ON_AT - 1000));
    await setWebhookSetting(await accessOf(admin, id), "errorStatisticsAggregation", true, new Date(ON_AT));
    // Reason and detail order would put 500 before 503 and both before request_timeout.
    await recordFailures(id, [
      [E500, "2025-07-02T03:10:20.000"],
      [E503, "2025-07-02T03:10:29.000"],
      [TIMEOUT, "2025-07-02T03:10:05.000"],
      [REFUSED, "2025-07-02T03:10:20.000"],
      [E500, "2025-07-02T03:11:01.000"],
    ]);
    const query = view({ range: "custom", from: "2025-07-02T03:00", to: "2025-07-02T04:00" });
    const expected = [
      ["2025-07-02", "03:11:01", "03:11:01", "error_status_code", "500", "1"],
      ["2025-07-02", "03:10:29", "03:10:29", "error_status_code", "503", "1"],
      // The same last detection: reason and detail decide.
      ["2025-07-02", "03:10:20", "03:10:20", "could_not_connect", "Connection failed", "1"],
      ["2025-07-02", "03:10:20", "03:10:20", "error_status_code", "500", "1"],
      ["2025-07-02", "03:10:05", "03:10:05", "request_timeout", "Request timeout", "1"],
    ];
    const access = await accessOf(admin, id);
    expect((await listErrorRows(access, query)).rows.map(errorRowCells)).toEqual(expected);

    const paged: string[][] = [];
    let page = await listErrorRows(access, query, 1);
    paged.push(...page.rows.map(errorRowCells));
    while (page.older) {
      page = await listErrorRows(access, { ...query, page: { direction: "older", cursor: page.older } }, 1);
      paged.push(...page.rows.map(errorRowCells));
    }
    expect(paged).toEqual(expected);
    const back = await listErrorRows(access, { ...query, page: { direction: "newer", cursor: page.newer! } }, 2);
    expect(back.rows.map(errorRowCells)).toEqual(expected.slice(2, 4));

    const { stream } = await openErrorTsv(access, query);
    expect(await new Response(stream).text()).toBe(TSV_HEADER + expected.map((cells) => `${cells.join("\t")}\n`).join(""));
  });
});

describe("Download TSV file", () => {
  test("the exact bytes: header, rows newest first, UTC+9, UTF-8, the range and filters honoured", async () => {
    const { filename, stream } = await openErrorTsv(await accessOf(admin, channelId), view(RANGE));
    expect(filename).toBe(`webhook-errors-${channelId}-20250630T2300-20250701T0100.tsv`);
    const bytes = Buffer.from(await new Response(stream).arrayBuffer());
    expect(bytes.toString("utf8")).toBe(
      [
        "Date\tStart\tEnd\tReason\tDetail\tErrors",
        "2025-07-01\t00:02:01\t00:02:59\trequest_timeout\tRequest timeout\t2",
        "2025-07-01\t00:02:00\t00:02:00\terror_status_code\t500\t1",
        "2025-07-01\t00:00:00\t00:00:01\tcould_not_connect\tConnection failed\t2",
        "2025-06-30\t23:59:10\t23:59:10\terror_status_code\t503\t1",
        "2025-06-30\t23:58:05\t23:58:59\terror_status_code\t500\t4",
        "2025-06-30\t23:58:30\t23:58:30\trequest_timeout\tRequest timeout\t1",
        "",
      ].join("\n"),
    );
    const filtered = await openErrorTsv(await accessOf(admin, channelId), view({ ...RANGE, from: "2025-07-01T00:00", reason: "could_not_connect" }));
    expect(await new Response(filtered.stream).text()).toBe(
      "Date\tStart\tEnd\tReason\tDetail\tErrors\n2025-07-01\t00:00:00\t00:00:01\tcould_not_connect\tConnection failed\t2\n",
    );
  });

  test("tabs and line breaks inside a detail are escaped, so each row stays one line", async () => {
    await recordFailures(channelId, [[failure("unclassified", "odd\tdetail\nwith breaks"), "2025-07-01T00:30:00.000"]]);
    const { stream } = await openErrorTsv(await accessOf(admin, channelId), view({ ...RANGE, reason: "unclassified" }));
    expect(await new Response(stream).text()).toBe(
      "Date\tStart\tEnd\tReason\tDetail\tErrors\n2025-07-01\t00:30:00\t00:30:00\tunclassified\todd\\tdetail\\nwith breaks\t1\n",
    );
  });

  test("a detail with the characters the database joins a row with, and beyond the BMP, comes as stored", async () => {
    await recordFailures(channelId, [[failure("unclassified", "a|b 12|日本語 😀"), "2025-07-01T00:31:00.000"]]);
    const { stream } = await openErrorTsv(await accessOf(admin, channelId), view({ ...RANGE, from: "2025-07-01T00:31", reason: "unclassified" }));
    expect(await new Response(stream).text()).toBe(
      "Date\tStart\tEnd\tReason\tDetail\tErrors\n2025-07-01\t00:31:00\t00:31:00\tunclassified\ta|b 12|日本語 😀\t1\n",
    );
  });

  test("a download of many pages has every row once, in the table's order", async () => {
    const provider = await createProvider(admin, "Paged");
    const { id } = await createChannel(admin, provider.id, { name: "Busy bot", description: "", email: "" });
    await updateWebhookUrl(await accessOf(admin, id), "http://127.0.0.1:9/callback");
    await setWebhookSetting(await accessOf(admin, id), "useWebhook", true, new Date(ON_AT - 1000));
    await setWebhookSetting(await accessOf(admin, id), "errorStatisticsAggregation", true, new Date(ON_AT));
    // 180 status codes a minute for half an hour: 5,400 rows, so that a database read a page of
    // 5,000 at a time turns the page in the middle of a minute.
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    for (let part = 0; part < 2; part++) {
      const sends: [Failure, string][] = [];
      for (let minute = part * 15; minute < (part + 1) * 15; minute++) {
        for (let code = 0; code < 180; code++) {
          sends.push([failure("error_status_code", String(400 + code)), `2025-07-03T10:${pad(minute)}:${pad(code % 60)}.${pad(code, 3)}`]);
        }
      }
      await recordFailures(id, sends);
    }
    const query = view({ range: "custom", from: "2025-07-03T10:00", to: "2025-07-03T11:00" });
    const { rows } = await listErrorRows(await accessOf(admin, id), query, 10_000);
    expect(rows).toHaveLength(5400);
    const { stream } = await openErrorTsv(await accessOf(admin, id), query);
    expect(await new Response(stream).text()).toBe(TSV_HEADER + rows.map((r) => formatTsvLine(errorRowCells(r))).join(""));
  });

  test("a download cancelled half way frees its connection", async () => {
    const { stream } = await openErrorTsv(await accessOf(admin, channelId), view(RANGE));
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    // The database is still usable by everyone else (a leaked reader would hold a snapshot, not a lock).
    await recordFailures(channelId, [[E500, "2025-07-01T00:40:00.000"]]);
    const { rows } = await listErrorRows(await accessOf(admin, channelId), view(RANGE));
    expect(rows[0].windowStart).toBe(T("2025-07-01T00:40:00"));
  });
});

describe("live updates", () => {
  test("the stamp changes when an error is recorded in a recent window, and only then", async () => {
    const since = T("2025-07-01T00:00:00");
    const before = await getRecentErrorsStamp(await accessOf(admin, channelId), since);
    expect(await getRecentErrorsStamp(await accessOf(admin, channelId), since)).toBe(before);
    await recordFailures(channelId, [[E500, "2025-07-01T00:02:30.000"]]);
    const after = await getRecentErrorsStamp(await accessOf(admin, channelId), since);
    expect(after).not.toBe(before);
  });
});
