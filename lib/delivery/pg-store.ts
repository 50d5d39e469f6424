import pg from "pg";
import { addNotice, addToGroups, attemptRow, HOUR_MS, NOTIFICATION_GROUP_MS, type ErrorGroup, type NoticeGroup } from "./outcomes";
import type {
  AttemptRecord,
  ChannelDelivery,
  ClaimedEvent,
  ClaimOptions,
  DeliveryStore,
  EventOutcome,
  NewEvent,
} from "./store";

// Times go in and out as JavaScript milliseconds; the columns are timestamptz(3).
const ms = (value: number) => new Date(value);

/**
 * Leases a channel's events, in the order a claim takes them (see the SQLite store): those whose
 * lease ran out ($6), fresh ones ($7), and redeliveries that are due ($8). Each candidate set is
 * locked with SKIP LOCKED: two dispatchers claiming at once take different events and never wait
 * for each other.
 */
const LEASE = `
  WITH expired AS (
    SELECT "seq" FROM "WebhookEvent"
    WHERE $6::boolean AND "status" = 'sending' AND "channelId" = $1 AND "lockedUntil" < $3
    ORDER BY "seq" LIMIT $4 FOR UPDATE SKIP LOCKED),
  fresh AS (
    SELECT "seq" FROM "WebhookEvent"
    WHERE $7::boolean AND "status" = 'pending' AND "channelId" = $1
    ORDER BY "seq" LIMIT $4 FOR UPDATE SKIP LOCKED),
  due AS (
    SELECT "seq", "nextAttemptAt" FROM "WebhookEvent"
    WHERE $8::boolean AND "status" = 'retrying' AND "channelId" = $1 AND "nextAttemptAt" <= $3
    ORDER BY "nextAttemptAt" LIMIT $4 FOR UPDATE SKIP LOCKED),
  picked AS (
    SELECT "seq" FROM (
      SELECT 0 AS "rank", "seq" FROM expired
      UNION ALL SELECT 1, "seq" FROM fresh
      UNION ALL SELECT 2, "seq" FROM due
    ) AS candidates ORDER BY "rank", "seq" LIMIT $4)
  UPDATE "WebhookEvent" SET "status" = 'sending', "lockedBy" = $2, "lockedUntil" = $5
  WHERE "seq" IN (SELECT "seq" FROM picked)
  RETURNING "seq", "webhookEventId", "event", "attempts"`;

/**
 * The delivery store on a shared PostgreSQL database: many app and worker processes use it at
 * once. Claims lock rows with SKIP LOCKED, counters are upserts, and every batch is one
 * transaction of a few multi-row statements.
 */
