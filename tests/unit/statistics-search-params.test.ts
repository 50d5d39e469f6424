import { describe, expect, test } from "vitest";
import {
  decodeCursor,
  encodeCursor,
  parseWebhookErrorsSearch,
  tsvSearch,
  webhookErrorsSearch,
  type WebhookErrorsQuery,
} from "@/lib/statistics/search-params";

// 2026-11-24 12:34:56.789 in UTC+9.
const NOW = Date.parse("2026-11-24T03:34:56.789Z");

function parse(search: Record<string, string | string[]>) {
  return parseWebhookErrorsSearch(search, NOW);
}

function ok(search: Record<string, string | string[]>): WebhookErrorsQuery {
  const parsed = parse(search);
  if (!parsed.ok) throw new Error(parsed.problems.join(" "));
  return parsed.query;
}

describe("the tab's URL", () => {
  test.each([
    // search                                   from (UTC)                    unit
    [{}, "2026-11-23T03:00:00.000Z", "hour"],
    [{ range: "24h" }, "2026-11-23T03:00:00.000Z", "hour"],
    [{ range: "7d" }, "2026-11-17T03:00:00.000Z", "hour"],
    [{ range: "30d" }, "2026-10-24T15:00:00.000Z", "day"], // 2026-10-25 00:00 UTC+9
  ])("preset %j ends now and starts on a bucket edge", (search, from, unit) => {
    const { range } = ok(search);
    expect(new Date(range.from).toISOString()).toBe(from);
    expect(range).toMatchObject({ to: NOW, chartEnd: NOW, unit, isLive: true });
  });

  test.each([
    // from (UTC+9)          to (UTC+9)             unit       live
    ["2026-11-24T10:00", "2026-11-24T12:00", "minute", false],
    ["2026-11-20T00:00", "2026-11-24T00:00", "hour", false],
    ["2026-01-01T00:00", "2026-11-01T00:00", "day", false],
    ["2026-11-24T00:00", "2026-11-25T00:00", "hour", true],
  ])("custom %s to %s (UTC+9) gets a bar per %s", (from, to, unit, isLive) => {
    const { range } = ok({ range: "custom", from, to });
    expect(range.preset).toBe("custom");
    expect(range.unit).toBe(unit);
    expect(range.isLive).toBe(isLive);
    expect(range.chartEnd).toBe(Math.min(range.to, NOW));
    expect(new Date(range.from).toISOString()).toBe(new Date(Date.parse(`${from}:00+09:00`)).toISOString());
  });

  test.each<[Record<string, string | string[]>, RegExp]>([
    [{ range: "90d" }, /The range must be "24h"/],
    [{ range: "custom" }, /needs both a start and an end/],
    [{ range: "custom", from: "2026-11-20T00:00" }, /needs both a start and an end/],
    [{ range: "custom", from: "2026-11-31T00:00", to: "2026-12-01T00:00" }, /"2026-11-31T00:00" is not a date and time/],
    [{ range: "custom", from: "yesterday", to: "2026-12-01T00:00" }, /"yesterday" is not a date and time/],
    [{ range: "custom", from: "2026-11-20T00:00", to: "2026-11-20T00:00" }, /must be after its start/],
    [{ range: "custom", from: "2024-11-20T00:00", to: "2026-11-20T00:00" }, /at most 366 days/],
    [{ range: "custom", from: "2026-12-20T00:00", to: "2026-12-21T00:00" }, /starts in the future/],
    [{ reason: "timeout" }, /"timeout" is not a reason\. The reasons are could_not_connect, request_timeout, error_status_code, unclassified\./],
    [{ detail: "Something else" }, /"Something else" is not a detail of any reason/],
    [{ detail: "5000" }, /is not a detail of any reason/],
    [{ reason: "request_timeout", detail: "500" }, /The detail "500" belongs to error_status_code, not to request_timeout\./],
    [{ reason: ["request_timeout", "unclassified"] }, /"reason" is given more than once/],
    [{ before: "not-a-cursor" }, /not valid\. Start again from the newest rows/],
    // Past the last instant a Date holds: the query would have no time to compare with.
    [{ before: encodeCursor({ windowStart: 8.64e15 + 1, lastAt: 1, reason: "a", detail: "b" }) }, /not valid\. Start again from the newest rows/],
    [{ after: encodeCursor({ windowStart: 1, lastAt: Number.MAX_SAFE_INTEGER, reason: "a", detail: "b" }) }, /not valid\. Start again from the newest rows/],
    // Years written with leading zeros are not read as 19xx.
    [{ range: "custom", from: "0099-11-20T00:00", to: "0099-11-21T00:00" }, /The start "0099-11-20T00:00" is before 1970/],
    [{ range: "custom", from: "2026-11-20T00:00", to: "0026-11-21T00:00" }, /The end "0026-11-21T00:00" is before 1970/],
    [{ before: encodeCursor({ windowStart: 1, lastAt: 1, reason: "a", detail: "b" }), after: encodeCursor({ windowStart: 1, lastAt: 1, reason: "a", detail: "b" }) }, /either "before" or "after"/],
  ])("%j is refused with a clear message", (search, message) => {
    const parsed = parse(search);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join(" ")).toMatch(message);
  });

  test.each<[Record<string, string>, string | null, string | null]>([
    [{ reason: "error_status_code", detail: "500" }, "error_status_code", "500"],
    [{ detail: "Request timeout" }, null, "Request timeout"],
    [{ reason: "could_not_connect", detail: "Connection failed (received GOAWAY)" }, "could_not_connect", "Connection failed (received GOAWAY)"],
    [{ reason: "", detail: "" }, null, null], // a form's "All reasons" and "All details"
  ])("filters %j", (search, reason, detail) => {
    expect(ok(search)).toMatchObject({ reason, detail });
  });

  test("a view's link reads back as the same view", () => {
    const custom = ok({ range: "custom", from: "2026-11-20T09:15", to: "2026-11-22T18:00", reason: "error_status_code", detail: "503" });
    const cursor = { windowStart: Date.parse("2026-11-21T00:00:00Z"), lastAt: Date.parse("2026-11-21T00:00:42Z"), reason: "error_status_code", detail: "503" };
    const search = webhookErrorsSearch(custom, { page: { direction: "older", cursor } });
    expect(search).toMatch(/^\?range=custom&from=2026-11-20T09%3A15&to=2026-11-22T18%3A00&reason=error_status_code&detail=503&before=/);
    const again = ok(Object.fromEntries(new URLSearchParams(search)));
    expect(again).toEqual({ ...custom, page: { direction: "older", cursor } });
    expect(webhookErrorsSearch(ok({ range: "7d" }), { reason: "unclassified" })).toBe("?range=7d&reason=unclassified");
  });

  test("the TSV link writes a preset out, its end rounded up to the minute", () => {
    const search = new URLSearchParams(tsvSearch(ok({ range: "24h", reason: "request_timeout" })));
    expect(Object.fromEntries(search)).toEqual({ range: "custom", from: "2026-11-23T12:00", to: "2026-11-24T12:35", reason: "request_timeout" });
  });

  test("a cursor survives its trip through the URL, and forged ones are refused", () => {
    const cursor = { windowStart: 1_700_000_000_000, lastAt: 1_700_000_059_999, reason: "could_not_connect", detail: "Connection failed (session closed)" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(Buffer.from('["x",1,2]').toString("base64url"))).toBeNull();
    // A position without its last detection (the order before rows were sorted by it) names no row.
    expect(decodeCursor(Buffer.from('[1700000000000,"a","b"]').toString("base64url"))).toBeNull();
    expect(decodeCursor("%%%")).toBeNull();
  });
});
