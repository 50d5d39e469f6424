// What bench/dispatch reads and resets in the product's database, alike on SQLite (better-sqlite3)
// and PostgreSQL (pg). Plain SQL on the delivery tables; channels are made through lib/.
import Database from "better-sqlite3";
import pg from "pg";
import { SqlStatus } from "../lib/delivery/lifecycle";
import { sqliteTime } from "../lib/sqlite-time";

/** An event run's sends, for the exactly-once check. */
export type DeliveryCounts = {
  events: number;
  /** Events delivered with exactly one send. */
  deliveredOnce: number;
  /** Event sends recorded, successful or not. */
  attempts: number;
  /** Distinct events among the successful sends. */
  distinctDelivered: number;
};

export interface BenchDatabase {
  /** Whether any of the channel's events still waits or is in flight. */
  hasUnfinishedEvents(channelId: string): Promise<boolean>;
  /** The counts over the given channels' events and sends. */
  countDeliveries(channelIds: readonly string[]): Promise<DeliveryCounts>;
  /** How many channels each live dispatcher holds at `now`, largest first. */
  channelSplit(now: number): Promise<number[]>;
  /** The recorded durations of a channel's request_timeout sends, in ms, shortest first. */
  listTimeoutDurations(channelId: string): Promise<number[]>;
  /** Deletes every event, send, statistic and dispatcher lease; channels and tokens stay. */
  resetDelivery(): Promise<void>;
  /** Writes `count` delivered events of a channel, each with its send, accepted and finished at `at`. */
  seedFinishedEvents(channelId: string, count: number, at: number): Promise<void>;
  close(): Promise<void>;
}

/** Whether a channel (the query's one parameter) has an event not finished, each status found in its partial index. */
const unfinishedSql = (param: string) =>
  `SELECT EXISTS (SELECT 1 FROM "WebhookEvent" WHERE "status" = ${SqlStatus.pending} AND "channelId" = ${param})
       OR EXISTS (SELECT 1 FROM "WebhookEvent" WHERE "status" = ${SqlStatus.sending} AND "channelId" = ${param})
       OR EXISTS (SELECT 1 FROM "WebhookEvent" WHERE "status" = ${SqlStatus.retrying} AND "channelId" = ${param}) AS "unfinished"`;
const DELIVERY_TABLES = ["SimulatedContent", "WebhookEvent", "DeliveryAttempt", "ErrorStat", "ErrorStatHour", "NotificationGroup", "ChannelLease", "Dispatcher"];

/** The bench's view of a SQLite file; reset only while no app or worker runs on it. */
export function openSqliteBenchDatabase(file: string): BenchDatabase {
  const sqlite = new Database(file, { timeout: 10_000 });
  const unfinished = sqlite.prepare(unfinishedSql("@channelId")).pluck();
  const counts = sqlite.prepare(
    `SELECT
       (SELECT count(*) FROM "WebhookEvent" WHERE "channelId" IN (SELECT "value" FROM json_each(@ids))) AS "events",
       (SELECT count(*) FROM "WebhookEvent" WHERE "channelId" IN (SELECT "value" FROM json_each(@ids))
          AND "status" = ${SqlStatus.delivered} AND "attempts" = 1) AS "deliveredOnce",
       (SELECT count(*) FROM "DeliveryAttempt" WHERE "channelId" IN (SELECT "value" FROM json_each(@ids))
          AND "kind" = 'event') AS "attempts",
       (SELECT count(DISTINCT "webhookEventId") FROM "DeliveryAttempt" WHERE "channelId" IN (SELECT "value" FROM json_each(@ids))
          AND "kind" = 'event' AND "success" = 1) AS "distinctDelivered"`,
  );
  const split = sqlite.prepare(`SELECT count(*) FROM "ChannelLease" WHERE "until" >= ? GROUP BY "holder" ORDER BY 1 DESC`).pluck();
  const timeouts = sqlite
    .prepare(`SELECT "durationMs" FROM "DeliveryAttempt" WHERE "channelId" = ? AND "reason" = 'request_timeout' ORDER BY "durationMs"`)
    .pluck();
  return {
    hasUnfinishedEvents: async (channelId) => unfinished.get({ channelId }) === 1,
    countDeliveries: async (channelIds) => counts.get({ ids: JSON.stringify(channelIds) }) as DeliveryCounts,
    channelSplit: async (now) => split.all(sqliteTime(now)) as number[],
    listTimeoutDurations: async (channelId) => timeouts.all(channelId) as number[],
    resetDelivery: async () => {
      sqlite.transaction(() => DELIVERY_TABLES.forEach((table) => sqlite.exec(`DELETE FROM "${table}"`)))();
    },
    seedFinishedEvents: async (channelId, count, at) => {
      const params = { channelId, count, at: sqliteTime(at), tag: `${channelId}-${at}` };
      const numbers = `WITH RECURSIVE "n"("i") AS (SELECT 1 UNION ALL SELECT "i" + 1 FROM "n" WHERE "i" < @count)`;
      sqlite.transaction(() => {
        sqlite
          .prepare(
            `${numbers} INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "attempts", "createdAt", "finishedAt")
             SELECT @tag || '-' || "i", @channelId, 'message', '{}', ${SqlStatus.delivered}, 'load', 1, @at, @at FROM "n"`,
          )
          .run(params);
        sqlite
          .prepare(
            `${numbers} INSERT INTO "DeliveryAttempt" ("channelId", "webhookEventId", "kind", "url", "startedAt", "durationMs", "success", "statusCode", "requestExcerpt")
             SELECT @channelId, @tag || '-' || "i", 'event', 'http://127.0.0.1/', @at, 1, 1, 200, '' FROM "n"`,
          )
          .run(params);
      })();
    },
    close: async () => {
      sqlite.close();
    },
  };
}

