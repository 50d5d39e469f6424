import { createHash } from "node:crypto";
import pg from "pg";
import { joinableAfter, openedGroupSpan, type Notice } from "../notify/notice-groups";
import { rowKey, rowsCreatedIn, type ErrorGroup, type ErrorHour } from "../statistics/error-groups";
import { ATTEMPT_COLUMN_LIST, ATTEMPT_COLUMNS, attemptValues } from "./attempt-columns";
import { claimInOrder, type LeaseKinds } from "./claim-order";
import { isUnfinished, SqlStatus } from "./lifecycle";
import { channelsWithFailures, planOutcomes, type ChannelFlags, type OutcomePlan } from "./outcome-plan";
import { pgArray, type ArrayElement } from "./pg-arrays";
import {
  forgetDispatchersSeenBefore,
  RETRY_KEY_TTL_MS,
  type AcceptedBatch,
  type AttemptRecord,
  CLAIMED_COLUMNS,
  type ChannelDelivery,
  type ClaimedEvent,
  type ClaimOptions,
  type DeliveryStore,
  type EventOutcome,
  type NewEvent,
  type RetryKey,
} from "./store";
import { storageFailure } from "../errors";
import { logger } from "../log";

// Times go in and out as JavaScript milliseconds; the columns are timestamptz(3).
const ms = (value: number) => new Date(value);
/** A time as an element of an array parameter: ISO 8601 in UTC, which timestamptz reads as the same instant. */
const iso = (value: number) => new Date(value).toISOString();

/**
 * A statement of the delivery path as a named one, which node-postgres prepares on a connection
 * the first time it runs there: after that PostgreSQL neither parses it again nor, once its
 * generic plan serves as well as a custom one, plans it again, and only the parameters travel.
 * The name is a hash of the text, so one name never stands for two texts.
 */
function prepared(text: string): (values: unknown[]) => pg.QueryConfig {
  const name = `delivery-${createHash("sha256").update(text).digest("hex").slice(0, 20)}`;
  return (values) => ({ name, text, values });
}

/**
 * Leases a channel's events, in the order a claim takes them (see the SQLite store): those whose
 * lease ran out ($6), fresh ones ($7), and redeliveries that are due ($8). Each candidate set is
 * locked with SKIP LOCKED: two dispatchers claiming at once take different events and never wait
 * for each other.
 */
const LEASE = prepared(`
  WITH expired AS (
    SELECT "seq" FROM "WebhookEvent"
    WHERE $6::boolean AND "status" = ${SqlStatus.sending} AND "channelId" = $1 AND "lockedUntil" < $3
    ORDER BY "seq" LIMIT $4 FOR UPDATE SKIP LOCKED),
  fresh AS (
    SELECT "seq" FROM "WebhookEvent"
    WHERE $7::boolean AND "status" = ${SqlStatus.pending} AND "channelId" = $1
    ORDER BY "seq" LIMIT $4 FOR UPDATE SKIP LOCKED),
  due AS (
    SELECT "seq", "nextAttemptAt" FROM "WebhookEvent"
    WHERE $8::boolean AND "status" = ${SqlStatus.retrying} AND "channelId" = $1 AND "nextAttemptAt" <= $3
    ORDER BY "nextAttemptAt" LIMIT $4 FOR UPDATE SKIP LOCKED),
  picked AS (
    SELECT "seq" FROM (
      SELECT 0 AS "rank", "seq" FROM expired
      UNION ALL SELECT 1, "seq" FROM fresh
      UNION ALL SELECT 2, "seq" FROM due
    ) AS candidates ORDER BY "rank", "seq" LIMIT $4)
  UPDATE "WebhookEvent" SET "status" = ${SqlStatus.sending}, "lockedBy" = $2, "lockedUntil" = $5
  WHERE "seq" IN (SELECT "seq" FROM picked)
  RETURNING ${CLAIMED_COLUMNS}`);

