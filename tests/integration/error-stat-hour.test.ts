import { afterAll, beforeAll, expect, test } from "vitest";
import { db } from "@/lib/db";
import { openDeliveryStore } from "@/lib/delivery/runtime";
import type { EventOutcome } from "@/lib/delivery/store";

const store = openDeliveryStore();
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  await db().user.create({ data: { id: "u", email: "h@example.com", name: "h", passwordHash: "x" } });
  await db().provider.create({ data: { id: "p", name: "P", createdById: "u" } });
  await db().channel.create({
    data: { id: "1234500000", providerId: "p", name: "Hours", channelSecret: "s", botUserId: "Uhours", errorStatisticsAggregation: true },
  });
});

afterAll(() => store.close());

function failure(detectedAt: number, detail: string): EventOutcome {
  return {
    seq: 0,
    attemptsBefore: 0,
    attempt: {
      channelId: "1234500000",
      webhookEventId: null,
      kind: "event",
      isRedelivery: false,
      url: "http://bot.example/",
      startedAt: detectedAt - 10,
      durationMs: 10,
      statusCode: Number(detail),
      failure: { reason: "error_status_code", detail },
      requestExcerpt: "{}",
    },
  };
}

test("the hourly sums always equal the 60-second rows they summarise", async () => {
  const start = Date.parse("2026-11-23T14:58:30Z");
  // Failures over three hours, recorded in many small batches, so the same minute is counted up
  // across batches and hours are crossed.
  for (let batch = 0; batch < 60; batch++) {
    const outcomes = Array.from({ length: 25 }, (_, i) =>
      failure(start + batch * 97_000 + i * 1_300, i % 3 === 0 ? "500" : "502"),
    );
    await store.recordOutcomes(outcomes, start + batch * 97_000);
  }
  // The 60-second rows summed per hour here, the hourly sums as the store kept them.
  const sums = new Map<string, { hourStart: number; reason: string; detail: string; count: number; rows: number }>();
  for (const row of await db().errorStat.findMany()) {
    const hourStart = Math.floor(row.windowStart.getTime() / HOUR_MS) * HOUR_MS;
    const key = `${hourStart}/${row.reason}/${row.detail}`;
    const sum = sums.get(key) ?? { hourStart, reason: row.reason, detail: row.detail, count: 0, rows: 0 };
    sum.count += row.count;
    sum.rows++;
    sums.set(key, sum);
  }
  const byHourAndDetail = (a: { hourStart: number; detail: string }, b: { hourStart: number; detail: string }) =>
    a.hourStart - b.hourStart || a.detail.localeCompare(b.detail);
  const fromRows = [...sums.values()].sort(byHourAndDetail);
  const fromHours = (await db().errorStatHour.findMany({ select: { hourStart: true, reason: true, detail: true, count: true, rows: true } }))
    .map((h) => ({ ...h, hourStart: h.hourStart.getTime() }))
    .sort(byHourAndDetail);
  expect(fromHours).toEqual(fromRows);
  expect(fromHours.length).toBeGreaterThanOrEqual(6);
  const total = await db().errorStatHour.aggregate({ _sum: { count: true } });
  expect(total._sum.count).toBe(60 * 25);
});
