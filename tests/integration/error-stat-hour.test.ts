import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { SqliteDeliveryStore } from "@/lib/delivery/sqlite-store";
import type { EventOutcome } from "@/lib/delivery/store";
import { env } from "@/lib/env";

const store = new SqliteDeliveryStore(env().sqlitePath);
const sqlite = new Database(env().sqlitePath);
sqlite.exec(`INSERT INTO "User" (id,email,name,passwordHash) VALUES ('u','h@example.com','h','x');
  INSERT INTO "Provider" (id,name,createdById) VALUES ('p','P','u');
  INSERT INTO "Channel" (id,providerId,name,channelSecret,botUserId,errorStatisticsAggregation,updatedAt)
  VALUES ('1234500000','p','Hours','s','Uhours',1,'2026-01-01')`);

afterAll(() => {
  store.close();
  sqlite.close();
});

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

test("the hourly sums always equal the 60-second rows they summarise", () => {
  const start = Date.parse("2026-11-23T14:58:30Z");
  // Failures over three hours, recorded in many small batches, so the same minute is counted up
  // across batches and hours are crossed.
  for (let batch = 0; batch < 60; batch++) {
    const outcomes = Array.from({ length: 25 }, (_, i) =>
      failure(start + batch * 97_000 + i * 1_300, i % 3 === 0 ? "500" : "502"),
    );
    await store.recordOutcomes(outcomes, start + batch * 97_000);
  }
  const fromRows = sqlite
    .prepare(
      `SELECT substr("windowStart", 1, 13) AS hour, "reason", "detail", sum("count") AS count, count(*) AS rows
       FROM "ErrorStat" GROUP BY hour, "reason", "detail" ORDER BY hour, "detail"`,
    )
    .all();
  const fromHours = sqlite
    .prepare(
      `SELECT substr("hourStart", 1, 13) AS hour, "reason", "detail", "count", "rows"
       FROM "ErrorStatHour" ORDER BY hour, "detail"`,
    )
    .all();
  expect(fromHours).toEqual(fromRows);
  expect(fromHours.length).toBeGreaterThanOrEqual(6);
  const total = (sqlite.prepare(`SELECT sum("count") FROM "ErrorStatHour"`).pluck().get() as number);
  expect(total).toBe(60 * 25);
});