/**
 * The planner settings of `PENDING_CHANNELS`, for its transaction. Without sequential and bitmap
 * scans, the only way left to its rows is the partial status index (its row comparisons fit no
 * other index). JIT is off because the disabled scans' costs would otherwise call for it.
 */
export const PENDING_PROBE_PLAN = `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL jit = off`;

/**
 * Channels with pending events, for dispatcher $2's scan: past its cursor ($3 the channels, $4
 * the cursors) on its own channels, on channels nobody else holds a live lease on from the first,
 * and not at all on another dispatcher's. One probe per channel, for one event (LIMIT 1 in a
 * LATERAL keeps the planner from turning the probes into hashed scans of the whole backlog).
 *
 * Each probe is a range of the partial status index, from (pending, channel, cursor) to the
 * channel's last entry, written as row comparisons, which only an index whose leading columns
 * are (status, channelId, seq) can take. A probe for one row is otherwise at the mercy of the
 * table's statistics: taken while a backlog waited, they make the planner expect a match within
 * a few rows, and it walks the primary key or the whole table instead, through every event of
 * the channels that have none pending (seconds a scan at a few hundred thousand events).
 */
export const PENDING_CHANNELS = `
  WITH "mine" AS (SELECT * FROM unnest($3::text[], $4::integer[]) AS m("channelId", "after"))
  SELECT c."id" FROM "Channel" AS c LEFT JOIN "mine" AS m ON m."channelId" = c."id" CROSS JOIN LATERAL (
    SELECT 1 FROM "WebhookEvent" WHERE "status" = ${SqlStatus.pending}
      AND ("status", "channelId", "seq") > (${SqlStatus.pending}, c."id", coalesce(m."after", 0))
      AND ("status", "channelId") <= (${SqlStatus.pending}, c."id")
    LIMIT 1) AS w
  WHERE m."channelId" IS NOT NULL
     OR c."id" NOT IN (SELECT "channelId" FROM "ChannelLease" WHERE "until" >= $1 AND "holder" <> $2)`;

/**
 * Channels another dispatcher than $2 holds a live lease on, and channels with events whose lease
 * ran out or redeliveries due by $1: few rows each, found through the partial status indexes.
 */
const LEASED_CHANNELS = prepared(`
  SELECT "channelId" AS "id" FROM "ChannelLease" WHERE "until" >= $1 AND "holder" <> $2
  UNION
  SELECT c."id" FROM "Channel" AS c CROSS JOIN LATERAL (
    SELECT 1 FROM "WebhookEvent" WHERE "status" = ${SqlStatus.sending} AND "channelId" = c."id" AND "lockedUntil" < $1 LIMIT 1) AS w
  UNION
  SELECT c."id" FROM "Channel" AS c CROSS JOIN LATERAL (
    SELECT 1 FROM "WebhookEvent" WHERE "status" = ${SqlStatus.retrying} AND "channelId" = c."id" AND "nextAttemptAt" <= $1 LIMIT 1) AS w`);

/** Makes a channel's inserts take turns: a transaction lock per channel of $1. */
const LOCK_CHANNEL_INSERTS = prepared(
  `SELECT pg_advisory_xact_lock(hashtextextended('webhook-events:' || id, 0)) FROM unnest($1::text[]) AS id`,
);

/** Writes a batch of events: a column array per column. */
const INSERT_EVENTS = prepared(
  `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "sourceUserId", "sourceGroupId", "status", "origin",
     "createdAt", "finishedAt")
   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
     $9::timestamptz[], $10::timestamptz[])`,
);

const READ_CHANNEL = prepared(
  `SELECT "id", "webhookUrl", "channelSecret", "botUserId", "useWebhook", "errorStatisticsAggregation"
   FROM "Channel" WHERE "id" = $1`,
);

/** Channel $1's pending events after seq $2, $3 at most, read without locking them. */
const READ_FRESH = prepared(
  `SELECT ${CLAIMED_COLUMNS} FROM "WebhookEvent"
   WHERE "status" = ${SqlStatus.pending} AND "channelId" = $1 AND "seq" > $2
   ORDER BY "seq" LIMIT $3`,
);