/** The bench's view of a PostgreSQL database. */
export function openPostgresBenchDatabase(url: string): BenchDatabase {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // count(*) is a bigint, which pg hands over as text.
  const numbers = <T extends Record<string, unknown>>(row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as T;
  return {
    hasUnfinishedEvents: async (channelId) =>
      (await pool.query<{ unfinished: boolean }>(unfinishedSql("$1"), [channelId])).rows[0].unfinished,
    countDeliveries: async (channelIds) => {
      const { rows } = await pool.query(
        `SELECT
           (SELECT count(*) FROM "WebhookEvent" WHERE "channelId" = ANY($1)) AS "events",
           (SELECT count(*) FROM "WebhookEvent" WHERE "channelId" = ANY($1) AND "status" = ${SqlStatus.delivered} AND "attempts" = 1) AS "deliveredOnce",
           (SELECT count(*) FROM "DeliveryAttempt" WHERE "channelId" = ANY($1) AND "kind" = 'event') AS "attempts",
           (SELECT count(DISTINCT "webhookEventId") FROM "DeliveryAttempt" WHERE "channelId" = ANY($1) AND "kind" = 'event' AND "success") AS "distinctDelivered"`,
        [channelIds],
      );
      return numbers<DeliveryCounts>(rows[0]);
    },
    channelSplit: async (now) => {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS "n" FROM "ChannelLease" WHERE "until" >= $1 GROUP BY "holder" ORDER BY 1 DESC`,
        [new Date(now)],
      );
      return rows.map((r) => Number(r.n));
    },
    listTimeoutDurations: async (channelId) => {
      const { rows } = await pool.query<{ durationMs: number }>(
        `SELECT "durationMs" FROM "DeliveryAttempt" WHERE "channelId" = $1 AND "reason" = 'request_timeout' ORDER BY "durationMs"`,
        [channelId],
      );
      return rows.map((r) => r.durationMs);
    },
    resetDelivery: async () => {
      await pool.query(`TRUNCATE ${DELIVERY_TABLES.map((t) => `"${t}"`).join(", ")} RESTART IDENTITY`);
    },
    seedFinishedEvents: async (channelId, count, at) => {
      const params = [channelId, count, new Date(at), `${channelId}-${at}`];
      await pool.query(
        `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "attempts", "createdAt", "finishedAt")
         SELECT $4 || '-' || i, $1, 'message', '{}', ${SqlStatus.delivered}, 'load', 1, $3, $3 FROM generate_series(1, $2::integer) AS i`,
        params,
      );
      await pool.query(
        `INSERT INTO "DeliveryAttempt" ("channelId", "webhookEventId", "kind", "url", "startedAt", "durationMs", "success", "statusCode", "requestExcerpt")
         SELECT $1, $4 || '-' || i, 'event', 'http://127.0.0.1/', $3, 1, true, 200, '' FROM generate_series(1, $2::integer) AS i`,
        params,
      );
    },
    close: () => pool.end(),
  };
}