export class PgDeliveryStore implements DeliveryStore {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly redeliverySchedule: readonly number[] = [],
    poolSize = 8,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize });
    // An idle connection the server drops must not crash the process; the pool replaces it.
    this.pool.on("error", (error) => console.error("delivery store: idle connection lost:", error.message));
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async insertEvents(events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    // A channel's inserts take turns (a transaction lock per channel, in a fixed order), so its
    // events commit in seq order and a dispatcher's cursor never passes one that is still to
    // commit. The commit waits for the disk (synchronous_commit) before the caller acknowledges.
    const channelIds = [...new Set(events.map((e) => e.channelId))].sort();
    await this.transaction(async (client) => {
      await client.query(
        `SELECT pg_advisory_xact_lock(hashtextextended('webhook-events:' || id, 0)) FROM unnest($1::text[]) AS id`,
        [channelIds],
      );
      await client.query(
        `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt", "finishedAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])`,
        [
          events.map((e) => e.webhookEventId),
          events.map((e) => e.channelId),
          events.map((e) => e.type),
          events.map((e) => e.event),
          events.map((e) => e.status),
          events.map((e) => e.origin),
          events.map((e) => ms(e.createdAt)),
          events.map((e) => (e.status === "skipped" ? ms(e.createdAt) : null)),
        ],
      );
    });
  }

  async channelsWithPendingEvents(now: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      // One index probe per channel and kind of work (LIMIT 1 in a LATERAL keeps the planner from
      // turning the probes into hashed scans of the whole backlog).
      `SELECT c."id" FROM "Channel" AS c CROSS JOIN LATERAL (
         SELECT 1 FROM "WebhookEvent" WHERE "status" = 'pending' AND "channelId" = c."id" LIMIT 1) AS w
       UNION
       SELECT c."id" FROM "Channel" AS c CROSS JOIN LATERAL (
         SELECT 1 FROM "WebhookEvent" WHERE "status" = 'sending' AND "channelId" = c."id" AND "lockedUntil" < $1 LIMIT 1) AS w
       UNION
       SELECT c."id" FROM "Channel" AS c CROSS JOIN LATERAL (
         SELECT 1 FROM "WebhookEvent" WHERE "status" = 'retrying' AND "channelId" = c."id" AND "nextAttemptAt" <= $1 LIMIT 1) AS w`,
      [ms(now)],
    );
    return rows.map((r) => r.id);
  }

  async channel(channelId: string): Promise<ChannelDelivery | null> {
    const { rows } = await this.pool.query<ChannelDelivery>(
      `SELECT "id", "webhookUrl", "channelSecret", "botUserId", "useWebhook", "errorStatisticsAggregation"
       FROM "Channel" WHERE "id" = $1`,
      [channelId],
    );
    return rows[0] ?? null;
  }

  async claim(
    channelId: string,
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number,
    { reclaimExpired = true, after }: ClaimOptions = {},
  ): Promise<ClaimedEvent[]> {
    const lease = async (limit: number, ranks: { expired: boolean; fresh: boolean; due: boolean }) => {
      if (limit <= 0) return [];
      const params = [channelId, workerId, ms(now), limit, ms(now + leaseMs), ranks.expired, ranks.fresh, ranks.due];
      return (await this.pool.query<ClaimedEvent>(LEASE, params)).rows.sort((a, b) => a.seq - b.seq);
    };
    if (after === undefined) return lease(limit, { expired: reclaimExpired, fresh: true, due: true });
    const expired = reclaimExpired ? await lease(limit, { expired: true, fresh: false, due: false }) : [];
    const { rows: fresh } = await this.pool.query<ClaimedEvent>(
      `SELECT "seq", "webhookEventId", "event", "attempts", true AS "fresh" FROM "WebhookEvent"
       WHERE "status" = 'pending' AND "channelId" = $1 AND "seq" > $2
       ORDER BY "seq" LIMIT $3`,
      [channelId, after, limit - expired.length],
    );
    const due = await lease(limit - expired.length - fresh.length, { expired: false, fresh: false, due: true });
    return [...expired, ...fresh, ...due];
  }

  async release(seqs: readonly number[], workerId: string): Promise<void> {
    if (seqs.length === 0) return;
    await this.pool.query(
      `UPDATE "WebhookEvent" SET "status" = CASE WHEN "attempts" > 0 THEN 'retrying' ELSE 'pending' END,
         "lockedBy" = NULL, "lockedUntil" = NULL
       WHERE "seq" = ANY($1::integer[]) AND "status" = 'sending' AND "lockedBy" = $2`,
      [seqs, workerId],
    );
  }

  async skipPending(channelId: string, now: number): Promise<number> {
    const result = await this.pool.query(
      // Each status apart, so that each is found in its partial index.
      `UPDATE "WebhookEvent" SET "status" = 'skipped', "finishedAt" = $1, "lockedBy" = NULL, "lockedUntil" = NULL
       WHERE "seq" IN (
         SELECT "seq" FROM "WebhookEvent" WHERE "status" = 'pending' AND "channelId" = $2
         UNION ALL
         SELECT "seq" FROM "WebhookEvent" WHERE "status" = 'retrying' AND "channelId" = $2)`,
      [ms(now), channelId],
    );
    return result.rowCount ?? 0;
  }

  async recordOutcomes(outcomes: readonly EventOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    const channelIds = [...new Set(outcomes.map((o) => o.attempt.channelId))];
    await this.transaction(async (client) => {
      const { rows: flagRows } = await client.query<ChannelFlags & { id: string }>(
        `SELECT "id", "errorStatisticsAggregation", "webhookRedelivery", "errorNotification"
         FROM "Channel" WHERE "id" = ANY($1::text[])`,
        [channelIds],
      );
      const flags = new Map(flagRows.map((r) => [r.id, r]));
      const groups = new Map<string, ErrorGroup>();
      const notices = new Map<string, NoticeGroup>();
      const finished = { seq: [] as number[], status: [] as string[], next: [] as (Date | null)[] };
      for (const { seq, attempt, attemptsBefore } of outcomes) {
        let status = "delivered";
        let next: Date | null = null;
        if (attempt.failure) {
          const channel = flags.get(attempt.channelId);
          if (channel?.errorStatisticsAggregation) addToGroups(groups, attempt);
          if (channel?.errorNotification) addNotice(notices, attempt, "error");
          const delay = channel?.webhookRedelivery ? this.redeliverySchedule[attemptsBefore] : undefined;
          if (delay !== undefined) {
            status = "retrying";
            next = ms(now + delay);
          } else {
            status = "failed";
            if (channel?.webhookRedelivery && channel.errorNotification) addNotice(notices, attempt, "redelivery_stopped");
          }
        }
        finished.seq.push(seq);
        finished.status.push(status);
        finished.next.push(next);
      }
      await insertAttempts(client, outcomes.map((o) => o.attempt));
      await client.query(
        `UPDATE "WebhookEvent" AS e SET "status" = u."status", "attempts" = e."attempts" + 1, "finishedAt" = $4,
           "nextAttemptAt" = u."next", "lockedBy" = NULL, "lockedUntil" = NULL
         FROM unnest($1::integer[], $2::text[], $3::timestamptz[]) AS u("seq", "status", "next")
         WHERE e."seq" = u."seq"`,
        [finished.seq, finished.status, finished.next, ms(now)],
      );
      // Sorted, so that two writers upserting the same rows take their locks in the same order.
      await upsertErrorRows(client, [...groups.values()].sort(compareGroups));
      for (const n of [...notices.values()].sort(compareGroups)) await countNotice(client, n, now);
    });
  }

  async recordCheck(attempt: AttemptRecord): Promise<void> {
    await insertAttempts(this.pool, [attempt]);
  }

  async heartbeat(holder: string, now: number, aliveMs: number): Promise<number> {
    const { rows } = await this.pool.query<{ live: number }>(
      `WITH beat AS (
         INSERT INTO "Dispatcher" ("id", "seenAt") VALUES ($1, $2)
         ON CONFLICT ("id") DO UPDATE SET "seenAt" = excluded."seenAt"),
       forget AS (DELETE FROM "Dispatcher" WHERE "seenAt" < $3)
       SELECT 1 + count(*)::integer AS "live" FROM "Dispatcher" WHERE "seenAt" >= $4 AND "id" <> $1`,
      [holder, ms(now), ms(now - 100 * aliveMs), ms(now - aliveMs)],
    );
    return rows[0]!.live;
  }

  async acquireChannels(
    holder: string,
    channels: readonly string[],
    max: number,
    now: number,
    leaseMs: number,
  ): Promise<string[]> {
    if (channels.length === 0) return [];
    const { rows: heldRows } = await this.pool.query<{ channelId: string }>(
      `SELECT "channelId" FROM "ChannelLease" WHERE "holder" = $1 AND "until" >= $2`,
      [holder, ms(now)],
    );
    const held = new Set(heldRows.map((r) => r.channelId));
    const result: string[] = [];
    let count = held.size;
    // One statement per channel, each its own transaction: holding several lease rows' locks at
    // once would let two dispatchers wanting the same channels in different orders deadlock. The
    // upsert's row lock decides between dispatchers taking the same channel at once.
    for (const channelId of channels) {
      const mine = held.has(channelId);
      if (!mine && count >= max) continue;
      const taken = await this.pool.query(
        `INSERT INTO "ChannelLease" ("channelId", "holder", "until") VALUES ($1, $2, $3)
         ON CONFLICT ("channelId") DO UPDATE SET "holder" = excluded."holder", "until" = excluded."until"
         WHERE "ChannelLease"."holder" = excluded."holder" OR "ChannelLease"."until" < $4`,
        [channelId, holder, ms(now + leaseMs), ms(now)],
      );
      if (taken.rowCount === 0) continue;
      result.push(channelId);
      if (!mine) count += 1;
    }
    return result;
  }

  async releaseChannels(holder: string, channels: readonly string[]): Promise<void> {
    if (channels.length === 0) return;
    await this.pool.query(`DELETE FROM "ChannelLease" WHERE "channelId" = ANY($1::text[]) AND "holder" = $2`, [
      channels,
      holder,
    ]);
  }

  async retireDispatcher(holder: string): Promise<void> {
    await this.pool.query(
      `WITH leases AS (DELETE FROM "ChannelLease" WHERE "holder" = $1) DELETE FROM "Dispatcher" WHERE "id" = $1`,
      [holder],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

type ChannelFlags = { errorStatisticsAggregation: boolean; webhookRedelivery: boolean; errorNotification: boolean };

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

const ATTEMPT_TYPES = [
  "text", "text", "text", "boolean", "text", "timestamptz", "double precision", "double precision",
  "double precision", "double precision", "double precision", "text", "boolean", "integer", "text", "text",
  "text", "text",
];

const INSERT_ATTEMPTS = `INSERT INTO "DeliveryAttempt" ("channelId", "webhookEventId", "kind", "isRedelivery", "url", "startedAt",
    "durationMs", "dnsMs", "connectMs", "tlsMs", "firstByteMs", "httpVersion", "success", "statusCode",
    "reason", "detail", "requestExcerpt", "responseExcerpt")
  SELECT * FROM unnest(${ATTEMPT_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(", ")})`;

/** Writes attempt-log rows with one statement: a column array per column. */
async function insertAttempts(client: Queryable, attempts: readonly AttemptRecord[]): Promise<void> {
  const columns: unknown[][] = ATTEMPT_TYPES.map(() => []);
  for (const attempt of attempts) {
    const row = attemptRow(attempt, ms);
    for (let i = 0; i < row.length; i++) columns[i]!.push(row[i]);
  }
  // Booleans: the SQLite row form uses 1 and 0.
  columns[3] = columns[3]!.map((v) => v === 1);
  columns[12] = columns[12]!.map((v) => v === 1);
  await client.query(INSERT_ATTEMPTS, columns);
}

type RowKey = { channelId: string; reason: string; detail: string };

/** Orders rows by (channel, start, reason, detail). */
function compareKeys(a: RowKey, aStart: number, b: RowKey, bStart: number): number {
  return (
    a.channelId.localeCompare(b.channelId) ||
    aStart - bStart ||
    a.reason.localeCompare(b.reason) ||
    a.detail.localeCompare(b.detail)
  );
}

function compareGroups(a: ErrorGroup, b: ErrorGroup): number {
  return compareKeys(a, a.windowStart, b, b.windowStart);
}

/**
 * Adds a batch's failures to their 60-second rows and their hours, each with one statement. The
 * upserts are atomic however many processes write the same rows, and the first tells which rows
 * it created, which the hours count.
 */
async function upsertErrorRows(client: pg.PoolClient, groups: readonly ErrorGroup[]): Promise<void> {
  if (groups.length === 0) return;
  const { rows } = await client.query<{ channelId: string; windowStart: Date; reason: string; detail: string; created: boolean }>(
    `INSERT INTO "ErrorStat" ("channelId", "windowStart", "reason", "detail", "firstAt", "lastAt", "count")
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::integer[])
     ON CONFLICT ("channelId", "windowStart", "reason", "detail") DO UPDATE SET
       "count" = "ErrorStat"."count" + excluded."count",
       "firstAt" = least("ErrorStat"."firstAt", excluded."firstAt"),
       "lastAt" = greatest("ErrorStat"."lastAt", excluded."lastAt")
     RETURNING "channelId", "windowStart", "reason", "detail", (xmax = 0) AS "created"`,
    [
      groups.map((g) => g.channelId),
      groups.map((g) => ms(g.windowStart)),
      groups.map((g) => g.reason),
      groups.map((g) => g.detail),
      groups.map((g) => ms(g.firstAt)),
      groups.map((g) => ms(g.lastAt)),
      groups.map((g) => g.count),
    ],
  );
  const created = new Set(
    rows.filter((r) => r.created).map((r) => groupKey(r.channelId, r.windowStart.getTime(), r.reason, r.detail)),
  );
  const hours = new Map<string, { channelId: string; hourStart: number; reason: string; detail: string; count: number; rows: number }>();
  for (const g of groups) {
    const hourStart = Math.floor(g.windowStart / HOUR_MS) * HOUR_MS;
    const key = groupKey(g.channelId, hourStart, g.reason, g.detail);
    const hour = hours.get(key) ?? { channelId: g.channelId, hourStart, reason: g.reason, detail: g.detail, count: 0, rows: 0 };
    hour.count += g.count;
    if (created.has(groupKey(g.channelId, g.windowStart, g.reason, g.detail))) hour.rows += 1;
    hours.set(key, hour);
  }
  // In one order for every writer, as the rows: no two writers wait for each other's locks in a circle.
  const sums = [...hours.values()].sort((a, b) => compareKeys(a, a.hourStart, b, b.hourStart));
  await client.query(
    `INSERT INTO "ErrorStatHour" ("channelId", "hourStart", "reason", "detail", "count", "rows")
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::integer[], $6::integer[])
     ON CONFLICT ("channelId", "hourStart", "reason", "detail") DO UPDATE SET
       "count" = "ErrorStatHour"."count" + excluded."count", "rows" = "ErrorStatHour"."rows" + excluded."rows"`,
    [
      sums.map((h) => h.channelId),
      sums.map((h) => ms(h.hourStart)),
      sums.map((h) => h.reason),
      sums.map((h) => h.detail),
      sums.map((h) => h.count),
      sums.map((h) => h.rows),
    ],
  );
}

function groupKey(channelId: string, start: number, reason: string, detail: string): string {
  return `${channelId}\u0000${start}\u0000${reason}\u0000${detail}`;
}

/**
 * Adds failures to the channel's open 5-minute notification group, or opens one. A transaction
 * lock on the group's key makes concurrent writers take turns, so they never open two groups.
 */
async function countNotice(client: pg.PoolClient, n: NoticeGroup, now: number): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    // PostgreSQL text cannot hold NUL, so the key is JSON; a collision would only make two groups take turns.
    JSON.stringify(["notification", n.channelId, n.kind, n.reason, n.detail]),
  ]);
  const updated = await client.query(
    `UPDATE "NotificationGroup" SET "count" = "count" + $1, "lastAt" = greatest("lastAt", $2)
     WHERE "id" = (
       SELECT "id" FROM "NotificationGroup"
       WHERE "channelId" = $3 AND "kind" = $4 AND "reason" = $5 AND "detail" = $6 AND "emailedAt" IS NULL AND "openedAt" > $7
       ORDER BY "openedAt" DESC LIMIT 1)`,
    [n.count, ms(n.lastAt), n.channelId, n.kind, n.reason, n.detail, ms(n.firstAt - NOTIFICATION_GROUP_MS)],
  );
  if (updated.rowCount) return;
  await client.query(
    `INSERT INTO "NotificationGroup" ("channelId", "kind", "reason", "detail", "openedAt", "lastAt", "count")
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [n.channelId, n.kind, n.reason, n.detail, ms(n.firstAt), ms(Math.max(n.lastAt, now)), n.count],
  );
}