/** Marks dispatcher $1 seen at $2, forgets those seen before $3, and counts those seen from $4. */
const HEARTBEAT = prepared(
  `WITH beat AS (
     INSERT INTO "Dispatcher" ("id", "seenAt") VALUES ($1, $2)
     ON CONFLICT ("id") DO UPDATE SET "seenAt" = excluded."seenAt"),
   forget AS (DELETE FROM "Dispatcher" WHERE "seenAt" < $3)
   SELECT 1 + count(*)::integer AS "live" FROM "Dispatcher" WHERE "seenAt" >= $4 AND "id" <> $1`,
);

const HELD_CHANNELS = prepared(`SELECT "channelId" FROM "ChannelLease" WHERE "holder" = $1 AND "until" >= $2`);

/** Takes or renews channel $1's lease for $2 until $3, unless another holder's lease lasts past $4. */
const TAKE_CHANNEL = prepared(
  `INSERT INTO "ChannelLease" ("channelId", "holder", "until") VALUES ($1, $2, $3)
   ON CONFLICT ("channelId") DO UPDATE SET "holder" = excluded."holder", "until" = excluded."until"
   WHERE "ChannelLease"."holder" = excluded."holder" OR "ChannelLease"."until" < $4`,
);

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
    this.pool.on("error", (error) => logger().warn({ component: "delivery store", err: error }, "an idle connection was lost"));
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The pool listens for errors of idle connections only: one lost while checked out (the
    // server restarting between two queries) must not go unheard, which would end the process.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.off("error", onError);
      // A lost connection is closed rather than given back to the pool.
      client.release(lost);
    }
  }

  /** Writes a batch of events, all or none; a database out of reach is a 503 and a full disk a 507. */
  async insertEvents(events: readonly NewEvent[], retryKey?: RetryKey): Promise<AcceptedBatch | null> {
    try {
      return await this.insertNow(events, retryKey);
    } catch (error) {
      throw storageFailure(error) ?? error;
    }
  }

  private async insertNow(events: readonly NewEvent[], retryKey?: RetryKey): Promise<AcceptedBatch | null> {
    if (events.length === 0) return null;
    // A channel's inserts take turns (a transaction lock per channel, in a fixed order), so its
    // events commit in seq order and a dispatcher's cursor never passes one that is still to
    // commit. The commit waits for the disk (synchronous_commit) before the caller acknowledges.
    const channelIds = [...new Set(events.map((e) => e.channelId))].sort();
    return this.transaction(async (client) => {
      await client.query(LOCK_CHANNEL_INSERTS([channelIds]));
      if (retryKey) {
        const earlier = await storeRetryKey(client, retryKey, events);
        if (earlier) return earlier;
      }
      await client.query(
        INSERT_EVENTS([
          pgArray(events.map((e) => e.webhookEventId)),
          pgArray(events.map((e) => e.channelId)),
          pgArray(events.map((e) => e.type)),
          pgArray(events.map((e) => e.event)),
          pgArray(events.map((e) => e.sourceUserId)),
          pgArray(events.map((e) => e.sourceGroupId)),
          pgArray(events.map((e) => e.status)),
          pgArray(events.map((e) => e.origin)),
          pgArray(events.map((e) => iso(e.createdAt))),
          pgArray(events.map((e) => (isUnfinished(e.status) ? null : iso(e.createdAt)))),
        ]),
      );
      return null;
    });
  }

  async channelsWithWork(now: number, holder: string, cursors: ReadonlyMap<string, number>): Promise<string[]> {
    const [withPending, withLeases] = await Promise.all([
      this.transaction(async (client) => {
        await client.query(PENDING_PROBE_PLAN);
        return (await client.query<{ id: string }>(PENDING_CHANNELS, [ms(now), holder, [...cursors.keys()], [...cursors.values()]])).rows;
      }),
      this.pool.query<{ id: string }>(LEASED_CHANNELS([ms(now), holder])),
    ]);
    return [...new Set([...withPending, ...withLeases.rows].map((r) => r.id))];
  }

  async channel(channelId: string): Promise<ChannelDelivery | null> {
    const { rows } = await this.pool.query<ChannelDelivery>(READ_CHANNEL([channelId]));
    return rows[0] ?? null;
  }

  async claim(
    channelId: string,
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number,
    options: ClaimOptions = {},
  ): Promise<ClaimedEvent[]> {
    return claimInOrder(
      {
        lease: async (limit: number, kinds: LeaseKinds) => {
          const params = [channelId, workerId, ms(now), limit, ms(now + leaseMs), kinds.expired, kinds.fresh, kinds.due];
          return (await this.pool.query<ClaimedEvent>(LEASE(params))).rows;
        },
        readFresh: async (after: number, limit: number) =>
          (await this.pool.query<ClaimedEvent>(READ_FRESH([channelId, after, limit]))).rows,
      },
      limit,
      options,
    );
  }

  async release(seqs: readonly number[], workerId: string): Promise<void> {
    if (seqs.length === 0) return;
    await this.pool.query(
      `UPDATE "WebhookEvent" SET "status" = CASE WHEN "attempts" > 0 THEN ${SqlStatus.retrying} ELSE ${SqlStatus.pending} END,
         "lockedBy" = NULL, "lockedUntil" = NULL
       WHERE "seq" = ANY($1::integer[]) AND "status" = ${SqlStatus.sending} AND "lockedBy" = $2`,
      [seqs, workerId],
    );
  }

  async skipPending(channelId: string, now: number): Promise<number> {
    const result = await this.pool.query(
      // Each status apart, so that each is found in its partial index.
      `UPDATE "WebhookEvent" SET "status" = ${SqlStatus.skipped}, "finishedAt" = $1, "lockedBy" = NULL, "lockedUntil" = NULL
       WHERE "seq" IN (
         SELECT "seq" FROM "WebhookEvent" WHERE "status" = ${SqlStatus.pending} AND "channelId" = $2
         UNION ALL
         SELECT "seq" FROM "WebhookEvent" WHERE "status" = ${SqlStatus.retrying} AND "channelId" = $2)`,
      [ms(now), channelId],
    );
    return result.rowCount ?? 0;
  }

  async recordOutcomes(outcomes: readonly EventOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    await this.transaction(async (client) => {
      const flags = await readFlags(client, channelsWithFailures(outcomes));
      await writePlan(client, planOutcomes(outcomes, flags, this.redeliverySchedule, now));
    });
  }

  async recordCheck(attempt: AttemptRecord): Promise<void> {
    await insertAttempts(this.pool, [attempt]);
  }

  async heartbeat(holder: string, now: number, aliveMs: number): Promise<number> {
    const { rows } = await this.pool.query<{ live: number }>(
      HEARTBEAT([holder, ms(now), ms(forgetDispatchersSeenBefore(now, aliveMs)), ms(now - aliveMs)]),
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
    const { rows: heldRows } = await this.pool.query<{ channelId: string }>(HELD_CHANNELS([holder, ms(now)]));
    const held = new Set(heldRows.map((r) => r.channelId));
    const result: string[] = [];
    let count = held.size;
    // One statement per channel, each its own transaction: holding several lease rows' locks at
    // once would let two dispatchers wanting the same channels in different orders deadlock. The
    // upsert's row lock decides between dispatchers taking the same channel at once.
    for (const channelId of channels) {
      const mine = held.has(channelId);
      if (!mine && count >= max) continue;
      const taken = await this.pool.query(TAKE_CHANNEL([channelId, holder, ms(now + leaseMs), ms(now)]));
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

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/**
 * Writes a retry key with its batch's ids, or, when the key stored a batch within the last 24
 * hours, returns that batch. A key whose 24 hours are over is used afresh. Requests with the same
 * key take turns on the channel's insert lock, so the later one finds the earlier's key.
 */
async function storeRetryKey(client: pg.PoolClient, retryKey: RetryKey, events: readonly NewEvent[]): Promise<AcceptedBatch | null> {
  const { channelId, key, requestId, willSend, now } = retryKey;
  const stored = await client.query(
    `INSERT INTO "IngestRetryKey" ("channelId", "retryKey", "requestId", "webhookEventIds", "willSend", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT ("channelId", "retryKey") DO UPDATE SET "requestId" = excluded."requestId",
       "webhookEventIds" = excluded."webhookEventIds", "willSend" = excluded."willSend", "createdAt" = excluded."createdAt"
     WHERE "IngestRetryKey"."createdAt" < $7`,
    [channelId, key, requestId, JSON.stringify(events.map((e) => e.webhookEventId)), willSend, ms(now), ms(now - RETRY_KEY_TTL_MS)],
  );
  if (stored.rowCount) return null;
  const { rows } = await client.query<{ requestId: string; webhookEventIds: string; willSend: boolean }>(
    `SELECT "requestId", "webhookEventIds", "willSend" FROM "IngestRetryKey" WHERE "channelId" = $1 AND "retryKey" = $2`,
    [channelId, key],
  );
  const earlier = rows[0]!;
  return { requestId: earlier.requestId, webhookEventIds: JSON.parse(earlier.webhookEventIds), willSend: earlier.willSend };
}

const READ_FLAGS = prepared(
  `SELECT "id", "errorStatisticsAggregation", "webhookRedelivery", "errorNotification"
   FROM "Channel" WHERE "id" = ANY($1::text[])`,
);

/** The switches of the channels a batch needs, as they are in the batch's transaction. */
async function readFlags(client: pg.PoolClient, channelIds: readonly string[]): Promise<Map<string, ChannelFlags>> {
  if (channelIds.length === 0) return new Map();
  const { rows } = await client.query<ChannelFlags & { id: string }>(READ_FLAGS([channelIds]));
  return new Map(rows.map(({ id, ...flags }) => [id, flags]));
}

/** Writes each event's outcome: its new status ($2) and next attempt ($3) by seq ($1), finished at $4. */
const WRITE_OUTCOMES = prepared(
  `UPDATE "WebhookEvent" AS e SET "status" = u."status", "attempts" = e."attempts" + 1, "finishedAt" = $4,
     "nextAttemptAt" = u."next", "lockedBy" = NULL, "lockedUntil" = NULL
   FROM unnest($1::integer[], $2::text[], $3::timestamptz[]) AS u("seq", "status", "next")
   WHERE e."seq" = u."seq"`,
);

/**
 * Writes a batch's plan with a few multi-row statements. The plan's rows come in one order for
 * every writer, so two writers upserting the same rows take their locks in the same order.
 */
async function writePlan(client: pg.PoolClient, plan: OutcomePlan): Promise<void> {
  await insertAttempts(client, plan.attempts);
  await client.query(
    WRITE_OUTCOMES([
      pgArray(plan.events.map((e) => e.seq)),
      pgArray(plan.events.map((e) => e.status)),
      pgArray(plan.events.map((e) => (e.nextAttemptAt === null ? null : iso(e.nextAttemptAt)))),
      ms(plan.now),
    ]),
  );
  await upsertErrorRows(client, plan.errorGroups, plan.errorHours);
  for (const n of plan.notices) await countNotice(client, n, plan.now);
}

/** PostgreSQL's type for each kind of attempt column. */
const PG_TYPES = { text: "text", boolean: "boolean", time: "timestamptz", real: "double precision", integer: "integer" } as const;

const INSERT_ATTEMPTS = prepared(`INSERT INTO "DeliveryAttempt" (${ATTEMPT_COLUMN_LIST})
  SELECT * FROM unnest(${ATTEMPT_COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c.kind]}[]`).join(", ")})`);

const pgAttemptValues = attemptValues({ boolean: (value) => value, time: iso });

/** Writes attempt-log rows with one statement: a column array per column. */
async function insertAttempts(client: Queryable, attempts: readonly AttemptRecord[]): Promise<void> {
  const columns: ArrayElement[][] = ATTEMPT_COLUMNS.map(() => []);
  for (const attempt of attempts) {
    const values = pgAttemptValues(attempt) as ArrayElement[];
    for (let i = 0; i < values.length; i++) columns[i]!.push(values[i]!);
  }
  await client.query(INSERT_ATTEMPTS(columns.map(pgArray)));
}

const UPSERT_ERROR_ROWS = prepared(
  `INSERT INTO "ErrorStat" ("channelId", "windowStart", "reason", "detail", "firstAt", "lastAt", "count")
   SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::integer[])
   ON CONFLICT ("channelId", "windowStart", "reason", "detail") DO UPDATE SET
     "count" = "ErrorStat"."count" + excluded."count",
     "firstAt" = least("ErrorStat"."firstAt", excluded."firstAt"),
     "lastAt" = greatest("ErrorStat"."lastAt", excluded."lastAt")
   RETURNING "channelId", "windowStart", "reason", "detail", (xmax = 0) AS "created"`,
);

const UPSERT_ERROR_HOURS = prepared(
  `INSERT INTO "ErrorStatHour" ("channelId", "hourStart", "reason", "detail", "count", "rows")
   SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::integer[], $6::integer[])
   ON CONFLICT ("channelId", "hourStart", "reason", "detail") DO UPDATE SET
     "count" = "ErrorStatHour"."count" + excluded."count", "rows" = "ErrorStatHour"."rows" + excluded."rows"`,
);

/**
 * Adds a batch's failures to their 60-second rows and their hours, each with one statement. The
 * upserts are atomic however many processes write the same rows, and the first tells which rows
 * it created, which the hours count.
 */
async function upsertErrorRows(client: pg.PoolClient, groups: readonly ErrorGroup[], hours: readonly ErrorHour[]): Promise<void> {
  if (groups.length === 0) return;
  const { rows } = await client.query<{ channelId: string; windowStart: Date; reason: string; detail: string; created: boolean }>(
    UPSERT_ERROR_ROWS([
      groups.map((g) => g.channelId),
      groups.map((g) => ms(g.windowStart)),
      groups.map((g) => g.reason),
      groups.map((g) => g.detail),
      groups.map((g) => ms(g.firstAt)),
      groups.map((g) => ms(g.lastAt)),
      groups.map((g) => g.count),
    ]),
  );
  const created = new Set(rows.filter((r) => r.created).map((r) => rowKey(r.channelId, r.windowStart.getTime(), r.reason, r.detail)));
  await client.query(
    UPSERT_ERROR_HOURS([
      hours.map((h) => h.channelId),
      hours.map((h) => ms(h.hourStart)),
      hours.map((h) => h.reason),
      hours.map((h) => h.detail),
      hours.map((h) => h.count),
      hours.map((h) => rowsCreatedIn(h, created)),
    ]),
  );
}

/**
 * Adds failures to the channel's open notification group, or opens one. A transaction lock on
 * the group's key makes concurrent writers take turns, so they never open two groups.
 */
async function countNotice(client: pg.PoolClient, n: Notice, now: number): Promise<void> {
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
    [n.count, ms(n.lastAt), n.channelId, n.kind, n.reason, n.detail, ms(joinableAfter(n.firstAt))],
  );
  if (updated.rowCount) return;
  const span = openedGroupSpan(n, now);
  await client.query(
    `INSERT INTO "NotificationGroup" ("channelId", "kind", "reason", "detail", "openedAt", "lastAt", "count")
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [n.channelId, n.kind, n.reason, n.detail, ms(span.openedAt), ms(span.lastAt), n.count],
  );
}
