import { describe, expect, test } from "vitest";
import {
  bucketStartOf,
  bucketStarts,
  chooseBucketUnit,
  chooseTicks,
  formatBucketRange,
  formatBucketTick,
  type BucketUnit,
} from "@/lib/statistics/buckets";
import {
  DAY_MS,
  formatUtc9Date,
  formatUtc9Input,
  formatUtc9Time,
  HOUR_MS,
  parseUtc9Input,
  startOfUtc9Day,
} from "@/lib/statistics/utc9";

const at = (iso: string) => Date.parse(iso);

describe("UTC+9 by offset arithmetic", () => {
  test.each([
    // instant (UTC)                 UTC+9 date     UTC+9 time
    ["2026-11-23T14:59:59.999Z", "2026-11-23", "23:59:59"],
    ["2026-11-23T15:00:00.000Z", "2026-11-24", "00:00:00"],
    ["2026-11-30T15:00:00.000Z", "2026-12-01", "00:00:00"], // month end
    ["2026-02-28T15:00:00.000Z", "2026-03-01", "00:00:00"], // February of a common year
    ["2028-02-28T15:00:00.000Z", "2028-02-29", "00:00:00"], // leap day
    ["2026-12-31T14:59:59.000Z", "2026-12-31", "23:59:59"],
    ["2026-12-31T15:00:00.000Z", "2027-01-01", "00:00:00"], // year end
    ["2026-03-08T10:30:00.000Z", "2026-03-08", "19:30:00"], // US daylight saving starts: no effect
    ["1970-01-01T00:00:00.000Z", "1970-01-01", "09:00:00"],
  ])("%s is %s %s in UTC+9", (iso, date, time) => {
    expect(formatUtc9Date(at(iso))).toBe(date);
    expect(formatUtc9Time(at(iso))).toBe(time);
  });

  test.each([
    ["2026-11-24T00:00", "2026-11-23T15:00:00.000Z"],
    ["2027-01-01T00:00", "2026-12-31T15:00:00.000Z"],
    ["2026-11-24T08:59:30", "2026-11-23T23:59:30.000Z"],
    ["2028-02-29T12:00", "2028-02-29T03:00:00.000Z"],
  ])("the input %s (UTC+9) is %s", (input, iso) => {
    expect(parseUtc9Input(input)).toBe(at(iso));
    expect(formatUtc9Input(at(iso))).toBe(input.slice(0, 16));
  });

  test.each(["2026-02-30T00:00", "2027-02-29T00:00", "2026-13-01T00:00", "2026-11-24T24:00", "2026-11-24 10:00", "2026-11-24", "", "yesterday"])(
    "%j is not a UTC+9 date and time",
    (input) => {
      expect(parseUtc9Input(input)).toBeNull();
    },
  );

  test.each(["America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "UTC"])("the process's zone (%s) changes nothing", (zone) => {
    const before = process.env.TZ;
    // Node re-reads TZ when it is set, so the local zone really is `zone` here.
    process.env.TZ = zone;
    try {
      const instant = at("2026-03-08T10:30:00.000Z");
      expect(formatUtc9Date(instant)).toBe("2026-03-08");
      expect(formatUtc9Time(instant)).toBe("19:30:00");
      expect(new Date(bucketStartOf(instant, "day")).toISOString()).toBe("2026-03-07T15:00:00.000Z");
      expect(parseUtc9Input("2026-03-08T19:30")).toBe(instant);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  test("a UTC+9 day starts at 15:00 UTC the day before", () => {
    expect(startOfUtc9Day(at("2026-11-24T02:00:00Z"))).toBe(at("2026-11-23T15:00:00Z"));
    expect(startOfUtc9Day(at("2026-11-23T15:00:00Z"))).toBe(at("2026-11-23T15:00:00Z"));
    expect(startOfUtc9Day(at("2026-11-23T14:59:59.999Z"))).toBe(at("2026-11-22T15:00:00Z"));
  });
});

describe("buckets", () => {
  test.each<[number, BucketUnit]>([
    [30 * 60_000, "minute"],
    [3 * HOUR_MS, "minute"],
    [3 * HOUR_MS + 1, "hour"],
    [DAY_MS, "hour"],
    [7 * DAY_MS + HOUR_MS, "hour"],
    [8 * DAY_MS + 1, "day"],
    [30 * DAY_MS, "day"],
  ])("a range of %d ms gets a bar per %s", (span, unit) => {
    expect(chooseBucketUnit(span)).toBe(unit);
  });

  test.each<[string, BucketUnit, string]>([
    ["2026-11-23T15:30:00Z", "day", "2026-11-23T15:00:00.000Z"], // 00:30 UTC+9 on the 24th
    ["2026-11-23T14:30:00Z", "day", "2026-11-22T15:00:00.000Z"], // 23:30 UTC+9 on the 23rd
    ["2026-11-30T15:00:00Z", "day", "2026-11-30T15:00:00.000Z"], // month end: December 1st starts
    ["2026-12-31T15:00:00Z", "day", "2026-12-31T15:00:00.000Z"], // year end: 2027 starts
    ["2026-12-31T14:59:59.999Z", "day", "2026-12-30T15:00:00.000Z"],
    ["2026-11-23T15:59:59.999Z", "hour", "2026-11-23T15:00:00.000Z"],
    ["2026-11-23T15:00:59.999Z", "minute", "2026-11-23T15:00:00.000Z"],
  ])("%s falls in the %s starting %s", (iso, unit, start) => {
    expect(new Date(bucketStartOf(at(iso), unit)).toISOString()).toBe(start);
  });

  test("days are cut at UTC+9 midnight across a month and a year end", () => {
    const starts = bucketStarts(at("2026-12-30T10:00:00Z"), at("2027-01-02T10:00:00Z"), "day");
    expect(starts.map(formatUtc9Date)).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
    expect(starts.map((s) => formatUtc9Time(s))).toEqual(["00:00:00", "00:00:00", "00:00:00", "00:00:00"]);
  });

  test("the buckets of a range cover it exactly once", () => {
    const from = at("2026-11-23T10:20:00Z");
    const to = at("2026-11-24T10:20:00Z");
    const starts = bucketStarts(from, to, "hour");
    expect(starts).toHaveLength(25);
    expect(starts[0]).toBeLessThanOrEqual(from);
    expect(starts.at(-1)! + HOUR_MS).toBeGreaterThanOrEqual(to);
  });

  test.each<[string, BucketUnit, string, string]>([
    ["2026-11-23T15:00:00Z", "day", "11-24", "2026-11-24"],
    ["2026-11-23T15:00:00Z", "hour", "11-24 00:00", "2026-11-24 00:00–01:00"],
    ["2026-11-24T14:00:00Z", "hour", "23:00", "2026-11-24 23:00–24:00"],
    ["2026-11-24T03:05:00Z", "minute", "11-24 12:05", "2026-11-24 12:05–12:06"],
  ])("%s as a %s is labelled %j, %j in full", (iso, unit, tick, range) => {
    expect(formatBucketTick(at(iso), unit)).toBe(tick);
    expect(formatBucketRange(at(iso), unit)).toBe(range);
  });

  test("axis labels fall on round UTC+9 hours, at most about eight of them", () => {
    const starts = bucketStarts(at("2026-11-23T15:00:00Z"), at("2026-11-24T15:00:00Z"), "hour");
    const ticks = chooseTicks(starts, "hour");
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.map((t) => formatUtc9Time(t))).toEqual(["00:00:00", "03:00:00", "06:00:00", "09:00:00", "12:00:00", "15:00:00", "18:00:00", "21:00:00"]);
  });
});
